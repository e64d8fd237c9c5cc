"""No name (article, folder, model, doc id) can forge or split a line of the log, the JSON
log or the CLI's output: every call site escapes newlines, escapes and bidi controls."""

from __future__ import annotations

import logging

import pytest

from mtjob.config import JobConfig
from mtjob.job import run_shard
from mtjob.testing.fakes import FakeModels
from tests.helpers import cli, fake_config, run_fake


@pytest.fixture
def cfg() -> JobConfig:
    return fake_config()

def test_a_file_name_with_a_newline_cannot_forge_a_log_line(tmp_path, cfg, caplog):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    forged = inbox / "bad\n2026-11-29 12:00:00 INFO mtjob: all good.txt"
    forged.write_bytes(b"\xff\xfe broken utf-8\n")
    with caplog.at_level(logging.INFO):
        report = run_shard(cfg, [inbox], tmp_path / "out", models=FakeModels())
    assert len(report.failed) == 1
    for record in caplog.records:
        assert "\n" not in record.getMessage(), record.getMessage()
    assert "bad\\n2026" in caplog.text

HOSTILE = "h\n2026-01-01 00:00:00,000 ERROR mtjob: FORGED\x1b[31m\u2028\x85\u202e"

_LINE = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) |Error: |Warning: " \
        r"|ok: |exported |'?/)"

def _hostile_inbox(tmp_path, bad=True):
    import os

    inbox = tmp_path / ("inbox" if bad else "clean")
    inbox.mkdir()
    text = "قال المتحـــدث\u200f إن\x01 الاجتماع\uffff عقد في العاصمة.\n"
    (inbox / f"{HOSTILE}.txt").write_text(text, encoding="utf-8")  # tatweel, control, XML
    if not bad:
        return inbox
    (inbox / f"{HOSTILE}2.txt").write_bytes(b"\xffbroken")  # fails
    os.mkfifo(inbox / f"{HOSTILE}3.txt")  # skipped
    os.symlink(inbox / f"{HOSTILE}.txt", inbox / f"{HOSTILE}4.txt")  # followed, then a dup
    return inbox

def test_every_log_call_site_escapes_a_hostile_name(tmp_path, caplog, deadline):
    """Each message as logged (no formatter's help): the run's sites, export's, verify's."""
    import logging

    from mtjob.export import export_folder
    from mtjob.outfolder.verify import check_folder

    inbox, clean = _hostile_inbox(tmp_path), _hostile_inbox(tmp_path, bad=False)
    with caplog.at_level(logging.DEBUG):
        run_fake([inbox], tmp_path / "out", report=True)
        run_fake([clean], tmp_path / "out2", report=True)
        for fmt in ("html", "xliff", "tmx", "tsv"):
            export_folder(tmp_path / "out2", fmt)
        check_folder(tmp_path / "out", [inbox], False)
    for record in caplog.records:
        message = record.getMessage()
        assert not set(message) & set("\n\r\x1b\u2028\x85\u202e"), message
    for needle in ("invisible character(s)", "XML 1.0 cannot hold", "control character",
                   "the same file as", "FIFO", "invalid UTF-8", "done "):
        assert needle in caplog.text, needle

def test_no_output_line_of_the_cli_can_be_forged(tmp_path, tiny_args, deadline):
    import re

    inbox, out = _hostile_inbox(tmp_path), tmp_path / "out"
    clean, out2 = _hostile_inbox(tmp_path, bad=False), tmp_path / "out2"
    outputs = [cli("run", inbox, "--out", out, "--report", *tiny_args[:-1]),
               cli("run", clean, "--out", out2, *tiny_args[:-1]),
               cli("verify", out, "--inputs", inbox)]
    outputs += [cli("export", out2, "--format", fmt) for fmt in ("html", "xliff", "tmx", "tsv")]
    outputs.append(cli("verify", out2, "--inputs", clean))
    assert [r.exit_code for r in outputs] == [1, 0, 1, 0, 0, 0, 0, 0]
    text = "".join(r.output for r in outputs)
    assert "FORGED" in text
    for line in text.splitlines():  # what a terminal or log collector sees
        assert re.match(_LINE, line), line
    assert not set(text) & set("\x1b\u2028\x85\u202e")

def test_the_json_log_is_one_line_per_record(tmp_path, tiny_args):
    import json

    inbox, out = _hostile_inbox(tmp_path), tmp_path / "out"
    result = cli("run", inbox, "--out", out, "--log-format", "json", *tiny_args[:-1])
    lines = result.output.splitlines()  # splitlines: U+2028 and U+0085 split it too
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)
    assert "\u202e" not in result.output
    assert any(json.loads(line).get("article", "").startswith("h\n2026") for line in lines)

def test_exports_summary_line_escapes_the_to_folder(tmp_path, inbox, deadline):
    from mtjob.export import export_folder

    out = tmp_path / "o"
    run_fake([inbox], out)
    to = tmp_path / "x\nERROR forged\u2028\x1b[31m"
    result = cli("export", out, "--format", "tsv", "--to", to)
    assert result.exit_code == 0, result.output
    assert not [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert not set(result.output) & set("\x1b\u2028")
    assert "\n" not in export_folder(out, "tsv", to).summary_line()

def test_models_list_escapes_a_hostile_model_folder(tmp_path, inbox, tiny_args, tiny_models):
    import shutil

    folder = tmp_path / "mt\nERROR forged\u2028\x1b[31m"
    shutil.copytree(tiny_models["mt"], folder)
    args = list(tiny_args)
    args[args.index("--mt-model") + 1] = str(folder)
    assert cli("run", inbox, "--out", tmp_path / "o", *args).exit_code == 0
    result = cli("models", "list")
    assert result.exit_code == 0, result.output
    assert "ERROR forged" in result.output  # listed, escaped: it used to start a line
    assert not [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert not set(result.output) & set("\x1b\u2028")

@pytest.mark.parametrize("as_json", [False, True])
def test_eval_prints_a_hostile_doc_id_escaped(tmp_path, as_json, deadline):
    import json

    pytest.importorskip("sacrebleu")
    name = "a\nERROR forged\u2028\u202e\x9b31m"
    inbox, refs = tmp_path / "in", tmp_path / "refs"
    inbox.mkdir()
    refs.mkdir()
    (inbox / f"{name}.txt").write_text("قال المتحدث إن الاجتماع عقد.\n", encoding="utf-8")
    (refs / f"{name}.en.txt").write_text("The spokesman said.\n", encoding="utf-8")
    run_fake([inbox], tmp_path / "o")
    result = cli("eval", tmp_path / "o", "--refs", refs, *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    assert "ERROR forged" in result.output
    assert not [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert not set(result.output) & set("\u2028\u202e\x9b")
    if as_json:
        start = result.output.index("{")
        assert json.loads(result.output[start:])["articles"][0]["doc_id"] == name
