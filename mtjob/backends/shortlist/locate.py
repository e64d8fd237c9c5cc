"""Which shortlist a run uses (a file, or ``auto``: the one built for the model in the mtjob
cache), the check that it was built for this model, and the CTranslate2 model folder that
holds it as ``vmap.txt``."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import ConfigError
from ...vocabulary import Role
from ..conversion import cache_name
from ..store.fingerprint import cache_root
from .tokens import ModelVocabulary
from .vmap import Shortlist, pin_specials, read_shortlist, shortlist_bytes

if TYPE_CHECKING:
    from ...config import JobConfig
    from ..store.hub import ModelSource
    from ..tokenizers.tokenizer import ModelTokenizer

log = logging.getLogger(__name__)

AUTO = "auto"
_parsed: dict[tuple[Path, int, int], Shortlist] = {}
_warned: set[tuple[object, object]] = set()  # said once per model, or per shortlist


def auto_path(ref: str, revision: str) -> Path:
    """Where ``mtjob models shortlist`` puts a model's shortlist when no ``-o`` is given, and
    where ``--shortlist auto`` looks: keyed by the model's name and resolved revision."""
    name = Path(ref).expanduser().name if revision.startswith("local-") else ref
    return cache_root() / "shortlists" / f"{cache_name(name)}--{cache_name(revision)}.vmap.txt"


def shortlist_file(setting: str | None, ref: str, revision: str) -> Path | None:
    """The file a ``shortlist`` setting names for this model; ``None``: no shortlist (not
    set, or ``auto`` with none built for this revision)."""
    if not setting:
        return None
    if setting == AUTO:
        path = auto_path(ref, revision)
        return path if path.is_file() else None
    return Path(setting).expanduser()


def shortlist_setting(config: JobConfig, revisions: dict[Role, str]) -> dict[str, str]:
    """``{"shortlist_sha256": ...}`` for the output settings when the run uses a shortlist
    (its content, not its path, shapes the outputs), else nothing: the bytes of before."""
    path = shortlist_file(config.shortlist, config.mt_model, revisions.get(Role.MT, ""))
    if path is None:
        return {}
    return {"shortlist_sha256": hashlib.sha256(shortlist_bytes(path)).hexdigest()}


def load_shortlist(setting: str | None, source: ModelSource,
                   tokens: ModelTokenizer | None = None) -> Shortlist | None:
    """The parsed shortlist of ``setting`` for the model ``source``; a ``ConfigError`` (exit
    2) when it was built for a model with another vocabulary."""
    path = shortlist_file(setting, source.ref, source.revision)
    if path is None:
        if setting == AUTO and (source.ref, source.revision) not in _warned:
            _warned.add((source.ref, source.revision))
            log.warning("no shortlist built for %s (mtjob models shortlist): full vocabulary",
                        source.ref)
        return None
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"shortlist {path}: cannot read: {exc.strerror or exc}") from None
    key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
    if key not in _parsed:
        _parsed.clear()  # one run uses one shortlist
        _parsed[key] = read_shortlist(path)
    shortlist = _parsed[key]
    vocabulary = ModelVocabulary(source, tokens)
    expected = vocabulary.hash
    if shortlist.vocabulary != expected:
        raise ConfigError(
            f"shortlist {path} was built for another model (vocabulary {shortlist.vocabulary}; "
            f"{source.ref} has {expected}): build one for it with mtjob models shortlist "
            f"OUT... --mt-model {source.ref}")
    targets = {*shortlist.always, *(t for ts in shortlist.rules.values() for t in ts)}
    unknown = targets - vocabulary.vocab.keys()
    if targets and unknown == targets:  # every batch would decode to nothing but unk and eos
        raise ConfigError(f"shortlist {path}: none of its {len(targets)} target tokens is in "
                          f"{source.ref}'s vocabulary: build one with mtjob models shortlist")
    if unknown and (path, len(unknown)) not in _warned:
        _warned.add((path, len(unknown)))
        log.warning("shortlist %s: %d of its %d target tokens are not in %s's vocabulary and "
                    "are left out (e.g. %r)", path, len(unknown), len(targets), source.ref,
                    sorted(unknown)[0])
    return pin_specials(shortlist, vocabulary.vocab, vocabulary.ctranslate2_specials)


def vmap_model(converted: Path, shortlist: Shortlist) -> Path:
    """A CTranslate2 model folder with the shortlist as ``vmap.txt``: the conversion's files
    linked (or copied) beside it, made once per conversion and shortlist, atomically."""
    data = shortlist.file_bytes()
    target = cache_root() / "ct2-vmap" / \
        f"{converted.name}--{hashlib.sha256(data).hexdigest()[:16]}"
    if (target / "vmap.txt").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for item in converted.iterdir():
            _link(item, tmp / item.name)
        (tmp / "vmap.txt").write_bytes(data)  # the file as read and pinned (pin_specials)
        try:
            os.replace(tmp, target)
        except OSError:
            if not (target / "vmap.txt").is_file():  # not another process's: a real error
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _link(src: Path, dst: Path) -> None:
    """A hard link (the cache is one file system), else a copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
