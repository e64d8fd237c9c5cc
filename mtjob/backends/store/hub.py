"""Finding model folders (hub id or local folder), safely and cheaply.

A model is resolved once, before the first batch, and on every run (the resolved revision is
part of what makes an article finished), so resolving must not cost a download or a hash
when nothing changed: a hub id in the Hugging Face cache is read from the cache's ``refs``
without any network call, and a local folder's fingerprint is cached (``fingerprint``). Only
a model absent from the cache is fetched (``download``); with the hub out of reach that
stops the run with one line that says how to pre-stage it.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import ConfigError, ModelUnavailableError, UnsafeModelError
from .download import PICKLE_WEIGHTS, SAFE_PATTERNS, download
from .fingerprint import cache_root, fingerprint
from .model_ref import both_readings, hub_shaped, missing_folder

__all__ = ["ModelSource", "resolve_model", "cache_root", "hub_cache_dir", "cached_snapshot"]

log = logging.getLogger(__name__)

COMMIT = re.compile(r"[0-9a-f]{40}")
PR_REF = re.compile(r"refs/pr/(\d+)")


@dataclass(frozen=True)
class ModelSource:
    """A model resolved to a local folder, with what provenance needs. ``hub_ref`` names the
    hub reference the folder came from when it is not the one asked for (``refs/pr/N``: the
    safetensors conversion of a repository whose own revision ships pickle weights only)."""

    ref: str
    path: Path
    revision: str
    use_safetensors: bool
    hub_ref: str | None = None

    def provenance(self) -> dict[str, str]:
        info = {"id": self.ref, "revision": self.revision}
        if self.hub_ref:
            info["hub_ref"] = self.hub_ref
        return info


def hub_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The Hugging Face hub cache: ``cache_dir``, else ``HF_HUB_CACHE``, else ``HF_HOME/hub``,
    else ``$XDG_CACHE_HOME/huggingface/hub``; read now, not when huggingface_hub was
    imported, so that a changed environment is honoured."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "huggingface" / "hub"


def repo_folder(cache: Path, ref: str) -> Path:
    return cache / ("models--" + ref.replace("/", "--"))


def safe_weights(folder: Path) -> bool:
    """Safetensors weights, every shard present when the model is sharded."""
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        import json

        try:
            shards = set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values())
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return False
        return all((folder / shard).is_file() for shard in shards)
    return any(folder.glob("*.safetensors"))


def pickle_weights(folder: Path) -> bool:
    return any((folder / name).is_file() for name in PICKLE_WEIGHTS)


def _complete(folder: Path, allow_pickle: bool) -> bool:
    return (folder / "config.json").is_file() and (
        safe_weights(folder) or (allow_pickle and pickle_weights(folder)))


def _read_ref(repo: Path, name: str) -> str | None:
    try:
        commit = (repo / "refs" / name).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return commit if COMMIT.fullmatch(commit) else None


def cached_conversion(repo: Path) -> tuple[Path, str, str] | None:
    """The newest safetensors conversion pull request in the cache, as (snapshot, commit,
    ``refs/pr/N``). Only ``download`` fetches those, after checking their author."""
    found = []
    for ref_file in (repo / "refs" / "refs" / "pr").glob("*"):
        commit = _read_ref(repo, f"refs/pr/{ref_file.name}")
        snapshot = repo / "snapshots" / str(commit)
        if ref_file.name.isdigit() and commit and _complete(snapshot, False):
            found.append((int(ref_file.name), snapshot, commit))
    if not found:
        return None
    number, snapshot, commit = max(found)
    return snapshot, commit, f"refs/pr/{number}"


def cached_snapshot(ref: str, revision: str | None, cache: Path,
                    allow_pickle: bool) -> tuple[Path, str, str | None] | None:
    """(snapshot folder, commit, hub ref) of ``ref`` at ``revision`` (``main`` when None)
    from the cache alone, or None when it is not there complete. Safetensors come first: a
    revision with pickle weights only yields its cached safetensors conversion (for
    ``main``), and its pickle weights only with ``allow_pickle``."""
    repo = repo_folder(cache, ref)
    if not repo.is_dir():
        return None
    name = revision or "main"
    commit = name if COMMIT.fullmatch(name) else _read_ref(repo, name)
    snapshot = repo / "snapshots" / str(commit)
    pr = PR_REF.fullmatch(name)
    if commit and _complete(snapshot, False):
        return snapshot, commit, name if pr else None
    if name == "main" and (conversion := cached_conversion(repo)):
        return conversion
    if commit and allow_pickle and _complete(snapshot, True):
        return snapshot, commit, None
    return None


def resolve_model(ref: str, revision: str | None, cache_dir: str | None,
                  allow_pickle: bool) -> ModelSource:
    """Resolve a hub id or a local folder to a folder with safe weights, without network
    access when the model is a folder or in the cache."""
    local = Path(ref).expanduser()
    hub_ref = None
    if local.is_dir():
        path = local
        if revision:
            log.warning("%s is a local folder: the revision %r is ignored", ref, revision)
    elif local.exists() or not hub_shaped(ref):
        raise missing_folder(ref)
    else:
        cache = hub_cache_dir(cache_dir)
        found = cached_snapshot(ref, revision, cache, allow_pickle)
        if found is None:
            try:
                download(ref, revision, cache, allow_pickle)
            except (ModelUnavailableError, ConfigError) as exc:  # offline, unknown to the hub
                raise both_readings(ref, exc) from None
            found = cached_snapshot(ref, revision, cache, allow_pickle)
        if found is None:
            raise ConfigError(f"model {ref!r}: the download left no complete snapshot in "
                              f"{repo_folder(cache, ref)}")
        path, commit, hub_ref = found
    if safe_weights(path):
        use_safetensors = True
    elif pickle_weights(path):
        if not allow_pickle:
            raise UnsafeModelError(
                f"model {ref!r} ships only pickle weights (pytorch_model.bin), which can run "
                "code when loaded; convert it to safetensors, or pass --allow-pickle if you "
                "trust its source")
        log.warning("loading pickle weights of %s because allow_pickle is set", ref)
        use_safetensors = False
    else:
        raise ConfigError(f"model {ref!r}: no weights (model.safetensors) in {path}")
    resolved = fingerprint(path) if path == local else commit
    return ModelSource(ref=ref, path=path, revision=resolved, use_safetensors=use_safetensors,
                       hub_ref=hub_ref)
