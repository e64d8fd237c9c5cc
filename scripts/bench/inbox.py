"""How long a cron run over an archive-sized inbox takes when nothing (or little) changed.

Builds N small articles, runs the job once to finish them (scripted fake models: the models
are not what is measured, and an unchanged run loads none), then times in this process: a
rerun over the unchanged inbox (best of two), one after ``touch``-ing every file (same
content: the hash must say unchanged) and one after that, runs with 10 new articles (best of
two rounds) and an unchanged rerun after them (best of two), the figure to compare the new
articles' run with. Prints one JSON line per size.

    python -m scripts.bench.inbox --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mtjob.config import JobConfig
from mtjob.job import run_shard
from mtjob.testing.fakes import FakeModels

TEXT = "قال المتحدث باسم الوزارة إن الاجتماع عقد يوم {i} في العاصمة.\n"


def build(inbox: Path, count: int, start: int = 0) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + count):
        (inbox / f"a{i:06d}.txt").write_text(TEXT.format(i=i), encoding="utf-8")


def timed(config: JobConfig, inbox: Path, out: Path) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    report = run_shard(config, [inbox], out, models=FakeModels())
    seconds = time.perf_counter() - started
    return seconds, {"done": len(report.done), "unchanged": len(report.unchanged),
                     "failed": len(report.failed)}


def measure(size: int, root: Path) -> dict[str, object]:
    config = JobConfig(mt_model="fake-mt", sum_model="fake-sum", summary=False)
    inbox, out = root / f"inbox-{size}", root / f"out-{size}"
    build(inbox, size)
    first, _ = timed(config, inbox, out)
    result: dict[str, object] = {"articles": size, "first_run_s": round(first, 1)}
    runs = [timed(config, inbox, out) for _ in range(2)]
    result["unchanged_s"] = round(min(s for s, _ in runs), 3)
    result["unchanged_counts"] = runs[-1][1]
    now = time.time()
    for path in inbox.iterdir():
        os.utime(path, (now, now))
    touched = timed(config, inbox, out)  # hashes every source once, then records new stats
    result["touched_s"], result["touched_counts"] = round(touched[0], 3), touched[1]
    result["after_touch_s"] = round(timed(config, inbox, out)[0], 3)
    news = []
    for start in (size, size + 10):  # twice, each over the archive as the last one left it
        build(inbox, 10, start=start)
        news.append(timed(config, inbox, out))
    result["ten_new_s"] = round(min(s for s, _ in news), 3)
    result["ten_new_counts"] = news[-1][1]
    again = [timed(config, inbox, out)[0] for _ in range(2)]
    result["then_unchanged_s"] = round(min(again), 3)  # the same archive with nothing new
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated article counts")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mtjob-inbox-"))
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            print(json.dumps(measure(size, root)), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
