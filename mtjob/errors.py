"""Typed errors, and how a run that stops on one ends: one ``Error: ...`` line and an exit
code (:func:`ending`), the same for the CLI's stderr and the run record the core writes."""

from __future__ import annotations

import os

from .signals import Terminated


class MtjobError(Exception):
    """Base class of every error mtjob raises on purpose."""

    exit_code = 1


class ConfigError(MtjobError):
    """A bad setting, flag or config file: a usage error."""

    exit_code = 2


class InputError(MtjobError):
    """One input article cannot be used; the message names the file and the position."""

    exit_code = 1


class ModelUnavailableError(MtjobError):
    """A model is neither a local folder nor in the cache, and the hub cannot be reached."""

    exit_code = 2
    #: What went wrong without the advice, for callers with their own advice (None: unknown).
    fact: str | None = None


class UnsafeModelError(MtjobError):
    """A model ships only pickle weights and the user did not opt in to loading them."""

    exit_code = 2


class OutputError(MtjobError):
    """The output folder cannot be written (permissions, disk full...). Writing one article
    fails that article alone (exit 1); raised past it, the run stops."""

    exit_code = 74  # EX_IOERR: not "some inputs failed", which is what 1 tells cron


class LockHeldError(MtjobError):
    """Another run holds the lock of this output folder and shard."""

    exit_code = 75  # EX_TEMPFAIL: cron wrappers may simply try again later


class OutOfMemoryBudgetError(MtjobError):
    """A batch ran out of memory even at the smallest token budget."""

    exit_code = 1


class MissingExtraError(MtjobError):
    """An optional dependency is needed for the chosen setting."""

    exit_code = 2


class UnreadableInputError(InputError, OSError):
    """An input that cannot be opened or is not a regular file (FIFO, device, folder).

    Also an ``OSError``, so a caller that guards reading with ``except OSError`` counts it as
    one failed article; ``strerror`` holds the reason without the file name.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.strerror = reason


class UnsafeOutputError(OutputError):
    """Bookkeeping under the output folder is a symlink or not a folder: refused, since
    following it would write locks and manifests somewhere else."""

    exit_code = 2


class ShardCountError(LockHeldError):
    """A run with another shard count (``--shard ?/M``) is active on the output folder."""


class MemoryBusyError(LockHeldError):
    """The translation memory is locked: another ``memory add``, or another program holding
    its write lock past ``--wait-lock``."""


class NoInputError(MtjobError):
    """The inputs hold no article at all (an empty inbox, only ``.md`` files, the output
    folder given as input): nothing to do is not success, so a cron job pointed at the wrong
    folder does not look healthy forever."""

    exit_code = 66  # EX_NOINPUT


class ModelError(MtjobError):
    """A model folder that cannot be used (broken weights, missing tokenizer files, custom
    code): the run stops before any article is read."""

    exit_code = 2


class OutputFolderError(OutputError):
    """The output folder cannot be used at all (a file, read-only): a usage error."""

    exit_code = 2


#: What each exit code of ``mtjob run`` means (docs/output.md's table is made from it).
EXIT_CODES = {
    0: "every input done (written now, or unchanged since an earlier run)",
    1: "some inputs failed or were not articles (status failed or not_an_article, each named "
       "on stderr and in the manifest); the rest written",
    2: "usage, configuration or model error: one line naming it; no article is written, "
       "unless a model fails mid-run (finished articles kept)",
    66: "no input: the inputs hold no article at all (one line naming the patterns and "
        "folders looked in); nothing written (EX_NOINPUT). Inputs that are all unchanged "
        "exit 0",
    74: "the output folder could not be written mid-run (disk full, permissions): one line "
        "naming the file; finished articles kept, nothing partial left",
    75: "busy: another run holds the output folder's lock, or runs another shard count, or "
        "another program holds the --memory file's write lock (EX_TEMPFAIL: try later, or "
        "pass --wait-lock)",
    129: "stopped by SIGHUP: finished articles kept, nothing partial left",
    130: "stopped by SIGINT (Ctrl-C): finished articles kept, nothing partial left",
    143: "stopped by SIGTERM: finished articles kept, nothing partial left",
}


def debugging() -> bool:
    """``MTJOB_DEBUG`` is set: tracebacks are shown."""
    return os.environ.get("MTJOB_DEBUG", "").lower() not in ("", "0", "false", "no")


def ending(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line of a run stopped by ``exc``: a typed error's own,
    an interruption's (130, or 128 + the signal's number), or an unexpected error (1)."""
    if isinstance(exc, MtjobError):
        return exc.exit_code, str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return 130, "interrupted (SIGINT); finished articles are kept"
    if isinstance(exc, Terminated):
        return int(exc.code or 1), exc.message
    hint = "" if debugging() else " (set MTJOB_DEBUG=1 for a traceback)"
    return 1, f"unexpected {type(exc).__name__}: {exc}{hint}"
