"""Finding model folders (hub id or local folder), safely.

Nothing is downloaded in the middle of a translation: a model is resolved once, before the
first batch. A model that is neither a local folder nor in the cache, with the hub out of
reach, stops the run with one line that says how to pre-stage it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, ModelUnavailableError, UnsafeModelError

log = logging.getLogger(__name__)

SAFE_PATTERNS = ["*.json", "*.spm", "*.model", "*.txt", "*.safetensors"]
PICKLE_WEIGHTS = ("pytorch_model.bin",)


@dataclass(frozen=True)
class ModelSource:
    """A model resolved to a local folder, with what provenance needs."""

    ref: str
    path: Path
    revision: str
    use_safetensors: bool

    def provenance(self) -> dict[str, str]:
        return {"id": self.ref, "revision": self.revision}


def _fingerprint(path: Path) -> str:
    """A short content hash of a local model's weights, standing in for a hub revision."""
    digest = hashlib.sha256()
    weights = sorted(path.glob("*.safetensors")) or sorted(path.glob("pytorch_model*.bin"))
    tokenizer = [p for pattern in ("*.json", "*.spm", "*.model", "*.txt")
                 for p in sorted(path.glob(pattern))]
    for item in tokenizer + weights:
        digest.update(item.name.encode())
        with item.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
    return "local-sha256:" + digest.hexdigest()[:16]


def _download(ref: str, revision: str | None, cache_dir: str | None,
              allow_pickle: bool) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    patterns = SAFE_PATTERNS + (list(PICKLE_WEIGHTS) if allow_pickle else [])
    # huggingface_hub reads HF_HUB_OFFLINE once, at import; read it again here so that the
    # variable is honoured however the process was started.
    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")
    try:
        return Path(snapshot_download(ref, revision=revision, cache_dir=cache_dir,
                                      allow_patterns=patterns, local_files_only=offline))
    except (LocalEntryNotFoundError, OSError) as exc:
        rev = f" at revision {revision}" if revision else ""
        raise ModelUnavailableError(
            f"model {ref!r}{rev} is not in the Hugging Face cache and the hub cannot be "
            f"reached ({type(exc).__name__}). Pre-stage it on a machine with internet: "
            f"`hf download {ref} --local-dir DIR` then pass the folder (--mt-model/--sum-model "
            "DIR), or fill a shared cache and point HF_HOME at it") from None
    except HfHubHTTPError as exc:
        raise ModelUnavailableError(f"model {ref!r}: the hub refused it: {exc}") from None


def resolve_model(ref: str, revision: str | None, cache_dir: str | None,
                  allow_pickle: bool) -> ModelSource:
    """Resolve a hub id or a local folder to a folder with safe weights."""
    local = Path(ref).expanduser()
    if local.is_dir():
        path = local
        if revision:
            log.warning("%s is a local folder: the revision %r is ignored", ref, revision)
    elif ref.startswith((".", "/", "~")) or local.exists():
        raise ConfigError(f"model folder {ref!r} does not exist (or is not a folder)")
    else:
        path = _download(ref, revision, cache_dir, allow_pickle)
    if any(path.glob("*.safetensors")):
        use_safetensors = True
    elif any((path / name).exists() for name in PICKLE_WEIGHTS):
        if not allow_pickle:
            raise UnsafeModelError(
                f"model {ref!r} ships only pickle weights (pytorch_model.bin), which can run "
                "code when loaded; convert it to safetensors, or pass --allow-pickle if you "
                "trust its source")
        log.warning("loading pickle weights of %s because allow_pickle is set", ref)
        use_safetensors = False
    else:
        raise ConfigError(f"model {ref!r}: no weights (model.safetensors) in {path}")
    resolved = _fingerprint(path) if path == local else path.name
    return ModelSource(ref=ref, path=path, revision=resolved, use_safetensors=use_safetensors)
