"""Issue 23's speed targets, ``--runs`` runs back to back, each ratio from figures of one run.

Per run, on the bench's models (``python -m scripts.bench`` builds them;
``python -m scripts.bench.prepare_big`` the full-size tc-big of the quality profile):
- the decode floor of one article (``python -m scripts.bench.floor --articles 1``: mtjob's translate
  stage warm against CTranslate2's ``translate_batch`` alone, best layout);
- ``mtjob run`` on one article, a fresh process each, with the default translator and with
  the quality profile's (tc-big), translation only (``--no-summary``) and the whole job;
- unless ``--no-summary-floor``: the summarizer's floor for 1 and 6 articles
  (``python -m scripts.bench.sum_floor``), with ``--trade`` what beam and length cost.
Targets: whole process (default, translation only) <= 1.3 x floor + 0.4 s; translate stage
<= 1.15 x floor; summarize stage <= 1.15 x its floor. Tables to stdout, the numbers to
``docs/bench/targets-<time>.json``, the runs' folders to ``models/bench/work/targets-<time>``.

    python -m scripts.bench.targets --runs 3 --trade
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .prepare_big import BIG_NOEOS
from .settings import ARTICLE, CT2_CACHE, MODELS, NOEOS, ROOT, WORK, save_json

TRANSLATORS = {"default": MODELS / NOEOS / "marian-ar-en",
               "quality": BIG_NOEOS / "marian-tc-big"}
SUMMARIZER = MODELS / NOEOS / "bart-sum"


def child(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    wall = time.monotonic() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd[:4])} exited with {done.returncode}:\n"
                         f"{done.stderr[-2000:]}")
    return wall, done.stdout


def mtjob_run(work: Path, profile: str, summary: bool, env: dict[str, str]) -> dict[str, Any]:
    """One article, a fresh ``mtjob run``: whole-process seconds and the run's stages."""
    inbox, out = work / "inbox-1", work / f"out-{profile}-{'job' if summary else 'mt'}"
    if not inbox.is_dir():
        inbox.mkdir(parents=True)
        shutil.copy(ARTICLE, inbox / "article-0.txt")
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "mtjob", "run", str(inbox), "--out", str(out), "--backend",
           "auto", "--beams", "4", "--threads", "2", "--quantize", "auto",
           "--max-length-factor", "1.3", "--max-length-offset", "0", "--no-retry-degenerate",
           "--mt-model", str(TRANSLATORS[profile]), "--sum-model", str(SUMMARIZER), "--force"]
    cmd += (["--summary", "--sum-beams", "4", "--sum-min-length", "58", "--sum-max-length",
             "60"] if summary else ["--no-summary"])
    wall, _ = child(cmd, env)
    record = json.loads(sorted((out / "_mtjob" / "runs").glob("*.json"))[-1].read_text())
    stages = record["stage_seconds"]
    return {"wall_s": round(wall, 3), "translate_s": stages.get("translate"),
            "summarize_s": stages.get("summarize")}


