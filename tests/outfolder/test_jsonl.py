"""The one reader of ``NAME.jsonl`` (``outfolder.jsonl``): split on ``\\n`` only, strict, and
every command that reads an output folder sees the same records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtjob.outfolder.english_text import text_from_jsonl
from mtjob.outfolder.jsonl import RecordError, check_lines, read_paragraphs, split_lines
from mtjob.outfolder.machine import machine_bytes, parse_jsonl
from mtjob.outfolder.paths import jsonl_path
from mtjob.outfolder.readback import read_finished
from mtjob.outfolder.sentences import folder_sentences
from mtjob.outfolder.verify import verify
from mtjob.records import ParagraphRecord, SentenceRecord, dumps_line, jsonl_bytes
from mtjob.testing.output_folder import sentence, write_finished


def _rewrite(out: Path, doc_id: str, change) -> None:
    """Rewrite a JSONL line by line as another tool might (the abstract keeps its hash:
    what ``verify`` catches is not the point here)."""
    path = jsonl_path(out, doc_id)
    path.write_bytes(b"".join(change(line) + b"\n" for line in split_lines(path.read_bytes())))


def test_a_line_end_inside_a_record_never_splits_it(tmp_path):
    r"""JSON may hold a raw CR between tokens and raw U+2028/U+2029/U+0085 in a string (a
    tool that rewrote the file without mtjob's escaping); ``bytes.splitlines`` and a file
    opened in text mode split such a record in two: ``verify``, ``--text`` and ``memory add``
    read other records than export did."""
    out = tmp_path / "out"
    write_finished(out, "a", [[sentence("قال.", "He said.")], [sentence("ثم.", "Then.")]])
    _rewrite(out, "a", lambda line: line.replace(b'", "en"', b'",\r "en"')
             .replace(b"He said.", "He\u2028said\u0085.".encode()))
    data = jsonl_path(out, "a").read_bytes()
    assert len(split_lines(data)) == 2 and b"\r" in data
    assert check_lines(data, "a") == (2, [])
    assert len(parse_jsonl(data)) == 2
    assert text_from_jsonl(data) == "He\u2028said\u0085.\n\nThen.\n".encode()
    assert [(d, p) for d, p, _, _ in folder_sentences(out)] == [("a", 0), ("a", 1)]
    assert read_finished(out, "a").paragraphs[0].sentences[0].en == "He\u2028said\u0085."


@pytest.mark.parametrize("bad, problem", [
    (b"NaN", "line 1 is not valid JSON (NaN is not a JSON number)"),
    (b"-Infinity", "line 1 is not valid JSON (-Infinity is not a JSON number)"),
])
def test_nan_and_infinity_are_refused_everywhere(tmp_path, bad, problem):
    out = tmp_path / "out"
    write_finished(out, "a", [[sentence("قال.", "He said.", score=-1.5)]])
    _rewrite(out, "a", lambda line: line.replace(b"-1.5", bad))
    where = str(jsonl_path(out, "a"))
    assert f"{where}: {problem}" in verify(out)  # used to pass verify: NaN is a float
    with pytest.raises(RecordError, match=re.escape(f"{where}: {problem}")):
        read_finished(out, "a")
    with pytest.raises(RecordError, match=re.escape(problem)):
        list(folder_sentences(out))
    with pytest.raises(RecordError, match=re.escape(problem)):
        text_from_jsonl(jsonl_path(out, "a").read_bytes())


@pytest.mark.parametrize("data, problem", [
    (b'{"doc_id": "a"}\n', "line 1: lacks para_id"),
    (b"[1, 2]\n", "line 1: expected an object, got an array"),
    (b"\n", "line 1 is not valid JSON"),
    (b"\xff\n", "line 1 is not UTF-8 (byte 0)"),
])
def test_a_line_that_is_not_a_record_is_an_error_naming_file_and_line(data, problem):
    with pytest.raises(RecordError) as info:
        read_paragraphs(data, "dir/a.jsonl", "a")
    assert str(info.value).startswith(f"dir/a.jsonl: {problem}")


def test_a_cut_last_line_is_named():
    good = jsonl_bytes([ParagraphRecord("a", 0, "نص.", "T.", (SentenceRecord("نص.", "T.", 2, 2),))])
    count, problems = check_lines(good[:-1], "a")
    assert count is None and problems == ["line 1 is cut (no newline at end of file)"]


def test_the_typed_reader_reads_what_the_writer_wrote():
    miss = {"term": "نص", "expected": ["T"]}
    record = ParagraphRecord("a", 0, "نص.", "T.", (SentenceRecord(
        "نص.", "T.", 2, 3, ("low_confidence",), -2, ((0, 1),), (miss,)),), ("low_confidence",))
    [paragraph] = read_paragraphs(jsonl_bytes([record]), "a.jsonl", "a")
    [s] = paragraph.sentences
    assert (s.index, s.ar, s.en, s.src_tokens, s.tgt_tokens) == (0, "نص.", "T.", 2, 3)
    assert s.score == -2.0 and isinstance(s.score, float)
    assert (s.flags, s.alignment, s.glossary_miss, s.origin) == \
        (("low_confidence",), ((0, 1),), (miss,), "mt")
    assert (s.post_edit, s.edited_by, s.edited_at, s.memory) == (None, None, None, None)


@settings(max_examples=200, deadline=None)
@given(ar=st.text(), en=st.text(), edit=st.text())
def test_any_unicode_round_trips_through_writer_and_reader(ar, en, edit):
    """Any string, line ends and lone surrogates included, comes back as written; taking the
    post-edit out gives back the machine's bytes."""
    machine = ParagraphRecord("a", 0, ar, en, (SentenceRecord(ar, en, 1, 1),)).to_dict()
    record = json.loads(json.dumps(machine))
    record["sentences"][0]["post_edit"] = edit
    line = dumps_line(record)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in ar + en + edit):
        line = json.dumps(record) + "\n"  # a lone surrogate: only its escape is UTF-8
    data = line.encode("utf-8")
    [paragraph] = read_paragraphs(data, "a.jsonl", "a")
    assert (paragraph.ar, paragraph.en, paragraph.sentences[0].post_edit) == (ar, en, edit)
    if line == dumps_line(record):
        assert machine_bytes(data) == dumps_line(machine).encode("utf-8")
