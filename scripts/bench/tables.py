"""The bench's tables: the whole job against the naive recipe, the per-run table, the machine."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from .runs import Row


def ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}x" if value and base else "-"



def num(value: float | None, fmt: str = "{:.1f}") -> str:
    return fmt.format(value) if value is not None else "-"



def format_job(rows: list[dict[str, Any]], naive: dict[str, Any]) -> str:
    lines = ["The whole job against the whole naive recipe (beam 4; ratio = naive seconds / "
             "mtjob seconds, whole processes; naive measured on "
             f"{naive.get('files_measured')} article(s), scaled per article)",
             f"{'articles':>8}  {'run':<34} {'wall s':>7} {'s/article':>9} {'naive s':>8} "
             f"{'ratio':>7} {'peak RSS MiB':>12}  abstracts"]
    for r in rows:
        run = f"{r['backend']}{' +summary' if r['summary'] else ' translate only'}"
        lines.append(f"{r['articles']:>8}  {run:<34} {r['wall_s']:>7.1f} "
                     f"{r['per_article_s']:>9.1f} {num(r['naive_s']):>8} "
                     f"{num(r['ratio'], '{:.1f}x'):>7} {r['peak_rss_mb']:>12.0f}  "
                     f"{','.join(r['methods'] or []) or '-'}"
                     f"{' FAILED' if r['returncode'] else ''}")
    if not naive.get("failed"):
        lines.append(f"  naive: {naive['translate_s']:.1f} s translation + "
                     f"{naive['summary_s']:.1f} s summary per article, {naive['fixed_s']:.1f} s "
                     f"fixed; summarizer input of the sample article: "
                     f"{naive['sum_input_tokens'][0]} summarizer tokens (naive truncates to "
                     f"{naive['truncated_to'][0]}); peak RSS {naive['peak_rss_mb']:.0f} MiB")
    return "\n".join(lines)



def format_table(rows: list[Row], baselines: dict[int, Row], title: str) -> str:
    head = ["run", "beams", "out tok", "wall s", "tok/s", "x(a)", "cpu s", "first out s",
            "(x a)", "load s", "(x a)", "peak RSS MiB", "(x a)", "loadavg"]
    lines = [head]
    for r in rows:
        base = baselines.get(r.beams)
        lines.append([
            r.name + (" FAILED" if r.returncode else ""), str(r.beams), str(r.tokens),
            num(r.wall_s), num(r.rate), ratio(r.rate, base.rate if base else None),
            num(r.cpu_s), num(r.first_output_s),
            ratio(r.first_output_s, base.first_output_s if base else None),
            num(r.load_s), ratio(r.load_s, base.load_s if base else None),
            num(r.peak_rss_mb, "{:.0f}"),
            ratio(r.peak_rss_mb, base.peak_rss_mb if base else None),
            "/".join(f"{v[0]:.1f}" for v in (r.load_before, r.load_after) if v),
        ])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = [title] + ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                for i, (c, w) in enumerate(zip(line, widths, strict=True)))
                      for line in lines]
    text += [f"  {r.name}: {r.check}; decoded {r.decoded} tokens for {r.tokens} counted"
             for r in rows]
    return "\n".join(text)



def machine_info() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for package in ("torch", "transformers", "ctranslate2", "tokenizers", "mtjob"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    cpu = next((ln.split(":", 1)[1].strip() for ln in
                Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")),
               platform.processor())
    return {"cpu_count": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)),
            "cpu_model": cpu, "load_average_start": list(os.getloadavg()),
            "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions}

