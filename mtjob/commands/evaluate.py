"""``mtjob eval OUT --refs DIR``: BLEU, chrF++ and ROUGE of a finished run against references.

Exit codes: 0 scored; 1 OUT fails ``mtjob verify`` or a reference's paragraph count differs
from the run's (the article and both counts are named); 2 usage (no reference at all, REFS
not a folder) or the ``[eval]`` extra is missing (the message says what to install).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .common import errors, setup_logging

HELP = ("Score a finished output folder against human references in --refs: NAME.en.txt "
        "(paragraphs as in the input) and optionally NAME.abstract.txt. Prints corpus BLEU and "
        "chrF++ with their sacreBLEU signatures, per-article scores and ROUGE-1/2/Lsum of the "
        "abstracts. Needs: pip install 'mtjob[eval]'.")


def evaluate(
    out: Annotated[Path, typer.Argument(help="A finished output folder (mtjob run --out).")],
    refs: Annotated[Path, typer.Option("--refs", help="Folder of NAME.en.txt references "
                                       "(and NAME.abstract.txt).")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Score OUT against REFS; the report goes to stdout."""
    setup_logging(quiet=quiet)
    with errors():
        from ..evaluate import evaluate as run_eval

        report = run_eval(out, refs)
    if as_json:
        from ..runlog import json_safe  # a doc id splits no line, reorders no terminal

        typer.echo(json_safe(json.dumps(report.to_dict(), ensure_ascii=False, indent=2)))
    else:
        typer.echo(report.render_text(), nl=False)


def register(app: typer.Typer) -> None:
    """Add ``mtjob eval`` to the app."""
    app.command("eval", help=HELP)(evaluate)
