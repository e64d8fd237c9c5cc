"""The ``mtjob`` command line: parse, validate, call the core, set the exit code. Nothing else.

Exit codes: 0 all inputs done; 1 some inputs failed (the rest written); 2 usage or
configuration error; 75 another run holds the output folder's lock; 130/143 interrupted.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import signals
from .errors import MtjobError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, help="Arabic news articles in; aligned Arabic-English "
                  "JSONL and an English abstract out.")
log = logging.getLogger("mtjob")

HELP_INPUTS = "Article files and/or folders (every *.txt inside, sorted)."
HELP_SHARD = ("This task's slice, I/N (0-based). Defaults to SLURM_ARRAY_TASK_ID/COUNT "
              "when they are set.")

Opt = Annotated
# Reusable parameter aliases. Config fields default to None = "keep the config file's value".
StrOpt = Annotated[Optional[str], typer.Option(show_default=False)]
IntOpt = Annotated[Optional[int], typer.Option(show_default=False)]


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("transformers", "huggingface_hub", "urllib3", "httpx", "filelock"):
        logging.getLogger(noisy).setLevel(logging.ERROR if not verbose else logging.INFO)


@contextmanager
def _errors() -> Iterator[None]:
    """The one place where exceptions become an ``Error: ...`` line and an exit code.
    Tracebacks only with MTJOB_DEBUG=1."""
    debug = bool(os.environ.get("MTJOB_DEBUG"))
    try:
        yield
    except MtjobError as exc:
        if debug:
            raise
        raise _fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted; finished articles are kept", 130) from None
    except signals.Terminated as exc:
        raise _fail("terminated (SIGTERM); finished articles are kept", int(exc.code)) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        if debug:
            raise
        log.debug("unexpected error", exc_info=True)
        raise _fail(f"unexpected {type(exc).__name__}: {exc} (set MTJOB_DEBUG=1 for a "
                    "traceback)", 1) from None


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


@app.command()
def run(
    inputs: Opt[list[Path], typer.Argument(help=HELP_INPUTS, show_default=False)],
    out: Opt[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("outputs"),
    config: Opt[Optional[Path], typer.Option(help="TOML config (see configs/).")] = None,
    mt_model: StrOpt = None, mt_revision: StrOpt = None,
    sum_model: StrOpt = None, sum_revision: StrOpt = None,
    cache_dir: Opt[Optional[str], typer.Option(help="Hugging Face cache (default: HF_HOME).",
                                               show_default=False)] = None,
    backend: Opt[Optional[str], typer.Option(help="transformers | ctranslate2")] = None,
    device: Opt[Optional[str], typer.Option(help="auto | cpu | cuda")] = None,
    dtype: Opt[Optional[str], typer.Option(help="auto | float32 | float16 | bfloat16")] = None,
    quantize: Opt[Optional[str], typer.Option(help="auto | none | int8")] = None,
    threads: IntOpt = None, batch_tokens: IntOpt = None, min_batch_tokens: IntOpt = None,
    group_articles: IntOpt = None, beams: IntOpt = None, max_source_tokens: IntOpt = None,
    max_length_factor: Opt[Optional[float], typer.Option(show_default=False)] = None,
    max_length_offset: IntOpt = None,
    retry_degenerate: Opt[Optional[bool], typer.Option(
        "--retry-degenerate/--no-retry-degenerate", show_default=False)] = None,
    summary: Opt[Optional[bool], typer.Option("--summary/--no-summary",
                                               show_default=False)] = None,
    sum_beams: IntOpt = None, sum_min_length: IntOpt = None, sum_max_length: IntOpt = None,
    max_file_bytes: IntOpt = None,
    allow_pickle: Opt[Optional[bool], typer.Option(
        "--allow-pickle", help="Load pickle (pytorch_model.bin) weights: trusted models only.",
        show_default=False)] = None,
    shard: Opt[Optional[str], typer.Option(help=HELP_SHARD, show_default=False)] = None,
    force: Opt[bool, typer.Option(help="Redo finished articles.")] = False,
    wait_lock: Opt[float, typer.Option(help="Wait up to this many seconds for the lock.")] = 0.0,
    engine: Opt[str, typer.Option(help="local | ray")] = "local",
    address: Opt[Optional[str], typer.Option(help="Ray address (ray engine).")] = None,
    workers: Opt[int, typer.Option(help="Ray model actors (ray engine).")] = 2,
    gpus_per_worker: Opt[float, typer.Option(help="GPUs per Ray actor.")] = 0.0,
    verbose: Opt[int, typer.Option("--verbose", "-v", count=True)] = 0,
    quiet: Opt[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Translate and summarize articles into OUT/NAME.jsonl and OUT/NAME.abstract.json."""
    _setup_logging(verbose, quiet)
    overrides = {k: v for k, v in locals().items() if k in _CONFIG_FLAGS}
    with _errors():
        from .config import load_config
        from .executors.slurm import parse_shard, shard_from_env
        from .job import run_shard

        cfg = load_config(config, overrides)
        rank, world = parse_shard(shard) if shard else (shard_from_env() or (0, 1))
        if engine not in ("local", "ray"):
            raise _fail(f"--engine must be local or ray, got {engine!r}", 2)
        factory = None
        if engine == "ray":
            from .executors.ray import ray_engine_factory

            factory = ray_engine_factory(address=address, workers=workers,
                                         gpus_per_worker=gpus_per_worker)
        previous = signals.install()
        progress = _progress_bar() if rank == 0 and not quiet else None
        try:
            kwargs: dict[str, Any] = {"engine_factory": factory} if factory else {}
            report = run_shard(cfg, inputs, out, rank, world, force=force, wait_lock=wait_lock,
                               progress=progress.update if progress is not None else None, **kwargs)
        finally:
            signals.restore(previous)
            if progress is not None:
                progress.close()
        log.info("shard %d/%d: %s", rank, world, report.summary_line())
        for name, message in report.failed:
            typer.echo(f"failed: {message}", err=True)
        if report.failed:
            raise typer.Exit(1)


_CONFIG_FLAGS = {
    "mt_model", "mt_revision", "sum_model", "sum_revision", "backend", "device", "dtype",
    "quantize", "threads", "batch_tokens", "min_batch_tokens", "group_articles", "beams",
    "max_source_tokens", "max_length_factor", "max_length_offset", "retry_degenerate",
    "summary", "sum_beams", "sum_min_length", "sum_max_length", "max_file_bytes",
    "allow_pickle", "cache_dir",
}


def _progress_bar() -> Any:
    """Segments translated; drawn only on a terminal (``disable=None``), one line per update
    otherwise never, so batch logs stay clean."""
    from tqdm import tqdm

    return tqdm(unit=" seg", disable=None, file=sys.stderr, dynamic_ncols=True)


@app.command()
def verify(out: Opt[Path, typer.Argument(help="A finished output folder.")]) -> None:
    """Check an output folder: complete, parseable, contiguous, hashes as recorded."""
    from .outputs import verify as verify_folder

    with _errors():
        problems = verify_folder(out)
    for problem in problems:
        typer.echo(f"Error: {problem}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"ok: {out}")


__import__("mtjob.commands", fromlist=["*"]).register_all(app)  # export, eval (lead: redo)


def main() -> None:
    """Console entry point."""
    app()
