"""Finding model folders (hub id or local folder), safely, and choosing device and precision.

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

from .errors import ConfigError, ModelUnavailableError, UnsafeModelError

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


def select_device(requested: str) -> str:
    """``auto`` -> ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without one is an error."""
    import torch

    has_cuda = torch.cuda.is_available()
    if requested == "cuda" and not has_cuda:
        raise ConfigError("device 'cuda' was asked for but no CUDA GPU is visible")
    if requested == "auto":
        return "cuda" if has_cuda else "cpu"
    return requested


def cpu_layout(threads: int) -> tuple[int, int]:
    """(batches run in parallel, threads per batch) for ``threads`` CPU threads (0: all the
    cores this process may use). Independent one-thread batches scale better than one batch
    on two threads: measured 1.3x the throughput on 2 cores at beam 4, with CTranslate2 and
    with torch alike (README, Performance).
    Beyond 4 threads each batch gets a quarter of them (not measured: no bigger CPU here)."""
    total = threads or len(os.sched_getaffinity(0)) or 1
    per_batch = max(1, total // 4)
    return max(1, total // per_batch), per_batch


def cpu_has_bf16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Whether the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX): bfloat16 then
    runs about 2x faster than float32 here; without them it is slower."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def select_dtype(requested: str, device: str) -> str:
    """Precision for transformers: float32 on CPU; bfloat16 (or float16) on GPU by default."""
    if requested != "auto":
        if device == "cpu" and requested != "float32":
            fast = requested == "bfloat16" and cpu_has_bf16()
            log.warning("dtype %s on CPU is %s; float32 is exact", requested,
                        "lossy" if fast else "slow and lossy (this CPU lacks bfloat16 "
                        "instructions)")
        return requested
    if device == "cpu":
        return "float32"
    import torch

    return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"


def is_out_of_memory(exc: BaseException) -> bool:
    """Only real out-of-memory errors are retried with a smaller batch."""
    if type(exc).__name__ == "OutOfMemoryError" or isinstance(exc, MemoryError):
        return True
    message = str(exc).lower()
    # torch/CUDA: "CUDA out of memory"; CTranslate2: "... out of memory" or std::bad_alloc.
    return isinstance(exc, RuntimeError) and ("out of memory" in message
                                              or "bad_alloc" in message)
