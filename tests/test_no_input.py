"""Inputs that hold no article are not success (issue 20): exit 66 naming what was looked
for and where; an inbox whose articles are all unchanged still exits 0; ``verify`` does not
say ok on a folder where nothing was translated."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from mtjob.cli import app


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_folder_of_markdown_files_is_no_input(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.md").write_text("# notes\n")
    result = invoke("run", inbox, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 66, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert errors == [f"Error: no article found: looked for *.txt in {inbox}"]
    assert not (tmp_path / "out" / "_mtjob").exists()


def test_the_output_folder_given_as_input_is_no_input(tmp_path, sample_inbox, tiny_args):
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0
    result = invoke("run", out, "--out", tmp_path / "out2", *tiny_args)
    assert result.exit_code == 66, result.output
    assert f"*.txt in {out}" in result.output
    again = invoke("run", sample_inbox, "--out", out, *tiny_args)  # all unchanged: fine
    assert again.exit_code == 0, again.output


def test_verify_is_not_ok_on_nothing(tmp_path):
    out = tmp_path / "out"
    meta = out / "_mtjob"
    (meta / "completions").mkdir(parents=True)
    (meta / "manifest-00000-of-00001.json").write_text(json.dumps(
        {"shard": [0, 1], "articles": {}, "settings": {}}))
    (meta / "completions" / "00000-of-00001").write_text("[]\n")
    result = invoke("verify", out)
    assert result.exit_code == 1 and "nothing was translated here" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("verify", out, "--inputs", empty)
    assert result.exit_code == 1 and f"looked for *.txt in {empty}" in result.output
