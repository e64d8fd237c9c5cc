"""The quality profile's price on a GPU: ``mtjob run`` (CTranslate2 float16, GPU token budget,
translation only) on ``--articles`` copies of the sample with the full-size tc-big
(``python -m scripts.bench.prepare_big`` builds it when missing) against opus-mt-ar-en (the
bench's models: run ``python -m scripts.bench --only gpu`` first, as ``scripts/gpu_check.sh``
does). Each a fresh process; prints one JSON object and writes it to
``docs/bench/gpu-quality-<time>.json`` (scratch in ``models/bench/work/gpu-quality``).

    python -m scripts.bench.gpu_quality --articles 48
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

from .prepare_big import BIG_NOEOS, prepare_big
from .settings import ARTICLE, CT2_CACHE, MODELS, NOEOS, ROOT, WORK, save_json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=48)
    args = parser.parse_args()
    prepare_big()
    work = WORK / "gpu-quality"
    inbox = work / "inbox"
    shutil.rmtree(work, ignore_errors=True)
    inbox.mkdir(parents=True)
    one = work / "inbox-1"  # the untimed first run, which converts the model to float16
    one.mkdir()
    shutil.copy(ARTICLE, one / "article.txt")
    for i in range(args.articles):
        shutil.copy(ARTICLE, inbox / f"article-{i:03d}.txt")
    env = dict(os.environ, HF_HUB_OFFLINE="1", MTJOB_CACHE=str(CT2_CACHE))
    models = {"default": MODELS / NOEOS / "marian-ar-en",
              "quality": BIG_NOEOS / "marian-tc-big"}
    result: dict[str, object] = {"articles": args.articles}
    for name, model in models.items():
        for source in (one, inbox):  # the first converts to float16 (not timed)
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "mtjob", "run", str(source), "--out", str(work / name),
                 "--device", "cuda", "--backend", "ctranslate2", "--quantize", "none",
                 "--batch-tokens", "24000", "--group-articles", "64", "--beams", "4",
                 "--max-length-factor", "1.3", "--max-length-offset", "0",
                 "--no-retry-degenerate", "--no-summary", "--mt-model", str(model), "--force",
                 "--quiet"],
                env=env, cwd=ROOT, capture_output=True, text=True)
            if done.returncode:
                print(done.stderr[-2000:], file=sys.stderr)
                return done.returncode
        result[f"{name}_wall_s"] = round(time.monotonic() - started, 2)
    result["quality_over_default"] = round(result["quality_wall_s"]  # type: ignore[operator]
                                           / result["default_wall_s"], 2)
    print(json.dumps(result))
    print(f"JSON: {save_json('gpu-quality', result).relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
