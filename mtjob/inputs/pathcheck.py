"""Paths mtjob reads or writes besides the articles (config, glossary, metrics file): the
same care as the inputs. Nothing can block on a FIFO or device, and the metrics file can
never replace an input, an output or another file of the run."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ..errors import ConfigError, InputError
from ..inputs.sources import display_name, read_bytes

#: A config file or glossary larger than this is not one (a log file given by mistake).
SETTING_FILE_BYTES = 64 << 20


def read_setting_file(path: str | Path, what: str) -> bytes:
    """The bytes of a small regular file given by the user (``what``: "config file",
    "glossary file"); anything else (missing, FIFO, folder, device, too big) is a
    :class:`ConfigError` naming it. Never blocks."""
    if not os.path.lexists(path):
        raise ConfigError(f"{what} not found: {display_name(path)}")
    try:
        return read_bytes(Path(path), SETTING_FILE_BYTES)
    except InputError as exc:
        raise ConfigError(f"{what} {exc}; cannot read it") from None


def glossary_settings(path: str | None, sha256: str | None, terms: str,
                      consistency: str) -> dict[str, str]:
    """The output settings a glossary and the term modes add (none without either): the
    glossary's content hash (``sha256`` as a run loaded it, else read now) and the modes as
    resolved (``choices.resolve_term_modes``)."""
    from ..choices import Consistency, TermsMode, resolve_term_modes

    found = {}
    if path is not None:  # its content, not its path, shapes the output
        found["glossary_sha256"] = sha256 or hashlib.sha256(
            read_setting_file(path, "glossary file")).hexdigest()
    modes = resolve_term_modes(terms, consistency, path is not None)
    if modes != (TermsMode.OFF, Consistency.OFF):
        found["terms"], found["consistency"] = modes
    return found


def _place(path: Path) -> tuple[Path, str]:
    """(the real folder, the name): where an atomic write of ``path`` lands."""
    return Path(os.path.realpath(path.parent)), path.name


def check_metrics_file(path: Path, inputs: list[Path], out: Path,
                       others: list[Path]) -> None:
    """Refuse a ``--metrics-file`` that would replace an input (a file given, or a ``*.txt``
    of a folder given), anything in the output folder, or one of ``others`` (config,
    glossary), or that is not a regular file (a FIFO would never be written). The
    ``.NAME.lock`` beside it must be a regular file too."""
    folder, name = _place(path)
    clash = None
    real_out = Path(os.path.realpath(out))
    if folder == real_out or real_out in folder.parents:
        clash = f"it is inside the output folder {display_name(out)}"
    for item in [*inputs, *others]:
        if clash is None and item.is_dir() and folder == Path(os.path.realpath(item)) \
                and name.endswith(".txt") and not name.startswith("."):
            clash = f"it would be an input of {display_name(item)}"
        elif clash is None and not item.is_dir() and _place(item) == (folder, name):
            clash = f"it would replace {display_name(item)}"
    for file in (path, path.with_name(f".{path.name}.lock")):
        if clash is None and os.path.lexists(file):
            mode = os.lstat(file).st_mode
            if stat.S_ISLNK(mode):
                mode = os.stat(file).st_mode if os.path.exists(file) else stat.S_IFREG
            if not stat.S_ISREG(mode):
                clash = f"{display_name(file)} is not a regular file"
    if clash is None:
        clash = _replaces_a_link_target(folder / name, inputs, others)
    if clash is not None:
        raise ConfigError(f"--metrics-file {display_name(path)}: {clash}")


def _replaces_a_link_target(landing: Path, inputs: list[Path],
                            others: list[Path]) -> str | None:
    """Why writing ``landing`` would replace the file a symlinked input (given, or a ``*.txt``
    of a folder given), config or glossary reads through its link; None if it would not."""
    links = []
    for item in [*inputs, *others]:
        if item.is_dir():
            links += [e for e in item.glob("*.txt") if not e.name.startswith(".")]
        else:
            links.append(item)
    for link in links:
        if link.is_symlink() and Path(os.path.realpath(link)) == landing:
            return f"it would replace {display_name(landing)}, read through {display_name(link)}"
    return None
