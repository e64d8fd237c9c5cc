"""``mtjob eval OUT --refs DIR``: BLEU, chrF++ and ROUGE of a finished run against references.
``mtjob eval OUT --post-edits``: the machine English against people's post-edits (HTER, chrF)
and how well ``score`` tells heavy edits apart; ``--calibrate`` writes the ``min_score``.
``mtjob eval OUT --terms``: term accuracy and name consistency (:mod:`mtjob.evaluation.terms`).

Exit codes: 0 scored; 1 OUT fails ``mtjob verify`` or a reference's paragraph count differs
from the run's (the article and both counts are named), or a JSONL line is not a record,
or ``--calibrate`` refuses (too few reviewed sentences, ROC AUC below 0.6; ``--force``); 2
usage (no reference at all, REFS not a folder, not exactly one of --refs, --post-edits and
--terms, a --terms run without a glossary, no reviewed sentence in OUT, nothing to calibrate
on) or the ``[eval]`` extra is missing (the message
says what to install).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import errors, setup_logging
from .options import HELP_QUIET, PanelCommand, in_range

if TYPE_CHECKING:
    from ..evaluation.post_edits import PostEditReport
    from ..evaluation.references import EvalReport
    from ..evaluation.terms import TermsReport

HELP = ("Score a finished output folder against human references in --refs: NAME.en.txt "
        "(paragraphs as in the input) and optionally NAME.abstract.txt. Prints corpus BLEU and "
        "chrF++ with their sacreBLEU signatures, per-article scores and ROUGE-1/2/Lsum of the "
        "abstracts. Or, with --post-edits, score the machine English against the corrections "
        "people made (HTER, chrF) and calibrate min_score. Needs: pip install 'mtjob[eval]'.")
HELP_TERMS = ("Term accuracy (occurrences whose rendering is in the English) and name "
              "consistency (names rendered one way), for the machine output and the final "
              "text, with the glossary the run kept, or --glossary.")
HELP_POST_EDITS = ("Score the machine English against its post_edit (HTER, chrF, share "
                   "edited) per article and for the run, and how well score separates heavy "
                   "edits (ROC AUC, the min_score that flags --recall of them).")


def evaluate(
    out: Annotated[Path, typer.Argument(help="A finished output folder (mtjob run --out).",
                                        metavar="OUT", show_default=False)],
    refs: Annotated[Path | None, typer.Option(
        "--refs", help="Folder of NAME.en.txt references (and NAME.abstract.txt).",
        show_default=False)] = None,
    post_edits: Annotated[bool, typer.Option("--post-edits", help=HELP_POST_EDITS)] = False,
    terms: Annotated[bool, typer.Option("--terms", help=HELP_TERMS)] = False,
    glossary: Annotated[Path | None, typer.Option(
        "--glossary", help="--terms: score against this glossary (TSV or TBX) instead of "
        "the run's.", show_default=False)] = None,
    heavy: Annotated[float, typer.Option(help="--post-edits: a sentence needed a heavy edit "
                                         "above this HTER (0 to 100).",
                                         callback=in_range(0, 100))] = 0.3,
    recall: Annotated[float, typer.Option(help="--post-edits: the share of heavy edits the "
                                          "calibrated min_score flags (above 0, up to 1).",
                                          callback=in_range(0, 1, above=True))] = 0.8,
    calibrate: Annotated[Path | None, typer.Option(
        help="--post-edits: write the calibrated min_score into this TOML profile (created "
             "when missing; other lines kept).", show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="--calibrate: write min_score even from too few reviewed sentences "
        "or a ROC AUC below 0.6.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=HELP_QUIET)] = False,
) -> None:
    """Score OUT against REFS, or its machine English against its post-edits; the report
    goes to stdout."""
    setup_logging(quiet=quiet)
    with errors():
        from ..errors import ConfigError

        terms = terms or glossary is not None
        if (refs is not None) + post_edits + terms != 1 or (calibrate and not post_edits):
            raise ConfigError("give one of --refs DIR, --post-edits or --terms (--calibrate "
                              "needs --post-edits)")
        report: EvalReport | PostEditReport | TermsReport
        if terms:
            from ..evaluation.terms import evaluate_terms

            report = evaluate_terms(out, glossary)
        elif post_edits:
            report = _post_edits(out, heavy, recall, calibrate, force)
        else:
            from ..evaluation.references import evaluate as run_eval

            report = run_eval(out, refs)  # type: ignore[arg-type]
    if as_json:
        from ..runs.runlog import json_safe  # a doc id splits no line, reorders no terminal

        typer.echo(json_safe(json.dumps(report.to_dict(), ensure_ascii=False, indent=2)))
    else:
        typer.echo(report.render_text(), nl=False)


def _post_edits(out: Path, heavy: float, recall: float, calibrate: Path | None,
                force: bool = False) -> PostEditReport:
    from ..errors import ConfigError
    from ..evaluation.post_edits import evaluate_post_edits

    report = evaluate_post_edits(out, heavy, recall)
    if calibrate is not None:
        if report.min_score is None:
            raise ConfigError(f"--calibrate: no sentence of {out} with a score needed a heavy "
                              f"edit (HTER > {heavy:g}): nothing to calibrate on")
        from ..evaluation.calibrate import (
            CalibrationRefused,
            calibration_refusal,
            write_min_score,
        )

        refusal = calibration_refusal(report.run.scored, report.run.auc)
        if refusal is not None and not force:
            raise CalibrationRefused(f"--calibrate: not written: {refusal} (--force writes it "
                                     "anyway)")
        if refusal is not None:
            typer.echo(f"Warning: --calibrate --force: {refusal}", err=True)

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
