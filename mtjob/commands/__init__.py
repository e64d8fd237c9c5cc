"""Typer commands added to the ``mtjob`` app, one command per module (``register(app)``).

Each command parses its flags, calls one pure function, and leaves errors to
:func:`mtjob.commands.common.errors`.
"""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    """Add every command of this package to the app."""
    from . import evaluate, export, memory, models, run, verify

    run.register(app)
    verify.register(app)
    export.register(app)
    evaluate.register(app)
    models.register(app)
    memory.register(app)
