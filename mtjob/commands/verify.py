"""``mtjob verify OUT [--inputs PATH...] [--strict]``: is an output folder complete and as
recorded? Exit 0 ok (warnings may be printed), 1 with every problem named, 2 usage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import errors

HELP = ("Check an output folder: every shard that began has its manifest and completion "
        "marker; every article listed is present, well-formed and as hashed; with --inputs, "
        "every input is done at its current source hash. Unknown files are warnings.")


def verify(
    out: Annotated[Path, typer.Argument(help="An output folder (mtjob run --out).")],
    inputs: Annotated[Optional[list[Path]], typer.Option(
        "--inputs", help="Also check that each of these inputs (files or folders) is done at "
        "its current source hash. Repeat the option for several.", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Unknown files in OUT are errors, "
                                         "not warnings.")] = False,
) -> None:
    """Check an output folder; exit 1 naming each problem."""
    from ..outfolder.verify import check_folder

    with errors():
        report = check_folder(out, inputs or None, strict)
    for warning in report.warnings:
        typer.echo(f"Warning: {warning}", err=True)
    for problem in report.errors:
        typer.echo(f"Error: {problem}", err=True)
    if not report.ok:
        raise typer.Exit(1)
    typer.echo(f"ok: {out}")


def register(app: typer.Typer) -> None:
    """Add ``mtjob verify`` to the app."""
    app.command("verify", help=HELP)(verify)
