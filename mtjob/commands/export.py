"""``mtjob export OUT --format html|xliff|tmx|tsv``: a finished run for reviewers and tools.

Exit codes: 0 written; 1 OUT fails ``mtjob verify`` (the first problem and the count are
named); 2 usage (OUT not a folder or without any article, an unknown format, ``--excel``
without tsv, ``--omegat`` without xliff); 74 a file cannot be written (disk full, permissions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import errors, setup_logging
from .options import HELP_QUIET, PanelCommand

HELP = ("Export a finished output folder: html (review pages + index.html), xliff (XLIFF 1.2 "
        "for CAT tools), tmx (TMX 1.4b memory), tsv (one row per sentence). Writes one file "
        "per article into --to (default OUT/export/FORMAT). html: the pages that mtjob run "
        "--report keeps current in OUT/report/, written once, here, on demand (of a folder "
        "run without --report, with --only-flagged, or to send).")
HELP_ONLY_FLAGGED = ("xliff/tmx/tsv: flagged sentences only. html: every sentence, the page "
                     "opens with its 'flagged only' filter on.")

HELP_OMEGAT = ("xliff for OmegaT (default folder OUT/export/omegat): each <target> holds the "
               "Arabic, which OmegaT translates; put the tmx export in the project's tm/auto "
               "for mtjob's English.")


def export(
    out: Annotated[Path, typer.Argument(help="A finished output folder (mtjob run --out).",
                                        metavar="OUT", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", help="What to write.",
                                     metavar="[html|xliff|tmx|tsv]", show_default=False)],
    to: Annotated[Optional[Path], typer.Option(
        "--to", help="Folder for the files (default OUT/export/FORMAT).",
        show_default=False)] = None,
    only_flagged: Annotated[bool, typer.Option("--only-flagged", help=HELP_ONLY_FLAGGED)] = False,
    excel: Annotated[bool, typer.Option("--excel", help="tsv: start with a UTF-8 BOM so Excel "
                                        "reads the Arabic right.")] = False,
    omegat: Annotated[bool, typer.Option("--omegat", help=HELP_OMEGAT)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=HELP_QUIET + " The files "
                                        "written still go to stdout.")] = False,
) -> None:
    """Export OUT as html, xliff, tmx or tsv; prints the files written, one per line."""
    setup_logging(quiet=quiet)
    with errors():
        from ..export import export_folder

        report = export_folder(out, fmt.lower(), to, only_flagged=only_flagged, excel=excel,
                               omegat=omegat)
    from ..inputs.sources import display_name

    for path in report.files:  # one line each, whatever the name holds
        typer.echo(display_name(path))
    if not quiet:
        typer.echo(f"exported {report.summary_line()}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``mtjob export`` to the app."""
    app.command("export", help=HELP, cls=PanelCommand)(export)
