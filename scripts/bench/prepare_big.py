"""Build the full-size tc-big bench model once (``outputs/bench/models/bench-v2-big``), its
EOS-banned copy (``bench-v2-big-noeos``: every segment decodes its limit, as the other bench
models do) and its CTranslate2 int8 conversion. Prints what it did as one JSON object."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
MODELS = ROOT / "outputs" / "bench" / "models"
BIG, BIG_NOEOS = MODELS / "bench-v2-big", MODELS / "bench-v2-big-noeos"


def _once(target: Path, build: Callable[[Path], object]) -> bool:
    """Build ``target`` in a temp folder beside it, then rename it, unless it exists."""
    if target.is_dir():
        return False
    tmp = target.with_name(f".{target.name}-tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    build(tmp)
    os.replace(tmp, target)
    return True


def prepare_big() -> dict[str, object]:
    from bench import ban_eos, convert_ct2  # the same EOS ban and conversion as the bench's

    from mtjob.testing.bench_models import build_bench_big

    os.environ.update(HF_HUB_OFFLINE="1", MTJOB_CACHE=str(MODELS / "ct2-cache"))
    started = time.monotonic()
    out: dict[str, object] = {}
    if _once(BIG, build_bench_big):
        out["build_s"] = time.monotonic() - started
    _once(BIG_NOEOS, lambda tmp: ban_eos(BIG / "marian-tc-big", tmp / "marian-tc-big"))
    out["ct2_convert_s"] = convert_ct2([BIG_NOEOS / "marian-tc-big"], "int8")
    return out


if __name__ == "__main__":
    print(json.dumps(prepare_big()))
