"""Runs: one run's bookkeeping, the shard of the inputs it owns, what it did, and its record.

- ``bookkeeping``: every article's outcome to the report, the manifest and the log (``Bookkeeping``)
- ``sharding``: which articles a task owns (``--shard I/N``, Slurm array variables)
- ``report``: what a run did, its counts and its summary line (``RunReport``)
- ``runlog``: JSON log lines, one record per run, a Prometheus textfile; every ending recorded
- ``pathcheck``: the paths a run reads or writes besides its inputs (config, glossary,
  metrics file): regular files only, never one of the run's own files
"""
