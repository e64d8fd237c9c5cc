"""The ``mtjob`` command line: parse, validate, call the core, set the exit code. Nothing else.

Exit codes: 0 all inputs done; 1 some inputs failed (the rest written); 2 usage or
configuration error; 75 another run holds the output folder's lock; 130/143 interrupted.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import click
import typer
import typer.core

from . import signals
from .errors import MtjobError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, help="Arabic news articles in; aligned Arabic-English "
                  "JSONL and an English abstract out.")
log = logging.getLogger("mtjob")

HELP_INPUTS = "Article files and/or folders (every *.txt inside, sorted)."
HELP_SHARD = ("This task's slice, I/N (0-based). Defaults to SLURM_ARRAY_TASK_ID/COUNT "
              "when they are set.")

CLUSTER_PANEL = "Cluster"


class PanelCommand(typer.core.TyperCommand):
    """Plain-text help (batch logs and READMEs stay readable) with options grouped in the
    panels their fields name: Models, Decoding, Performance, Output, Cluster."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            name = "Arguments" if param.param_type_name == "argument" else \
                getattr(param, "rich_help_panel", None) or "Options"
            sections.setdefault(name, []).append(record)
        for name, rows in sections.items():
            with formatter.section(name):
                formatter.write_dl(rows)

Opt = Annotated


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


def _config_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add one option per ``JobConfig`` field (help, panel, choices from the field), each
    defaulting to None: "keep the config file's value". The effective default is shown."""
    from .config import FIELDS, base_type

    params = [p for p in inspect.signature(command).parameters.values()
              if p.kind is not inspect.Parameter.VAR_KEYWORD]
    annotations = {p.name: p.annotation for p in params}
    for name, field in FIELDS.items():
        meta, flag = field.metadata, "--" + name.replace("_", "-")
        kind, _ = base_type(name)
        default = field.default
        shown = ("none" if default is None else default.value if isinstance(default, Enum)
                 else str(default).lower() if isinstance(default, bool) else str(default))
        decls = [f"{flag}/--no-{flag[2:]}"] if kind is bool else [flag]
        option = typer.Option(*decls, help=meta["help"], show_default=shown,
                              rich_help_panel=meta["panel"])
        annotations[name] = Annotated[Optional[meta["choices"] or kind], option]
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                        annotation=annotations[name]))

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        from .config import FIELDS

        overrides = {k: kwargs.pop(k) for k in list(kwargs) if k in FIELDS}
        return command(**kwargs, **overrides)

    wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = annotations
    return wrapper


@app.command(cls=PanelCommand)
@_config_options
def run(
    inputs: Opt[list[Path], typer.Argument(help=HELP_INPUTS, show_default=False,
                                           metavar="INPUT...")],
    out: Opt[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("outputs"),
    config: Opt[Optional[Path], typer.Option(help="TOML config (see configs/).")] = None,
    shard: Opt[Optional[str], typer.Option(help=HELP_SHARD, show_default=False,
                                           rich_help_panel=CLUSTER_PANEL)] = None,
    force: Opt[bool, typer.Option(help="Redo finished articles.")] = False,
    wait_lock: Opt[float, typer.Option(help="Wait up to this many seconds for the lock.")] = 0.0,
    verbose: Opt[int, typer.Option("--verbose", "-v", count=True)] = 0,
    quiet: Opt[bool, typer.Option("--quiet", "-q")] = False,
    **overrides: Any,
) -> None:
    """Translate and summarize articles into OUT/NAME.jsonl and OUT/NAME.abstract.json."""
    _setup_logging(verbose, quiet)
    with _errors():
        from .config import load_config
        from .job import run_shard
        from .sharding import parse_shard, shard_from_env

        cfg = load_config(config, overrides)
        rank, world = parse_shard(shard) if shard else (shard_from_env() or (0, 1))
        previous = signals.install()
        progress = _progress_bar() if rank == 0 and not quiet else None
        try:
            report = run_shard(cfg, inputs, out, rank, world, force=force, wait_lock=wait_lock,
                               progress=progress.update if progress is not None else None)
        finally:
            signals.restore(previous)
            if progress is not None:
                progress.close()
        log.info("shard %d/%d: %s", rank, world, report.summary_line())
        for outcome in report.failed:
            typer.echo(f"failed: {outcome.error}", err=True)
        if report.failed:
            raise typer.Exit(1)


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
