"""What a run did, built from its article outcomes; the CLI turns it into the summary line
and the exit code."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..records import ArticleOutcome, ParagraphRecord, sentence_flags
from ..status import DONE, FAILED, NOT_AN_ARTICLE, OUTCOMES, UNCHANGED


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
    #: there on the CLI records it in ``OUT/_mtjob/runs/`` however it ends. A run refused the
    #: lock or stopped by a check before any work leaves the folder as it found it.
    locked: bool = False
    #: The ``Error:`` line of a run that stopped on one (the CLI sets it), else None.
    error: str | None = None
    flags: Counter[str] = field(default_factory=Counter)
    #: Sentences written by origin: mt (decoded), copy, memory (README, Translation memory).
    origins: Counter[str] = field(default_factory=Counter)
    #: Seconds per stage: resolve, read, segment, translate, retry, summarize, write.
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def _ids(self, status: str) -> list[str]:
        return [o.doc_id for o in self.outcomes if o.status == status]

    @property
    def done(self) -> list[str]:
        return self._ids(DONE)

    @property
    def unchanged(self) -> list[str]:
        return self._ids(UNCHANGED)

    @property
    def failed(self) -> list[ArticleOutcome]:
        """Articles that failed and entries that are not articles: each needs a look (exit 1)."""
        return [o for o in self.outcomes if o.status in (FAILED, NOT_AN_ARTICLE)]

    def counts(self) -> dict[str, int]:
        """Inputs by status word (README, Status words), every word present."""
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

    def summary_line(self) -> str:
        rate = self.tgt_tokens / self.seconds if self.seconds else 0.0
        flags = ", ".join(f"{k} {v}" for k, v in sorted(self.flags.items())) or "none"
        counts = ", ".join(f"{n} {status}" for status, n in self.counts().items())
        return (f"articles: {counts}; paragraphs {self.paragraphs}, segments "
                f"{self.segments}{self._from_memory()}, tokens {self.src_tokens} in / "
                f"{self.tgt_tokens} out, "
                f"{rate:.1f} tokens/s, {self.seconds:.1f} s ({self.stages_line()}); "
                f"flags: {flags}")

    def _from_memory(self) -> str:
        taken = self.origins.get("memory", 0)
        return f" ({taken} from the translation memory, not decoded)" if taken else ""

    def stages_line(self) -> str:
        return ", ".join(f"{name} {s:.2f} s" for name, s in self.stage_seconds.items()) \
            or "no stage ran"
