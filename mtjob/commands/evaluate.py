"""``mtjob eval OUT --refs DIR``: BLEU, chrF++ and ROUGE of a finished run against references.
``mtjob eval OUT --post-edits``: the machine English against people's post-edits (HTER, chrF)
and how well ``score`` tells heavy edits apart; ``--calibrate`` writes the ``min_score``.

Exit codes: 0 scored; 1 OUT fails ``mtjob verify`` or a reference's paragraph count differs
from the run's (the article and both counts are named), or a JSONL line is not a record;
2 usage (no reference at all, REFS not a folder, neither or both of --refs and --post-edits,
no post-edit in OUT, nothing to calibrate on) or the ``[eval]`` extra is missing (the message
says what to install).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .common import errors, setup_logging
from .options import HELP_QUIET, PanelCommand, in_range

HELP = ("Score a finished output folder against human references in --refs: NAME.en.txt "
        "(paragraphs as in the input) and optionally NAME.abstract.txt. Prints corpus BLEU and "
        "chrF++ with their sacreBLEU signatures, per-article scores and ROUGE-1/2/Lsum of the "
        "abstracts. Or, with --post-edits, score the machine English against the corrections "
        "people made (HTER, chrF) and calibrate min_score. Needs: pip install 'mtjob[eval]'.")
HELP_POST_EDITS = ("Score the machine English against its post_edit (HTER, chrF, share "
                   "edited) per article and for the run, and how well score separates heavy "
                   "edits (ROC AUC, the min_score that flags --recall of them).")


def evaluate(
    out: Annotated[Path, typer.Argument(help="A finished output folder (mtjob run --out).",
                                        metavar="OUT", show_default=False)],
    refs: Annotated[Optional[Path], typer.Option(
        "--refs", help="Folder of NAME.en.txt references (and NAME.abstract.txt).",
        show_default=False)] = None,
    post_edits: Annotated[bool, typer.Option("--post-edits", help=HELP_POST_EDITS)] = False,
    heavy: Annotated[float, typer.Option(help="--post-edits: a sentence needed a heavy edit "
                                         "above this HTER (0 to 100).",
                                         callback=in_range(0, 100))] = 0.3,
    recall: Annotated[float, typer.Option(help="--post-edits: the share of heavy edits the "
                                          "calibrated min_score flags (above 0, up to 1).",
                                          callback=in_range(0, 1, above=True))] = 0.8,
    calibrate: Annotated[Optional[Path], typer.Option(
        help="--post-edits: write the calibrated min_score into this TOML profile (created "
             "when missing; other lines kept).", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=HELP_QUIET)] = False,
) -> None:
    """Score OUT against REFS, or its machine English against its post-edits; the report
    goes to stdout."""
    setup_logging(quiet=quiet)
    with errors():
        from ..errors import ConfigError

        if (refs is None) == (not post_edits) or (calibrate and not post_edits):
            raise ConfigError("give either --refs DIR or --post-edits (--calibrate needs "
                              "--post-edits)")
        if post_edits:
            report = _post_edits(out, heavy, recall, calibrate)
        else:
            from ..evaluation.references import evaluate as run_eval

            report = run_eval(out, refs)  # type: ignore[arg-type]
    if as_json:
        from ..runs.runlog import json_safe  # a doc id splits no line, reorders no terminal

        typer.echo(json_safe(json.dumps(report.to_dict(), ensure_ascii=False, indent=2)))
    else:
        typer.echo(report.render_text(), nl=False)


def _post_edits(out: Path, heavy: float, recall: float, calibrate: Path | None) -> Any:
    from ..errors import ConfigError
    from ..evaluation.post_edits import evaluate_post_edits

    report = evaluate_post_edits(out, heavy, recall)
    if calibrate is not None:
        if report.min_score is None:
            raise ConfigError(f"--calibrate: no sentence of {out} with a score needed a heavy "
                              f"edit (HTER > {heavy:g}): nothing to calibrate on")
        from ..evaluation.calibrate import write_min_score

        write_min_score(calibrate, report.min_score,
                        f"mtjob eval --post-edits: flags {recall:.0%} of heavy edits "
                        f"(HTER > {heavy:g}) in {out.name}")
        from ..inputs.sources import display_name

        typer.echo(f"min_score {report.min_score:.4f} written to {display_name(calibrate)}",
                   err=True)
    return report


def register(app: typer.Typer) -> None:
    """Add ``mtjob eval`` to the app."""
    app.command("eval", help=HELP, cls=PanelCommand)(evaluate)
