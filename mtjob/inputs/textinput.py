"""Text that does not come from an article file: the lines of ``mtjob translate`` (arguments or
stdin) and the one article ``mtjob run -`` reads from stdin."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from .controls import remove_controls

log = logging.getLogger(__name__)

#: ``mtjob run -``: the article's name, so its outputs are ``stdin.jsonl``...
STDIN_NAME = "stdin.txt"


def decode_line(raw: bytes, number: int, where: str = "stdin") -> str:
    """One input line as text: UTF-8 (a byte-order mark at the start of the first line is
    dropped), its line ending removed; bad bytes are an error naming the line and column."""
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} line {number}, byte {exc.start + 1}: not valid UTF-8 "
                         f"(0x{raw[exc.start]:02x}); give UTF-8 text") from None
    return text.rstrip("\r\n")


def clean_line(text: str, number: int, where: str = "stdin line") -> str:
    """``text`` without control characters (ESC, BEL, NUL...: what an article file loses
    when it is read), the removal logged with the line's number."""
    cleaned, removed = remove_controls(text)
    if removed:
        log.warning("%s %d: removed %d control character(s)", where, number, removed)
    return cleaned


def stdin_lines(stream: BinaryIO) -> Iterator[str]:
    """The lines of ``stream`` as they come (a terminal gets each line's answer at once),
    cleaned as :func:`clean_line` says."""
    for number, raw in enumerate(iter(stream.readline, b""), 1):
        yield clean_line(decode_line(raw, number), number)


def chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """``lines`` in lists of up to ``size``: batches for the model, output after each."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def stdin_article(stream: BinaryIO, max_bytes: int) -> Path:
    """``mtjob run -``: stdin saved as ``STDIN_NAME`` in a new private temp folder (the
    caller removes it), so the run reads it as any article file. More than ``max_bytes`` is
    refused as a file that large would be, without reading the rest."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"stdin: more than max_file_bytes ({max_bytes}) bytes; save the "
                         "article to a file, or raise --max-file-bytes")
    folder = Path(tempfile.mkdtemp(prefix="mtjob-stdin-"))
    path = folder / STDIN_NAME
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(data)
    return path
