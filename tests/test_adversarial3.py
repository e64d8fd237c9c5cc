"""The third adversarial pass (issue 24, "Must show": by someone who did not write the fixes):
what it broke after items 1-16 were fixed. Each test failed on the branch before its fix."""

from __future__ import annotations

import os

import pytest

from .test_adversarial2 import _cli, _run, inbox  # noqa: F401 (a fixture)


# --- a folder where mtjob expects one of its files: a clear error, never a crash ---------

def test_read_plain_of_a_folder_is_none(tmp_path):
    from mtjob.outfolder.atomic import read_plain

    assert read_plain(tmp_path) is None


@pytest.mark.parametrize("name", ["a.jsonl", "a.abstract.json", "report/a.html"])
def test_verify_names_a_folder_standing_where_an_output_was(tmp_path, inbox, name):
    from mtjob.outfolder.verify import check_folder

    out = tmp_path / "o"
    _run([inbox], out, report=True)
    target = out / name
    target.unlink()
    target.mkdir()
    found = check_folder(out)  # used to raise IsADirectoryError "Is a directory: 3"
    assert any(name in line for line in found.errors + found.warnings), found


@pytest.mark.parametrize("name", ["index-00000-of-00001.jsonl", "manifest-00000-of-00001.json",
                                  "config.json"])
def test_a_folder_in_place_of_bookkeeping_is_no_unexpected_crash(tmp_path, inbox, tiny_args,
                                                                 name):
    out = tmp_path / "o"
    assert _cli("run", inbox, "--out", out, *tiny_args).exit_code == 0
    target = out / "_mtjob" / name
    target.unlink(missing_ok=True)
    target.mkdir()
    result = _cli("run", inbox, "--out", out, "--force", *tiny_args)
    # used to be exit 1, "unexpected IsADirectoryError: [Errno 21] Is a directory: 5"
    assert "unexpected" not in result.output and "Errno" not in result.output, result.output
    assert result.exit_code in (0, 74), result.output


# --- the metrics file and symlinked inputs -----------------------------------------------

