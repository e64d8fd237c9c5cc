"""``mtjob import OUT FILE...``: corrections people made, back into the output folder.

Exit codes: 0 every unit applied (or already so, or older than the newest correction of its
sentence: kept in the history); 1 some units refused (each named by file,
unit and reason on stderr), the rest applied, or OUT fails ``mtjob verify``; 2 usage (a file
that is none of the formats, OUT not an output folder); 74 a file cannot be written; 75 a run
holds the folder's lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..outfolder.lock import MAX_WAIT
from .common import errors, setup_logging
from .options import HELP_QUIET, PanelCommand, in_range

HELP = ("Apply corrections to a finished output folder: the review page's corrections file "
        "(JSON), XLIFF 1.2, TMX (mtjob's, or a CAT tool's memory, matched by the Arabic) or "
        "the TSV export with its post_edit column filled. Each unit finds its sentence by the "
        "article and the Arabic (made on older machine English: still applied); a unit whose "
        "Arabic is gone is refused and named (exit 1), the rest applied. Every correction is "
        "kept in the article's history with who and when as the file says; the newest "
        "applies, and edits reach the same Arabic elsewhere in the folder. The JSONL keeps "
        "the machine's en and gains review, post_edit, edited_by, edited_at, edit_from.")


def import_(
    out: Annotated[Path, typer.Argument(help="A finished output folder (mtjob run --out).",
                                        metavar="OUT", show_default=False)],
    files: Annotated[list[Path] | None, typer.Argument(
        help="Corrections JSON, .xlf, .tmx or .tsv.", metavar="FILE",
        show_default=False)] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="edited_by for units whose file names no editor.",
        show_default=False)] = None,
    resummarize: Annotated[bool, typer.Option(
        "--resummarize", help="Remake the abstract of each article with post-edits from its "
        "corrected English (the run's summarizer; loads the model).")] = False,
    no_propagate: Annotated[bool, typer.Option(
        "--no-propagate", help="Apply each edit to its own sentence only, not to the same "
        "Arabic elsewhere in the folder.")] = False,
    wait_lock: Annotated[float, typer.Option(
        "--wait-lock", help="Seconds to wait for a run holding the folder.",
        callback=in_range(0, MAX_WAIT))] = 0.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=HELP_QUIET)] = False,
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
                                  resummarize=resummarize, propagate_edits=not no_propagate)
        except InputError as exc:  # a file that is not one of the formats: usage
            exc.exit_code = 2
            raise
    from ..inputs.sources import display_name, one_line

    for file, unit, reason in report.refused:  # names from the files: escaped, one line each
        typer.echo(f"Refused: {display_name(file)}: {display_name(unit)}: {one_line(reason)}",
                   err=True)
    if not quiet:
        typer.echo(f"imported {report.summary_line()}", err=True)
    if report.refused:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``mtjob import`` to the app."""
    app.command("import", help=HELP, cls=PanelCommand)(import_)
