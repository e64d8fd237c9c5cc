"""Scoring a finished run against human references: BLEU and chrF++ (sacreBLEU), ROUGE.

References live in one folder: ``NAME.en.txt`` (same paragraph format as the inputs, split by
``mtjob.inputs.reader``) and optionally ``NAME.abstract.txt``. Paragraphs are the unit that is
scored, one segment each, their inner line breaks and spaces collapsed to single spaces; a
paragraph count that differs from the run's is an error, never a silent misalignment.
"""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError, MissingExtraError
from ..inputs.reader import decode, split_paragraphs
from ..inputs.sources import display_name
from ..outfolder.readback import FinishedArticle, read_folder

EXTRA = "pip install 'mtjob[eval]'  (sacrebleu>=2.4, rouge-score>=0.1.2)"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
# Lsum wants one sentence per line; an abstract is English prose, so end punctuation splits.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass
class ArticleScore:
    doc_id: str
    paragraphs: int
    bleu: float
    chrf: float
    rouge: dict[str, float] | None = None


@dataclass
class EvalReport:
    """Corpus scores over every article that has a reference, and each article's own."""

    bleu: float
    chrf: float
    bleu_signature: str
    chrf_signature: str
    paragraphs: int
    articles: list[ArticleScore] = field(default_factory=list)
    rouge: dict[str, float] | None = None
    rouge_config: str = ""
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def render_text(self) -> str:
        lines = [f"BLEU    {self.bleu:6.2f}  {self.bleu_signature}",
                 f"chrF++  {self.chrf:6.2f}  {self.chrf_signature}"]
        if self.rouge is not None:
            lines.append("ROUGE   " + "  ".join(f"{k} {v:.2f}" for k, v in self.rouge.items())
                         + f"  ({self.rouge_config})")
        lines.append(f"({len(self.articles)} article(s), {self.paragraphs} paragraph(s))")
        names = {a.doc_id: display_name(a.doc_id) for a in self.articles}  # no forged line
        width = max([7, *map(len, names.values())])
        lines.append("")
        lines.append(f"{'article':<{width}}  paras    BLEU  chrF++     R-1     R-2  R-Lsum")
        for a in self.articles:
            rouge = "".join(f"  {a.rouge[k]:6.2f}" for k in ROUGE_TYPES) if a.rouge else ""
            lines.append(f"{names[a.doc_id]:<{width}}  {a.paragraphs:5d}  {a.bleu:6.2f}  "
                         f"{a.chrf:6.2f}" + rouge)
        if self.skipped:
            lines.append("")
            skipped = ", ".join(map(display_name, self.skipped))
            lines.append(f"no reference, skipped: {skipped}")
        return "\n".join(lines) + "\n"


def _segment(text: str) -> str:
    return " ".join(text.split())


def read_reference(path: Path) -> list[str]:
    """A reference file's paragraphs as segments, split like the inputs are."""
    return [_segment(p.text) for p in split_paragraphs(decode(path.read_bytes(), path))]


def abstract_sentences(text: str) -> str:
    return "\n".join(s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip())


def _metrics() -> tuple[Any, Any]:
    try:
        from sacrebleu import BLEU, CHRF
    except ImportError:
        raise MissingExtraError(f"mtjob eval needs the [eval] extra: {EXTRA}") from None
    return BLEU, CHRF


def _rouge_scorer() -> Any:
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        raise MissingExtraError(f"ROUGE needs the [eval] extra: {EXTRA}") from None
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def _pairs(articles: list[FinishedArticle], refs: Path
           ) -> tuple[list[tuple[FinishedArticle, list[str]]], list[str]]:
    paired, skipped = [], []
    for article in articles:
        path = refs / f"{article.doc_id}.en.txt"
        if not path.is_file():
            skipped.append(article.doc_id)
            continue
        reference = read_reference(path)
        if len(reference) != len(article.paragraphs):
            raise InputError(
                f"{article.doc_id}: the run has {len(article.paragraphs)} paragraph(s), the "
                f"reference {path} has {len(reference)}; paragraphs are scored one to one, so "
                "the reference must be split like the input")
        paired.append((article, reference))
    return paired, skipped


def evaluate(out: Path, refs: Path) -> EvalReport:
    """Score the run in ``out`` against ``refs``; articles without a reference are skipped."""
    BLEU, CHRF = _metrics()
    if not refs.is_dir():
        raise ConfigError(f"--refs {refs}: not a folder")
    if refs.resolve() == out.resolve():  # its NAME.en.txt are mtjob's own English (--text)
        raise ConfigError(f"--refs {refs}: the output folder itself: its NAME.en.txt files "
                          "are the translation (--text), not references")
    paired, skipped = _pairs(read_folder(out), refs)
    if not paired:
        raise ConfigError(f"--refs {refs}: no reference for any article of {out} (expected "
                          "NAME.en.txt for NAME.jsonl)")
    bleu, chrf = BLEU(), CHRF(word_order=2)
    hyps_all: list[str] = []
    refs_all: list[str] = []
    scores = []
    for article, reference in paired:
        hyps = [_segment(p.en) for p in article.paragraphs]
        hyps_all += hyps
        refs_all += reference
        scores.append(ArticleScore(article.doc_id, len(hyps),
                                   bleu.corpus_score(hyps, [reference]).score,
                                   chrf.corpus_score(hyps, [reference]).score))
    report = EvalReport(bleu=bleu.corpus_score(hyps_all, [refs_all]).score,
                        chrf=chrf.corpus_score(hyps_all, [refs_all]).score,
                        bleu_signature=str(bleu.get_signature()),
                        chrf_signature=str(chrf.get_signature()),
                        paragraphs=len(hyps_all), articles=scores, skipped=skipped)
    _score_abstracts(report, paired, refs)
    return report


def _score_abstracts(report: EvalReport, paired: list[tuple[FinishedArticle, list[str]]],
                     refs: Path) -> None:
    """ROUGE F1 (x100) per article with ``NAME.abstract.txt`` and a written abstract; the
    report's figure is their mean."""
    found = [(a, refs / f"{a.doc_id}.abstract.txt") for a, _ in paired]
    found = [(a, p) for a, p in found if p.is_file() and a.abstract]
    if not found:
        return
    scorer = _rouge_scorer()
    by_doc = {s.doc_id: s for s in report.articles}
    for article, path in found:
        reference = decode(path.read_bytes(), path)
        result = scorer.score(abstract_sentences(reference),
                              abstract_sentences(article.abstract or ""))
        by_doc[article.doc_id].rouge = {k: 100 * result[k].fmeasure for k in ROUGE_TYPES}
    rouged = [s.rouge for s in report.articles if s.rouge]
    report.rouge = {k: sum(r[k] for r in rouged) / len(rouged) for k in ROUGE_TYPES}
    version = importlib.metadata.version("rouge-score")
    report.rouge_config = (f"F1 x100, mean of {len(rouged)} abstract(s); rouge-score {version}, "
                           "Porter stemmer, Lsum one sentence per line")
