"""Commands: the ``mtjob`` app's commands, one per module (``register(app)``).

Members: ``run``, ``verify``, ``export``, ``evaluate``, ``models``; ``options`` (the run's
flags from ``JobConfig``), ``common`` (logging, errors to exit codes).

Each command parses its flags, calls one pure function, and leaves errors to
:func:`mtjob.commands.common.errors`.
"""

from __future__ import annotations

import typer

#: Each command's name and the module of this package that registers it.
COMMANDS = {"run": "run", "translate": "translate", "verify": "verify", "export": "export",
            "import": "import_", "eval": "evaluate", "models": "models",
            "memory": "memory"}


def register_all(app: typer.Typer, only: str | None = None) -> None:
    """Add every command of this package to the app, or the command ``only`` alone (its
    module alone is imported)."""
    import importlib

    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f"{__name__}.{module}").register(app)
