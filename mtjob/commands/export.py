"""``mtjob export OUT --format html|xliff|tmx|tsv|text``: a finished run for reviewers, tools
and readers.

Exit codes: 0 every article exported; 1 some articles left out (failed, not written yet, or
their files fail ``verify``: each kind named on stderr, the finished ones exported), or, with
``--strict``, OUT fails ``verify`` (nothing exported); 2 usage (OUT not a folder or without
any article, an unknown format, ``--excel`` without tsv, ``--omegat`` without xliff,
``--project`` without tmx); 74 a file cannot be written (disk full, permissions). 1 for a
partial export, as ``mtjob run`` exits 1 when some inputs failed and the rest are written: a
script or cron job can tell a complete export from a partial one, and stdout still lists
every file written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import errors, setup_logging
from .options import HELP_QUIET, PanelCommand

HELP = ("Export a finished output folder: html (review pages + index.html), xliff (XLIFF 1.2 "
        "for CAT tools), tmx (TMX 1.4b memory), tsv (one row per sentence), text (the final "
        "English, post-edits in place). Writes one file per finished article into --to "
        "(default OUT/export/FORMAT). Articles that failed or were not written yet are left "
        "out and named on stderr. html: the pages that mtjob run --report keeps current in "
        "OUT/report/, written once, here, on demand (of a folder run without --report, with "
        "--only-flagged, or to send). Exit 0: every article exported; 1: some left out (or, "
        "with --strict, OUT fails verify and nothing is exported); 2: usage; 74: a file "
        "cannot be written.")
HELP_STRICT = ("Refuse a folder that fails `mtjob verify` (a failed or unfinished article, an "
               "edited file): export nothing, exit 1.")
HELP_ONLY_FLAGGED = ("xliff/tmx/tsv: flagged sentences only. html: every sentence, the page "
                     "opens with its 'flagged only' filter on.")

HELP_PROJECT = ("tmx: one memory for the whole folder (project.tmx, default folder "
                "OUT/export/tmx-project) for OmegaT's tm/auto: one entry per Arabic sentence, "
                "a person's correction before the machine's English, the newer before the "
                "older.")

HELP_OMEGAT = ("xliff for OmegaT (default folder OUT/export/omegat): each <target> holds the "
               "Arabic, which OmegaT translates; put the tmx export in the project's tm/auto "
               "for mtjob's English.")


def export(
    out: Annotated[Path, typer.Argument(help="A finished output folder (mtjob run --out).",
                                        metavar="OUT", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", help="What to write.",
                                     metavar="[html|xliff|tmx|tsv|text]", show_default=False)],
    to: Annotated[Path | None, typer.Option(
        "--to", help="Folder for the files (default OUT/export/FORMAT).",
        show_default=False)] = None,
    only_flagged: Annotated[bool, typer.Option("--only-flagged", help=HELP_ONLY_FLAGGED)] = False,
    excel: Annotated[bool, typer.Option("--excel", help="tsv: start with a UTF-8 BOM so Excel "
                                        "reads the Arabic right.")] = False,
    omegat: Annotated[bool, typer.Option("--omegat", help=HELP_OMEGAT)] = False,
    project: Annotated[bool, typer.Option("--project", help=HELP_PROJECT)] = False,
    strict: Annotated[bool, typer.Option("--strict", help=HELP_STRICT)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=HELP_QUIET + " The files "
                                        "written still go to stdout.")] = False,
) -> None:
    """Export OUT as html, xliff, tmx, tsv or text; prints the files written, one per line."""
    setup_logging(quiet=quiet)
    with errors():
        from ..export import export_folder

        report = export_folder(out, fmt.lower(), to, only_flagged=only_flagged, excel=excel,
                               omegat=omegat, project=project, strict=strict)
    from ..inputs.sources import display_name, one_line

    for path in report.files:  # one line each, whatever the name holds
        typer.echo(display_name(path))
    for line in report.left_out_lines():  # named even with --quiet: the exit code says 1
        typer.echo(f"Warning: {one_line(line)}", err=True)
    if not report.complete:
        typer.echo(f"Warning: `mtjob verify {one_line(display_name(out))} --all` says why "
                   "each was left out; --strict refuses a folder that is not whole", err=True)
    if not quiet:
        typer.echo(f"exported {report.summary_line()}", err=True)
    if not report.complete:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``mtjob export`` to the app."""
    app.command("export", help=HELP, cls=PanelCommand)(export)
