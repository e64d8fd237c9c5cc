"""What every command shares: logging set-up and the one place where an exception becomes an
``Error: ...`` line and an exit code. ``MTJOB_DEBUG=1`` adds the traceback, never changes the
code."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from .. import signals
from ..errors import MtjobError, debugging, ending

log = logging.getLogger("mtjob")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY = ("transformers", "huggingface_hub", "urllib3", "httpx", "filelock", "ray")


def setup_logging(verbose: int = 0, quiet: bool = False, log_format: str = "text") -> None:
    """INFO by default (what ran, per article); -v adds DEBUG; -q keeps warnings, errors and
    the records logged with ``extra={"summary": True}`` (a run's summary line, at INFO)."""
    level = logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    if quiet:
        handler.addFilter(lambda r: r.levelno >= logging.WARNING or getattr(r, "summary", False))
    if log_format == "json":
        from ..runs.runlog import JsonFormatter

        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(OneLineFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.INFO if verbose > 1 else logging.ERROR)


class OneLineFormatter(logging.Formatter):
    """Text log lines that no message can split or colour: whatever a call site
    interpolated, its line breaks and control characters are escaped (the traceback of
    ``-v`` still follows on its own lines)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        from ..inputs.sources import one_line

        record.message = one_line(record.message)
        return super().formatMessage(record)


def fail(message: str, code: int) -> typer.Exit:
    """Print one ``Error:`` line; return the exit to raise (the line kept as ``message``, for
    the run record)."""
    from ..inputs.sources import one_line

    typer.echo(f"Error: {one_line(message)}", err=True)
    exit = typer.Exit(code)
    exit.message = message  # type: ignore[attr-defined]
    return exit


@contextmanager
def errors() -> Iterator[None]:
    """Typed errors, interruptions and surprises, each to one line and its exit code
    (``errors.ending``, which the run record says too)."""
    debug = debugging()
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except (Exception, KeyboardInterrupt, signals.Terminated) as exc:
        _trace(debug)
        if not isinstance(exc, (MtjobError, KeyboardInterrupt, signals.Terminated)):
            log.debug("unexpected error", exc_info=not debug)
        code, message = ending(exc)
        raise fail(message, code) from None


def _trace(debug: bool) -> None:
    if debug:
        traceback.print_exc(file=sys.stderr)
