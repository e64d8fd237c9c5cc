"""The closed sets of words that mtjob writes into its files: one enum each, one home.

Each is a ``StrEnum`` whose values are the words the files already hold, so a record written
with a member is byte-identical to one written with the literal (``json.dumps`` writes the
value). Anywhere else, compare and build with the members, never with the literals.

- ``Status``: what became of an article (log, summary line, manifest, run record, verify);
- ``Origin``: where a sentence's English came from (``origin`` in the JSONL);
- ``ReviewState``: what a person did with a sentence (``review``: machine, edited, confirmed);
- ``EditFrom``: where the correction applied to a sentence came from (``edit_from``);
- ``Role``: which model of a run (``models`` in the abstract record, ``mtjob models``);
- ``EntrySource``: what a translation-memory entry holds (a person's English or the machine's);
- ``Forced``, ``TermReason``: how and why a term's rendering was put in a sentence (``terms``).
"""

from __future__ import annotations

import sys
from enum import Enum

__all__ = ["MANIFEST", "OUTCOMES", "EditFrom", "EntrySource", "Forced", "Origin", "ReviewState",
           "Role", "Status", "StrEnum", "TermReason"]

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10
    class StrEnum(str, Enum):
        """``enum.StrEnum`` of Python 3.11: members are their values, also in f-strings."""

        def __str__(self) -> str:
            return str(self.value)


class Status(StrEnum):
    """What became of one input (docs/output.md, "Status words")."""

    DONE = "done"  #: translated and written by this run
    UNCHANGED = "unchanged"  #: finished by an earlier run with the same source, settings, models
    FAILED = "failed"  #: could not be done (unreadable, not text, a model error...); named why
    NOT_AN_ARTICLE = "not_an_article"  #: not a regular file (FIFO, device, folder...)
    PENDING = "pending"  #: manifest only: not reached yet (the run is going, or was stopped)
    SKIPPED = "skipped"  #: manifest only, older mtjob's word for ``not_an_article``; still read


#: What a run did with each input: the summary line, run record and metrics count these.
OUTCOMES = (Status.DONE, Status.UNCHANGED, Status.FAILED, Status.NOT_AN_ARTICLE)
#: What a manifest may say of an article: the state of the folder, so an article unchanged by
#: this run is ``done`` there.
MANIFEST = (Status.DONE, Status.FAILED, Status.NOT_AN_ARTICLE, Status.PENDING, Status.SKIPPED)


class Origin(StrEnum):
    """Where a sentence's English (``en``) came from."""

    MT = "mt"  #: decoded by the translation model
    COPY = "copy"  #: copied unchanged (empty, not Arabic, nothing to translate)
    MEMORY = "memory"  #: an exact match of the translation memory
    PROPAGATED = "propagated"  #: a person's correction of the same Arabic elsewhere


class ReviewState(StrEnum):
    """What a person did with a sentence. ``machine`` is the default and is not written:
    a sentence without a ``review`` key was never looked at."""

    MACHINE = "machine"  #: nobody has looked at it
    EDITED = "edited"  #: a person changed the English (``post_edit``)
    CONFIRMED = "confirmed"  #: a person accepted the English as it is


class EditFrom(StrEnum):
    """Where a correction came from (``edit_from`` in the JSONL and the corrections store)."""

    PAGE = "page"  #: the review page's corrections file
    XLIFF = "xliff"  #: an XLIFF 1.2 file (mtjob's export, as a CAT tool saved it)
    TMX = "tmx"  #: a TMX file (mtjob's export, or a CAT tool's memory such as OmegaT's)
    TSV = "tsv"  #: the TSV export with its post_edit column filled
    MEMORY = "memory"  #: a TMX written by ``mtjob memory export``
    PROPAGATED = "propagated"  #: a correction of the same Arabic elsewhere in the folder


class Role(StrEnum):
    """The models of a run, as the abstract record's ``models`` names them."""

    MT = "mt"  #: Arabic -> English translation (MarianMT)
    SUMMARY = "summary"  #: the English summarizer (BART)

    @classmethod
    def _missing_(cls, value: object) -> Role | None:
        """``Role("sum")``: the summarizer as files written before one spelling (the staged
        models' ``models.json``) and the flags' prefix (``--sum-model``) name it."""
        return cls.SUMMARY if value == "sum" else None


class EntrySource(StrEnum):
    """What a translation-memory entry's English is."""

    POST_EDIT = "post_edit"  #: a person's correction
    MT = "mt"  #: the machine's English, kept as a reference


class Forced(StrEnum):
    """How a required rendering got into a sentence's English (``terms[].how``)."""

    NBEST = "nbest"  #: one of the model's own n-best hypotheses held it
    PREFIX = "prefix"  #: decoded again from a target prefix ending with it
    REPLACE = "replace"  #: written into the text: the model cannot produce it (no score)


class TermReason(StrEnum):
    """Why a rendering was required of a sentence (``terms[].why``)."""

    GLOSSARY = "glossary"  #: a glossary term of the sentence
    KEEP = "keep"  #: a do-not-translate span (URL, e-mail, code, measure, Latin name)
    CONSISTENCY = "consistency"  #: a recurring name, unified across the article or run
