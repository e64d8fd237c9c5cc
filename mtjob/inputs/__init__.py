"""Inputs: an article on disk becomes decoded paragraphs; nothing blocks or passes silently.

- ``sources``: which entries are read (regular files only, non-blocking), escaped names
- ``reader``: strict UTF-8 with byte offsets, paragraph splitting (``Article``, ``Paragraph``)
"""
