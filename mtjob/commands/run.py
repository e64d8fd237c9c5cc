"""``mtjob run INPUT... --out DIR``: the job, for cron, one file or a Slurm array task.

Exit codes: 0 all inputs done; 1 some inputs failed (each named on stderr and in the
manifest), the rest written; 2 usage, configuration or model error; 74 the output folder
could not be written mid-run (disk full); 75 another run holds the output folder's lock;
129/130/143 interrupted (SIGHUP/SIGINT/SIGTERM), nothing partial. Every ending is in the
metrics file (--metrics-file) and, once the run took its shard's lock and passed its
checks (a run stopped by a check, a wrong model say, leaves OUT as it found it), in
OUT/_mtjob/runs/<start>-<rank>.json: the job records its own (``run_shard``, as for the API);
this command records in the metrics a run that stopped before the job began (a bad config).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import signals
from .common import errors, setup_logging
from .options import ConfigFileOption, PanelCommand, config_options

log = logging.getLogger("mtjob")

class LogFormat(str, Enum):
    text = "text"
    json = "json"


HELP_INPUTS = ("Article files and/or folders (every *.txt inside, sorted); - reads one "
               "article from stdin (its outputs: OUT/stdin.*).")
HELP_SHARD = ("This task's slice, I/N (0-based, N at most 99999). Defaults to "
              "SLURM_ARRAY_TASK_ID/COUNT when they are set.")


@config_options
def run(
    inputs: Annotated[list[Path], typer.Argument(help=HELP_INPUTS, show_default=False,
                                                 metavar="INPUT...")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("outputs"),
    config: ConfigFileOption = None,
    shard: Annotated[str | None, typer.Option(help=HELP_SHARD, show_default=False,
                                                 rich_help_panel="Cluster")] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo finished articles.")] = False,
    wait_lock: Annotated[float, typer.Option(
        help="Seconds to wait for another run's lock on OUT before giving up (exit 75); "
             "0 to 604800.")] = 0.0,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True,
                                         help="-v: debug details; -vv: libraries' logs too.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Warnings, errors and the "
                                        "summary line only; no progress bar.")] = False,
    log_format: Annotated[LogFormat, typer.Option(
        help="text, or json: one object per line for log collectors.")] = LogFormat.text,
    metrics_file: Annotated[Path | None, typer.Option(
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
    metrics: Path | None = None  # the metrics file, once known to replace no input or config
    stdin: Path | None = None  # run -: the article read from stdin, in a temp folder
    try:
        with errors():
            from ..config import load_config
            from ..inputs.pathcheck import check_metrics_file
            from ..job import run_shard
            from ..runs.sharding import parse_shard, shard_from_env

            if metrics_file is not None:  # before the config loads: a bad one is in it too
                check_metrics_file(metrics_file, inputs, out, [config] if config else [])
                metrics = metrics_file
            cfg = load_config(config, overrides)
            if any(str(p) == "-" for p in inputs):
                stdin = _stdin_input(inputs, cfg.max_file_bytes)
                inputs = [stdin]
            rank, world = parse_shard(shard) if shard else (shard_from_env() or (0, 1))
            previous = signals.install()
            progress = None
            if rank == 0 and not quiet and sys.stderr.isatty():  # a person watches: a bar
                from .progress import StageBar

                progress = StageBar()
            try:  # it records its own ending (and checks the metrics file against its files)
                run_shard(cfg, inputs, out, rank, world, force=force, wait_lock=wait_lock,
                          progress=progress, report=report, metrics=metrics)
            finally:
                signals.restore(previous)
                if progress is not None:
                    progress.close()
            # The summary line stays in cron logs even with --quiet.
            log.info("shard %d/%d: %s", rank, world, report.summary_line(),
                     extra={"summary": True})
            log.info("output in %s; check it with: mtjob verify %s", _where(out, cfg), out,
                     extra={"summary": True})
    except typer.Exit as exc:  # errors() turned the failure into its one line and code
        if metrics is not None and not report.recorded:  # it stopped before the job began
            record_run(out, 0, 1, report, None, exc.exit_code, started, metrics)
        raise
    finally:
        if stdin is not None:
            shutil.rmtree(stdin.parent, ignore_errors=True)
    if report.failed:
        raise typer.Exit(1)


def _stdin_input(inputs: list[Path], max_bytes: int) -> Path:
    """``run -``: stdin as the one article ``stdin.txt`` (outputs ``OUT/stdin.*``)."""
    from ..errors import ConfigError
    from ..inputs.textinput import stdin_article

    if len(inputs) > 1:
        raise ConfigError("- (one article from stdin) must be the only input")
    if sys.stdin.isatty():
        log.warning("reading one article from the terminal (Ctrl-D to end)")
    return stdin_article(sys.stdin.buffer, max_bytes)


def _where(out: Path, cfg: Any) -> str:
    """Where the run's files are, for the run's last line: the review pages' index too,
    with ``--report``."""
    names = "NAME.jsonl, NAME.abstract.json" + (", NAME.en.txt" if cfg.text else "")
    where = f"{out.resolve()}{os.sep}: {names} per article"
    if cfg.report:
        from ..outfolder.paths import INDEX, REVIEW_DIR

        where += f"; review pages: {out.resolve() / REVIEW_DIR / INDEX} (open it in a browser)"
    return where


def register(app: typer.Typer) -> None:
    """Add ``mtjob run`` to the app."""
    app.command("run", cls=PanelCommand)(run)
