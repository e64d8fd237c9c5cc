"""The ``mtjob`` command line: the app and its commands (one per module in ``commands/``).
Each command parses, calls the core, and sets the exit code; nothing else."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .commands import register_all

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, help="Arabic news articles in; aligned Arabic-English "
                  "JSONL and an English abstract out.")


def _version(value: bool) -> None:
    if value:
        from .versions import versions_line

        typer.echo(versions_line())
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True,
        help="mtjob's version and those of torch, transformers and CTranslate2.")] = None,
          ) -> None:
    """Arabic news articles in; aligned Arabic-English JSONL and an English abstract out."""


register_all(app)


def main() -> None:
    """Console entry point."""
    app()
