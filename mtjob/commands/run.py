"""``mtjob run INPUT... --out DIR``: the job, for cron, one file or a Slurm array task.

Exit codes: 0 all inputs done; 1 some inputs failed (each named on stderr and in the
manifest), the rest written; 2 usage, configuration or model error; 74 the output folder
could not be written mid-run (disk full); 75 another run holds the output folder's lock;
129/130/143 interrupted (SIGHUP/SIGINT/SIGTERM), nothing partial. Every ending is in the
metrics file (--metrics-file) and, once the run took its shard's lock, in
OUT/_mtjob/runs/<start>-<rank>.json.
"""

from __future__ import annotations

import logging
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .. import signals
from .common import errors, setup_logging
from .options import PanelCommand, config_options

log = logging.getLogger("mtjob")

class LogFormat(str, Enum):
    text = "text"
    json = "json"


HELP_INPUTS = "Article files and/or folders (every *.txt inside, sorted)."
HELP_SHARD = ("This task's slice, I/N (0-based). Defaults to SLURM_ARRAY_TASK_ID/COUNT "
              "when they are set.")


@config_options
def run(
    inputs: Annotated[list[Path], typer.Argument(help=HELP_INPUTS, show_default=False,
                                                 metavar="INPUT...")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("outputs"),
    config: Annotated[Optional[Path], typer.Option(
        help="TOML profile (see configs/); flags win over it.", show_default=False)] = None,
    shard: Annotated[Optional[str], typer.Option(help=HELP_SHARD, show_default=False,
                                                 rich_help_panel="Cluster")] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo finished articles.")] = False,
    wait_lock: Annotated[float, typer.Option(
        help="Seconds to wait for another run's lock on OUT before giving up (exit 75).")] = 0.0,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True,
                                         help="-v: debug details; -vv: libraries' logs too.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Warnings, errors and the "
                                        "summary line only; no progress bar.")] = False,
    log_format: Annotated[LogFormat, typer.Option(
        help="text, or json: one object per line for log collectors.")] = LogFormat.text,
    metrics_file: Annotated[Optional[Path], typer.Option(
        help="Write Prometheus node-exporter textfile metrics here after the run, "
             "however it ends.",
        show_default=False)] = None,
    **overrides: Any,
) -> None:
    """Translate and summarize articles into OUT/NAME.jsonl and OUT/NAME.abstract.json."""
    setup_logging(verbose, quiet, log_format.value)
    from ..runs.report import RunReport
    from ..runs.runlog import record_run

    report, started = RunReport(), time.time()
    cfg, rank, world, code = None, 0, 1, 1  # what the record needs, known as the run goes
    try:
        with errors():
            from ..config import load_config
            from ..job import run_shard
            from ..runs.sharding import parse_shard, shard_from_env

            cfg = load_config(config, overrides)
            rank, world = parse_shard(shard) if shard else (shard_from_env() or (0, 1))
            previous = signals.install()
            progress = Bar() if rank == 0 and not quiet and sys.stderr.isatty() else None
            began = time.monotonic()
            try:
                run_shard(cfg, inputs, out, rank, world, force=force, wait_lock=wait_lock,
                          progress=progress, report=report)
            except BaseException:
                report.seconds = time.monotonic() - began  # it raised before timing itself
                raise
            finally:
                signals.restore(previous)
                if progress is not None:
                    progress.close()
            # The summary line stays in cron logs even with --quiet.
            log.info("shard %d/%d: %s", rank, world, report.summary_line(),
                     extra={"summary": True})
            code = 1 if report.failed else 0
    except typer.Exit as exc:  # errors() turned the failure into its one line and code
        code, report.error = exc.exit_code, getattr(exc, "message", None)
        raise
    finally:  # every ending is recorded: the runs monitoring most needs to see fail
        record_run(out, rank, world, report, cfg, code, started, metrics_file)
    if code:
        raise typer.Exit(code)


class Bar:
    """Progress on a terminal: segments translated and abstracts written, against what is
    known so far (the total grows as each group of articles is segmented), with an ETA."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=0, unit=" step", file=sys.stderr, dynamic_ncols=True,
                         bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]")

    def add_total(self, steps: int) -> None:
        self._bar.total += steps
        self._bar.refresh()

    def __call__(self, steps: int) -> None:
        self._bar.update(steps)

    def close(self) -> None:
        self._bar.close()


def register(app: typer.Typer) -> None:
    """Add ``mtjob run`` to the app."""
    app.command("run", cls=PanelCommand)(run)
