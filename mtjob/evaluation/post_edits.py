"""Trust signals against real edits: ``mtjob eval OUT --post-edits`` (docs/review.md,
"Calibrating on post-edits").

Only sentences a person reviewed count: ``review`` edited (``post_edit`` is the English they
made of the machine's ``en``) or confirmed (accepted as shown: HTER 0 unless the text
confirmed is an earlier edit); a ``post_edit`` written before review states is an edit. A
sentence nobody reviewed is never taken as accepted: it is counted (``unreviewed_sentences``)
and left out, and an article without any reviewed sentence is listed, never scored. Decoded
sentences (origin ``mt``) and memory matches (origin ``memory``: their ``en`` is what was
published) are scored; a copied sentence was nobody's translation. Only decoded sentences
have a ``score``.

HTER is sacreBLEU's TER of the machine English against its post-edit (edits per post-edit
word); chrF is sacreBLEU's chrF of the same pairs. A sentence needed a heavy edit when its
HTER is above ``heavy`` (0.3). ROC AUC is the probability that a heavy-edit sentence scores
lower than a light one (ties count a half), from the ranks (Mann-Whitney U). The calibrated
``min_score`` is the smallest threshold (4 decimals, as scores are written) under which
``recall`` of the heavy-edit sentences fall, since ``low_confidence`` is ``score < min_score``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..outfolder.sentences import folder_sentences
from ..vocabulary import EditFrom, Origin, ReviewState
from .references import _metrics

HEAVY = 0.3
RECALL = 0.8


@dataclass
class Pair:
    doc_id: str
    mt: str
    final: str
    score: float | None
    edited: bool
    hter: float = 0.0


@dataclass
class Scores:
    """Post-edit figures of one article or of the run."""

    sentences: int
    edited: int
    edited_share: float
    hter: float | None
    chrf: float | None
    heavy: int
    auc: float | None
    scored: int = 0  #: reviewed sentences with a score (what AUC and min_score rest on)


@dataclass
class PostEditReport:
    run: Scores
    articles: dict[str, Scores]
    unreviewed: list[str]
    heavy_above: float
    recall: float
    min_score: float | None
    unreviewed_sentences: int = 0
    flagged_share: float | None = None
    light_flagged_share: float | None = None
    signatures: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def render_text(self) -> str:
        def row(name: str, s: Scores, width: int) -> str:
            def num(value: float | None, spec: str) -> str:
                return "     -" if value is None else format(value, spec)

            return (f"{name:<{width}}  {s.sentences:5d}  {s.edited:6d}  {s.edited_share:6.1%}"
                    f"  {num(s.hter, '6.3f')}  {num(s.chrf, '6.2f')}  {s.heavy:5d}"
                    f"  {num(s.auc, '6.3f')}")
        width = max([7] + [len(d) for d in self.articles])
        lines = [f"{'article':<{width}}  sents  edited   share    HTER    chrF  heavy     AUC"]
        lines += [row(d, s, width) for d, s in self.articles.items()]
        lines.append(row("(run)", self.run, width))
        lines.append("")
        lines.append(f"heavy edit: HTER > {self.heavy_above:g}; AUC: P(score of a heavy edit < "
                     "score of a light one)")
        if self.min_score is None:
            lines.append("min_score: not calibrated (no heavy edit with a score)")
        else:
            lines.append(f"min_score {self.min_score:.4f} flags {self.recall:.0%} of the heavy "
                         f"edits, {self.light_flagged_share:.1%} of the light ones, "
                         f"{self.flagged_share:.1%} of the scored sentences")
        if self.unreviewed_sentences:
            lines.append(f"{self.unreviewed_sentences} sentence(s) nobody reviewed, not "
                         "scored")
        if self.unreviewed:
            lines.append("nothing reviewed, not scored: " + ", ".join(self.unreviewed))
        lines += [f"{k}: {v}" for k, v in self.signatures.items()]
        return "\n".join(lines) + "\n"


def roc_auc(heavy: list[float], light: list[float]) -> float | None:
    """P(a heavy-edit score < a light-edit score), ties a half; None without both classes."""
    if not heavy or not light:
        return None
    values = sorted([(v, 1) for v in heavy] + [(v, 0) for v in light], key=lambda p: -p[0])
    rank_sum, i = 0.0, 0  # ranks from the highest score down: low scores rank high
    while i < len(values):
        j = i + 1  # a NaN equals nothing, itself included: it must still move on
        while j < len(values) and values[j][0] == values[i][0]:
            j += 1
        average = (i + 1 + j) / 2
        rank_sum += average * sum(1 for _, h in values[i:j] if h)
        i = j
    u = rank_sum - len(heavy) * (len(heavy) + 1) / 2
    return u / (len(heavy) * len(light))


def threshold(heavy: list[float], recall: float) -> float | None:
    """The ``min_score`` under which (``score < min_score``) ``recall`` of ``heavy`` fall."""
    if not heavy:
        return None
    k = max(1, math.ceil(recall * len(heavy)))
    value = sorted(heavy)[k - 1]
    return min(0.0, round(round(value, 4) + 0.0001, 4))  # just above it, as scores are written


def _review(s: dict[str, Any]) -> str | None:
    """What a person did with this very sentence (``FinishedSentence.reviewed``'s rule): a
    correction propagated from the same Arabic elsewhere is a copy nobody looked at here,
    and counting it would weigh one edit as many."""
    if s.get("edit_from") == EditFrom.PROPAGATED:
        return None
    review = s.get("review")
    if review in (ReviewState.EDITED, ReviewState.CONFIRMED):
        return str(review)
    return str(ReviewState.EDITED) if isinstance(s.get("post_edit"), str) else None


def _pairs(out: Path) -> tuple[list[Pair], list[str], int]:
    """The reviewed sentences as pairs, the articles with none, and how many sentences
    nobody reviewed."""
    pairs: list[Pair] = []
    docs: list[str] = []
    unreviewed = 0
    for doc_id, _, _, s in folder_sentences(out):
        if doc_id not in docs:
            docs.append(doc_id)
        if s.get("origin", Origin.MT) not in (Origin.MT, Origin.MEMORY) \
                or not str(s.get("ar", "")).strip():
            continue
        if _review(s) is None:
            unreviewed += 1
            continue
        en, edit = s.get("en"), s.get("post_edit")
        mt: str = en if isinstance(en, str) else ""
        final: str = edit if isinstance(edit, str) and edit.strip() else mt
        score = s.get("score") if isinstance(s.get("score"), (int, float)) else None
        pairs.append(Pair(doc_id, mt, final, score, final != mt))
    reviewed = {p.doc_id for p in pairs}
    return pairs, [d for d in docs if d not in reviewed], unreviewed


def _scores(pairs: list[Pair], heavy_above: float, ter: Any, chrf: Any) -> Scores:
    edited = sum(p.edited for p in pairs)
    hyps, refs = [p.mt for p in pairs], [[p.final for p in pairs]]
    heavy = [p.score for p in pairs if p.hter > heavy_above and p.score is not None]
    light = [p.score for p in pairs if p.hter <= heavy_above and p.score is not None]
    return Scores(len(pairs), edited, edited / len(pairs) if pairs else 0.0,
                  ter.corpus_score(hyps, refs).score / 100 if pairs else None,
                  chrf.corpus_score(hyps, refs).score if pairs else None,
                  sum(p.hter > heavy_above for p in pairs), roc_auc(heavy, light),
                  sum(p.score is not None for p in pairs))


def evaluate_post_edits(out: Path, heavy_above: float = HEAVY,
                        recall: float = RECALL) -> PostEditReport:
    """The post-edit report of the run in ``out`` (the module doc says what each figure is)."""
    if not 0 < recall <= 1:
        raise ConfigError(f"--recall must be in (0, 1], got {recall}")
    _, CHRF = _metrics()  # the [eval] extra's one-line hint when sacrebleu is missing
    from sacrebleu.metrics.ter import TER

    ter, chrf = TER(), CHRF()
    pairs, unreviewed, untouched = _pairs(out)
    if not pairs:
        raise ConfigError(f"{out}: no sentence was reviewed (edited or confirmed; import "
                          f"corrections first: mtjob import); {untouched} sentence(s) nobody "
                          "reviewed")
    for p in pairs:
        p.hter = ter.sentence_score(p.mt, [p.final]).score / 100 if p.edited else 0.0
    articles = {d: _scores([p for p in pairs if p.doc_id == d], heavy_above, ter, chrf)
                for d in dict.fromkeys(p.doc_id for p in pairs)}
    heavy = [p.score for p in pairs if p.hter > heavy_above and p.score is not None]
    scored = [p for p in pairs if p.score is not None]
    report = PostEditReport(_scores(pairs, heavy_above, ter, chrf), articles, unreviewed,
                            heavy_above, recall, threshold(heavy, recall), untouched,
                            signatures={"TER": str(ter.get_signature()),
                                        "chrF": str(chrf.get_signature())})
    if report.min_score is not None:
        flagged = [p for p in scored if p.score < report.min_score]  # type: ignore[operator]
        light = [p for p in scored if p.hter <= heavy_above]
        report.flagged_share = len(flagged) / len(scored)
        report.light_flagged_share = (sum(p.hter <= heavy_above for p in flagged) / len(light)
                                      if light else 0.0)
    return report
