"""Where model calls run: in this process (``local``) or on a pool of Ray actors (``ray``).
Slurm arrays need no engine of their own: each task runs the local one on its shard."""
