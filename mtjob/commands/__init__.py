"""Commands: the ``mtjob`` app's commands, one per module (``register(app)``).

Members: ``run``, ``verify``, ``export``, ``evaluate``, ``models``; ``options`` (the run's
flags from ``JobConfig``), ``common`` (logging, errors to exit codes).

Each command parses its flags, calls one pure function, and leaves errors to
:func:`mtjob.commands.common.errors`.
"""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    """Add every command of this package to the app."""
    from . import evaluate, export, models, run, verify

    run.register(app)
    verify.register(app)
    export.register(app)
    evaluate.register(app)
    models.register(app)
