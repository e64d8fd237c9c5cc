"""What every command shares: logging set-up and the one place where an exception becomes an
``Error: ...`` line and an exit code. ``MTJOB_DEBUG=1`` adds the traceback, never changes the
code."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from .. import signals
from ..errors import MtjobError

log = logging.getLogger("mtjob")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY = ("transformers", "huggingface_hub", "urllib3", "httpx", "filelock", "ray")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for cluster log collectors: time, level, logger, event, and
    ``article``/``counts`` when a call passes them in ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname, "logger": record.name, "event": record.getMessage()}
        for key in ("article", "counts"):
            if hasattr(record, key):
                out[key] = getattr(record, key)
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def setup_logging(verbose: int = 0, quiet: bool = False, log_format: str = "text") -> None:
    """INFO by default (what ran, per article); -v adds DEBUG; -q keeps warnings and errors."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else
                         logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.INFO if verbose > 1 else logging.ERROR)


def fail(message: str, code: int) -> typer.Exit:
    """Print one ``Error:`` line; return the exit to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def errors() -> Iterator[None]:
    """Typed errors, interruptions and surprises, each to one line and its exit code."""
    debug = bool(os.environ.get("MTJOB_DEBUG"))
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except MtjobError as exc:
        _trace(debug)
        raise fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        _trace(debug)
        raise fail("interrupted (SIGINT); finished articles are kept", 130) from None
    except signals.Terminated as exc:
        _trace(debug)
        raise fail(exc.message, int(exc.code or 1)) from None
    except Exception as exc:
        _trace(debug)
        log.debug("unexpected error", exc_info=not debug)
        hint = "" if debug else " (set MTJOB_DEBUG=1 for a traceback)"
        raise fail(f"unexpected {type(exc).__name__}: {exc}{hint}", 1) from None


def _trace(debug: bool) -> None:
    if debug:
        traceback.print_exc(file=sys.stderr)
