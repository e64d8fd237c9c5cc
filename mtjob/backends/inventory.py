"""What a node has and what a run there would use: ``mtjob models list`` and ``check``.

``check`` resolves the configured models as a run does, loads their tokenizers, reads each
safetensors header (never the weights) and asks torch and CTranslate2 which devices they see,
so that a broken model or a missing GPU shows up before a job array is submitted.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import MODEL_FIELDS, JobConfig
from ..errors import ConfigError, MissingExtraError
from ..vocabulary import Role
from .store.hub import ModelSource, cache_root, hub_cache_dir, resolve_model

SAMPLE = "قال المتحدث إن المحادثات ستستمر غدا."
MAX_HEADER = 100 << 20  # safetensors' own limit


@dataclass
class CachedModel:
    """One revision of a model in the Hugging Face cache."""

    id: str
    revision: str
    refs: list[str]
    size: int
    path: Path


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def cached_models(cache_dir: str | None = None) -> list[CachedModel]:
    """Every model revision in the hub cache (``cache_dir``, else HF_HUB_CACHE/HF_HOME)."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir(hub_cache_dir(cache_dir))
    except CacheNotFound:
        return []
    return sorted((CachedModel(repo.repo_id, rev.commit_hash, sorted(rev.refs),
                               rev.size_on_disk, rev.snapshot_path)
                   for repo in info.repos if repo.repo_type == "model"
                   for rev in repo.revisions), key=lambda m: (m.id, m.revision))


def ct2_conversions() -> list[tuple[str, int]]:
    """(folder name, bytes) of each finished CTranslate2 conversion in the mtjob cache."""
    root = cache_root() / "ct2"
    if not root.is_dir():
        return []
    return [(p.name, folder_size(p)) for p in sorted(root.iterdir())
            if (p / "model.bin").is_file()]


def fingerprinted_folders() -> dict[str, str]:
    """Local model folders whose fingerprint is cached: ``{folder: revision}``."""
    try:
        data = json.loads((cache_root() / "fingerprints.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(v.get("revision")) for k, v in data.items() if isinstance(v, dict)} \
        if isinstance(data, dict) else {}


def safetensors_header(path: Path) -> tuple[int, int]:
    """(tensors, bytes) from a safetensors file's header alone; ``ConfigError`` when the
    header is unreadable or the file is shorter or longer than the header says."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        raw = handle.read(8)
        length = struct.unpack("<Q", raw)[0] if len(raw) == 8 else -1
        if not 0 < length <= min(MAX_HEADER, size - 8):
            raise ConfigError(f"{path}: not a safetensors file (bad header length)")
        try:
            header = json.loads(handle.read(length))
            ends = [int(v["data_offsets"][1]) for k, v in header.items() if k != "__metadata__"]
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ConfigError(f"{path}: unreadable safetensors header ({exc})") from None
    expected = 8 + length + max(ends, default=0)
    if expected != size:
        raise ConfigError(f"{path}: {size} bytes where the header describes {expected} "
                          "(truncated or damaged download?)")
    return len(ends), size


@dataclass
class ModelCheck:
    role: Role
    source: ModelSource
    weights: list[str] = field(default_factory=list)
    tokenizer: str = ""


def check_model(role: Role, config: JobConfig) -> ModelCheck:
    """Resolve, read the weight headers and load the tokenizer of one configured model."""
    from .store.model_kind import check_kind
    from .store.validate import check_config
    from .tokenizers.tokenizer import ModelTokenizer

    ref, revision = config.model(role)
    source = resolve_model(ref, revision, config.cache_dir, config.allow_pickle)
    # the run's own check: a translation model must translate, a summarizer summarize
    check_kind(role, ref, check_config(source), source.path)
    result = ModelCheck(role, source)
    if source.use_safetensors:
        for path in sorted(source.path.glob("*.safetensors")):
            tensors, size = safetensors_header(path)
            result.weights.append(f"{path.name}: {tensors} tensors, {size / 1e6:.1f} MB, "
                                  "header ok")
    else:
        result.weights.append("pytorch_model.bin (pickle, allowed; not opened)")
    try:
        tokens = ModelTokenizer(source)
        count = tokens.count_tokens([SAMPLE])[0]
        result.tokenizer = (f"{type(tokens.hf).__name__}, {len(tokens.hf)} pieces, "
                            f"{tokens.model_max_tokens} tokens max; sample: {count} tokens")
    except Exception as exc:
        raise ConfigError(f"model {ref!r}: its tokenizer does not load from {source.path}: "
                          f"{type(exc).__name__}: {exc}") from None
    return result


def runtime(config: JobConfig) -> tuple[str, list[str]]:
    """(what a run would use, one line per library on what it sees). ``ConfigError`` when
    the configured device cannot be had."""
    lines = []
    try:
        import torch

        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        names = ", ".join(torch.cuda.get_device_name(i) for i in range(count))
        lines.append(f"torch {torch.__version__}: {count} CUDA device(s)"
                     + (f" ({names})" if names else ""))
    except ImportError:
        lines.append("torch: not installed")
    try:
        from .ct2 import import_ctranslate2

        ct2 = import_ctranslate2()
        lines.append(f"ctranslate2 {ct2.__version__}: {ct2.get_cuda_device_count()} CUDA "
                     "device(s)")
    except MissingExtraError:  # the ctranslate2 backend's runtime raises it below
        lines.append("ctranslate2: not installed (pip install 'mtjob[ct2]')")
    from .registry import backend_for

    device, precision = backend_for(config.backend).runtime(config)
    return f"{config.backend} on {device} ({precision})", lines


def describe(config: JobConfig) -> Iterator[str]:
    """The ``mtjob models check`` report, line by line; raises at the first broken part."""
    for role in config.roles:
        found = check_model(role, config)
        info: dict[str, Any] = found.source.provenance()
        flag = MODEL_FIELDS[role][0].removesuffix("_model")  # each model named by its flag
        yield f"{flag:<4} {info['id']}"
        yield f"     revision  {info['revision']}" + (
            f" ({info['hub_ref']})" if "hub_ref" in info else "")
        yield f"     folder    {found.source.path}"
        yield from (f"     weights   {w}" for w in found.weights)
        yield f"     tokenizer {found.tokenizer}"
    use, lines = runtime(config)
    yield from (f"runtime {line}" for line in lines)
    yield f"ok: a run would use {use}"
