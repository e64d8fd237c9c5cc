"""Where and how models run: device, precision, CPU thread layout, out-of-memory detection,
and the process-wide memory settings the engines need."""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import sys

from ..choices import Device, DType
from ..errors import ConfigError

log = logging.getLogger(__name__)


def select_device(requested: Device) -> Device:
    """``auto`` -> ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without one is an
    error."""
    import torch

    has_cuda = torch.cuda.is_available()
    if requested == Device.CUDA and not has_cuda:
        raise ConfigError("device 'cuda' was asked for but no CUDA GPU is visible")
    if requested == Device.AUTO:
        return Device.CUDA if has_cuda else Device.CPU
    return Device(requested)


def cpu_layout(threads: int, calls: int | None = None) -> tuple[int, int]:
    """(batches run in parallel, threads per batch) for ``threads`` CPU threads (0: all the
    cores this process may use). Independent one-thread batches scale better than one batch
    on several threads (docs/performance.md, "Earlier measurements"); beyond 4 threads each
    batch gets a quarter.
    ``calls``: how many calls the work holds, when known before the weights load; fewer
    than the workers (one short article) get the idle workers' threads instead."""
    total = threads or len(os.sched_getaffinity(0)) or 1
    per_batch = max(1, total // 4)
    workers = max(1, total // per_batch)
    if calls is not None and 0 < calls < workers:
        workers = calls
        per_batch = max(1, total // workers)
    return workers, per_batch


def cpu_has_bf16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Whether the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX): bfloat16 is then
    faster than float32; without them it is slower."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def select_dtype(requested: DType, device: Device, model: str = "the model") -> DType:
    """Precision for transformers: float32 on CPU; bfloat16 (or float16) on GPU by default."""
    if requested != DType.AUTO:
        if device == Device.CPU and requested != DType.FLOAT32:
            fast = requested == DType.BFLOAT16 and cpu_has_bf16()
            log.warning("%s: dtype %s on CPU is %s; float32 is exact", model, requested,
                        "lossy" if fast else "slow and lossy (this CPU lacks bfloat16 "
                        "instructions)")
        return DType(requested)
    if device == Device.CPU:
        return DType.FLOAT32
    import torch

    return DType.BFLOAT16 if torch.cuda.is_bf16_supported() else DType.FLOAT16


def is_out_of_memory(exc: BaseException) -> bool:
    """Only real out-of-memory errors are retried with a smaller batch."""
    if type(exc).__name__ == "OutOfMemoryError" or isinstance(exc, MemoryError):
        return True
    message = str(exc).lower()
    # torch/CUDA: "CUDA out of memory"; CTranslate2: "... out of memory" or std::bad_alloc.
    return isinstance(exc, RuntimeError) and ("out of memory" in message
                                              or "bad_alloc" in message)


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas: each thread that allocates gets an arena of its own (up to 8
    per core) and keeps freed memory there, so parallel batches inflated the peak RSS
    (docs/performance.md, "Earlier measurements"). A no-op off glibc, or when the user set
    ``MALLOC_ARENA_MAX``. Returns whether the cap was set."""
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the running C library's
    except (OSError, AttributeError):
        return False
    return bool(mallopt(-8, arenas))  # -8: M_ARENA_MAX


def trim_heap() -> bool:
    """Give the C heap's free pages back to the system (glibc ``malloc_trim``): what a stage's
    batches freed stays mapped otherwise, under the next stage's own allocations
    (docs/sizing.md: peak RSS of the whole job). A no-op off glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL(None).malloc_trim(0))
    except (OSError, AttributeError):
        return False


def free_memory() -> None:
    """Give back what a failed batch held, without importing torch just for that."""
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()
