"""Part "gpu": the naive loop on the GPU and mtjob's GPU settings (``scripts/gpu_check.sh``)."""

from __future__ import annotations

from typing import Any

from .runs import Row, run_mtjob, run_naive
from .settings import log

GPU_FLAGS = ("--device", "cuda", "--batch-tokens", "24000", "--group-articles", "64")

GPU_ROWS = (("g1", "transformers", ("--dtype", "bfloat16")),
            ("g2", "transformers", ("--dtype", "float16")),
            ("g3", "ctranslate2", ("--quantize", "none")),  # float16 on a GPU
            ("g4", "ctranslate2", ("--quantize", "int8")))  # int8_float16



def run_gpu_part(ctx: dict[str, Any]) -> tuple[list[Row], Row]:
    """The naive loop on the GPU (first copy, scaled) and mtjob's GPU settings, beam 4, then
    CTranslate2 float16 with the summary."""
    gpu = dict(ctx, device="cuda", naive_files=ctx["naive_files"] or 1)
    base = run_naive(4, gpu)
    rows = [base]
    for label, backend, flags in GPU_ROWS:
        log.info("gpu: %s %s", backend, " ".join(flags))
        rows.append(run_mtjob(backend, 4, False, gpu, (label, (*flags, *GPU_FLAGS))))
    rows.append(run_mtjob("ctranslate2", 4, True, gpu,
                          ("g5", ("--quantize", "none", *GPU_FLAGS))))
    return rows, base

