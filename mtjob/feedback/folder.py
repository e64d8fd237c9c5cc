"""The output folder as one import sees it: each article's machine output and corrections
history resolved once (``ArticleCorrections``), the folder's sentences by their Arabic, and
the articles by what names them (doc id, source name, machine output hash).

Everything is built in one pass over the folder and looked up by key, so an import grows
with its units plus the folder's sentences, never with their product.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from ..inputs.textinput import STDIN_NAME
from ..outfolder.anchors import anchor_key
from ..outfolder.atomic import read_plain
from ..outfolder.corrected import ArticleCorrections
from ..outfolder.corrections import Correction, read_corrections, time_key
from ..outfolder.machine import machine_bytes, parse_jsonl
from ..outfolder.paths import jsonl_path
from ..outfolder.readback import FinishedArticle
from .units import Context


def _stem(name: str) -> str:
    """A file name as a tool may give it (with folders, either slash), without its suffix."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    return base.rsplit(".", 1)[0] if "." in base[1:] else base


class Folder:
    """The finished articles of ``out`` (read and verified by the caller)."""

    def __init__(self, out: Path, articles: list[FinishedArticle]) -> None:
        self.out = out
        self.articles = {a.doc_id: a for a in articles}
        self._states: dict[str, ArticleCorrections] = {}
        self.by_key: dict[str, list[tuple[str, int]]] = {}
        for doc_id in self.articles:
            for i, key in enumerate(self.state(doc_id).index.keys):
                self.by_key.setdefault(key, []).append((doc_id, i))
        self._by_hash: dict[str, list[str]] = {}
        self._by_name: dict[str, list[str]] = {}
        for a in articles:
            self._by_hash.setdefault(a.machine_sha256, []).append(a.doc_id)
            for name in {a.source_name, _stem(a.source_name)}:
                self._by_name.setdefault(name, []).append(a.doc_id)
        self.new: dict[str, list[Correction]] = {}
        self._added: set[int] = set()  # id() of this import's corrections
        self._held: dict[str, set[tuple[str, str | None, str]]] = {}

    def state(self, doc_id: str) -> ArticleCorrections:
        """The article's machine records with its stored (and this import's) corrections."""
        if doc_id not in self._states:
            data = read_plain(jsonl_path(self.out, doc_id)) or b""
            self._states[doc_id] = ArticleCorrections(
                parse_jsonl(machine_bytes(data)), read_corrections(self.out, doc_id),
                self.source_sha256(doc_id))
        return self._states[doc_id]

    def source_sha256(self, doc_id: str) -> str | None:
        value = self.articles[doc_id].meta.get("source_sha256")
        return value if isinstance(value, str) else None

    def bound_to(self, doc_id: str) -> str | None:
        """The source hash a new correction of this article is bound to: an article read
        from stdin (``run -``) is known by its text alone."""
        return self.source_sha256(doc_id) \
            if self.articles[doc_id].source_name == STDIN_NAME else None

    def add(self, doc_id: str, correction: Correction, at: int) -> None:
        self.state(doc_id).add(correction, at=at)
        self.new.setdefault(doc_id, []).append(correction)
        self._added.add(id(correction))

    def named(self, name: str, loosely: bool = False) -> FinishedArticle | None:
        """The one article a name denotes: its doc id, else its source's file name;
        ``loosely`` (a CAT tool's file name, with folders and its own suffix): also the
        stem of the name's last part. Never a path: the name only picks among articles."""
        if name in self.articles:
            return self.articles[name]
        hits = self._by_name.get(name) or \
            (self._by_name.get(_stem(name)) if loosely else None) or []
        return self.articles[hits[0]] if len(set(hits)) == 1 else None

    def by_content(self, fingerprint: str | None, original: str | None
                   ) -> FinishedArticle | None:
        """The article an XLIFF file is of: by the machine output hash it was exported from,
        else by its ``original`` (the article's source name). The file's own name is never
        asked."""
        hits = self._by_hash.get(fingerprint or "") or []
        if len(hits) == 1:
            return self.articles[hits[0]]
        return self.named(original) if original else None

    def machine_texts(self, doc_id: str, i: int) -> set[str]:
        """Every machine English known for this sentence's Arabic: the folder's (any article
        with the same Arabic) and those its corrections were made against."""
        found = {self.machine_en(d, j) for d, j in self.by_key.get(self.key(doc_id, i), [])}
        found.update(c.mt_en for c in self.state(doc_id).corrections_of(i) if c.mt_en)
        return found

    def held(self, doc_id: str, i: int) -> set[tuple[str, str | None, str]]:
        """The corrections the folder held before this import for this sentence's Arabic,
        in any article, as (English, author, time). A memory or a CAT tool's file gives such
        a correction back to every sentence of its Arabic (OmegaT fills each repeat from the
        project memory): it is the correction of its own sentence, carried back, not an edit
        of the others (an edit reaches its repeats by propagation)."""
        key = self.key(doc_id, i)
        if key not in self._held:
            self._held[key] = {(c.post_edit, c.edited_by, time_key(c))
                               for d, j in self.by_key.get(key, [])
                               for c in self.state(d).corrections_of(j)
                               if id(c) not in self._added}
        return self._held[key]

    def key(self, doc_id: str, i: int) -> str:
        """The anchor key (normalised Arabic) of sentence ``i`` of the article."""
        return self.state(doc_id).index.keys[i]

    def machine_en(self, doc_id: str, i: int) -> str:
        en = self.state(doc_id).sentence(i).get("en")
        return en if isinstance(en, str) else ""

    def in_context(self, doc_id: str, i: int, context: Context) -> bool:
        """Does sentence ``i`` of the article sit where an OmegaT alternative translation
        was tied (its file, its segment id, or the Arabic before and after it)?"""
        if context.file is not None and \
                self.named(context.file, loosely=True) is not self.articles[doc_id]:
            return False
        state = self.state(doc_id)
        if context.id is not None and context.id == state.unit_id(i):
            return True
        arabic = state.index.arabic
        for side, j in ((context.prev, i - 1), (context.next, i + 1)):
            if side is None:
                continue
            there = arabic[j] if 0 <= j < len(arabic) else ""
            if anchor_key(side) != anchor_key(there) and side.strip() != there.strip():
                return False
        return True
