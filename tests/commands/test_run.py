"""``mtjob run``'s options: absurd numbers are one-line usage errors, and no path option
(FIFO, metrics file, a folder name that is not UTF-8) can hang a run or replace a file."""

from __future__ import annotations

import os

import pytest

from tests.helpers import cli


@pytest.mark.parametrize("flag, value, message", [
    ("--threads", "100000", "threads must be between 0 and"),
    ("--max-length-factor", "1e308", "max_length_factor must be between 0.01 and 10"),
    ("--max-length-factor", "nan", "max_length_factor must be between"),
    ("--batch-tokens", "100000000000", "batch_tokens must be between"),
    ("--workers", "0", "workers must be between 1 and 4096"),
])
def test_absurd_settings_are_one_line_usage_errors(tmp_path, sample_inbox, flag, value, message):
    result = cli("run", sample_inbox, "--out", tmp_path / "out", flag, value)
    assert result.exit_code == 2 and message in result.output, result.output
    assert result.output.count("\n") == 1

@pytest.mark.parametrize("option, fifo", [
    ("--config", "c.toml"), ("--glossary", "g.tsv"), ("--metrics-file", "m.prom"),
    ("--metrics-file", ".m.prom.lock"), ("--out", "out"), ("--report", "o/report")])
def test_a_fifo_given_for_any_path_option_is_refused_not_waited_on(tmp_path, inbox, tiny_args,
                                                                   deadline, option, fifo):
    import os

    (tmp_path / "o").mkdir()
    os.mkfifo(tmp_path / fifo)
    target = tmp_path / fifo.removeprefix(".").removesuffix(".lock")
    args = ["--out", tmp_path / "o"] if option != "--out" else []
    given = [option] if option == "--report" else [option, target]
    result = cli("run", inbox, *args, *given, *tiny_args)
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.output or "not a folder" in result.output
    assert result.output.count("\n") == 1

@pytest.mark.parametrize("where", ["input", "inbox", "output", "bookkeeping", "config",
                                   "glossary", "memory"])
def test_the_metrics_file_never_replaces_a_file_of_the_run(tmp_path, inbox, tiny_args, where):
    out = tmp_path / "o"
    assert cli("run", inbox, "--out", out, *tiny_args).exit_code == 0
    (tmp_path / "c.toml").write_text("[translation]\nbeams = 1\n")
    (tmp_path / "g.tsv").write_text("قال\tsaid\n")
    target = {"input": inbox / "a.txt", "inbox": inbox / "new.txt", "output": out / "a.jsonl",
              "bookkeeping": out / "_mtjob" / "x.prom", "config": tmp_path / "c.toml",
              "glossary": tmp_path / "g.tsv", "memory": tmp_path / "mem.sqlite"}[where]
    (tmp_path / "mem.sqlite").write_bytes(b"SQLite format 3\x00 (the shared memory)")
    memory = ["--memory", tmp_path / "mem.sqlite"] if where == "memory" else []
    before = target.read_bytes() if target.exists() else None
    result = cli("run", inbox, "--out", out, "--config", tmp_path / "c.toml",
                  "--glossary", tmp_path / "g.tsv", *memory, "--metrics-file", target,
                  *tiny_args)
    assert result.exit_code == 2 and "--metrics-file" in result.output, result.output
    assert (target.read_bytes() if target.exists() else None) == before

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
    result = cli("run", source, "--out", tmp_path / "o", "--metrics-file", real, *tiny_args)
    assert result.exit_code == 2 and "--metrics-file" in result.output, result.output
    assert real.read_bytes() == before

@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e309", "-inf", "1e12"])
def test_wait_lock_is_bounded(tmp_path, inbox, value, deadline):
    result = cli("run", inbox, "--out", tmp_path / "o", "--wait-lock", value, "--mt-model", "x")
    assert result.exit_code == 2 and "--wait-lock must be between 0 and" in result.output
    assert not (tmp_path / "o").exists()

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
    result = cli("run", inbox, "--out", tmp_path / "o", *args)
    assert result.exit_code == 2, result.output
    assert "not valid UTF-8" in result.output and "\\udcff" in result.output
