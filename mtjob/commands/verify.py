"""``mtjob verify OUT [--inputs PATH...] [--strict] [--all] [--json]``: is an output folder
complete and as recorded? Exit 0 ok (warnings may be printed), 1 with the problems named (a
long list of articles summed up with a count and the first few; ``--all`` names every one),
2 usage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .common import errors, setup_logging
from .options import PanelCommand

HELP = ("Check an output folder: the run finished (every article done, none failed); every "
        "article is present, well-formed and as hashed; with --inputs, every input is done "
        "at its current source hash. Unknown files are warnings. Exit 0 ok, 1 problems "
        "named, 2 usage.")


def verify(
    out: Annotated[Path, typer.Argument(help="An output folder (mtjob run --out).",
                                        metavar="OUT", show_default=False)],
    inputs: Annotated[list[Path] | None, typer.Option(
        "--inputs", metavar="PATH", help="Also check that each of these inputs (files or "
        "folders) is done at its current source hash. Repeat the option for several.",
        show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Unknown files in OUT are errors, "
                                         "not warnings.")] = False,
    everything: Annotated[bool, typer.Option("--all", help="Name every article left (failed, "
                                             "not written yet), not the first few and a "
                                             "count.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout: ok, "
                                          "errors (every one), warnings, articles by "
                                          "status.")] = False,
    history: Annotated[str | None, typer.Option(
        "--history", metavar="DOC_ID", help="Print the article's corrections history, "
        "sentence by sentence (* marks the correction that applies), after the check.",
        show_default=False)] = None,
) -> None:
    """Check an output folder; exit 1 naming each problem."""
    from ..outfolder.verify import check_folder

    setup_logging(quiet=True)  # the warnings of reading --inputs, one escaped line each
    with errors():
        report = check_folder(out, inputs or None, strict)
    from ..inputs.sources import display_name, one_line, utf8_text

    if as_json:  # the folder as it is named (not quoted); JSON that no reader splits
        from ..runs.runlog import json_safe

        typer.echo(json_safe(json.dumps({"folder": utf8_text(str(out)), "ok": report.ok,
                                         "errors": report.errors, "warnings": report.warnings,
                                         "articles": report.articles},
                                        ensure_ascii=False, indent=2)))
        raise typer.Exit(0 if report.ok else 1)
    for warning in report.warning_lines(everything):
        typer.echo(f"Warning: {one_line(warning)}", err=True)
    for problem in report.lines(everything):
        typer.echo(f"Error: {one_line(problem)}", err=True)
    if history is not None:
        from ..outfolder.history import history_lines

        with errors():
            for line in history_lines(out, history):
                typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)
    typer.echo(f"ok: {display_name(out)}")


def register(app: typer.Typer) -> None:
    """Add ``mtjob verify`` to the app."""
    app.command("verify", help=HELP, cls=PanelCommand)(verify)
