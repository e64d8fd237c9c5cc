"""Part "job": the whole job against the whole naive recipe, for 1 and 6 copies of the sample
article, and the targets of issue 14."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .child import measure
from .runs import make_inbox, run_mtjob
from .settings import FACTOR, NAIVE, SUM_MAX, SUM_MIN, log
from .tables import num

#: Article counts, and the targets (ratios of whole-process seconds to the naive recipe's,
#: beam 4, default settings).
JOB_ARTICLES = (1, 6)
JOB_TARGETS = {("translate", 1): 12.0, ("translate", 6): 15.0, ("summary", 1): 4.0,
               ("summary", 6): 6.0, ("transformers-translate", 6): 6.0}
RSS_TARGETS_MB = {"translate": 1000.0, "summary": 1500.0}  # decimal: 10^9 and 1.5 x 10^9 bytes


def run_naive_job(ctx: dict[str, Any], inbox: Path) -> dict[str, Any]:
    """(a) with the tutorial summarizer, on the first ``naive_files`` copies (default 1):
    seconds per article of translation and of summary, and the fixed cost (start-up,
    imports, both loads), from the child's time stamps."""
    inputs = sorted(inbox.glob("*.txt"))
    measured = inputs[:ctx["naive_files"] or len(inputs)]
    out, result = ctx["work"] / "naive-job.jsonl", ctx["work"] / "naive-job.json"
    cmd = [sys.executable, str(NAIVE), "--model", str(ctx["mt"]), "--beams", "4",
           "--threads", str(ctx["threads"]), "--factor", str(FACTOR), "--out", str(out),
           "--result", str(result), "--sum-model", str(ctx["sum"]), "--sum-beams", "4",
           "--sum-min", str(SUM_MIN), "--sum-max", str(SUM_MAX), *map(str, measured)]
    m = measure(cmd, ctx["env"], ctx["work"] / "naive-job.log")
    if m.returncode:
        return {"failed": True, "peak_rss_mb": m.peak_rss_mb}
    data = json.loads(result.read_text(encoding="utf-8"))
    sums = data["summaries"]
    begins = [data["sum_loaded"]] + [x["done"] for x in sums[:-1]]
    translate = [done - begin for done, begin in zip(data["files_done"], begins, strict=False)]
    summarize = [x["done"] - x["translated"] for x in sums]
    return {"files_measured": len(measured), "wall_s": m.wall_s, "peak_rss_mb": m.peak_rss_mb,
            "translate_s": sum(translate) / len(translate),
            "summary_s": sum(summarize) / len(summarize),
            "fixed_s": m.wall_s - sum(translate) - sum(summarize),
            "sum_load_s": data["sum_loaded"] - data["loaded"],
            "sum_input_tokens": [x["input_tokens"] for x in sums],
            "truncated_to": [x["truncated_to"] for x in sums],
            "sum_steps": [x["steps"] for x in sums]}



def naive_seconds(naive: dict[str, Any], articles: int, summary: bool) -> float:
    """The naive recipe's whole-process time for ``articles`` copies (each costs the same:
    one paragraph at a time), without the summarizer's load and calls when ``summary`` is
    off."""
    fixed: float = naive["fixed_s"] - (0.0 if summary else naive["sum_load_s"])
    per_article: float = naive["translate_s"] + (naive["summary_s"] if summary else 0)
    return fixed + articles * per_article



def run_job_part(ctx: dict[str, Any], backends: list[str]) -> list[dict[str, Any]]:
    """Every (articles, backend, summary) run of part "job", a fresh ``mtjob run`` each."""
    inbox = make_inbox(ctx["work"] / "inbox-job", max(JOB_ARTICLES))
    log.info("(a) naive recipe with the summary, %s article(s) measured",
             ctx["naive_files"] or 1)
    naive = run_naive_job(dict(ctx, naive_files=ctx["naive_files"] or 1), inbox)
    ctx["naive_job"] = naive
    rows = []
    for articles in JOB_ARTICLES:
        sub = dict(ctx, inbox=make_inbox(ctx["work"] / f"inbox-{articles}", articles),
                   work=ctx["work"] / f"job-{articles}")
        sub["work"].mkdir(exist_ok=True)
        for backend in backends:
            for summary in (False, True):
                log.info("job: %d article(s), %s, summary %s", articles, backend, summary)
                row = run_mtjob(backend, 4, summary, sub)
                base = None if naive.get("failed") else naive_seconds(naive, articles, summary)
                rows.append({"articles": articles, "backend": backend, "summary": summary,
                             "wall_s": row.wall_s, "per_article_s": row.wall_s / articles,
                             "naive_s": base, "ratio": base / row.wall_s
                             if base and not row.returncode else None,
                             "peak_rss_mb": row.peak_rss_mb, "returncode": row.returncode,
                             "check": row.check, "methods": row.notes["abstract_methods"]})
    return rows



def evaluate_job(rows: list[dict[str, Any]], default: str) -> list[str]:
    """One line per target of issue 14, with the figure and MET / NOT MET."""
    out = []
    for (kind, articles), target in JOB_TARGETS.items():
        backend = "transformers" if kind.startswith("transformers") else default
        summary = kind == "summary"
        row = next((r for r in rows if r["articles"] == articles and r["backend"] == backend
                    and r["summary"] == summary), None)
        ratio = row["ratio"] if row else None
        out.append(f"  {backend} {'whole job' if summary else 'translation'}, {articles} "
                   f"article(s) >= {target:.0f}x: {num(ratio, '{:.1f}x')} "
                   f"{'MET' if ratio and ratio >= target else 'NOT MET'}")
    for kind, limit in RSS_TARGETS_MB.items():
        peaks = [r["peak_rss_mb"] for r in rows if r["backend"] == default
                 and r["summary"] == (kind == "summary")]
        if peaks:
            worst = max(peaks) * 2**20 / 1e6  # MiB -> MB
            out.append(f"  {default} peak RSS {kind} < {limit:.0f} MB: {worst:.0f} MB "
                       f"{'MET' if worst < limit else 'NOT MET'}")
    truncated = [m for r in rows if r["summary"] for m in r["methods"] or []]
    out.append(f"  abstract methods (mtjob never truncates): {sorted(set(truncated))}")
    return out

