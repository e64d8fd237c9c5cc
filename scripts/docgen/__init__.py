"""The docs' generated parts, made from the code each time the site is built.

A page holds a marker, ``<!-- gen:NAME -->``, that ``hooks`` replaces when ``mkdocs build``
runs, so the site always says what this checkout does.

- ``cli``: every command's ``--help``, and the exit codes (``mtjob.errors.EXIT_CODES``)
- ``settings``: every setting of ``JobConfig``, with its TOML key, flag, default and range
- ``fields``: every key of the output's records (a JSONL line, its sentences, the abstract),
  from their one declaration (``mtjob.outfolder.finished``)
- ``layout``: the package tree, from each package's face and each module's first sentence
- ``hooks``: the MkDocs hook (``mkdocs.yml``: ``hooks:``)
"""
