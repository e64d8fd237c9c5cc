"""Typer commands added to the ``mtjob`` app by ``register(app)``, one command per module.

Each command parses its flags, calls one pure function and turns a ``MtjobError`` into one
``Error: ...`` line and its exit code (``cli_errors``); tracebacks only with MTJOB_DEBUG=1.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from ..errors import MtjobError


def setup_logging(quiet: bool) -> None:
    """Warnings (dropped characters, skipped articles) on stderr; stdout stays for data."""
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


@contextmanager
def cli_errors() -> Iterator[None]:
    """Map a ``MtjobError`` to ``Error: ...`` on stderr and its ``exit_code``."""
    try:
        yield
    except MtjobError as exc:
        if os.environ.get("MTJOB_DEBUG"):
            raise
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


def register_all(app: typer.Typer) -> None:
    """Add every command of this package (``export``, ``eval``, ``models``) to the app."""
    from . import evaluate, export, models

    export.register(app)
    evaluate.register(app)
    models.register(app)
