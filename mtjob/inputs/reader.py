"""Reading articles: strict UTF-8 decoding with byte offsets, and paragraph splitting.

Two paragraph formats are understood:

* the house format: a paragraph ends with ``&`` at the end of a line, and a line holding only
  ``&`` is a separator. An ``&`` inside a line (``AT&T``, ``R&D``) never splits. A blank line
  ends a paragraph too, as in plain text: a file mixing both means two paragraphs there,
  not one with a blank line inside.
* plain text: paragraphs are separated by blank lines. Used when no line ends with ``&``.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .controls import CONTROLS
from .sniff import binary_kind, mostly_controls

# Re-exported (``X as X``): the reader is where callers look for them.
from .sources import Skipped as Skipped
from .sources import discover as discover
from .sources import discover_inputs as discover_inputs
from .sources import display_name as display_name
from .sources import read_bytes as read_bytes
from .sources import read_with_stat as read_with_stat
from .sources import source_sha256 as source_sha256
from .sources import utf8_text as utf8_text

log = logging.getLogger(__name__)

_BOM = "\ufeff"


@dataclass(frozen=True)
class Paragraph:
    """One non-empty paragraph: its text as in the file and the line it starts on (1-based)."""

    text: str
    line: int


@dataclass(frozen=True)
class Article:
    """A decoded input file."""

    path: Path
    doc_id: str
    sha256: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    #: The file's ``stat`` when it was read (None for text not read from a file).
    stat: os.stat_result | None = None


def doc_id_for(path: Path) -> str:
    """``NAME.txt`` (any extension) -> ``NAME``; the output files are named after it. A
    name that is not UTF-8 (such inputs are skipped) has its bad bytes as ``\\xNN``."""
    name = utf8_text(path.name)
    dot = name.rfind(".")  # as Path.stem: a leading or trailing dot is not a suffix
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _utf16_without_bom(data: bytes) -> str | None:
    """``"LE"``/``"BE"`` if the bytes look like UTF-16 without a byte-order mark.

    Arabic, Latin and most other scripts in UTF-16 have a high byte of 0x00-0x08 in nearly
    every code unit. Such bytes are valid UTF-8 (C0 controls), so without this check the file
    would decode "successfully" into garbage with its NULs removed.
    """
    if len(data) < 8 or b"\x00" not in data:  # a few bytes prove nothing
        return None
    for parity, order in ((1, "LE"), (0, "BE")):
        units = data[parity::2]
        if sum(b <= 0x08 for b in units) * 2 > len(units):
            return order
    return None


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and 0-based byte-in-line of ``offset``; CRLF, CR and LF all end a line."""
    prefix = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return prefix.count(b"\n") + 1, len(prefix) - (prefix.rfind(b"\n") + 1)


def decode(data: bytes, path: Path) -> str:
    """Decode strict UTF-8, drop a BOM, normalise CRLF/CR; errors name the byte offset."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"{display_name(path)}: byte 0: UTF-16 byte-order mark; convert the file "
                         "to UTF-8 "
                         "(iconv -f UTF-16 -t UTF-8)")
    kind = binary_kind(data)
    if kind is not None:
        raise InputError(f"{display_name(path)}: {kind}, not a text file")
    order = _utf16_without_bom(data)
    if order is not None:
        raise InputError(f"{display_name(path)}: this looks like UTF-16{order} without a "
                         "byte-order mark "
                         "(every other byte is 0x00-0x08); convert the file to UTF-8 "
                         f"(iconv -f UTF-16{order} -t UTF-8)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if mostly_controls(data):
            raise InputError(f"{display_name(path)}: a binary file, not a text file") from None
        line, col = _line_and_column(data, exc.start)
        if exc.end >= len(data) and exc.reason == "unexpected end of data":
            what = "a multi-byte character cut at the end of the file"
        else:
            what = f"invalid UTF-8 byte 0x{data[exc.start]:02x} ({exc.reason})"
        hint = ""
        # Only when most non-ASCII bytes are invalid: a UTF-8 Arabic file with one bad byte
        # also has many bytes >= 0xC0 (the lead bytes), and converting it from CP1256 would
        # turn the whole article into mojibake.
        high = sum(b >= 0x80 for b in data)
        invalid = data.decode("utf-8", "replace").count("\ufffd")
        if high and invalid * 2 > high:
            hint = "; this may be Windows-1256: convert it with iconv -f CP1256 -t UTF-8"
        raise InputError(f"{display_name(path)}: byte {exc.start} (line {line}, byte {col} of "
                         "the line): "
                         f"{what}{hint}") from None
    if text.startswith(_BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    removed = len(CONTROLS.findall(text))
    if removed:
        first = CONTROLS.search(text)
        assert first is not None
        line = text.count("\n", 0, first.start()) + 1
        log.warning("%s: removed %d control character(s) (first on line %d)",
                    display_name(path), removed, line)
        text = CONTROLS.sub("", text)
    return text


def is_house_format(lines: list[str]) -> bool:
    return any(line.rstrip().endswith("&") for line in lines)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split decoded text into non-empty paragraphs, outer whitespace stripped.

    Only ``\\n`` ends a line: U+2028, U+2029 and U+0085 stay inside their paragraph.
    """
    lines = text.split("\n")
    house = is_house_format(lines)
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    start = 1
    visible = False  # ``current`` holds a non-blank line (a flag: rescanning is quadratic)

    def close() -> None:
        body = "\n".join(current).strip()
        if body:
            paragraphs.append(Paragraph(body, start))

    for number, line in enumerate(lines, start=1):
        # Blank lines before the first text (kept in ``current`` in the house format) must
        # not move the paragraph's line number off its first visible line.
        if not visible:
            start = number
        stripped = line.rstrip()
        if house and stripped.endswith("&"):
            current.append(stripped[:-1])
            close()
            current, visible = [], False
        elif not line.strip():  # a blank line ends a paragraph in either format
            close()
            current, visible = [], False
        else:
            current.append(line)
            visible = visible or bool(stripped.strip())
    close()
    return paragraphs


def read_article(path: Path, max_bytes: int) -> Article:
    """Read, decode and split one article; raises InputError naming the file and position."""
    data, info = read_with_stat(path, max_bytes)
    text = decode(data, path)
    paragraphs = split_paragraphs(text)
    if not paragraphs:  # failed, not skipped: a run exits 1 so that someone looks at it
        raise InputError(f"{display_name(path)}: " + (
            "empty file (0 bytes): nothing to translate; remove it from the inputs, or rerun "
            "once it is written" if not data else
            "no text: only whitespace and '&' separators, nothing to translate"))
    return Article(path=path, doc_id=doc_id_for(path), sha256=hashlib.sha256(data).hexdigest(),
                   text=text, paragraphs=tuple(paragraphs), stat=info)


def read_articles(paths: list[Path], max_bytes: int) -> tuple[list[Article], dict[Path, str]]:
    """The read stage: each article read, or why it could not be (its ``InputError``'s
    message, naming the file and position): one bad file never stops the others."""
    articles, unread = [], {}
    for path in paths:
        try:
            articles.append(read_article(path, max_bytes))
        except InputError as exc:
            unread[path] = str(exc)
    return articles, unread
