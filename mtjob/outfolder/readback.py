"""Reading a finished output folder into typed articles, for the exporters and ``mtjob eval``.

The writers' record classes (``mtjob.records``) describe what a run produces; these describe
what a reader may meet, so every field added later (``score``, ``alignment``, ``checks``,
``scores``) is optional here and a value of the wrong type is dropped, never a crash.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, MtjobError
from ..inputs.sources import display_name
from ..vocabulary import ReviewState
from .paths import abstract_path, jsonl_path, page_key
from .verify import verify

log = logging.getLogger(__name__)


class UnfinishedOutputError(MtjobError):
    """The folder fails ``mtjob verify``: exporting it would publish a partial or edited run."""

    exit_code = 1


@dataclass(frozen=True)
class FinishedSentence:
    """One translated sentence; ``index`` counts from 0 within its paragraph."""

    index: int
    ar: str
    en: str
    flags: tuple[str, ...] = ()
    score: float | None = None
    alignment: tuple[tuple[int, int], ...] | None = None
    src_tokens: int | None = None
    tgt_tokens: int | None = None
    #: A person's English for the sentence (``mtjob import``), and who wrote it.
    post_edit: str | None = None
    edited_by: str | None = None
    #: What a person did with it (``ReviewState``: edited, confirmed; None: nobody yet),
    #: when, and where the correction came from (``EditFrom``).
    review: str | None = None
    edited_at: str | None = None
    edit_from: str | None = None
    propagated_from: str | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def reviewed(self) -> bool:
        """A person edited or confirmed it: it no longer needs review, flags or not."""
        return self.review is not None

    @property
    def needs_review(self) -> bool:
        """Flagged and nobody has reviewed it yet (what is left to do)."""
        return self.flagged and not self.reviewed

    @property
    def final(self) -> str:
        """The English to publish: the person's where there is one, else the machine's."""
        return self.post_edit if self.post_edit is not None else self.en


@dataclass(frozen=True)
class FinishedParagraph:
    para_id: int
    ar: str
    en: str
    sentences: tuple[FinishedSentence, ...]
    flags: tuple[str, ...] = ()

    def unit_id(self, sentence: FinishedSentence) -> str:
        """The id every export gives a sentence: ``p{para}-s{n}``, both from 0."""
        return f"p{self.para_id}-s{sentence.index}"


@dataclass(frozen=True)
class FinishedArticle:
    """One finished article: its paragraphs and the abstract record (``meta``) as written."""

    doc_id: str
    paragraphs: tuple[FinishedParagraph, ...]
    meta: dict[str, Any] = field(default_factory=dict)
    #: ``paths.page_key`` of the files read (a review page records it: ``verify`` compares).
    page_key: str | None = None

    @property
    def abstract(self) -> str | None:
        value = self.meta.get("abstract")
        return value if isinstance(value, str) else None

    @property
    def machine_sha256(self) -> str:
        """The hash of the machine output the exports were made from (``import`` checks
        that the article was not re-translated since)."""
        value = self.meta.get("jsonl_sha256")
        return value if isinstance(value, str) else ""

    @property
    def source_name(self) -> str:
        source = self.meta.get("source")
        return source if isinstance(source, str) and source else self.doc_id

    def model(self, role: str) -> dict[str, Any]:
        """The recorded model of a role (``mt``, ``summary``); empty when not recorded."""
        models = self.meta.get("models")
        found = models.get(role) if isinstance(models, dict) else None
        return found if isinstance(found, dict) else {}

    def sentences(self) -> list[tuple[FinishedParagraph, FinishedSentence]]:
        return [(p, s) for p in self.paragraphs for s in p.sentences]

    def flag_counts(self) -> Counter[str]:
        return Counter(f for _, s in self.sentences() for f in s.flags)

    def flagged_count(self) -> int:
        return sum(s.flagged for _, s in self.sentences())

    def reviewed_count(self) -> int:
        return sum(s.reviewed for _, s in self.sentences())

    def needs_review_count(self) -> int:
        """Flagged sentences nobody has reviewed yet."""
        return sum(s.needs_review for _, s in self.sentences())


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _optional(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _flags(value: Any) -> tuple[str, ...]:
    return tuple(str(f) for f in value) if isinstance(value, list) else ()


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _score(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _alignment(value: Any) -> tuple[tuple[int, int], ...] | None:
    if not isinstance(value, list):
        return None
    pairs = [(a, b) for a, b in (p for p in value if isinstance(p, list) and len(p) == 2)
             if _int(a) is not None and _int(b) is not None and a >= 0 and b >= 0]
    return tuple(pairs)


def sentence_from_dict(index: int, data: dict[str, Any]) -> FinishedSentence:
    return FinishedSentence(index=index, ar=_text(data.get("ar")), en=_text(data.get("en")),
                    flags=_flags(data.get("flags")), score=_score(data.get("score")),
                    alignment=_alignment(data.get("alignment")),
                    src_tokens=_int(data.get("src_tokens")),
                    tgt_tokens=_int(data.get("tgt_tokens")),
                    post_edit=_optional(data.get("post_edit")),
                    edited_by=_optional(data.get("edited_by")),
                    review=_review(data),
                    edited_at=_optional(data.get("edited_at")),
                    edit_from=_optional(data.get("edit_from")),
                    propagated_from=_optional(data.get("propagated_from")))


def _review(data: dict[str, Any]) -> str | None:
    """The sentence's review state; a post-edit written before review states is an edit."""
    review = data.get("review")
    if review in (ReviewState.EDITED, ReviewState.CONFIRMED):
        return str(review)
    return str(ReviewState.EDITED) if isinstance(data.get("post_edit"), str) else None


