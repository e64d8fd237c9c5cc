"""Before and after, side by side in one run (issue 34): this checkout's mtjob against another
commit's, on the bench's models, alternating, each figure from fresh processes of both.

- ``layout``: one article's translate stage, warm, in one process per checkout (the decode
  floor's measurement, ``scripts/bench/floor.py``): one worker (``--threads 1``), and the
  default two one-thread workers (``--threads 2``) for no regression; best of ``--runs``.
- ``memory``: ``mtjob run`` on six copies of the sample with their abstracts (the bench's
  settings: CTranslate2 int8, beam 4, 1.3x forced lengths, summaries of 58-60 tokens), a
  fresh process each, ``--rounds`` rounds alternating: peak RSS (``wait4``), wall time and
  the summarize stage.

The other commit is exported with ``git archive`` into ``models/bench/work/`` and run from
there (``PYTHONPATH``), so the same bench models and conversions serve both.

    python -m scripts.bench.compare --before d4c08a2 [--parts layout,memory] [--runs 3]

Prints a table; the numbers go to ``docs/bench/compare-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from .child import timed_run
from .settings import (
    ARTICLE,
    CT2_CACHE,
    MODELS,
    NOEOS,
    ROOT,
    WORK,
    save_json,
)

#: The child of part ``layout``: runs under either checkout (only APIs both have).
STAGE = r"""
import json, sys, time
from mtjob.config import JobConfig
from mtjob.engines.resolve import LocalModels
from mtjob.inputs.reader import read_article
from mtjob.text.segment import segment_article
from mtjob.translation import translate_segments
mt, article, threads, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
config = JobConfig(mt_model=mt, beams=4, backend="ctranslate2", threads=threads, summary=False,
                   max_length_factor=1.3, max_length_offset=0, retry_degenerate=False)
models = LocalModels()
text = read_article(__import__("pathlib").Path(article), config.max_file_bytes)
def segments():
    return [s for s in segment_article(0, text, models.tokenizer(config), config) if s.text]
models.preload(config)  # as a run does
engine = models.engine(config)
translate_segments(segments()[:2], engine, config)  # waits for the load; warms
times = []
for _ in range(runs):
    work = segments()
    started = time.perf_counter()
    translate_segments(work, engine, config)
    times.append(time.perf_counter() - started)
print(json.dumps({"threads": threads, "seconds": times,
                  "workers": engine.translator.info()["parallel_batches"]}))
"""


def export(ref: str) -> tuple[Path, str]:
    """The tree of ``ref`` under models/bench/work/before-<sha>/ (made once)."""
    sha = subprocess.run(["git", "rev-parse", "--short=12", ref], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    target = WORK / f"before-{sha}"
    if not (target / "mtjob").is_dir():
        tmp = Path(tempfile.mkdtemp(dir=WORK.parent))
        archive = subprocess.run(["git", "archive", "--format=tar", sha, "mtjob"], cwd=ROOT,
                                 check=True, capture_output=True).stdout
        (tmp / "a.tar").write_bytes(archive)
        with tarfile.open(tmp / "a.tar") as tar:
            tar.extractall(tmp / "tree", filter="data")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp / "tree", target)
        shutil.rmtree(tmp, ignore_errors=True)
    return target, sha


def env_for(tree: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(tree), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                MTJOB_CACHE=str(CT2_CACHE), TOKENIZERS_PARALLELISM="false")


def layout(trees: dict[str, Path], runs: int) -> dict[str, Any]:
    mt = MODELS / NOEOS / "marian-ar-en"
    out: dict[str, Any] = {}
    for threads in (1, 2):
        for name, tree in trees.items():  # fresh processes, one checkout after the other
            done = subprocess.run([sys.executable, "-c", STAGE, str(mt), str(ARTICLE),
                                   str(threads), str(runs)], env=env_for(tree), cwd="/",
                                  capture_output=True, text=True, timeout=1800, check=False)
            if done.returncode:
                raise SystemExit(f"{name}: {done.stderr[-2000:]}")
            found = json.loads(done.stdout.strip().splitlines()[-1])
            out[f"{name}, threads {threads}"] = found | {"best_s": round(min(found["seconds"]), 3)}
    return out


def memory(trees: dict[str, Path], rounds: int, work: Path) -> dict[str, Any]:
    inbox = work / "inbox-6"
    inbox.mkdir(parents=True, exist_ok=True)
    for i in range(6):
        shutil.copyfile(ARTICLE, inbox / f"article-{i + 1:02d}.txt")
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    for r in range(rounds):
        for name in (list(trees) if r % 2 == 0 else list(trees)[::-1]):
            # From the scratch folder: ROOT's mtjob/ would shadow the other checkout's.
            out[name].append(timed_run(
                inbox, work / f"out-{name.split()[0]}-{r}", env_for(trees[name]),
                mt=MODELS / NOEOS / "marian-ar-en", summarizer=MODELS / NOEOS / "bart-sum",
                summary=True, extra=("--threads", "2"), cwd=work))
    return out


def table(result: dict[str, Any]) -> str:
    lines = []
    for key, row in result.get("layout", {}).items():
        lines.append(f"translate stage, 1 article, {key}: best {row['best_s']:.2f} s of "
                     f"{', '.join(f'{s:.2f}' for s in row['seconds'])} "
                     f"({row['workers']} worker(s))")
    for name, rows in result.get("memory", {}).items():
        rss = ", ".join(str(r["peak_rss_mb"]) for r in rows)
        wall = ", ".join(f"{r['wall_s']:.1f}" for r in rows)
        summ = ", ".join(f"{r['stages'].get('summarize', 0):.1f}" for r in rows)
        lines.append(f"6 articles + abstracts, {name}: peak RSS {rss} MB; wall {wall} s; "
                     f"summarize stage {summ} s")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="commit to compare with (git ref)")
    parser.add_argument("--parts", default="layout,memory")
    parser.add_argument("--runs", type=int, default=3, help="warm runs per layout child")
    parser.add_argument("--rounds", type=int, default=2, help="whole jobs per checkout")
    args = parser.parse_args()
    if not (MODELS / NOEOS / "bart-sum").is_dir():
        raise SystemExit("Error: bench models missing: run python -m scripts.bench --only job")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = WORK / f"compare-{stamp}"
    work.mkdir(parents=True)
    before, sha = export(args.before)
    trees = {f"before {sha[:8]}": before, "after (this checkout)": ROOT}
    for name, tree in trees.items():  # each row must run its own checkout's code
        found = subprocess.run([sys.executable, "-c", "import mtjob; print(mtjob.__file__)"],
                               env=env_for(tree), cwd=work, capture_output=True, text=True,
                               check=True).stdout.strip()
        if not Path(found).is_relative_to(tree):
            raise SystemExit(f"Error: {name} imports {found}, not its own checkout {tree}")
    result: dict[str, Any] = {"before": sha, "created": stamp, "load_start": os.getloadavg(),
                              "cpus": len(os.sched_getaffinity(0))}
    parts = set(args.parts.split(","))
    if "layout" in parts:
        result["layout"] = layout(trees, args.runs)
    if "memory" in parts:
        result["memory"] = memory(trees, args.rounds, work)
    result["load_end"] = os.getloadavg()
    print(table(result))
    print(f"load average {result['load_start']} -> {result['load_end']}; "
          f"JSON: {save_json('compare', result).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
