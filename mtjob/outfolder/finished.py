"""A finished article as its files hold it: ``NAME.jsonl`` (a :class:`FinishedParagraph` a
line, each with its :class:`FinishedSentence` s) and ``NAME.abstract.json``
(:class:`FinishedAbstract`), together a :class:`FinishedArticle`.

Each JSON key is declared here once, with its shape and meaning (``schema.key``): ``verify``'s
validator (:data:`PARAGRAPH`, :data:`ABSTRACT`), the typed reader (``outfolder.jsonl``) and the
field tables of docs/output.md (``scripts/docgen/fields.py``) are all made from these
declarations, and a test holds the writer (``mtjob.records``) to them. A new optional key is
one line: a field with ``key(..., optional=True)``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..vocabulary import EditFrom, Forced, Origin, ReviewState, TermReason
from .finished_abstract import FinishedAbstract
from .memory_note import MemoryNote, memory_note
from .schema import NUMBER, OneOf, Opt, Rule, from_json, key, shape_of, validate


def _word_pair(pair: list[int]) -> list[str]:
    return [] if len(pair) == 2 and min(pair) >= 0 else \
        ["expected [source word, output word], two indices >= 0"]


def _number(value: int | float | None) -> float | None:
    return None if value is None else float(value)


#: A term the English lacks, and a rendering put in by decoding again.
TERM_MISS = {"term": str, "expected": [str]}
TERM_FORCED = {"term": str, "rendering": str, "how": OneOf(tuple(Forced)),
               "why": OneOf(tuple(TermReason)), Opt("replaced"): str}


@dataclass(frozen=True)
class FinishedSentence:
    """One sentence of a paragraph record; ``index`` counts from 0 within its paragraph."""

    index: int
    ar: str = key(str, "The Arabic sentence as in the paragraph; a paragraph's sentences, "
                  "in order, cover every word of it.")
    en: str = key(str, "The machine's English. A person's correction never replaces it "
                  "(see `post_edit`).")
    src_tokens: int = key(int, "Source tokens the model read.")
    tgt_tokens: int = key(int, "Tokens the model wrote (0 for a sentence not sent to it).")
    flags: tuple[str, ...] = key([str], "Trust flags (table below); empty when none.")
    score: float | None = key(
        NUMBER, "Mean log-probability per output token of the kept hypothesis (natural log, "
        "end-of-sequence included, no length penalty), from the decoding call itself: "
        "transformers' beam `sequences_scores` × `n ** length_penalty` (greedy: the chosen "
        "tokens' log-softmax), CTranslate2's `return_scores` × `n ** length_penalty`. Both "
        "backends mean the same thing (tests: equal to a teacher-forced pass within 1e-3, "
        "backends within 0.05 in float32). A retried output is rescored by the plain model. "
        "`exp(score)` is the geometric-mean token probability; `null` for a sentence not sent "
        "to the model.", optional=True, read=_number)
    origin: Origin | None = key(
        OneOf(tuple(Origin)), "Where `en` came from: `mt` (decoded by the model), `copy` (not "
        "sent to the model), `memory` (an exact match of the translation memory). Files "
        "written before it existed lack it: read `mt` (`copy` when flagged `copied`).",
        optional=True, read=Origin)
    alignment: tuple[tuple[int, int], ...] | None = key(
        [Rule([int], _word_pair)], "With `--alignments`: `[source word, output word]` pairs, "
        "indices of the whitespace-separated words of this sentence's `ar` and `en`. Each "
        "output token goes to the source token it attends to most in the cross-attention of "
        "`alignment_layer` (heads averaged).", optional=True)
    glossary_miss: tuple[Any, ...] = key(
        [(str, TERM_MISS)], "With `--terms` on (a glossary, or `--terms flag`): the terms and "
        "do-not-translate spans of the source that the English lacks, `{term, expected}` "
        "each (older folders: the term alone).",
        optional=True, default=())
    terms: tuple[dict[str, str], ...] = key(
        [TERM_FORCED], "Renderings put in by decoding again (`--terms enforce`, "
        "`--consistency`): `{term, rendering, how, why}` each, `how` nbest, prefix or "
        "replace, `why` glossary, keep or consistency.", optional=True, default=())
    memory: MemoryNote | None = key(
        dict, "With origin `memory`: the entry's provenance `{id, source, edited_by, "
        "edited_at, doc_id, unit}`.", optional=True, read=memory_note)
    suggestion: MemoryNote | None = key(
        dict, "A close match of the translation memory for a person to consider (never the "
        "output): `{en, ar, match, ...provenance}`.", optional=True, read=memory_note)
    post_edit: str | None = key(str, "A person's English (`mtjob import`): the text to "
                                "publish.", optional=True)
    edited_by: str | None = key((str, None), "Who edited or confirmed it (a name, or null).",
                                optional=True)
    edited_at: str | None = key(str, "When it was edited or confirmed (ISO-8601 UTC).",
                                optional=True)
    review: str | None = key(
        OneOf((ReviewState.EDITED, ReviewState.CONFIRMED)), "What a person did: `edited` "
        "(`post_edit` holds their English) or `confirmed` (accepted as it is); absent: "
        "nobody has reviewed it.", optional=True)
    edit_from: str | None = key(OneOf(tuple(EditFrom)), "Where the applied correction came "
                                "from: `page`, `xliff`, `tmx`, `tsv`, `memory`, `propagated`.",
                                optional=True)
    propagated_from: str | None = key(str, "With `edit_from` `propagated`: `DOC_ID#pP-sS` of "
                                      "the correction it copies.", optional=True)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def state(self) -> ReviewState:
        """The ``review`` key; a post-edit without one (older files) is an edit."""
        if self.review in (ReviewState.EDITED, ReviewState.CONFIRMED):
            return ReviewState(self.review)
        return ReviewState.EDITED if self.post_edit is not None else ReviewState.MACHINE

    @property
    def propagated(self) -> bool:
        """The correction came from the same Arabic elsewhere, not from a look at this one."""
        return self.edit_from == EditFrom.PROPAGATED

    @property
    def reviewed(self) -> bool:
        """A person edited or confirmed this very sentence (a propagated edit is not that)."""
        return self.state != ReviewState.MACHINE and not self.propagated

    @property
    def to_review(self) -> bool:  # what "Flagged only" and the index count
        return self.flagged and not self.reviewed

    @property
    def final(self) -> str:
        """The English to publish: the person's where there is one, else the machine's."""
        return self.post_edit if self.post_edit is not None else self.en


SENTENCE = shape_of(FinishedSentence)


def _sentences(value: list[dict[str, Any]]) -> tuple[FinishedSentence, ...]:
    return tuple(from_json(FinishedSentence, s, index=i) for i, s in enumerate(value))


@dataclass(frozen=True)
class FinishedParagraph:
    """One line of ``NAME.jsonl``: a paragraph of the article, in source order."""

    doc_id: str = key(str, "The article: its input's name without the extension.")
    para_id: int = key(int, "The paragraph's place: counts non-empty paragraphs from 0, one "
                       "line each.")
    ar: str = key(str, "The paragraph as in the file (line endings normalised, outer "
                  "whitespace stripped).")
    en: str = key(str, "The machine's English paragraph, rebuilt from its sentences.")
    sentences: tuple[FinishedSentence, ...] = key([SENTENCE], "The sentences, in order "
                                                  "(table below).", read=_sentences)
    flags: tuple[str, ...] = key([str], "Every flag of its sentences, sorted.")
    schema: int | None = key(int, "The record shapes' version (2).", optional=True)

    def unit_id(self, sentence: FinishedSentence) -> str:
        """The id every export gives a sentence: ``p{para}-s{n}``, both from 0."""
        return f"p{self.para_id}-s{sentence.index}"

    @property
    def final(self) -> str:
        """The final English: what ``--text``, ``export text``, a re-summary and
        ``final_english()`` publish."""
        return paragraph_final(self.ar, self.en, [s.ar for s in self.sentences],
                               [s.final for s in self.sentences],
                               any(s.post_edit is not None for s in self.sentences))


def paragraph_final(ar: str, en: str, sentences_ar: list[str], finals: list[str],
                    edited: bool) -> str:
    """A paragraph's final English: its ``en`` as written, or (``edited``: a sentence has a
    post-edit) its sentences' final English joined as the run joins them."""
    from ..records import join_sentences  # the run's own joining rule

    return join_sentences(ar, sentences_ar, finals) if edited else en


