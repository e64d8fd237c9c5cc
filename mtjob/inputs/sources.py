"""Input files: only regular files are read, nothing can block, and every entry that is
not an article is reported with the reason (FIFO, device, folder, broken symlink...)."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, InputError, UnreadableInputError

log = logging.getLogger(__name__)


def display_name(path: Path | str) -> str:
    """The path for messages and logs: as is when printable, else ``repr`` with control,
    bidi and undecodable characters escaped, so a name can never forge a log line."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def one_line(text: str) -> str:
    """``text`` with every unprintable character (line breaks, U+2028, ANSI escapes, bidi
    controls, undecodable bytes) as its Python escape: what a log line holds, whatever a
    message interpolated. Names should still go through :func:`display_name` first."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def utf8_text(text: str) -> str:
    """``text`` safe to encode as UTF-8: the undecodable bytes of a file name (surrogates,
    as Python holds them) become ``\\xNN`` escapes. Unchanged for any other text."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name decodes to
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


#: Why an input whose name is not UTF-8 is skipped: its outputs, manifest entry and logs
#: could not name it.
NOT_UTF8 = "its name is not valid UTF-8; rename the file"
#: What marks mtjob's temp files (``.NAME.mtjob-tmp-PID-XXXX``), which a run removes.
TMP_MARK = ".mtjob-tmp-"
#: Why an input whose name holds it is skipped: its outputs would be removed as temp files.
TMP_NAME = f"its name holds {TMP_MARK!r}, the mark of mtjob's temp files; rename the file"


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode cannot be an article, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return f"is {kind}, not a regular file"


def _open_regular(path: Path) -> tuple[int, int]:
    """An fd and the size of a regular file. ``O_NONBLOCK`` so that opening a FIFO cannot
    wait for a writer; the type is checked before opening (some devices act on open) and
    again on the fd (the name may have been swapped in between)."""
    name = display_name(path)
    try:
        reason = _not_regular(os.stat(path).st_mode)
        if reason is None:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
            info = os.fstat(fd)
            reason = _not_regular(info.st_mode)
            if reason is None:
                return fd, info.st_size
            os.close(fd)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UnreadableInputError(f"{name}: cannot read: {reason}", reason) from None
    raise UnreadableInputError(f"{name}: {reason}", reason)


def _blocks(fd: int, limit: int) -> Iterator[bytes]:
    """Up to ``limit`` bytes of ``fd`` in blocks; closes it."""
    try:
        while limit > 0 and (block := os.read(fd, min(limit, 1 << 20))):
            limit -= len(block)
            yield block
    finally:
        os.close(fd)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a regular file, refusing files above ``max_bytes`` before loading them."""
    return read_with_stat(path, max_bytes)[0]


def read_with_stat(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """:func:`read_bytes`, and the file's ``stat`` as it was when the bytes were read (taken
    on the open file: what the index may vouch for, never a later state)."""
    fd, size = _open_regular(path)
    info = os.fstat(fd)
    if size > max_bytes:
        os.close(fd)
        raise InputError(
            f"{display_name(path)}: file is {size} bytes, above the limit of {max_bytes} "
            "(raise max_file_bytes if this is really one article)")
    try:
        # One byte past the limit tells a file that grew since fstat from one that did not.
        data = b"".join(_blocks(fd, max_bytes + 1))
    except OSError as exc:
        raise UnreadableInputError(f"{display_name(path)}: cannot read: {exc.strerror}",
                                   exc.strerror or str(exc)) from None
    if len(data) > max_bytes:
        raise InputError(f"{display_name(path)}: file grew above the limit of {max_bytes} "
                         "bytes while being read")
    return data, info


def source_sha256(path: Path) -> str:
    """Hash of the raw bytes, used to skip unchanged articles without decoding them.
    Regular files only (:class:`UnreadableInputError` otherwise, an ``OSError`` too)."""
    fd, _ = _open_regular(path)
    digest = hashlib.sha256()
    try:
        for block in _blocks(fd, 1 << 62):
            digest.update(block)
    except OSError as exc:
        raise UnreadableInputError(f"{display_name(path)}: cannot read: {exc.strerror}",
                                   exc.strerror or str(exc)) from None
    return digest.hexdigest()


@dataclass(frozen=True)
class Skipped:
    """An input entry that is not an article, and why (for the log and the manifest)."""

    path: Path
    reason: str


def _skip_reason(path: Path) -> tuple[str | None, os.stat_result | None]:
    """(None, its stat) for a regular file (or a symlink to one), else (why it is skipped,
    None)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symlink loop", None
        if exc.errno == errno.ENOENT and path.is_symlink():
            return f"is a broken symlink (to {display_name(os.readlink(path))})", None
        return f"cannot be read: {exc.strerror or exc}", None
    return _not_regular(st.st_mode), st


def discover(inputs: list[Path], stats: dict[Path, os.stat_result] | None = None,
             links: set[Path] | None = None) -> tuple[list[Path], list[Skipped]]:
    """Files as given, folders expanded to their ``*.txt`` entries (sorted); duplicates (the
    same file twice) removed. Entries that are not regular files come back as
    :class:`Skipped`; symlinks to regular files are followed (logged). A missing input is a
    :class:`ConfigError`. ``stats`` receives each file's ``stat``, so later checks of this
    run need not ask again; ``links`` receives the files reached through a symlink."""
    found: list[Path] = []
    skipped: list[Skipped] = []
    seen: dict[tuple[int, int], Path] = {}
    for item in inputs:
        if item.is_dir():  # scandir: the entry says "symlink" without a syscall per file
            with os.scandir(item) as listing:
                links_of = {e.name: e.is_symlink() for e in listing
                         if e.name.endswith(".txt") and not e.name.startswith(".")}
            candidates = [item / name for name in sorted(links_of)]
        elif item.exists() or item.is_symlink():
            candidates = [item]
            links_of = {item.name: item.is_symlink()}
        else:
            raise ConfigError(f"{display_name(item)}: no such file or folder")
        for path in candidates:
            problem = NOT_UTF8 if utf8_text(path.name) != path.name \
                else TMP_NAME if TMP_MARK in path.name else None
            reason, st = _skip_reason(path) if problem is None else (problem, None)
            if reason is not None or st is None:
                skipped.append(Skipped(path, reason or "cannot be read"))
                continue
            first = seen.setdefault((st.st_dev, st.st_ino), path)
            if first is not path:  # one stat, no path resolution per file
                log.warning("%s: skipped: the same file as %s (a link), read once under "
                            "that name", display_name(path), display_name(first))
                continue
            if stats is not None:
                stats[path] = st
            if links_of[path.name]:
                if links is not None:
                    links.add(path)
                log.info("%s: follows symlink to %s", display_name(path),
                         display_name(path.resolve()))
            found.append(path)
    return found, skipped


def discover_inputs(inputs: list[Path]) -> list[Path]:
    """The regular files of :func:`discover`; each skipped entry is logged as a warning."""
    found, skipped = discover(inputs)
    for entry in skipped:
        log.warning("not_an_article %s: %s", display_name(entry.path), entry.reason)
    return found


def no_article_message(inputs: list[Path]) -> str:
    """What was looked for, where: the line of a run (or a verify) whose inputs hold no
    article."""
    folders = [display_name(p) for p in inputs if p.is_dir()]
    files = [display_name(p) for p in inputs if not p.is_dir()]
    where = ([f"*.txt in {', '.join(folders)}"] if folders else []) + \
        ([f"the file(s) {', '.join(files)}"] if files else [])
    return f"no article found: looked for {' and '.join(where) or 'nothing'}"
