"""What a run did, built from its article outcomes; the CLI turns it into the summary line
and the exit code.

One word per meaning: a ``<Command>Report`` is what one command did, the result its core
function returns to the CLI (which prints it) and to the API (``RunReport`` here;
``VerifyReport``, ``ImportReport``, ``ExportReport``, ``EvalReport``, ``PostEditReport``,
``StageReport`` beside their commands' cores). The HTML pages a run writes are *review pages*
(``export.pages.review_pages``, ``outfolder.paths.REVIEW_DIR``), never a report; only the
names users already type keep the old word: the ``--report`` flag, the ``report`` setting
and the ``OUT/report/`` folder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..records import ArticleOutcome, ParagraphRecord, sentence_flags, term_counts
from ..vocabulary import OUTCOMES, Origin, Status


@dataclass
class RunReport:
    """Outcomes in input order, and counts over the articles written by this run."""

    outcomes: list[ArticleOutcome] = field(default_factory=list)
    paragraphs: int = 0
    segments: int = 0
    src_tokens: int = 0
    tgt_tokens: int = 0
    seconds: float = 0.0
    models_loaded: bool = False
    #: The run took its shard's lock and passed its checks (models, memory, glossary): from
    #: there on it is recorded in ``OUT/_mtjob/runs/`` however it ends. A run refused the
    #: lock or stopped by a check before any work leaves the folder as it found it.
    locked: bool = False
    #: The ``Error:`` line of a run that stopped on one, else None.
    error: str | None = None
    #: The run began (``run_shard``), which records its ending, whatever it is: its callers
    #: record nothing more (the CLI records in its metrics a run that stopped before).
    recorded: bool = False
    flags: Counter[str] = field(default_factory=Counter)
    #: Sentences written by origin: mt (decoded), copy, memory
    #: (docs/memory.md, "Translation memory").
    origins: Counter[Origin] = field(default_factory=Counter)
    #: Seconds per stage: resolve, read, segment, translate, retry, terms, summarize, write.
    stage_seconds: dict[str, float] = field(default_factory=dict)
    #: Sentences decoded again for their terms (``forced``) and their names (``unified``).
    terms: Counter[str] = field(default_factory=Counter)

    def _ids(self, status: Status) -> list[str]:
        return [o.doc_id for o in self.outcomes if o.status == status]

    @property
    def done(self) -> list[str]:
        return self._ids(Status.DONE)

    @property
    def unchanged(self) -> list[str]:
        return self._ids(Status.UNCHANGED)

    @property
    def failed(self) -> list[ArticleOutcome]:
        """Articles that failed and entries that are not articles: each needs a look (exit 1)."""
        return [o for o in self.outcomes if o.status in (Status.FAILED, Status.NOT_AN_ARTICLE)]

    def counts(self) -> dict[Status, int]:
        """Inputs by status word (docs/output.md, "Status words"), every word present."""
        return {status: sum(o.status == status for o in self.outcomes) for status in OUTCOMES}

    def add_written(self, outcome: ArticleOutcome, records: list[ParagraphRecord]) -> None:
        sentences = [s for r in records for s in r.sentences]
        self.outcomes.append(outcome)
        self.paragraphs += len(records)
        self.segments += len(sentences)
        self.src_tokens += sum(s.src_tokens for s in sentences)
        self.tgt_tokens += sum(s.tgt_tokens for s in sentences)
        self.flags.update(sentence_flags(records))
        self.origins.update(s.origin for s in sentences)
        self.terms.update(term_counts(sentences))

    def summary_line(self) -> str:
        rate = self.tgt_tokens / self.seconds if self.seconds else 0.0
        flags = ", ".join(f"{k} {v}" for k, v in sorted(self.flags.items())) or "none"
        counts = ", ".join(f"{n} {status}" for status, n in self.counts().items())
        return (f"articles: {counts}; paragraphs {self.paragraphs}, segments "
                f"{self.segments}{self._from_memory()}{self._terms()}, tokens "
                f"{self.src_tokens} in / {self.tgt_tokens} out, "
                f"{rate:.1f} tokens/s, {self.seconds:.1f} s ({self.stages_line()}); "
                f"flags: {flags}")

    def _from_memory(self) -> str:
        taken = self.origins.get(Origin.MEMORY, 0)
        return f" ({taken} from the translation memory, not decoded)" if taken else ""

    def _terms(self) -> str:
        """Sentences decoded again for their terms and names, when there are any."""
        found = ", ".join(f"{n} {kind}" for kind, n in sorted(self.terms.items()))
        return f" ({found} for terms and names)" if found else ""

    def stages_line(self) -> str:
        return ", ".join(f"{name} {s:.2f} s" for name, s in self.stage_seconds.items()) \
            or "no stage ran"
