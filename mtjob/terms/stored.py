"""The glossary a run used, kept in its output folder: the page, the exports, import and eval
check a sentence's final English (a person's post-edit too) against the same terms.

``OUT/_mtjob/glossaries/<sha256>.glossary``: the file's bytes as the run loaded them, named
by the hash the abstracts record (``settings.glossary_sha256``); written once, never changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..choices import TermsMode
from ..errors import MtjobError
from ..outfolder.paths import meta_dir
from .check import TermMiss, check_terms
from .glossary import GlossaryTerm, parse
from .index import TermIndex, build_index

if TYPE_CHECKING:
    from ..outfolder.corrections import Correction
    from ..outfolder.readback import FinishedArticle

log = logging.getLogger(__name__)


def glossaries_dir(out: Path) -> Path:
    return meta_dir(out) / "glossaries"


def stored_path(out: Path, sha256: str) -> Path:
    return glossaries_dir(out) / f"{sha256}.glossary"


def store_glossary(out: Path, data: bytes, sha256: str) -> None:
    """Keep the run's glossary beside its outputs (once per content)."""
    from ..outfolder.atomic import atomic_write, ensure_real_dir

    path = stored_path(out, sha256)
    if path.is_file():
        return
    ensure_real_dir(meta_dir(out))
    ensure_real_dir(glossaries_dir(out))
    atomic_write(path, data)


@lru_cache(maxsize=8)
def _index(path: Path, mtime_ns: int, protect: bool) -> TermIndex:
    return build_index(parse(path.read_bytes(), path), protect)


def stored_index(out: Path, settings: Any, protect: bool | None = None) -> TermIndex | None:
    """The index of the glossary an article was made with (its abstract's ``settings``),
    protecting do-not-translate spans when its run did (or as ``protect`` says); None when
    it had no glossary or the copy is gone (a folder from before this was kept: logged)."""
    if not isinstance(settings, dict):
        return None
    sha = settings.get("glossary_sha256")
    if protect is None:
        protect = settings.get("terms") not in (None, TermsMode.OFF)
    if not isinstance(sha, str):
        return TermIndex((), protect=True) if protect else None
    path = stored_path(out, sha)
    try:
        return _index(path, path.stat().st_mtime_ns, protect)
    except (OSError, MtjobError) as exc:
        log.warning("the glossary of %s is not kept in it (%s): terms are not checked", out,
                    exc)
        return None


def final_misses(out: Path, article: FinishedArticle) -> dict[str, list[TermMiss]] | None:
    """``{unit id: the terms its final English lacks}`` for the sentences of an article that
    lack any, against the glossary its run kept: what the page and the exports show (a
    person's post-edit is checked as the machine's English was). None: no glossary kept."""
    index = stored_index(out, article.meta.get("settings"))
    if index is None:
        return None
    found = {}
    for paragraph, sentence in article.sentences():
        misses = check_terms(sentence.ar, sentence.final, index)
        if misses:
            found[paragraph.unit_id(sentence)] = misses
    return found


def post_edit_misses(out: Path, article: FinishedArticle, corrections: Iterable[Correction]
                     ) -> list[tuple[str, str, list[TermMiss]]]:
    """``(doc id, unit, terms)`` of each correction whose English lacks a glossary term of
    its Arabic (``mtjob import`` warns of them; the page and the exports flag them)."""
    index = stored_index(out, article.meta.get("settings"))
    found: list[tuple[str, str, list[TermMiss]]] = []
    if index is None:
        return found
    for c in corrections:
        misses = check_terms(c.ar, c.post_edit, index)
        if misses:
            log.warning("%s %s: the post-edit lacks %s", article.doc_id, c.unit,
                        "; ".join(map(str, misses)))
            found.append((article.doc_id, c.unit, misses))
    return found


#: The file an OmegaT export writes into the project's ``glossary/`` (read-only for OmegaT:
#: a translator's own terms go to its ``glossary.txt``, never overwritten by an export).
OMEGAT_GLOSSARY = "mtjob-glossary.tbx"


def omegat_glossary(out: Path, articles: list[FinishedArticle], source: Path) -> Path | None:
    """The glossaries the articles' runs kept, as one TBX in the ``glossary/`` folder beside
    ``source`` (``--to PROJECT/source`` writes ``PROJECT/glossary/mtjob-glossary.tbx``);
    None when no article had a glossary."""
    from ..outfolder.atomic import write_if_changed
    from .tbx import render_tbx

    terms: dict[str, GlossaryTerm] = {}
    for sha in sorted({a.meta.get("settings", {}).get("glossary_sha256") for a in articles
                       if isinstance(a.meta.get("settings"), dict)} - {None}):
        path = stored_path(out, str(sha))
        if path.is_file():
            for term in parse(path.read_bytes(), path):
                terms.setdefault(term.term, term)
    if not terms:
        return None
    folder = source.resolve().parent / "glossary"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / OMEGAT_GLOSSARY
    write_if_changed(target, render_tbx(tuple(terms.values())).encode("utf-8"))
    return target
