"""Where the work runs: in this process (local), or on a pool of Ray actors. Slurm arrays need
no executor of their own: each task runs the local one on its shard (see ``slurm.py``)."""
