"""The quick path as a user feels it (issue 23, item 1): whole processes, back to back.

    python -m scripts.bench.quick [--runs 5] [--models DIR] [--python PY] [--json FILE]

Builds a full-size random Marian of ``Helsinki-NLP/opus-mt-ar-en``'s architecture once (as
``python -m scripts.bench`` does, in ``--models``, default ``models/bench/quick``), warms its
CTranslate2 conversion, then times,
each ``--runs`` times in fresh processes: bare Python (the floor), ``mtjob --help``,
``mtjob translate "<one sentence>"`` with the default backend (with and without the retry of
flagged sentences: a random model's output is always flagged, a real one's seldom, and
without the language check, for its price), and the
same through the Python API (``mtjob.translate``, which older checkouts also have). Wall
time and CPU time (user + system) of each run; on a shared machine the CPU time moves less.
``--python`` runs another checkout's interpreter (its ``mtjob`` on its path) for a
before/after on the same models. The JSON goes to ``--json`` (default
``docs/bench/quick-<time>.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .settings import MODELS, save_json

SENTENCE = "قال الوزير إن المحادثات مستمرة."
API = ("import sys, mtjob; print(mtjob.translate([sys.argv[1]], mt_model=sys.argv[2], "
       "summary=False)[0])")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole process."""
    started = time.perf_counter()
    # From a neutral folder: ``-m mtjob`` must find the interpreter's own mtjob, not ./mtjob.
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=tempfile.gettempdir())
    assert proc.stderr is not None  # stderr=PIPE
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def build(models: Path) -> Path:
    marian = models / "marian-ar-en"
    if not (marian / "model.safetensors").is_file():
        from mtjob.testing.tiny_models import build_marian

        build_marian(marian, full_size=True, seed=0)
    return marian


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--models", type=Path, default=MODELS / "quick")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.models = args.models.resolve()  # the runs start in a neutral folder
    marian = build(args.models)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "MTJOB_CACHE": str(args.models / "cache"),
           "TOKENIZERS_PARALLELISM": "false"}
    py = args.python
    has_translate = subprocess.run([py, "-m", "mtjob", "translate", "--help"], env=env,
                                   capture_output=True, cwd=tempfile.gettempdir()
                                   ).returncode == 0
    translate = [py, "-m", "mtjob", "translate", "--mt-model", str(marian), SENTENCE]
    rows = {"python -c pass (floor)": [py, "-c", "pass"],
            "mtjob --help": [py, "-m", "mtjob", "--help"],
            "mtjob.translate([...]) (API)": [py, "-c", API, SENTENCE, str(marian)]}
    if has_translate:
        rows["mtjob translate TEXT"] = translate
        rows["mtjob translate TEXT --no-retry-degenerate"] = translate + [
            "--no-retry-degenerate"]
        rows["mtjob translate TEXT --lang-check off"] = translate + ["--lang-check", "off"]
    timed(rows["mtjob.translate([...]) (API)"], env)  # converts once, warms the page cache
    results = {}
    for name, cmd in rows.items():
        runs = [timed(cmd, env) for _ in range(args.runs)]
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        results[name] = {"wall_s": [round(w, 3) for w in walls],
                         "cpu_s": [round(c, 3) for c in cpus]}
        print(f"{name:45s} wall {min(walls):.2f}-{max(walls):.2f} s "
              f"(median {statistics.median(walls):.2f}), cpu {min(cpus):.2f}-{max(cpus):.2f} s")
    info = {"python": py, "runs": args.runs, "load_avg": os.getloadavg(),
            "cores": len(os.sched_getaffinity(0)), "results": results}
    if args.json:
        args.json.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    else:
        save_json("quick", info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