@pytest.mark.parametrize("given", ["file", "folder"])
def test_the_metrics_file_never_replaces_the_target_of_a_symlinked_input(tmp_path, tiny_args,
                                                                         given):
    data = tmp_path / "data"
    data.mkdir()
    real = data / "real.txt"
    real.write_text("قال المتحدث إن الاجتماع عقد في العاصمة.\n", encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").symlink_to(real)
    before = real.read_bytes()
    source = inbox if given == "folder" else inbox / "a.txt"
    result = _cli("run", source, "--out", tmp_path / "o", "--metrics-file", real, *tiny_args)
    assert result.exit_code == 2 and "--metrics-file" in result.output, result.output
    assert real.read_bytes() == before


# --- TSV --excel: the variants OWASP lists beyond = + - @ --------------------------------

@pytest.mark.parametrize("text", [
    "\uff1d1+1", "\uff0bcmd", "\uff0d1", "\uff20SUM(1)",  # full-width = + - @
    " =HYPERLINK(\"http://x\")", "\u00a0=1+1", "\u3000=1+1",  # spaces a reader may trim
    "\x00=1+1"])
def test_excel_tsv_neutralises_the_full_width_and_padded_formula_starts(text):
    from mtjob.export.tsv import _cell

    assert _cell(text, True) == "'" + text
    assert _cell(text, False) == text


def test_excel_tsv_leaves_ordinary_text_alone():
    from mtjob.export.tsv import _cell

    for text in ["قال الرئيس", "Hello", " hello", "'quoted", "1,000", "(AFP)"]:
        assert _cell(text, True) == text


# --- log and stdout forgery: the places the second pass's walk did not reach --------------

def test_exports_summary_line_escapes_the_to_folder(tmp_path, inbox, deadline):
    from mtjob.export import export_folder

    out = tmp_path / "o"
    _run([inbox], out)
    to = tmp_path / "x\nERROR forged\u2028\x1b[31m"
    result = _cli("export", out, "--format", "tsv", "--to", to)
    assert result.exit_code == 0, result.output
    assert not [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert not set(result.output) & set("\x1b\u2028")
    assert "\n" not in export_folder(out, "tsv", to).summary_line()


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_the_json_log_escapes_every_bidi_control(mark):
    """LRM, RLM and the Arabic letter mark are Bidi_Control characters too (as U+202E)."""
    import logging

    from mtjob.runs.runlog import JsonFormatter

    record = logging.LogRecord("mtjob", logging.INFO, __file__, 1, "done", None, None)
    record.article = f"a{mark}b"
    line = JsonFormatter().format(record)
    assert mark not in line and f"\\u{ord(mark):04x}" in line


# --- the racily clean window is measured on this node's clock, not the file server's -------

@pytest.mark.xfail(strict=True, reason="the racy window compares the file server's timestamps "
                   "with this node's clock (time.time_ns): a node whose clock runs ahead of "
                   "the NFS/SMB server by more than the window (2 s) sees a just-written file "
                   "as settled and stores a row for bytes it did not translate. git compares "
                   "with the index file's own mtime (the same server's clock); not a small fix")
def test_a_same_tick_correction_is_picked_up_when_the_node_clock_runs_ahead(tmp_path, inbox,
                                                                          monkeypatch):
    import hashlib
    import json

    from mtjob.outfolder import index
    from mtjob.runs.bookkeeping import Bookkeeping

    real = index._stats
    second = index.time.time_ns() // 10**9 * 10**9  # whole-second filesystem: every write
    # of this test (the edit too) lands in this second of the server's clock ...

    def coarse(*args, **kwargs):
        stats = real(*args, **kwargs)
        return stats and [second if i in (1, 2, 5, 7) else v for i, v in enumerate(stats)]

    monkeypatch.setattr(index, "_stats", coarse)
    skew = 3 * 10**9  # ... and the node's clock runs 3 s ahead of the server's
    monkeypatch.setattr(index.time, "time_ns", lambda: second + 5 * 10**8 + skew)
    source, out = inbox / "a.txt", tmp_path / "out"
    done = Bookkeeping.done

    def corrected_mid_run(self, *args, **kwargs):  # same size, same tick
        source.write_bytes(source.read_bytes().replace("العاصمة".encode(), "المدينة".encode()))
        return done(self, *args, **kwargs)

    monkeypatch.setattr(Bookkeeping, "done", corrected_mid_run)
    assert _run([inbox], out).done == ["a"]
    monkeypatch.setattr(Bookkeeping, "done", done)
    _run([inbox], out)
    recorded = json.loads((out / "a.abstract.json").read_text())["source_sha256"]
    assert recorded == hashlib.sha256(source.read_bytes()).hexdigest()


# --- item 7's class: a path setting that is not UTF-8 ------------------------------------

@pytest.mark.parametrize("option", ["--mt-model", "--glossary", "--cache-dir"])
def test_a_path_setting_that_is_not_utf8_is_a_clear_error(tmp_path, inbox, tiny_args,
                                                          tiny_models, option):
    import shutil

    target = tmp_path / os.fsdecode(b"b\xff")
    if option == "--mt-model":  # the model itself is fine; only its folder's name is not UTF-8
        shutil.copytree(tiny_models["mt"], target)
    elif option == "--glossary":
        target.write_text("قال\tsaid\n", encoding="utf-8")
    args = list(tiny_args)
    if option == "--mt-model":
        args[args.index("--mt-model") + 1] = str(target)
    else:
        args += [option, str(target)]
    # --mt-model: exit 1, "unexpected UnicodeEncodeError" and nothing written, every run;
    # --glossary and --cache-dir: the run record lost ("surrogates not allowed")
    result = _cli("run", inbox, "--out", tmp_path / "o", *args)
    assert result.exit_code == 2, result.output
    assert "not valid UTF-8" in result.output and "\\udcff" in result.output


# --- item 5's class: a review page edited by hand keeps its stamp -------------------------

@pytest.mark.xfail(strict=True, reason="a page is judged by its stamp (its abstract and JSONL) "
                   "alone: a page edited after it was written (a script injected, a sentence "
                   "changed) passes verify and is never rendered again by --report. Needs a "
                   "hash of the page's own bytes in the stamp (a format change: the HTML "
                   "goldens and the one-read-per-article cost of an unchanged folder)")
def test_a_hand_edited_review_page_is_noticed_and_repaired(tmp_path, inbox):
    from mtjob.outfolder.verify import check_folder

    out = tmp_path / "o"
    _run([inbox], out, report=True)
    page = out / "report" / "a.html"
    made = page.read_bytes()
    page.write_bytes(made.replace(b"<body>", b'<body onload="alert(1)">', 1))
    assert page.read_bytes() != made
    found = check_folder(out)
    assert any("a.html" in line for line in found.warnings + found.errors), found
    _run([inbox], out, report=True)
    assert page.read_bytes() == made


def test_models_list_escapes_a_hostile_model_folder(tmp_path, inbox, tiny_args, tiny_models):
    import shutil

    folder = tmp_path / "mt\nERROR forged\u2028\x1b[31m"
    shutil.copytree(tiny_models["mt"], folder)
    args = list(tiny_args)
    args[args.index("--mt-model") + 1] = str(folder)
    assert _cli("run", inbox, "--out", tmp_path / "o", *args).exit_code == 0
    result = _cli("models", "list")
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
    _run([inbox], tmp_path / "o")
    result = _cli("eval", tmp_path / "o", "--refs", refs, *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    assert "ERROR forged" in result.output
    assert not [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert not set(result.output) & set("\u2028\u202e\x9b")
    if as_json:
        start = result.output.index("{")
        assert json.loads(result.output[start:])["articles"][0]["doc_id"] == name


# --- a name that collides with mtjob's temp files ----------------------------------------

def test_an_article_named_like_a_temp_file_is_skipped_not_deleted_every_run(tmp_path, inbox):
    """``.a.jsonl.mtjob-tmp-1.txt`` (given by path: a dot name) wrote outputs that every later
    run removed as "temp files left by an interrupted run", then translated again."""
    odd = inbox / ".a.jsonl.mtjob-tmp-1.txt"
    odd.write_text("خبر آخر.\n", encoding="utf-8")
    out = tmp_path / "o"
    _run([inbox / "a.txt", odd], out)
    again = _run([inbox / "a.txt", odd], out)
    assert again.done == [] and again.unchanged == ["a"]  # not translated again, every run
    assert [o.doc_id for o in again.failed] == [odd.stem]
    assert "mtjob-tmp" in again.failed[0].error


# --- shard numbers: ASCII digits only -----------------------------------------------------

@pytest.mark.parametrize("text", ["0/1_0", "1_0/20", " 0/2", "0/2 ", "+0/2", "٠/٢", "0/２"])
def test_a_shard_is_ascii_digits(text):
    """``int()`` read ``0/1_0`` as shard 0 of 10, and Arabic-Indic or full-width digits."""
    from mtjob.errors import ConfigError
    from mtjob.runs.sharding import parse_shard

    with pytest.raises(ConfigError, match="I/N"):
        parse_shard(text)


@pytest.mark.parametrize("task, count", [("1_0", "20"), ("0", "1_0"), (" 1", "2"), ("١", "٢")])
def test_slurm_array_numbers_are_ascii_digits(task, count):
    from mtjob.errors import ConfigError
    from mtjob.runs.sharding import shard_from_env

    with pytest.raises(ConfigError, match="not integers"):
        shard_from_env({"SLURM_ARRAY_TASK_ID": task, "SLURM_ARRAY_TASK_COUNT": count})


# --- the corrections store: a broken file fails its article, never the run --------------

def test_a_corrections_file_that_is_not_utf8_fails_its_article_alone(tmp_path, inbox):
    from mtjob.outfolder.corrections import corrections_path

    (inbox / "b.txt").write_text("خبر آخر عن الطقس.\n", encoding="utf-8")
    out = tmp_path / "o"
    store = corrections_path(out, "a")
    store.parent.mkdir(parents=True)
    store.write_bytes(b'{"doc_id": "a", "ar": "\xff"}\n')  # edited by hand, not UTF-8
    report = _run([inbox], out)  # used to stop the whole run: "unexpected UnicodeDecodeError"
    assert report.done == ["b"]
    assert [o.doc_id for o in report.failed] == ["a"] and "not UTF-8" in report.failed[0].error
