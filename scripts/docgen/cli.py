"""The command-line reference: what ``mtjob CMD --help`` prints for every command and
subcommand of the app, 100 columns wide, and the table of exit codes."""

from __future__ import annotations

import os
from typing import Any

WIDTH = 100


def commands() -> list[tuple[str, ...]]:
    """Every command path of the app, parents before their subcommands: ``()``, ``("run",)``,
    ..., ``("models", "stage")``."""
    import typer
    from typer.core import TyperGroup  # typer carries its own click: click.Group is not it

    from mtjob.cli import app

    paths: list[tuple[str, ...]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        paths.append(path)
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                if not sub.hidden:
                    walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return paths


def command_help(path: tuple[str, ...]) -> str:
    """``mtjob PATH --help``, exactly as a 100-column terminal shows it."""
    from typer.testing import CliRunner

    from mtjob.cli import app

    os.environ["COLUMNS"] = str(WIDTH)
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="mtjob",
                                terminal_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"mtjob {' '.join(path)} --help exited {result.exit_code}:\n"
                           f"{result.output}")
    return result.output.rstrip()


def reference() -> str:
    """One section per command: a heading (``## mtjob run``, ``### mtjob models stage``) and
    its help in a text block."""
    parts = []
    for path in commands():
        level = "#" * min(2 + max(len(path) - 1, 0), 4)
        parts.append(f"{level} mtjob {' '.join(path)}".rstrip() + "\n\n```text\n"
                     + command_help(path) + "\n```\n")
    return "\n".join(parts)


def exit_codes() -> str:
    """The exit codes of ``mtjob run``, from ``mtjob.errors.EXIT_CODES``."""
    from mtjob.errors import EXIT_CODES

    rows = "\n".join(f"| `{code}` | {meaning} |" for code, meaning in EXIT_CODES.items())
    return "| exit code | meaning |\n|---|---|\n" + rows + "\n"
