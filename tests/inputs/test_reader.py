"""Reading articles: strict UTF-8 with positions, size limit, house and plain paragraphs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtjob.errors import InputError
from mtjob.inputs.reader import (
    Paragraph,
    decode,
    doc_id_for,
    read_article,
    read_articles,
    split_paragraphs,
)

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "article.ar.txt"
AR = "قال الوزير إن المحادثات ستستأنف غدا."
AR2 = "وأضاف أن الاتفاق ما زال قائما."
BIG = 10_000_000


def write(tmp_path: Path, data: bytes, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- strict UTF-8 -------------------------------------------------------------------------

@pytest.mark.parametrize("prefix, bad", [
    (f"{AR}&\n{AR2}".encode(), b"\xff"),
    (f"{AR}\n&\n".encode(), b"\xc0\xaf"),        # overlong encoding of "/"
    ("سطر أول\nسطر ثان ".encode(), b"\xed\xa0\x80"),  # UTF-8 encoded surrogate
])
def test_invalid_byte_names_file_offset_and_line(tmp_path: Path, prefix: bytes, bad: bytes) -> None:
    path = write(tmp_path, prefix + bad + " بقية النص&\n".encode())
    with pytest.raises(InputError) as info:
        read_article(path, BIG)
    message = str(info.value)
    assert str(path) in message
    assert f"byte {len(prefix)} " in message
    line = prefix.count(b"\n") + 1
    assert f"line {line}," in message
    assert "Windows-1256" not in message  # one bad byte in a UTF-8 Arabic file is not CP1256


def test_invalid_byte_line_counts_lone_cr(tmp_path: Path) -> None:
    path = write(tmp_path, f"{AR}\r{AR2}\r".encode() + b"\xff")
    with pytest.raises(InputError, match=r"line 3,"):
        read_article(path, BIG)


@pytest.mark.parametrize("cut", [1, 2])
def test_multibyte_char_cut_at_eof(tmp_path: Path, cut: int) -> None:
    full = f"{AR}&\nنص ينتهي بحرف €".encode()  # € is 3 bytes: cut 1 or 2 of them
    data = full[:-cut]
    path = write(tmp_path, data)
    with pytest.raises(InputError) as info:
        read_article(path, BIG)
    message = str(info.value)
    assert "cut at the end of the file" in message
    assert f"byte {len(full) - 3} " in message


@pytest.mark.parametrize("encoding, order", [
    ("utf-16", "UTF-16"),        # with BOM
    ("utf-16-le", "UTF-16LE"),   # no BOM: Arabic code units are valid UTF-8 bytes
    ("utf-16-be", "UTF-16BE"),
])
def test_utf16_is_refused_with_hint(tmp_path: Path, encoding: str, order: str) -> None:
    path = write(tmp_path, f"{AR}&\n{AR2}&\n".encode(encoding))
    with pytest.raises(InputError) as info:
        read_article(path, BIG)
    message = str(info.value)
    assert str(path) in message and order in message
    assert "iconv" in message


def test_utf16_latin_without_bom_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "plain ASCII text&\n".encode("utf-16-le"))
    with pytest.raises(InputError, match="UTF-16"):
        read_article(path, BIG)


def test_windows_1256_is_refused_with_hint(tmp_path: Path) -> None:
    path = write(tmp_path, f"{AR}&\n{AR2}&\n".encode("cp1256"))
    with pytest.raises(InputError) as info:
        read_article(path, BIG)
    message = str(info.value)
    assert str(path) in message and "byte 0 " in message
    assert "Windows-1256" in message and "iconv -f CP1256" in message


@pytest.mark.parametrize("data, expected", [
    ("\ufeff" + AR, AR),
    (f"{AR}\r\n{AR2}\r\n", f"{AR}\n{AR2}\n"),
    (f"{AR}\r{AR2}\r", f"{AR}\n{AR2}\n"),
    (f"{AR}\r\n\r\n{AR2}\r", f"{AR}\n\n{AR2}\n"),
    ("\ufeff" + f"{AR}\r\n", f"{AR}\n"),
])
def test_bom_and_line_endings(data: str, expected: str) -> None:
    assert decode(data.encode(), Path("x.txt")) == expected


@pytest.mark.parametrize("raw, expected, count", [
    (f"{AR}\x00", AR, 1),
    ("قال\x00 الوزير\x07\x1b", "قال الوزير", 3),
    ("\x0bنص\x0c\x7f", "نص", 3),
    ("\x01\x02\x03\x04\x05\x06\x08" + AR, AR, 7),
    (f"{AR}\x81 {AR2}\x80\x9f\x85", f"{AR} {AR2}\x85", 3),  # C1 controls; NEL is a break
])
def test_controls_removed_and_counted(caplog: pytest.LogCaptureFixture, raw: str, expected: str,
                                      count: int) -> None:
    with caplog.at_level(logging.WARNING, logger="mtjob.inputs.reader"):
        assert decode(raw.encode(), Path("ctl.txt")) == expected
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(messages) == 1
    assert f"removed {count} control" in messages[0] and "ctl.txt" in messages[0]


def test_tab_and_newline_are_not_controls(caplog: pytest.LogCaptureFixture) -> None:
    text = f"{AR}\t{AR2}\n"
    with caplog.at_level(logging.WARNING):
        assert decode(text.encode(), Path("x")) == text
    assert not caplog.records


def test_file_above_max_bytes_refused(tmp_path: Path) -> None:
    data = (AR + "&\n").encode() * 10
    path = write(tmp_path, data)
    with pytest.raises(InputError) as info:
        read_article(path, len(data) - 1)
    message = str(info.value)
    assert str(path) in message and str(len(data)) in message and str(len(data) - 1) in message
    assert read_article(path, len(data)).paragraphs  # exactly at the limit is fine


@pytest.mark.parametrize("name, doc_id", [
    ("news article.txt", "news article"),
    ("مقال الأحد.txt", "مقال الأحد"),
    ("-dash.txt", "-dash"),
    ("--help.ar.txt", "--help.ar"),
    ("noext", "noext"),
])
def test_odd_file_names(tmp_path: Path, name: str, doc_id: str) -> None:
    path = write(tmp_path, f"{AR}&\n{AR2}&\n".encode(), name)
    article = read_article(path, BIG)
    assert article.doc_id == doc_id == doc_id_for(path)
    assert [p.text for p in article.paragraphs] == [AR, AR2]


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_article(tmp_path / "absent.txt", BIG)


# --- paragraphs ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    (f"{AR}&\n{AR2}&\n", [AR, AR2]),
    (f"{AR}&   \n{AR2} &\t\n", [AR, AR2]),                  # trailing spaces allowed
    (f"{AR}\n&\n{AR2}\n&\n", [AR, AR2]),                     # '&' alone is a separator
    (f"{AR}&\n&\n&\n\n{AR2}&\n&", [AR, AR2]),               # empty paragraphs vanish
    ("شركة AT&T تعلن&\nقسم R&D يعمل\nمعنا&\n",
     ["شركة AT&T تعلن", "قسم R&D يعمل\nمعنا"]),             # inline '&' never splits
    (f"{AR}\n{AR2}&\nالأخيرة بلا علامة", [f"{AR}\n{AR2}", "الأخيرة بلا علامة"]),
    (f"  {AR}  &\n", [AR]),                                  # outer whitespace stripped
    (f"{AR}\n\n{AR2}&\n", [AR, AR2]),                        # a blank line ends one too
    (f"{AR}&\n{AR2}\n \t\nثالثة\n&\n", [AR, AR2, "ثالثة"]),   # whitespace-only is blank
])
def test_house_format(text: str, expected: list[str]) -> None:
    assert [p.text for p in split_paragraphs(text)] == expected


@pytest.mark.parametrize("text, expected", [
    (f"{AR}\n\n{AR2}\n", [AR, AR2]),
    (f"{AR}\n{AR2}\n\n\n\nثالثة", [f"{AR}\n{AR2}", "ثالثة"]),
    (f"\n\n{AR}\n  \t \n{AR2}", [AR, AR2]),                  # whitespace-only line is blank
    ("شركة AT&T و R&D\n\nثانية", ["شركة AT&T و R&D", "ثانية"]),
])
def test_plain_format_splits_on_blank_lines(text: str, expected: list[str]) -> None:
    assert [p.text for p in split_paragraphs(text)] == expected


@given(st.lists(st.sampled_from(["", " ", "\t", "&", "كلمة", "كلمة&", "AT&T", "&  "]),
                max_size=12))
def test_no_paragraph_holds_a_blank_line(lines: list[str]) -> None:
    """Whichever format a file mixes, a blank line separates paragraphs, never sits inside
    one: the house format and plain text agree."""
    for paragraph in split_paragraphs("\n".join(lines)):
        assert all(line.strip() for line in paragraph.text.split("\n")), paragraph


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085"])
@pytest.mark.parametrize("house", [True, False])
def test_unicode_separators_do_not_split(sep: str, house: bool) -> None:
    mark = "&" if house else ""
    text = f"{AR}{sep}{AR2}{mark}\n\nثالثة{mark}\n"
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == [f"{AR}{sep}{AR2}", "ثالثة"]


@pytest.mark.parametrize("text, lines", [
    (f"{AR}&\n{AR2}&\n", [1, 2]),
    (f"{AR}\n&\n{AR2}\n&\n", [1, 3]),
    (f"&\n\n\n{AR}&\n  \n{AR2}&", [4, 6]),                  # leading blank lines skipped
    (f"\n\n{AR}\n\n\n{AR2}\nتتمة", [3, 6]),
    (f"{AR}\n{AR2}&\nثالثة&", [1, 3]),
    (f"{AR}\n\n{AR2}&\nثالثة&", [1, 3, 4]),
])
def test_paragraph_line_numbers(text: str, lines: list[int]) -> None:
    paragraphs = split_paragraphs(text)
    assert [p.line for p in paragraphs] == lines
    source = text.split("\n")
    for p in paragraphs:  # the line named really holds the paragraph's first words
        assert source[p.line - 1].strip().startswith(p.text.split()[0])


@pytest.mark.parametrize("data", [
    b"   \n\n", b"&\n&\n", b"\xef\xbb\xbf\n&\n \t&\n", b"\x00\n",
])
def test_article_without_paragraph_is_input_error(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    with pytest.raises(InputError, match="no text: only whitespace") as info:
        read_article(path, BIG)
    assert str(path) in str(info.value)


def test_an_empty_file_says_so_in_a_newcomers_words(tmp_path: Path) -> None:
    """Issue 33: an empty inbox file failed with "no paragraph found (the file is empty or
    only whitespace and separators)". It stays ``failed`` (a run exits 1 so that someone
    looks), with a reason that says what it is and what to do."""
    path = write(tmp_path, b"")
    with pytest.raises(InputError) as info:
        read_article(path, BIG)
    assert str(info.value) == (f"{path}: empty file (0 bytes): nothing to translate; remove "
                               "it from the inputs, or rerun once it is written")


def test_sample_article_has_17_paragraphs() -> None:
    article = read_article(SAMPLE, BIG)
    assert len(article.paragraphs) == 17
    first, last = article.paragraphs[0], article.paragraphs[-1]
    assert first == Paragraph(first.text, 1)
    assert first.text.startswith("أعلن وزير الخارجية الأميركي جون كيري")
    assert first.text.endswith("غدًا الثلاثاء.")
    assert last.text.startswith("وتشير تصريحات كورالينكو إلى تحول في الموقف الروسي.")
    assert last.text.endswith("بالانهيار الكامل لجهود السلام.")
    assert article.paragraphs[4].text == "كيري وميستورا"
    assert all("&" not in p.text for p in article.paragraphs)
    assert len(article.sha256) == 64 and article.doc_id == "article.ar"


def test_the_read_stage_names_a_bad_file_and_reads_the_others(tmp_path: Path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("قال المتحدث." + "\n", encoding="utf-8")
    bad.write_bytes(b"")
    articles, unread = read_articles([bad, good], 1000)
    assert [a.doc_id for a in articles] == ["good"]
    assert list(unread) == [bad] and "empty file" in unread[bad]
