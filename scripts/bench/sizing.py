"""Articles per hour per node (issue 34, docs/sizing.md): ``mtjob run`` on ``--articles``
copies of the sample article, a fresh process each, for the default and the quality profile,
translation only and with abstracts, with the full vocabulary and with a shortlist.

Models: the bench's full-size random models, EOS banned (every segment decodes 1.3x its
source tokens, every abstract its 60 tokens: the compute of real models that emit that
much); the quality profile's translator is the full-size tc-big (``python -m
scripts.bench.prepare_big``). Each translator's shortlist is built from its own output on
wire articles (``scripts/bench/wire.py``, as ``python -m scripts.bench.shortlist`` does).
Articles per hour = 3600 x articles / whole-process seconds (start-up and model loads
included: a node that runs one long job does a little better).

    python -m scripts.bench.sizing [--articles 12] [--rounds 1]

Prints a markdown table; the numbers go to ``docs/bench/sizing-<time>.json``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from .child import timed_run
from .prepare_big import BIG_NOEOS
from .settings import (
    ARTICLE,
    CT2_CACHE,
    MODELS,
    NOEOS,
    ROOT,
    WORK,
    save_json,
)
from .wire import write_wire

PROFILES = {"default": MODELS / NOEOS / "marian-ar-en",
            "quality": BIG_NOEOS / "marian-tc-big"}
SUMMARIZER = MODELS / NOEOS / "bart-sum"
#: Wire articles each translator's shortlist is built from.
BUILD_ARTICLES = 100


def shortlist_for(model: Path, work: Path) -> Path:
    from mtjob.backends.shortlist.build import build_shortlist
    from mtjob.backends.store.hub import resolve_model
    from mtjob.choices import LangCheck
    from mtjob.config import JobConfig
    from mtjob.job import run_shard

    inbox = work / "build"
    if not inbox.is_dir():
        write_wire(inbox, range(BUILD_ARTICLES))
    out = work / f"built-{model.name}"
    run_shard(JobConfig(mt_model=str(model), summary=False, retry_degenerate=False,
                        max_length_factor=1.3, max_length_offset=0, lang_check=LangCheck.OFF),
              [inbox], out)
    path, _ = build_shortlist(resolve_model(str(model), None, None, False), [out],
                              output=work / f"{model.name}.vmap.txt")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    missing = [str(p) for p in (*PROFILES.values(), SUMMARIZER) if not p.is_dir()]
    if missing:
        raise SystemExit("Error: bench models missing (python -m scripts.bench --only job; "
                         f"python -m scripts.bench.prepare_big): {', '.join(missing)}")
    os.environ.update(HF_HUB_OFFLINE="1", MTJOB_CACHE=str(CT2_CACHE),
                      TOKENIZERS_PARALLELISM="false")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TRANSFORMERS_OFFLINE="1")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = WORK / f"sizing-{stamp}"
    inbox = work / "inbox"
    inbox.mkdir(parents=True)
    for i in range(args.articles):
        shutil.copyfile(ARTICLE, inbox / f"article-{i + 1:03d}.txt")
    shortlists = {name: shortlist_for(model, work) for name, model in PROFILES.items()}
    rows: dict[str, list[dict[str, Any]]] = {}
    for r in range(args.rounds):
        for name, model in PROFILES.items():
            for summary in (False, True):
                for short in (False, True):
                    key = (f"{name}, {'with abstracts' if summary else 'translation only'}, "
                           f"{'shortlist' if short else 'full vocabulary'}")
                    extra = ("--shortlist", str(shortlists[name])) if short else ()
                    found = timed_run(inbox, work / f"out-{len(rows)}-{r}", env, mt=model,
                                      summarizer=SUMMARIZER, summary=summary, extra=extra)
                    rows.setdefault(key, []).append(found)
    result = {"created": stamp, "articles": args.articles, "cpus": len(os.sched_getaffinity(0)),
              "load_average_end": os.getloadavg(), "rows": rows,
              "articles_per_hour": {k: round(3600 * args.articles / min(r["wall_s"] for r in v))
                                    for k, v in rows.items()}}
    print("| profile | abstracts | vocabulary | whole process (s) | articles/hour |")
    print("|---|---|---|---|---|")
    for key, rate in result["articles_per_hour"].items():
        walls = ", ".join(f"{r['wall_s']:.1f}" for r in rows[key])
        print(f"| {' | '.join(key.split(', '))} | {walls} | {rate:,} |")
    print(f"JSON: {save_json('sizing', result).relative_to(ROOT)}; scratch {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
