"""What a file is, from its leading bytes: a PDF, an image, an archive or an executable is
named as such ("report.pdf: a PDF document, not a text file"), never given encoding advice
meant for text in another encoding."""

from __future__ import annotations

#: (offset, magic bytes, what the file is), the first match wins.
SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "a PDF document"),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (8, b"WEBP", "a WebP image"),
    (0, b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document)"),
    (0, b"PK\x05\x06", "an empty ZIP archive"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"BZh", "a bzip2 archive"),
    (0, b"\xfd7zXZ\x00", "an xz archive"),
    (0, b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (257, b"ustar", "a tar archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls/.ppt)"),
    (0, b"{\\rtf", "an RTF document"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (0, b"\x7fELF", "an executable (ELF)"),
    (0, b"MZ", "an executable (Windows)"),
    (0, b"\xcf\xfa\xed\xfe", "an executable (Mach-O)"),
    (0, b"\xfe\xed\xfa\xcf", "an executable (Mach-O)"),
    (0, b"\xca\xfe\xba\xbe", "an executable or Java class file"),
)
SAMPLE = 8192


def binary_kind(data: bytes) -> str | None:
    """What the file is when its leading bytes say it is not text, else None.

    Beyond the known signatures, NUL bytes at both even and odd offsets mark a binary file:
    UTF-16 text (named as such by the reader) has them at one parity only, and a text file
    with a stray NUL or two (removed and counted) has far fewer.
    """
    for offset, magic, kind in SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            return kind
    sample = data[:SAMPLE]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if min(even, odd) >= max(4, len(sample) // 200):
        return "a binary file (NUL bytes throughout)"
    return None


def mostly_controls(data: bytes) -> bool:
    """Over a tenth of the leading bytes are control characters no text uses (tab, line
    breaks, form feed and escape excluded): binary, whatever its encoding would be."""
    sample = data[:SAMPLE]
    controls = sum(b < 0x20 and b not in b"\t\n\r\x0b\x0c\x1b" for b in sample)
    return bool(sample) and controls * 10 > len(sample)
