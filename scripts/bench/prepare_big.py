"""Build the full-size tc-big bench model once (``models/bench/bench-v2-big``), its
EOS-banned copy (``bench-v2-big-noeos``: every segment decodes its limit, as the other bench
models do) and its CTranslate2 int8 conversion. Prints what it did as one JSON object.

    python -m scripts.bench.prepare_big
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from .child import (  # the same EOS ban and conversion as the bench's
    ban_eos,
    convert_ct2,
)
from .settings import CT2_CACHE, MODELS

BIG, BIG_NOEOS = MODELS / "bench-v2-big", MODELS / "bench-v2-big-noeos"


def build_once(target: Path, build: Callable[[Path], object]) -> bool:
    """Build ``target`` in a temp folder beside it, then rename it, unless it exists."""
    if target.is_dir():
        return False
    tmp = target.with_name(f".{target.name}-tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    build(tmp)
    os.replace(tmp, target)
    return True


def prepare_big() -> dict[str, object]:
    from mtjob.testing.bench_models import build_bench_big

    os.environ.update(HF_HUB_OFFLINE="1", MTJOB_CACHE=str(CT2_CACHE))
    MODELS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    out: dict[str, object] = {}
    if build_once(BIG, build_bench_big):
        out["build_s"] = time.monotonic() - started
    build_once(BIG_NOEOS, lambda tmp: ban_eos(BIG / "marian-tc-big", tmp / "marian-tc-big"))
    out["ct2_convert_s"] = convert_ct2([BIG_NOEOS / "marian-tc-big"], "int8")
    return out


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    print(json.dumps(prepare_big()))


if __name__ == "__main__":
    main()
