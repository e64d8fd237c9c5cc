"""``mtjob import`` of N units into one article, this tree against an older mtjob, side by side.

One article of N distinct sentences (a finished output folder written as a run writes it,
no model), and a TSV that corrects every sentence: N units. Each size is imported by this
tree and by the mtjob of ``--before`` (a commit of this repository, extracted with ``git
archive``), each in a fresh process on a fresh copy of the folder, sizes interleaved; the time
is the ``import_files`` call alone (reading, matching, writing and committing), wall clock and
the process's CPU time (the one to compare on a loaded machine). Before, every
unit scanned the article's sentences (and the import's pending corrections): the time grew
with units x sentences.

    python -m scripts.bench.imports [--sizes 2000,4000,8000,16000] [--before 363be7c]
        [--skip-before-above 16000]

Prints one JSON object (also written to docs/bench/imports-<time>.json).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .settings import save_json

REPO = Path(__file__).resolve().parents[2]
WORDS = ["قال", "الوزير", "إن", "الحكومة", "ستنفق", "مليون", "دولار", "على", "مشاريع",
         "البنية", "التحتية", "في", "المدن", "الكبرى", "خلال", "العام", "المقبل"]
CHILD = """
import json, sys, time
from pathlib import Path
from mtjob.feedback.importing import import_files
out, tsv = Path(sys.argv[1]), Path(sys.argv[2])
start, cpu = time.perf_counter(), time.process_time()
report = import_files(out, [tsv], by="bench")
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "applied": len(report.applied), "refused": len(report.refused)}))
"""


def sentence(i: int) -> str:
    """A distinct Arabic sentence for each ``i``."""
    digits = [WORDS[(i // len(WORDS) ** k) % len(WORDS)] for k in range(4)]
    return " ".join(digits) + " " + " ".join(WORDS[:6]) + "."


def make_folder(root: Path, size: int, per_paragraph: int = 5) -> tuple[Path, Path]:
    """A finished folder with one article of ``size`` sentences, and a TSV correcting all."""
    sys.path.insert(0, str(REPO))
    from mtjob.testing.output_folder import write_finished

    out = root / "out"
    paragraphs = [[{"ar": sentence(i), "en": f"Sentence {i}.", "src_tokens": 12,
                    "tgt_tokens": 4, "flags": []}
                   for i in range(start, min(start + per_paragraph, size))]
                  for start in range(0, size, per_paragraph)]
    write_finished(out, "article", paragraphs)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\r\n")
    writer.writerow(["doc_id", "para_id", "sent_id", "ar", "en", "score", "flags", "post_edit"])
    for p, sentences in enumerate(paragraphs):
        for s, item in enumerate(sentences):
            writer.writerow(["article", p, s, item["ar"], item["en"], "", "",
                             f"Corrected {item['en']}"])
    tsv = root / "article.tsv"
    tsv.write_text(buffer.getvalue(), encoding="utf-8")
    return out, tsv


def timed_import(tree: Path, folder: Path, tsv: Path, work: Path) -> dict[str, Any]:
    """One import by the mtjob in ``tree``, on a fresh copy of ``folder``."""
    copy = work / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(folder, copy)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(copy), str(tsv)], cwd=tree,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tree)}, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"import failed ({tree}): {proc.stderr[-2000:]}")
    timings: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,4000,8000,16000")
    parser.add_argument("--before", default="363be7c", help="commit of the older mtjob")
    parser.add_argument("--skip-before-above", type=int, default=16000,
                        help="sizes above this are imported by this tree only")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="mtjob-bench-imports-"))
    try:
        before = work / "before"
        before.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before, "mtjob"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        rows = []
        for size in sizes:
            root = work / f"n{size}"
            root.mkdir()
            folder, tsv = make_folder(root, size)
            after = timed_import(REPO, folder, tsv, root)
            old = timed_import(before, folder, tsv, root) \
                if size <= args.skip_before_above else None
            row = {"units": size, "after_s": round(after["seconds"], 3),
                   "after_cpu_s": round(after["cpu"], 3), "after_applied": after["applied"],
                   "before_s": None if old is None else round(old["seconds"], 3),
                   "before_cpu_s": None if old is None else round(old["cpu"], 3),
                   "before_applied": None if old is None else old["applied"]}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        result = {"bench": "imports", "before": args.before, "time": time.strftime(
            "%Y-%m-%dT%H:%M:%S"), "cpus": os.cpu_count(), "load": os.getloadavg(),
                  "rows": rows}
        print(json.dumps(result, indent=2))
        save_json("imports", result)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