PARAGRAPH = shape_of(FinishedParagraph)




@dataclass(frozen=True)
class FinishedArticle:
    """One finished article: its paragraphs, its abstract record (``record``; ``meta`` the
    same object as written, for pages that list what it holds)."""

    doc_id: str
    paragraphs: tuple[FinishedParagraph, ...]
    meta: dict[str, Any]
    record: FinishedAbstract
    #: ``paths.page_key`` of the files read (a review page records it: ``verify`` compares).
    page_key: str | None = None

    @property
    def abstract(self) -> str | None:
        return self.record.abstract

    @property
    def machine_sha256(self) -> str:
        """The hash of the machine output the exports were made from (``import`` checks
        that the article was not re-translated since)."""
        return self.record.jsonl_sha256

    @property
    def source_name(self) -> str:
        return self.record.source or self.doc_id

    def model(self, role: str) -> dict[str, Any]:
        """The recorded model of a role (``mt``, ``summary``); empty when not recorded."""
        found = (self.record.models or {}).get(role)
        return found if isinstance(found, dict) else {}

    def sentences(self) -> list[tuple[FinishedParagraph, FinishedSentence]]:
        return [(p, s) for p in self.paragraphs for s in p.sentences]

    def flag_counts(self) -> Counter[str]:
        return Counter(f for _, s in self.sentences() for f in s.flags)

    def flagged_count(self) -> int:
        return sum(s.flagged for _, s in self.sentences())

    def reviewed_count(self) -> int:
        return sum(s.reviewed for _, s in self.sentences())

    def to_review_count(self) -> int:
        return sum(s.to_review for _, s in self.sentences())


def validate_paragraph(obj: Any) -> list[str]:
    """Problems of one JSONL line (a paragraph record)."""
    return validate(obj, PARAGRAPH)
