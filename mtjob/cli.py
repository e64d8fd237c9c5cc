"""The ``mtjob`` command line: the app and its commands (one per module in ``commands/``).
Each command parses, calls the core, and sets the exit code; nothing else.

``mtjob CMD ...`` imports and builds ``CMD`` alone (a quick start: ``mtjob translate "..."``
pays for no other command); ``mtjob --help`` and ``app`` (tests, docs) have them all.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from .commands import COMMANDS, register_all
from .commands.options import PlainGroup

HELP = "Arabic news articles in; aligned Arabic-English JSONL and an English abstract out."


def _version(value: bool) -> None:
    if value:
        from .versions import versions_line

        typer.echo(versions_line())
        raise typer.Exit()


def _main(version: Annotated[bool, typer.Option(  # bool: typer converts no value
        "--version", callback=_version, is_eager=True,
        help="mtjob's version and those of torch, transformers and CTranslate2.")] = False,
          ) -> None:
    """Arabic news articles in; aligned Arabic-English JSONL and an English abstract out."""


def make_app(only: str | None = None) -> typer.Typer:
    """The app with every command, or with the command ``only`` alone."""
    app = typer.Typer(cls=PlainGroup, add_completion=False, no_args_is_help=True,
                      pretty_exceptions_enable=False, rich_markup_mode=None, help=HELP)
    app.callback()(_main)
    register_all(app, only)
    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # built on first use: ``main`` does not need every command
        built = globals()["app"] = make_app()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console entry point."""
    args = sys.argv[1:]
    make_app(args[0] if args and args[0] in COMMANDS else None)()
