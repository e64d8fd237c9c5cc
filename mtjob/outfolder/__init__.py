"""The output folder's contract: what is written where, atomically, and how it is read back.

- ``paths``: where each file lives; when an article counts as done
- ``atomic``: temp file, fsync, ``os.replace``; stale temp files removed
- ``writer``: an article's JSONL bytes made from its records, corrections re-applied
- ``manifest``: the shard's manifest, written as the run goes; completion markers
- ``index``: a per-shard index of finished articles, re-checked by ``stat``
- ``lock``: one run per shard, one shard count per folder
- ``finished``: a finished article's records, each key declared once (shape and meaning)
- ``schema``: the validator naming each problem, and the manifest's shape
- ``jsonl``: the one reader of ``NAME.jsonl`` (split on ``\\n`` only, strict)
- ``verify``: is a folder finished, well-formed and as recorded; ``verify_report`` tells it
- ``readback``: a finished folder read into ``FinishedArticle`` s, for export, import and eval
- ``memory_note``: the translation memory's exact match or suggestion of a sentence, as read
- ``english_text``: ``NAME.en.txt`` (``--text``), the final English derived from the JSONL
- ``corrections``: the corrections people made, kept under ``_mtjob/corrections/``
- ``machine``: the machine output inside a corrected JSONL
- ``journal``: several files replaced as one commit (``mtjob import``)
- ``sentences``: every sentence of a folder's JSONL files, with its place
- ``verify_beyond``: verify's checks of the review pages and of ``--inputs``
"""