def paragraph_from_dict(data: dict[str, Any]) -> FinishedParagraph:
    raw = data.get("sentences")
    sentences = tuple(sentence_from_dict(i, s) for i, s in
                      enumerate(s for s in (raw if isinstance(raw, list) else [])
                                if isinstance(s, dict)))
    return FinishedParagraph(para_id=int(data["para_id"]), ar=_text(data.get("ar")),
                     en=_text(data.get("en")), sentences=sentences,
                     flags=_flags(data.get("flags")))


def read_finished(out: Path, doc_id: str) -> FinishedArticle:
    """One article of a folder that passed ``verify`` (so every line parses)."""
    data, jsonl = abstract_path(out, doc_id).read_bytes(), jsonl_path(out, doc_id).read_bytes()
    lines = jsonl.decode("utf-8").split("\n")
    paragraphs = tuple(paragraph_from_dict(json.loads(line)) for line in lines if line)
    return FinishedArticle(doc_id=doc_id, paragraphs=paragraphs, meta=json.loads(data),
                           page_key=page_key(data, jsonl))


def read_folder(out: Path) -> list[FinishedArticle]:
    """Every article of a finished output folder, sorted by doc id.

    Raises ConfigError (exit 2) when ``out`` is not a folder or holds no article, and
    UnfinishedOutputError (exit 1) when it fails ``verify``: the first problem and the count.
    """
    name = display_name(out)
    if not out.is_dir():
        raise ConfigError(f"{name}: not a folder (give the --out folder of a finished run)")
    doc_ids = sorted(p.name[:-len(".abstract.json")] for p in out.glob("*.abstract.json"))
    if not doc_ids:
        raise ConfigError(f"{name}: no finished article (no *.abstract.json)")
    problems = verify(out)
    if problems:
        more = f" (and {len(problems) - 1} more; run `mtjob verify {name}`)" \
            if len(problems) > 1 else ""
        raise UnfinishedOutputError(f"{name} fails verify, {len(problems)} problem(s): "
                                    f"{problems[0]}{more}")
    return [read_finished(out, doc_id) for doc_id in doc_ids]
