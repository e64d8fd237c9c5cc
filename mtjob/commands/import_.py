"""``mtjob import OUT FILE...``: corrections people made, back into the output folder.

Exit codes: 0 every unit applied (or already so); 1 some units refused (each named by file,
unit and reason on stderr), the rest applied, or OUT fails ``mtjob verify``; 2 usage (a file
that is none of the formats, OUT not an output folder); 74 a file cannot be written; 75 a run
holds the folder's lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..outfolder.lock import MAX_WAIT
from .common import errors, setup_logging
from .options import in_range

HELP = ("Apply corrections to a finished output folder: the review page's corrections file "
        "(JSON), XLIFF 1.2, TMX (mtjob's, or a CAT tool's memory, matched by the Arabic) or "
        "the TSV export with its post_edit column filled. Each unit is checked against the "
        "Arabic and machine English it was exported with; a unit that no longer fits is "
        "refused and named (exit 1), the rest applied. The JSONL keeps the machine's en and "
        "gains post_edit, edited_by, edited_at.")


def import_(
    out: Annotated[Path, typer.Argument(help="A finished output folder (mtjob run --out).")],
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="Corrections JSON, .xlf, .tmx or .tsv.", show_default=False)] = None,
    by: Annotated[Optional[str], typer.Option(
        "--by", help="edited_by for units whose file names no editor.",
        show_default=False)] = None,
    resummarize: Annotated[bool, typer.Option(
        "--resummarize", help="Remake the abstract of each article with post-edits from its "
        "corrected English (the run's summarizer; loads the model).")] = False,
    wait_lock: Annotated[float, typer.Option(
        "--wait-lock", help="Seconds to wait for a run holding the folder.",
        callback=in_range(0, MAX_WAIT))] = 0.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Apply the corrections of FILE... to OUT; exit 1 naming each unit refused."""
    setup_logging(quiet=quiet)
    with errors():
        from ..errors import ConfigError, InputError
        from ..feedback.importing import import_files

        if not files and not resummarize:
            raise ConfigError("give FILE... to import, or --resummarize")
        try:
            report = import_files(out, files or [], by=by, wait_lock=wait_lock,
                                  resummarize=resummarize)
        except InputError as exc:  # a file that is not one of the formats: usage
            exc.exit_code = 2
            raise
    for file, unit, reason in report.refused:
        typer.echo(f"Refused: {file}: {unit}: {reason}", err=True)
    if not quiet:
        typer.echo(f"imported {report.summary_line()}", err=True)
    if report.refused:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``mtjob import`` to the app."""
    app.command("import", help=HELP)(import_)