def one_run(args: argparse.Namespace, work: Path, env: dict[str, str]) -> dict[str, Any]:
    _, out = child([sys.executable, "-m", "scripts.bench.floor", "--articles", "1",
                    "--runs", "2"], env)
    floor = json.loads(out.strip().splitlines()[-1])
    result: dict[str, Any] = {"floor": floor, "load_start": os.getloadavg()}
    for profile in TRANSLATORS:
        for summary in (False, True):
            result[f"{profile}-{'job' if summary else 'mt'}"] = mtjob_run(work, profile,
                                                                          summary, env)
    if args.summary_floor:
        _, out = child([sys.executable, "-m", "scripts.bench.sum_floor", "--runs", "1"]
                       + (["--trade"] if args.trade else []), env)
        result["summary_floor"] = json.loads(out.strip().splitlines()[-1])
    f, mt = floor["floor_s"], result["default-mt"]
    result["targets"] = {
        "whole_process_1_article": {"wall_s": mt["wall_s"], "limit_s": round(1.3 * f + 0.4, 3),
                                    "met": mt["wall_s"] <= 1.3 * f + 0.4},
        "translate_stage_warm": {"ratio": floor["ratio_to_floor"],
                                 "met": floor["ratio_to_floor"] <= 1.15},
        "translate_stage_in_run": {"ratio": round(mt["translate_s"] / f, 3),
                                   "met": mt["translate_s"] <= 1.15 * f}}
    for articles in (1, 6):
        found = result.get("summary_floor", {}).get(f"{articles}_article")
        if found:
            result["targets"][f"summarize_stage_{articles}"] = {
                "ratio": found["ratio_to_floor"], "met": found["ratio_to_floor"] <= 1.15}
    result["quality_cost"] = {kind: round(result[f"quality-{kind}"]["wall_s"]
                                          / result[f"default-{kind}"]["wall_s"], 2)
                              for kind in ("mt", "job")}
    result["load_end"] = os.getloadavg()
    return result


def table(runs: list[dict[str, Any]]) -> str:
    def span(values: list[float], fmt: str = "{:.2f}") -> str:
        low, high = min(values), max(values)
        return fmt.format(low) if low == high else f"{fmt.format(low)}-{fmt.format(high)}"

    lines = [f"{'figure':<52} {'runs':>30}  ranges over {len(runs)} run(s)"]
    rows = [("floor, 1 article (s)", [r["floor"]["floor_s"] for r in runs]),
            ("mtjob translate stage warm (s)", [r["floor"]["mtjob_translate_s"] for r in runs])]
    for key in ("default-mt", "default-job", "quality-mt", "quality-job"):
        rows.append((f"mtjob run 1 article, {key}, whole process (s)",
                     [r[key]["wall_s"] for r in runs]))
        rows.append(("  its translate stage (s)", [r[key]["translate_s"] for r in runs]))
    for articles in (1, 6):
        if all("summary_floor" in r for r in runs):
            found = [r["summary_floor"][f"{articles}_article"] for r in runs]
            rows.append((f"summarize stage warm, {articles} article(s) (s)",
                         [x["mtjob_summarize_s"] for x in found]))
            rows.append((f"summarizer floor, {articles} article(s) (s)",
                         [x["floor_s"] for x in found]))
    for name in runs[0]["targets"]:
        key = "wall_s" if name.startswith("whole") else "ratio"
        rows.append((f"target {name} ({key})", [r["targets"][name][key] for r in runs]))
    rows += [(f"quality / default, {k} (whole process)", [r["quality_cost"][k] for r in runs])
             for k in ("mt", "job")]
    for name, values in rows:
        lines.append(f"{name:<52} {' '.join(f'{v:6.2f}' for v in values):>30}  {span(values)}")
    for name in runs[0]["targets"]:
        met = [r["targets"][name]["met"] for r in runs]
        lines.append(f"{name}: met in {sum(met)} of {len(met)} run(s)")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--trade", action="store_true", help="beam/length costs (summarizer)")
    parser.add_argument("--no-summary-floor", dest="summary_floor", action="store_false")
    args = parser.parse_args()
    missing = [str(p) for p in (*TRANSLATORS.values(), SUMMARIZER) if not p.is_dir()]
    if missing:
        raise SystemExit("Error: bench models missing (run python -m scripts.bench --only job "
                         f"and python -m scripts.bench.prepare_big): {', '.join(missing)}")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               MTJOB_CACHE=str(CT2_CACHE), TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(ROOT))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = WORK / f"targets-{stamp}"
    runs = []
    for i in range(args.runs):
        print(f"run {i + 1} of {args.runs}", file=sys.stderr, flush=True)
        runs.append(one_run(args, work, env))
    report = {"created": stamp, "cpus": os.cpu_count(), "runs": runs}
    path = save_json("targets", report)
    print(table(runs))
    print(f"JSON: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
