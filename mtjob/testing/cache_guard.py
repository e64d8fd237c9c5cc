"""A guard for test sessions: every write of a watched process into the user's real caches is
recorded (who wrote what, in which test) and refused.

The session installs it in its own process (``tests/conftest.py``) and names it in
``MTJOB_CACHE_GUARD`` (a JSON list of ``{"folders": [...], "log": FILE}``); every process that
imports mtjob with that variable set installs the same guard (``mtjob/__init__.py``), so a
test's ``python -m mtjob`` child, a Ray worker or a bench child is watched like the test
itself. A process outside the session (a nightly run converting a model into the same cache
meanwhile) is never watched, so it is never blamed.

An audit hook (:func:`sys.addaudithook`) sees opens for writing, renames, removals, new
folders and links, copies, archives and SQLite files, whatever library makes them; writes made
by native code without Python's file functions (a C++ converter's own ``fopen``) are not seen.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

#: The variable that passes the guard on to child processes.
ENV = "MTJOB_CACHE_GUARD"

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
#: Audit events that change the file system, and the positions of the paths they change.
_TARGETS: dict[str, tuple[int, ...]] = {
    "os.rename": (0, 1), "os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,),
    "os.symlink": (1,), "os.link": (1,), "os.truncate": (0,), "os.chmod": (0,),
    "os.chown": (0,), "os.utime": (0,), "os.mkfifo": (0,), "os.mknod": (0,),
    "os.setxattr": (0,), "os.removexattr": (0,),
    "shutil.copyfile": (1,), "shutil.copymode": (1,), "shutil.copystat": (1,),
    "shutil.copytree": (1,), "shutil.rmtree": (0,), "shutil.move": (0, 1),
    "shutil.make_archive": (0,), "shutil.unpack_archive": (1,),
    "tempfile.mkstemp": (0,), "tempfile.mkdtemp": (0,), "sqlite3.connect": (0,),
}
#: Where the directory a ``dir_fd`` argument names sits, per event.
_DIR_FD = {"os.rename": 2, "os.remove": 1, "os.rmdir": 1, "os.mkdir": 2, "os.symlink": 2,
           "os.link": 3, "os.chmod": 2, "os.chown": 3, "os.utime": 3, "os.mkfifo": 2,
           "os.mknod": 3, "shutil.rmtree": 1}
_installed: set[str] = set()


def user_caches(env: Mapping[str, str] | None = None) -> list[Path]:
    """Every folder mtjob or the Hugging Face hub may use as the user's cache under ``env``
    (default: this process's): ``$MTJOB_CACHE``, ``$HF_HOME``, ``$HF_HUB_CACHE`` when set,
    and ``mtjob``/``huggingface`` under ``$XDG_CACHE_HOME`` and ``~/.cache``."""
    env = os.environ if env is None else env
    bases = [Path(env["XDG_CACHE_HOME"])] if env.get("XDG_CACHE_HOME") else []
    home = env.get("HOME")
    bases.append((Path(home) if home else Path.home()) / ".cache")
    found = [Path(env[var]).expanduser() for var in ("MTJOB_CACHE", "HF_HOME", "HF_HUB_CACHE")
             if env.get(var)]
    found += [base.expanduser() / name for base in bases for name in ("mtjob", "huggingface")]
    return list(dict.fromkeys(found))


def watch(folders: Iterable[Path], log: Path) -> None:
    """Record (one JSON line in ``log``) and refuse every write of this process under
    ``folders``, from now on. Installing the same guard twice does nothing."""
    prefixes = _prefixes(folders)
    key = json.dumps([prefixes, str(log)])
    if not prefixes or key in _installed:
        return
    _installed.add(key)
    log_path = os.fspath(log)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            if len(args) < 3 or not isinstance(args[2], int) or not args[2] & _WRITE_FLAGS:
                return
            where: tuple[int, ...] = (0,)
        elif event in _TARGETS:
            where = _TARGETS[event]
        else:
            return
        dir_fd = args[_DIR_FD[event]] if event in _DIR_FD and len(args) > _DIR_FD[event] \
            else None
        for at in where:
            path = _absolute(args[at] if at < len(args) else None, dir_fd)
            if path is not None and _under(path, prefixes):
                _record(log_path, event, path)
                raise PermissionError(13, "the test guard refuses a write into the user's "
                                      f"cache ({event})", path)

    sys.addaudithook(hook)


def install_from_env(env: Mapping[str, str] | None = None) -> None:
    """Install every guard that ``$MTJOB_CACHE_GUARD`` names (a process of a test session)."""
    value = (os.environ if env is None else env).get(ENV)
    if not value:
        return
    for guard in json.loads(value):
        watch([Path(f) for f in guard["folders"]], Path(guard["log"]))


def guard_env(folders: Iterable[Path], log: Path, env: Mapping[str, str] | None = None) -> str:
    """``$MTJOB_CACHE_GUARD`` naming this guard after those already there (a session started
    by a test of another session keeps its parent's guards too)."""
    value = (os.environ if env is None else env).get(ENV)
    guards = json.loads(value) if value else []
    guards.append({"folders": [str(f) for f in folders], "log": str(log)})
    return json.dumps(guards)


def read_records(log: Path, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """The writes recorded in ``log`` from byte ``offset`` on, and the offset after them."""
    try:
        with open(log, "rb") as stream:
            stream.seek(offset)
            data = stream.read()
    except FileNotFoundError:
        return [], offset
    complete = data[:data.rfind(b"\n") + 1]  # a line being appended is read next time
    return [json.loads(line) for line in complete.splitlines() if line.strip()], \
        offset + len(complete)


def describe(records: list[dict[str, Any]]) -> Iterator[str]:
    """One line per recorded write: the test, the operation, the path, the process."""
    for record in records:
        test = record.get("test") or "(outside any test)"
        yield (f"{test}: {record['event']} {record['path']} "
               f"(pid {record['pid']}: {' '.join(record['argv'])})")


def _prefixes(folders: Iterable[Path]) -> list[str]:
    found: list[str] = []
    for folder in folders:
        for form in (os.path.abspath(folder), os.path.realpath(folder)):
            if form not in found:
                found.append(form)
    return found


def _absolute(path: Any, dir_fd: Any) -> str | None:
    """``path`` made absolute (relative to ``dir_fd`` when one is given), or None for an
    fd or anything that is not a path."""
    if isinstance(path, int) or path is None:
        return None
    try:
        text = os.fsdecode(path)
    except TypeError:
        return None
    if isinstance(dir_fd, int) and not os.path.isabs(text):
        try:
            text = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), text)
        except OSError:
            return None
    return os.path.abspath(text)


def _under(path: str, prefixes: list[str]) -> bool:
    def inside(candidate: str) -> bool:
        return any(candidate == p or candidate.startswith(p + os.sep) for p in prefixes)

    if inside(path):
        return True
    # A link on the way (``/tmp/x -> ~/.cache/mtjob``): the folder resolved, not the leaf,
    # which may not exist yet.
    return inside(os.path.join(_resolved(os.path.dirname(path)), os.path.basename(path)))


#: Folders resolved once each: a run writes many files into few folders.
_resolved = functools.lru_cache(maxsize=4096)(os.path.realpath)


def _record(log: str, event: str, path: str) -> None:
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0] or None
    line = json.dumps({"test": test, "event": event, "path": path, "pid": os.getpid(),
                       "argv": sys.argv[:4]}) + "\n"
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8", "backslashreplace"))  # one write: lines never mix
    finally:
        os.close(fd)
