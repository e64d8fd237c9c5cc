"""The parent's runs: ``mtjob run`` and the naive recipe on copies of the sample article, each
a fresh process, read back into one table row."""

from __future__ import annotations

import json
import math
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .child import measure
from .settings import (
    ARTICLE,
    FACTOR,
    MT_CAP,
    MTJOB_LENGTH_FLAGS,
    NAIVE,
    SUM_MAX,
    SUM_MIN,
    log,
)


@dataclass
class Row:
    """One line of the translation table."""

    name: str
    beams: int
    tokens: int
    wall_s: float
    cpu_s: float
    first_output_s: float | None
    load_s: float | None
    peak_rss_mb: float
    returncode: int
    segments: int = 0
    decoded: int = 0
    check: str = ""
    notes: dict[str, Any] = field(default_factory=dict)
    load_before: list[float] = field(default_factory=list)
    load_after: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.tokens / self.wall_s if self.wall_s and not self.returncode else 0.0



def make_inbox(folder: Path, files: int) -> Path:
    """``files`` copies of the sample article (17 paragraphs each)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(files):
        shutil.copyfile(ARTICLE, folder / f"article-{i + 1:02d}.txt")
    return folder



def run_naive(beams: int, ctx: dict[str, Any]) -> Row:
    """(a) on the first ``naive_files`` copies; when that is fewer than the inbox holds, the
    time is extended by the last copy's time per missing copy. The copies are identical and
    translated one paragraph at a time, so each takes the same time; the first copy, when it
    is the only one measured, also carries the first call's warm-up (about 1%), which favours
    nothing but the baseline's slowness."""
    name = f"(a) naive generate, beam {beams}"
    inputs = sorted(ctx["inbox"].glob("*.txt"))
    measured = inputs[:ctx["naive_files"] or len(inputs)]
    out, result = ctx["work"] / f"naive-b{beams}.jsonl", ctx["work"] / f"naive-b{beams}.json"
    cmd = [sys.executable, str(NAIVE), "--model", str(ctx["mt"]), "--beams", str(beams),
           "--threads", str(ctx["threads"]), "--factor", str(FACTOR), "--out", str(out),
           "--result", str(result), "--device", ctx.get("device", "cpu"), *map(str, measured)]
    m = measure(cmd, ctx["env"], ctx["work"] / f"naive-b{beams}.log")
    data = json.loads(result.read_text(encoding="utf-8")) if not m.returncode else {}
    if not data:
        return Row(name, beams, 0, m.wall_s, m.cpu_s, None, None, m.peak_rss_mb, m.returncode,
                   check="failed", load_before=m.load_before, load_after=m.load_after)
    done = data["files_done"]
    per_copy = done[-1] - (done[-2] if len(done) > 1 else data["loaded"])
    missing = len(inputs) - len(measured)
    scale = len(inputs) / len(measured)
    wall = m.wall_s + missing * per_copy
    notes = {"import_s": data["imported"] - m.started, "files_measured": len(measured),
             "files_total": len(inputs), "measured_wall_s": m.wall_s,
             "measured_cpu_s": m.cpu_s, "seconds_per_copy": per_copy}
    if missing:
        name += f" [{len(measured)} of {len(inputs)} copies run, scaled]"
    check = (f"{data['paragraphs'] - data['length_mismatches']}/{data['paragraphs']} paragraphs "
             "decoded exactly their limit")
    return Row(name, beams, round(data["limit_tokens"] * scale), wall, m.cpu_s * wall / m.wall_s,
               data["first_output"] - m.started, data["loaded"] - data["imported"],
               m.peak_rss_mb, m.returncode, round(data["paragraphs"] * scale),
               round(data["decoded_steps"] * scale), check, notes, m.load_before, m.load_after)



def mtjob_command(backend: str, beams: int, summary: bool, out: Path, ctx: dict[str, Any]
                  ) -> list[str]:
    cmd = [sys.executable, "-m", "mtjob", "run", str(ctx["inbox"]), "--out", str(out),
           "--backend", backend, "--beams", str(beams), "--threads", str(ctx["threads"]),
           "--quantize", "auto", *MTJOB_LENGTH_FLAGS, "--no-retry-degenerate",
           "--mt-model", str(ctx["mt"]), "--sum-model", str(ctx["sum"]), "--force"]
    if summary:
        cmd += ["--summary", "--sum-beams", "4", "--sum-min-length", str(SUM_MIN),
                "--sum-max-length", str(SUM_MAX)]
    else:
        cmd.append("--no-summary")
    extra: list[str] = ctx["extra"]  # --mtjob-args, split
    return cmd + extra



def read_jsonl_counts(out: Path, backend: str) -> dict[str, Any]:
    """Forced-length check on mtjob's output: every segment decoded at least its own limit.

    The transformers backend does not count the forced final ``</s>`` in ``tgt_tokens`` (the
    step is decoded all the same), so it is allowed one token less."""
    from mtjob.outfolder.paths import article_ids
    from mtjob.outfolder.readback import read_finished

    slack = 1 if backend == "transformers" else 0
    segments = short = limit_sum = decoded = 0
    articles = [read_finished(out, doc_id) for doc_id in article_ids(out)]
    for _, sentence in (pair for article in articles for pair in article.sentences()):
        if not sentence.src_tokens:
            continue
        limit = min(MT_CAP, math.ceil(FACTOR * sentence.src_tokens))
        segments += 1
        limit_sum += limit
        decoded += sentence.tgt_tokens + slack
        short += sentence.tgt_tokens + slack < limit
    methods = sorted({article.record.method for article in articles})
    return {"segments": segments, "short": short, "limit_tokens": limit_sum,
            "decoded": decoded, "abstract_methods": methods}



def run_mtjob(backend: str, beams: int, summary: bool, ctx: dict[str, Any],
              variant: tuple[str, tuple[str, ...]] | None = None) -> Row:
    label = "b" if backend == "transformers" else "c"
    name = f"({label}) mtjob {backend}{' +summary' if summary else ''}, beam {beams}"
    tag = f"mtjob-{backend}-b{beams}{'-summary' if summary else ''}"
    extra: list[str] = []
    if variant:
        label, extra = variant[0], list(variant[1])
        name = f"({label}) mtjob {backend}, beam {beams}, {' '.join(extra)}"
        tag += "-" + "".join(c for c in "".join(extra) if c.isalnum())
    out = ctx["work"] / tag
    shutil.rmtree(out, ignore_errors=True)
    m = measure(mtjob_command(backend, beams, summary, out, ctx) + extra, ctx["env"],
                ctx["work"] / f"{tag}.log", poll_dir=out)
    counts = read_jsonl_counts(out, backend) if not m.returncode else {}
    log.info("%s: %.1f s, %s tokens, peak RSS %.0f MiB, exit %d", name, m.wall_s,
             counts.get("limit_tokens"), m.peak_rss_mb, m.returncode)
    check = (f"{counts['segments'] - counts['short']}/{counts['segments']} segments decoded "
             "at least their limit" if counts else "failed")
    return Row(name, beams, counts.get("limit_tokens", 0), m.wall_s, m.cpu_s,
               m.first_output_s, None, m.peak_rss_mb, m.returncode,
               counts.get("segments", 0), counts.get("decoded", 0), check,
               {"abstract_methods": counts.get("abstract_methods")}, m.load_before,
               m.load_after)

