"""``mtjob translate``: the quick path (issue 20), on the tiny translation model alone: no
summarizer is anywhere (the hub is off and the default summarizer is not in the cache)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from mtjob.cli import app

SENTENCE = "قال الوزير إن المحادثات مستمرة."
SECOND = "وأضاف أن الوفدين سيلتقيان في جنيف."


@pytest.fixture
def mt_args(tiny_models) -> list[str]:
    return ["translate", "--mt-model", str(tiny_models["mt"]), "--beams", "1",
            "--backend", "transformers"]


def english(text: str) -> bool:
    return bool(text.strip()) and not any("\u0600" <= c <= "\u06ff" for c in text)


@pytest.mark.slow
def test_stdin_lines_in_order_an_empty_line_stays_empty(mt_args):
    result = CliRunner().invoke(app, mt_args, input=f"{SENTENCE}\n\n{SECOND}\r\n".encode())
    assert result.exit_code == 0, result.output
    lines = result.stdout.split("\n")
    assert len(lines) == 4 and lines[3] == ""  # three answers, each ended by a newline
    assert english(lines[0]) and lines[1] == "" and english(lines[2])


def test_arguments_and_json_records(mt_args):
    result = CliRunner().invoke(app, mt_args + ["--json", SENTENCE, f"{SENTENCE} {SECOND}"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["para_id"] for r in records] == [0, 1]
    assert [r["ar"] for r in records] == [SENTENCE, f"{SENTENCE} {SECOND}"]
    assert [len(r["sentences"]) for r in records] == [1, 2]
    for sentence in records[1]["sentences"]:
        assert english(sentence["en"]) and isinstance(sentence["score"], float)
        assert isinstance(sentence["flags"], list)
    plain = CliRunner().invoke(app, mt_args + [SENTENCE, f"{SENTENCE} {SECOND}"])
    assert plain.stdout.splitlines() == [r["en"] for r in records]


def test_bad_input_is_named(mt_args):
    result = CliRunner().invoke(app, mt_args, input=SENTENCE.encode() + b"\n\xd8\n")
    assert result.exit_code == 1
    assert "stdin line 2, byte 1: not valid UTF-8" in result.output
    empty = CliRunner().invoke(app, mt_args, input=b"")
    assert empty.exit_code == 2 and "no text to translate" in empty.output
    both = CliRunner().invoke(app, mt_args + [SENTENCE, "-"])
    assert both.exit_code == 2 and "not both" in both.output


@pytest.mark.slow
def test_the_documented_line_without_a_summarizer(tiny_models, tmp_path):
    """``echo ... | mtjob translate --mt-model DIR``, the default backend, a fresh process
    (docs/getting-started.md, "Translate a few lines")."""
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run(
        [sys.executable, "-m", "mtjob", "translate", "--mt-model", str(tiny_models["mt"])],
        input=f"{SENTENCE}\n", capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1 and english(done.stdout)
    assert done.stderr == ""  # warnings only, and there are none


FA = "وزیر روز دوشنبه گفت که مذاکرات با هیئت هفته آینده در پایتخت ادامه خواهد یافت."


@pytest.mark.slow
def test_another_language_is_copied_not_decoded(mt_args, tiny_models):
    """The language check ran only in ``mtjob run``: ``translate`` (and the API) decoded a
    Persian line with the Arabic model into fluent nonsense, without a word."""
    import mtjob

    result = CliRunner().invoke(app, mt_args + ["--json", SENTENCE, FA])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[1]["en"] == FA
    assert records[1]["sentences"][0]["flags"] == ["copied", "lang"]
    assert "lang" not in records[0]["sentences"][0]["flags"] and english(records[0]["en"])
    assert "not Arabic, so copied as it is" in result.stderr and FA[:20] in result.stderr
    off = CliRunner().invoke(app, mt_args + ["--lang-check", "off", FA])
    assert off.exit_code == 0 and off.stdout.strip() != FA  # decoded, as asked
    assert mtjob.translate([FA, SENTENCE], mt_model=str(tiny_models["mt"]), beams=1,
                           backend="transformers")[0] == FA


def test_control_characters_of_a_line_never_reach_stdout(mt_args):
    """Issue 29, item 15: ESC, BEL and NUL of a copied line were printed raw (a terminal
    obeys them); they are removed as a run removes them from an article, and logged. A line
    separator inside a line (U+2028, NEL) ends no output line either."""
    english = "This is an English line with \x1b[31mred\x1b[0m, a bell \x07 and a nul \x00 here."
    lines = [english, f"{SENTENCE}\x1b[2J\x07", "first\u2028second\x85third part of it"]
    result = CliRunner().invoke(app, mt_args, input="\n".join(lines).encode() + b"\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert not any(c in out for c in "\x1b\x07\x00\x85\u2028\u2029")
    assert len(out.splitlines()) == 3  # one answer per line, for every line reader
    assert "[31mred[0m, a bell and a nul here." in out.splitlines()[0]
    assert "stdin line 1: removed 4 control character(s)" in result.stderr
    assert "stdin line 2: removed 2 control character(s)" in result.stderr
    argument = CliRunner().invoke(app, mt_args + ["--json", english])
    assert argument.exit_code == 0, argument.output
    record = json.loads(argument.stdout)
    assert not any(c in json.dumps(record, ensure_ascii=False) for c in "\x1b\x07\x00")
    assert "\\u001b" not in argument.stdout and "TEXT 1: removed 4" in argument.stderr
