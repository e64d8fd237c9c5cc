"""``python -m mtjob`` = the ``mtjob`` command."""

from .cli import main

main()
