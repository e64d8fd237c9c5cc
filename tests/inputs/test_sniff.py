"""A PDF, an image, an archive, an executable or other binary is named for what it is, by its
leading bytes, with no encoding advice (issue 20); real text in UTF-16 or Windows-1256 is still
recognised as such."""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from mtjob.errors import InputError
from mtjob.inputs.reader import read_article

AR = "قال الوزير إن المحادثات مستمرة."


def pdf() -> bytes:
    stream = zlib.compress(b"BT /F1 12 Tf (hello) Tj ET" * 40)
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length " + str(len(stream)).encode()
    return head + b" /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream\nendobj\n%%EOF\n"


def png() -> bytes:
    body = zlib.compress(b"\x00\xff\x00\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(body)) + b"IDAT" + body


def zipped() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("article.txt", AR)
    return buf.getvalue()


def tarred() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as archive:
        data = AR.encode()
        info = tarfile.TarInfo("article.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(9) + bytes(range(256)) * 8


@pytest.mark.parametrize("name, data, kind", [
    ("report.pdf", pdf(), "a PDF document"),
    ("photo.txt", png(), "a PNG image"),
    ("scan.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4, "a JPEG image"),
    ("bundle.txt", zipped(), "a ZIP archive"),
    ("bundle.tar", tarred(), "a tar archive"),
    ("article.txt.gz", gzip.compress(AR.encode() * 20), "a gzip archive"),
    ("tool", elf(), "an executable (ELF)"),
    ("blob.bin", bytes(range(256)) * 16, "a binary file"),
], ids=lambda value: "" if isinstance(value, bytes) else value)
def test_a_binary_file_is_named_for_what_it_is(tmp_path: Path, name, data, kind):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_article(path, 1 << 20)
    message = str(caught.value)
    assert message.startswith(f"{path}: {kind}") and message.endswith(", not a text file")
    assert "iconv" not in message and "UTF-16" not in message and "1256" not in message


@pytest.mark.parametrize("encoding, hint", [("utf-16-le", "UTF-16LE"), ("utf-16", "UTF-16"),
                                            ("cp1256", "CP1256")])
def test_text_in_another_encoding_keeps_its_advice(tmp_path: Path, encoding, hint):
    path = tmp_path / "a.txt"
    path.write_bytes((AR + "\n\nThe minister said: 2024.\n") .encode(encoding) * 4)
    with pytest.raises(InputError, match=f"iconv -f {hint}"):
        read_article(path, 1 << 20)


def test_a_text_file_with_a_stray_nul_is_still_read(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_bytes((AR + "\x00 " + AR + "\n").encode() * 3)
    assert read_article(path, 1 << 20).paragraphs
