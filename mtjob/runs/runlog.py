"""Runs that machines can read: JSON log lines, one record per run, a Prometheus textfile.

- ``JsonFormatter``: ``--log-format json``, one object per line, for log shippers.
- ``write_run_record``: ``OUT/_mtjob/runs/<start, UTC>-<rank>.json``, what one run of one
  shard did (settings, stage times, tokens, each article's outcome, exit code).
- ``write_metrics``: the node-exporter textfile format, so that a stalled cron job or a
  failing inbox raises an alert. Counters accumulate over runs (the previous file is read
  back under a lock), so Prometheus ``rate()``/``increase()`` work on them.
- ``recorded``: both, for every ending of a run; ``run_shard`` runs inside it, so CLI and API
  runs alike leave them.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import socket
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..inputs.sources import display_name, utf8_text
from ..vocabulary import Status

if TYPE_CHECKING:
    from ..config import JobConfig
    from .report import RunReport

#: ``extra=`` keys copied into a JSON log line when a record carries them.
EXTRA_KEYS = ("event", "article", "counts", "shard")
SLURM_KEYS = ("SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_NODEID")
#: Every Bidi_Control character (embeddings, overrides, isolates, LRM, RLM, Arabic letter
#: mark), the line separators other than \n and the C1 controls (0x9b starts an ANSI escape).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\x7f-\x9f]")


def json_safe(text: str) -> str:
    """JSON text with every bidi control, line separator (U+2028/2029/0085) and C1 escaped as
    ``\\uXXXX``: they only occur inside strings, so the JSON means the same."""
    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="milliseconds") \
        .replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and ``event``,
    ``article``, ``counts``, ``shard`` when passed with ``extra=``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"time": _iso(record.created), "level": record.levelname,
                                "logger": record.name, "message": record.getMessage()}
        for key in EXTRA_KEYS:
            if key in record.__dict__:
                line[key] = record.__dict__[key]
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # U+2028 in a name must not split the line, nor a bidi override reorder it on a
        # terminal: both escaped (valid JSON either way).
        return json_safe(json.dumps(line, ensure_ascii=False, default=str))


def _epoch(started: datetime | float) -> float:
    return started.timestamp() if isinstance(started, datetime) else float(started)


def run_record(rank: int, world: int, report: RunReport, config: JobConfig,
               exit_code: int, started: datetime | float) -> dict[str, Any]:
    """What ``write_run_record`` writes, as data."""
    from ..versions import __version__

    seconds = report.seconds
    return {
        "started": _iso(_epoch(started)), "finished": _iso(time.time()),
        "shard": [rank, world], "exit_code": exit_code, "error": report.error,
        "host": socket.gethostname(),
        "pid": os.getpid(), "mtjob_version": __version__,
        "slurm": {k: os.environ[k] for k in SLURM_KEYS if k in os.environ},
        "settings": config.to_dict(), "seconds": round(seconds, 3),
        "stage_seconds": {k: round(v, 3) for k, v in report.stage_seconds.items()},
        "models_loaded": report.models_loaded,
        "models": next((o.meta["models"] for o in report.outcomes
                        if o.meta and o.meta.get("models")), None),
        "articles": report.counts(),
        "paragraphs": report.paragraphs, "segments": report.segments,
        "tokens": {"in": report.src_tokens, "out": report.tgt_tokens},
        "tokens_per_second": round(report.tgt_tokens / seconds, 2) if seconds else 0.0,
        "flags": dict(sorted(report.flags.items())),
        "origins": dict(sorted(report.origins.items())),
        "terms": {"forced": report.terms["forced"], "unified": report.terms["unified"]},
        "outcomes": [{"doc_id": o.doc_id, "source": utf8_text(str(o.path)), "status": o.status,
                      "error": o.error} for o in report.outcomes],
    }


def write_run_record(out: Path, rank: int, world: int, report: RunReport, config: JobConfig,
                     exit_code: int, started: datetime | float) -> Path:
    """Write ``OUT/_mtjob/runs/<YYYYmmddTHHMMSSZ>-<rank>.json`` atomically; returns it.
    ``started`` is when the run began (a datetime or epoch seconds)."""
    from ..outfolder.atomic import atomic_write, ensure_real_dir, json_bytes
    from ..outfolder.paths import meta_dir

    ensure_real_dir(meta_dir(out))
    folder = ensure_real_dir(meta_dir(out) / "runs")  # never written through a symlink
    stamp = datetime.fromtimestamp(_epoch(started), timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path, n = folder / f"{stamp}-{rank:05d}.json", 0
    while path.exists():  # two runs of one shard in the same second (a retry loop, the API)
        n += 1
        path = folder / f"{stamp}-{rank:05d}-{os.getpid()}-{n}.json"
    atomic_write(path, json_bytes(run_record(rank, world, report, config, exit_code, started)))
    return path


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def read_samples(path: Path) -> dict[str, float]:
    """``{'name{labels}': value}`` of a textfile this module wrote; {} when absent or odd."""
    from ..outfolder.atomic import read_plain

    samples: dict[str, float] = {}
    try:  # a regular file only: a FIFO put there must not hang the end of the run
        lines = (read_plain(path) or b"").decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return samples
    for line in lines:
        if (m := _SAMPLE.match(line)) is not None:
            try:
                samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
            except ValueError:
                continue
    return samples


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def metrics_text(report: RunReport, exit_code: int, previous: dict[str, float],
                 now: float) -> str:
    """The textfile: counters are ``previous`` plus this run, gauges describe this run."""
    counts = report.counts()
    families: list[tuple[str, str, str, list[tuple[str, float]]]] = [
        ("mtjob_articles_total", "counter", "Articles by outcome, over all runs.",
         [(f'{{status="{s}"}}', n) for s, n in counts.items()]),
        ("mtjob_tokens_total", "counter", "Source (in) and generated (out) tokens.",
         [('{direction="in"}', report.src_tokens), ('{direction="out"}', report.tgt_tokens)]),
        ("mtjob_flags_total", "counter", "Quality flags raised on translated sentences.",
         [(f'{{flag="{_label(f)}"}}', n) for f, n in sorted(report.flags.items())]),
        ("mtjob_runs_total", "counter", "Runs, by exit code.",
         [(f'{{exit_code="{exit_code}"}}', 1)]),
    ]
    lines: list[str] = []
    for name, kind, help_text, samples in families:
        merged = {k[len(name):]: v for k, v in previous.items()
                  if k.startswith(name + "{")}
        for labels, value in samples:
            merged[labels] = merged.get(labels, 0.0) + value
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        lines += [f"{name}{labels} {_number(v)}" for labels, v in sorted(merged.items())]
    success = now if exit_code == 0 else previous.get("mtjob_last_success_timestamp_seconds")
    gauges: list[tuple[str, str, float | None]] = [
        ("mtjob_run_seconds", "Wall time of the last run.", report.seconds),
        ("mtjob_last_run_timestamp_seconds", "When the last run ended.", now),
        ("mtjob_last_exit_code", "Exit code of the last run.", exit_code),
        ("mtjob_last_success_timestamp_seconds", "When the last run with exit code 0 ended.",
         success)]
    for name, help_text, gauge in gauges:
        if gauge is not None:
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge",
                      f"{name} {_number(round(gauge, 3))}"]
    return "\n".join(lines) + "\n"


def write_metrics(path: Path, report: RunReport, exit_code: int,
                  now: float | None = None) -> None:
    """Update the textfile at ``path`` atomically (node exporter never reads half of it);
    runs sharing the file take turns under a lock beside it."""
    from ..outfolder.atomic import atomic_write

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(f".{path.name}.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    with open(fd, "rb") as lock:  # opening a FIFO this way cannot block; it is refused
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{display_name(lock_path)} is not a regular file")
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = metrics_text(report, exit_code, read_samples(path),
                            time.time() if now is None else now)
        atomic_write(path, text.encode("utf-8"))


def record_run(out: Path, rank: int, world: int, report: RunReport, config: JobConfig | None,
               exit_code: int, started: datetime | float, metrics: Path | None = None) -> None:
    """After a run, however it ended: its record when it took its shard's lock (a run refused
    the lock leaves the folder another run holds alone) and either failed (``exit_code`` not
    0) or wrote or failed an article (so a rerun over finished output changes no file); the
    metrics textfile whenever ``metrics`` is given. A failure here is logged, never raised:
    the articles themselves are written."""
    log = logging.getLogger(__name__)
    changed = exit_code != 0 or any(o.status != Status.UNCHANGED for o in report.outcomes)
    if report.locked and changed and config is not None:
        try:
            write_run_record(out, rank, world, report, config, exit_code, started)
        except Exception as exc:
            log.warning("cannot write the run record: %s", exc)
    if metrics is not None:  # the record failing (OUT's disk full) must not stop this one
        try:
            write_metrics(metrics, report, exit_code)
        except Exception as exc:
            log.warning("cannot write the metrics file %s: %s", display_name(metrics), exc)


@contextmanager
def recorded(out: Path, rank: int, world: int, config: JobConfig, report: RunReport,
             metrics: Path | None = None, inputs: tuple[Path, ...] = ()) -> Iterator[None]:
    """Run the block as one run of a shard, and record it however it ends (``record_run``):
    exit code 0, or 1 when an article failed, or the code and the ``Error:`` line of what
    stopped it (``errors.ending``). ``report.recorded`` tells a caller that its ending is
    recorded here. A ``metrics`` file that would replace a file of the run (an input, one in
    ``out``, the glossary, the memory) is a usage error, and nothing is written to it."""
    from ..errors import ending
    from ..inputs.pathcheck import check_metrics_file

    started, began, code = time.time(), time.monotonic(), 1
    report.recorded = True
    if metrics is not None:
        check_metrics_file(metrics, list(inputs), out,
                           [Path(p) for p in (config.glossary, config.memory) if p])
    try:
        yield
        code = 1 if report.failed else 0
    except BaseException as exc:
        code, report.error = ending(exc)
        report.seconds = report.seconds or time.monotonic() - began
        raise
    finally:
        record_run(out, rank, world, report, config, code, started, metrics)
