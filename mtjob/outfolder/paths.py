"""The output folder: where each file lives, when an article counts as done, and which paths
a run must never write (its own inputs)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..inputs.sources import display_name
from ..vocabulary import Role
from .atomic import read_plain
from .machine import machine_bytes

META = "_mtjob"
#: The review pages a run writes with ``--report`` (cleaned of temp files by a run that is
#: alone, as ``META``); the folder keeps the flag's name, which users and scripts know.
REVIEW_DIR = "report"

#: The review pages' index (``OUT/report/`` and ``export --format html``).
INDEX = "index.html"
_INDEXLIKE = re.compile(r"_*index", re.IGNORECASE)


#: ``--text``'s file beside the JSONL (``outfolder.english_text`` writes it).
TEXT = ".en.txt"

def page_name(doc_id: str) -> str:
    """The page's file name: never ``index.html``, one page per doc id."""
    return ("_" if _INDEXLIKE.fullmatch(doc_id) else "") + doc_id + ".html"


def doc_of_page(name: str) -> str | None:
    """The doc id a page name belongs to (the inverse of :func:`page_name`), or None."""
    if not name.endswith(".html"):
        return None
    stem = name[:-len(".html")]
    if _INDEXLIKE.fullmatch(stem):
        return stem[1:] if stem.startswith("_") else None
    return stem


_STAMP = re.compile(rb'<meta name="mtjob-files-sha256" content="([0-9a-f]{64})">')


def page_key(abstract: bytes, jsonl: bytes) -> str:
    """What a review page is made from: its abstract and its JSONL (post-edits included, which
    ``mtjob import`` changes without touching the abstract), as one hash."""
    return sha256_bytes(sha256_bytes(abstract).encode() + sha256_bytes(jsonl).encode())


def page_stamp(page: Path) -> str | None:
    """The :func:`page_key` a review page records (in its first 4 KiB), or None: no page, not
    a regular file (never waited on), or no stamp (a page of an older mtjob)."""
    found = _STAMP.search(read_plain(page, 4096) or b"")
    return found.group(1).decode() if found else None


def jsonl_path(out: Path, doc_id: str) -> Path:
    return out / f"{doc_id}.jsonl"


#: The abstract record's file beside ``NAME.jsonl``.
ABSTRACT = ".abstract.json"


def abstract_path(out: Path, doc_id: str) -> Path:
    return out / f"{doc_id}{ABSTRACT}"


def article_ids(out: Path) -> list[str]:
    """The articles of an output folder, sorted: one per ``NAME.abstract.json`` (written
    last, so an article that has one has both files)."""
    return sorted(p.name[:-len(ABSTRACT)] for p in out.glob(f"*{ABSTRACT}"))


def meta_dir(out: Path) -> Path:
    """Run bookkeeping (locks, manifests, completion markers, resolved config)."""
    return out / META


def own_text_files(paths: list[Path], out: Path) -> list[Path]:
    """The inputs that are this folder's ``--text`` files, never articles: ``OUT/NAME.en.txt``
    where ``NAME`` is another input or has its JSONL in OUT. An inbox that is also the output
    folder holds them after a run with ``--text``; read as articles, they would be translated
    (English through the Arabic model) or refused as outputs of the run."""
    from ..inputs.reader import doc_id_for

    candidates = [p for p in paths if p.name.endswith(TEXT) and len(p.name) > len(TEXT)]
    out_key = _inode(out) if candidates else None
    if out_key is None:
        return []
    articles = {doc_id_for(p) for p in paths}
    folders: dict[str, bool] = {}
    own = []
    for path in candidates:
        folder = os.path.dirname(path)
        if folder not in folders:
            folders[folder] = _inode(Path(folder or ".")) == out_key
        name = path.name[:-len(TEXT)]
        if folders[folder] and (name in articles or jsonl_path(out, name).exists()):
            own.append(path)
    return own


def refuse_collisions(inputs: list[Path], doc_ids: list[str], out: Path, links: set[Path],
                      stats: dict[Path, os.stat_result] | None = None) -> None:
    """A run must never write over one of its own inputs: not ``NAME.jsonl``,
    ``NAME.abstract.json`` or ``NAME.en.txt`` (``--text``) of any article, nor anything under
    ``_mtjob/`` (the same file
    through any path: a symlink, a bind-mounted folder or a hard link). Compared by inode;
    an input can only be an output if it lies in OUT or its bookkeeping, or has another name
    (a link), so only those are compared, and a large inbox costs a ``stat`` per file (none
    when ``stats`` has it). ``links``: the inputs that are symlinks, as ``discover`` found."""
    folders = {_inode(f): f for f in (out, meta_dir(out), meta_dir(out) / "completions",
                                      meta_dir(out) / "runs")}
    folders.pop(None, None)
    parents: dict[str, Path | None] = {}  # by name: a Path per input costs ~1 s at 100k
    suspects: dict[tuple[int, int], Path] = {}
    for path in inputs:
        try:
            st = stats[path] if stats and path in stats else os.stat(path)
        except OSError:
            continue
        folder = os.path.dirname(path)
        if folder not in parents:
            parents[folder] = folders.get(_inode(Path(folder or ".")))
        parent = parents[folder]
        if parent is not None and parent != out:
            _collision(path, parent)
        if parent is not None or st.st_nlink > 1 or path in links:
            suspects[st.st_dev, st.st_ino] = path
    if not suspects:
        return
    for output in (p for d in doc_ids
                   for p in (jsonl_path(out, d), abstract_path(out, d), out / f"{d}{TEXT}")):
        key = _inode(output)
        if key in suspects:
            _collision(suspects[key], output)


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _collision(path: Path, output: Path) -> None:
    raise ConfigError(f"input {display_name(path)} is also an output of this run "
                      f"({display_name(output)}); choose another --out")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def done_record(out: Path, doc_id: str, source_sha: str | None, settings: dict[str, Any],
                revisions: dict[Role, str] | None = None) -> tuple[dict[str, Any], bytes] | None:
    """The abstract record and the abstract file's bytes, if the article is done.

    Done means: the abstract parses, names the same source hash (any, if ``source_sha`` is
    None), settings and resolved model revisions (per role, when ``revisions`` is given), and
    the JSONL beside it, without its corrections, has exactly the hash the abstract recorded.
    """
    abstract, data = read_plain(abstract_path(out, doc_id)), read_plain(jsonl_path(out, doc_id))
    if abstract is None or data is None:
        return None
    try:
        meta = json.loads(abstract)
    except ValueError:
        return None
    if not isinstance(meta, dict) or meta.get("settings") != settings:
        return None
    if source_sha is not None and meta.get("source_sha256") != source_sha:
        return None
    if revisions is not None and recorded_revisions(meta) != revisions:
        return None
    try:  # the abstract records the machine output's hash; corrections come on top
        if meta.get("jsonl_sha256") != sha256_bytes(machine_bytes(data)):
            return None
    except ValueError:
        return None
    return meta, abstract


def recorded_revisions(meta: dict[str, Any]) -> dict[str, str | None] | None:
    """``{role: revision}`` as an abstract record names them."""
    models = meta.get("models")
    if not isinstance(models, dict):
        return None
    found: dict[str, str | None] = {str(role): info.get("revision")
                                    for role, info in models.items() if isinstance(info, dict)}
    return found if len(found) == len(models) else None


def shard_of(doc_id: str, world_size: int) -> int:
    """The shard that owns an article: a hash of its name, so the assignment does not move
    when articles are added to or removed from the input folder between array tasks."""
    digest = hashlib.sha1(doc_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % world_size
