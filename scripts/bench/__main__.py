"""Benchmark the translation job against the naive recipe, on models with the real architectures.

Models: random-initialised Helsinki-NLP/opus-mt-ar-en (MarianMT) and distilbart-cnn-12-6 (BART)
at full size (``mtjob.testing.bench_models.build_bench_models``: real BPE for BART, outputs
restricted to real words), built once into ``models/bench/``. Compute equals the real
models' when output lengths are equal, so lengths are forced: the bench copies set
``final_logits_bias[eos] = -1e4`` (the CTranslate2 converter carries that bias into
``decoder.projection.bias``), so no run ever stops early and every segment decodes exactly its
limit, ``ceil(1.3 x source tokens)``: ``max_new_tokens`` in the naive loop,
``--max-length-factor 1.3 --max-length-offset 0`` in mtjob; summaries decode their maximum.

Part "job" (default): the whole job against the whole naive recipe, for 1 and 6 copies of the
sample article: (a) ``scripts/bench/naive.py`` (``generate`` per paragraph, batch 1, beam 4,
then ``generate`` on the article's English truncated to 1,024 tokens, beam 4), measured on
``--naive-files`` copies (default 1) and scaled per article (identical copies, one paragraph
at a time: each costs the same); then ``mtjob run`` with the default backend (``auto``) and
with ``--backend transformers``, translation only and with the summary, each a fresh process.
Part "beamcache" (default): transformers beam 4 with and without mtjob's beam cache on the
full-size Marian (EOS allowed): identical token ids, and the seconds in ``reorder_cache``.
Part "gpu" (``scripts/gpu_check.sh``): the naive loop and mtjob's GPU settings on a GPU.

Usage: python -m scripts.bench [--naive-files N] [--only job,beamcache,gpu] [--mtjob-args '...']
The tables go to stdout, progress to stderr, the numbers to docs/bench/bench-<time>.json
(``--out-dir``); the runs' logs and scratch folders to models/bench/work/<time>/.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # also as scripts/bench/

from scripts.bench.child import CHILDREN, child_env, run_child
from scripts.bench.gpu import run_gpu_part
from scripts.bench.job import evaluate_job, run_job_part
from scripts.bench.runs import make_inbox
from scripts.bench.settings import (
    ALL_PARTS,
    DEFAULT_PARTS,
    FACTOR,
    FULL,
    JSON_DIR,
    MODELS,
    NOEOS,
    SUM_MAX,
    SUM_MIN,
    WORK,
    log,
)
from scripts.bench.tables import format_job, format_table, machine_info


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None,
                        help=f"comma-separated parts among {','.join(ALL_PARTS)}")
    parser.add_argument("--files", type=int, default=6,
                        help="copies of the sample article for part gpu (default 6)")
    parser.add_argument("--naive-files", type=int, default=None,
                        help="copies the naive recipe really runs, its time scaled to all "
                        "(default 1)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mtjob-args", default="",
                        help="extra flags for every mtjob run, e.g. '--batch-tokens 3000'")
    parser.add_argument("--out-dir", type=Path, default=JSON_DIR,
                        help="where the JSON goes (default docs/bench)")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_models_parts(parts: set[str], args: argparse.Namespace, work: Path, env: dict[str, str],
                     models: Path, report: dict[str, Any]) -> list[str] | None:
    """Parts "job" and "gpu" on the EOS-banned bench models (built first when missing);
    ``None`` when they cannot be built."""
    log.info("preparing models in %s (built once, then reused)", models)
    kinds = ["int8"] + (["float16", "int8_float16"] if "gpu" in parts else [])
    m, prep = run_child("prepare", {"name": "prepare", "models": str(models),
                                    "compute_types": kinds}, work, env)
    if m.returncode:
        return None
    report["prepare"] = prep
    ctx: dict[str, Any] = {
        "work": work, "env": env, "threads": args.threads,
        "inbox": make_inbox(work / "inbox", args.files), "mt": models / NOEOS / "marian-ar-en",
        "sum": models / NOEOS / "bart-sum", "extra": args.mtjob_args.split(),
        "naive_files": args.naive_files}
    report["settings"] = {
        "files": args.files, "naive_files": args.naive_files, "factor": FACTOR,
        "threads": args.threads, "mtjob_args": args.mtjob_args,
        "summary_lengths": [SUM_MIN, SUM_MAX]}
    tables = []
    if "job" in parts:
        from mtjob.choices import (
            resolve_backend,  # this checkout's mtjob, as the children get
        )

        rows = run_job_part(ctx, ["auto", "transformers"])
        report["job"] = {"rows": rows, "naive": ctx["naive_job"],
                         "default_backend": resolve_backend("auto")}
        tables.append(format_job(rows, ctx["naive_job"]))
        tables.append("\n".join(["Targets of the whole job (issue 14)"]
                                + evaluate_job(rows, "auto")))
    if "gpu" in parts:
        rows, base = run_gpu_part(ctx)
        report["runs"] = [asdict(r) | {"tokens_per_s": r.rate} for r in rows]
        tables.append(format_table(rows, {4: base}, "GPU: ratios to (a) at beam 4; wall time "
                                   "counts the whole process"))
    return tables


def beamcache_table(args: argparse.Namespace, work: Path, env: dict[str, str], models: Path,
                    report: dict[str, Any]) -> list[str]:
    log.info("beam cache check on the full-size Marian (EOS allowed)")
    spec = {"name": "beamcache", "threads": args.threads, "paragraphs": 16,
            "mt_full": str(models / FULL / "marian-ar-en")}
    if not (models / FULL).is_dir():
        run_child("prepare", {"name": "prepare", "models": str(models)}, work, env)
    m, check = run_child("beamcache", spec, work, env)
    if not check:
        return []
    report["beamcache"] = check
    return ["Beam cache (transformers, beam 4, full-size Marian, "
            f"{check['paragraphs']} paragraphs in batches of 8): identical token "
            f"ids {check['identical_token_ids']}; " + "; ".join(
                f"{k}: {check[k]['seconds']:.1f} s, reorder_cache "
                f"{check[k]['reorder_cache_s']:.1f} s" for k in ("default cache", "beam cache"))]


def main(argv: list[str] | None = None) -> int:
    """Prepare models, run every selected part in its own process, print and save the tables."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.child:
        result = CHILDREN[args.child](json.loads(args.spec))
        args.result.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
        return 0

    parts = set(args.only.split(",")) if args.only else set(DEFAULT_PARTS)
    unknown = parts - set(ALL_PARTS)
    if unknown:
        raise SystemExit(f"Error: unknown --only part(s): {', '.join(sorted(unknown))}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    models = MODELS
    work = WORK / stamp
    work.mkdir(parents=True)
    env = child_env(models)
    report: dict[str, Any] = {"created": stamp, "argv": sys.argv, "machine": machine_info(),
                              "parts": sorted(parts)}
    started = time.monotonic()
    tables: list[str] = []
    if parts & {"job", "gpu"}:
        done = run_models_parts(parts, args, work, env, models, report)
        if done is None:
            return 1
        tables += done
    if "beamcache" in parts:
        tables += beamcache_table(args, work, env, models, report)

    report["machine"]["load_average_end"] = list(os.getloadavg())
    report["seconds"] = time.monotonic() - started
    tables.append(f"load average at start {report['machine']['load_average_start']}, at end "
                  f"{report['machine']['load_average_end']} ({os.cpu_count()} CPUs); "
                  f"bench took {report['seconds']:.0f} s; logs in {work}")
    print("\n\n".join(tables))
    data = json.dumps(report, indent=2, default=str) + "\n"
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / f"bench-{stamp}.json").write_text(data, encoding="utf-8")
    log.info("wrote %s", args.out_dir / f"bench-{stamp}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
