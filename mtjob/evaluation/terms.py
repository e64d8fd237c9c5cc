"""``mtjob eval OUT --terms``: term accuracy and name consistency of a finished run, for the
machine output and for the final text (post-edits in place), with the glossary the run kept
(``--glossary FILE`` to score against another, e.g. a run made without one).
Definitions: :mod:`mtjob.terms.metrics`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..inputs.sources import display_name
from ..outfolder.readback import FinishedArticle, read_folder
from ..terms.index import TermIndex
from ..terms.metrics import Seen, Tally, consistency, sentence_terms

KINDS = ("machine", "final")


@dataclass
class TermsReport:
    """Per kind of English (machine, final): the run's tally, its run-wide consistency, and
    each article's tally."""

    glossary: str
    terms: int
    run: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    run_consistency: dict[str, tuple[int, int]] = field(default_factory=dict)
    articles: dict[str, dict[str, Tally]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def figures(t: Tally) -> dict[str, Any]:
            return {"accuracy": t.accuracy, "occurrences": t.occurrences, "hits": t.hits,
                    "consistency": t.consistency, "names": t.names,
                    "consistent": t.consistent}

        return {"glossary": self.glossary, "terms": self.terms,
                **{kind: {**figures(self.run[kind]), "run_consistency": _rate(
                    *self.run_consistency[kind]), "run_names": self.run_consistency[kind][0]}
                   for kind in KINDS},
                "articles": {doc: {k: figures(t) for k, t in kinds.items()}
                             for doc, kinds in self.articles.items()}}

    def render_text(self) -> str:
        lines = [f"terms: {self.terms} in the glossary ({self.glossary})", "",
                 f"{'':15}{'accuracy':>22}{'consistency':>24}{'run consistency':>24}"]
        for kind, label in zip(KINDS, ("machine output", "final text"), strict=True):
            t, (names, same) = self.run[kind], self.run_consistency[kind]
            lines.append(f"{label:15}{_cell(t.hits, t.occurrences):>22}"
                         f"{_cell(t.consistent, t.names):>24}{_cell(same, names):>24}")
        lines += ["", "accuracy: term occurrences whose rendering is in the English; "
                  "consistency: names (terms in 2+ sentences of an article, or of the run) "
                  "rendered one way", ""]
        shown = {doc: display_name(doc) for doc in self.articles}
        width = max([7, *map(len, shown.values())])
        lines.append(f"{'article':<{width}}  {'machine':>18}  {'final':>18}")
        for doc, kinds in self.articles.items():
            lines.append(f"{shown[doc]:<{width}}  "
                         + "  ".join(f"{_cell(t.hits, t.occurrences):>18}"
                                     for t in kinds.values()))
        return "\n".join(lines) + "\n"


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _cell(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "- (0)"


def evaluate_terms(out: Path, glossary: Path | None = None) -> TermsReport:
    """The report of ``out`` (ConfigError when neither ``glossary`` nor a kept one exists)."""
    from ..terms.glossary import load_data
    from ..terms.index import build_index
    from ..terms.stored import stored_index

    articles = read_folder(out)
    if glossary is not None:
        terms, sha, _ = load_data(glossary)
        index, label = build_index(terms, protect=False), display_name(glossary)
    else:
        found = [stored_index(out, a.meta.get("settings"), protect=False) for a in articles]
        kept = [i for i in found if i is not None]
        if not kept:
            raise ConfigError(f"{display_name(out)} was made without a glossary (or keeps "
                              f"none): give --glossary FILE to score its terms")
        index = kept[0]
        label = "kept in " + display_name(out)
    report = TermsReport(label, len(index.terms))
    views: dict[str, list[list[Seen]]] = {k: [] for k in KINDS}
    for article in articles:
        report.articles[article.doc_id] = tally = {k: Tally() for k in KINDS}
        for kind in KINDS:
            article_views = _score(article, index, kind, tally[kind])
            tally[kind].names, tally[kind].consistent = consistency(article_views)
            report.run[kind].add(tally[kind])
            views[kind] += article_views
    report.run_consistency = {k: consistency(views[k]) for k in KINDS}
    return report


def _score(article: FinishedArticle, index: TermIndex, kind: str, tally: Tally
           ) -> list[list[Seen]]:
    out = []
    for _, sentence in article.sentences():
        final = kind == "final"
        english = sentence.final if final else sentence.en
        alignment = None if final and sentence.post_edit is not None else sentence.alignment
        occurrences, hits, seen = sentence_terms(sentence.ar, english, index, alignment)
        tally.occurrences += occurrences
        tally.hits += hits
        out.append(seen)
    return out
