"""Every number a command takes is checked for its range at the command line (issue 29,
item 21: ``eval --heavy -1`` was accepted, counted accepted sentences as heavy edits and wrote
a meaningless ``min_score``): exit 2, naming the option, before anything is read or written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mtjob.cli import app

BAD = ["-1", "nan", "inf", "-inf"]


@pytest.mark.parametrize("value", BAD + ["100.5"])
def test_eval_heavy(tmp_path, value):
    result = CliRunner().invoke(app, ["eval", str(tmp_path), "--post-edits", "--heavy", value,
                                      "--calibrate", str(tmp_path / "p.toml")])
    assert result.exit_code == 2, result.output
    assert "--heavy" in result.output
    assert not (tmp_path / "p.toml").exists()


@pytest.mark.parametrize("value", BAD + ["0", "1.01"])
def test_eval_recall(tmp_path, value):
    result = CliRunner().invoke(app, ["eval", str(tmp_path), "--post-edits", "--recall", value])
    assert result.exit_code == 2 and "--recall" in result.output, result.output


@pytest.mark.parametrize("command", [["run", "in", "--out", "o"], ["memory", "add", "m", "o"],
                                     ["memory", "stats", "m"], ["import", "o", "--resummarize"]])
@pytest.mark.parametrize("value", BAD)
def test_wait_lock(tmp_path, monkeypatch, command, value):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, [*command, "--wait-lock", value])
    assert result.exit_code == 2 and "--wait-lock" in result.output, result.output
    assert not list(tmp_path.iterdir())  # nothing made


@pytest.mark.parametrize("option,value", [("--beams", "0"), ("--min-score", "nan"),
                                          ("--max-uncovered", "-0.5"), ("--batch-tokens", "-1"),
                                          ("--max-length-factor", "inf"), ("--threads", "-1")])
def test_config_numbers(tmp_path, option, value):
    setting = option[2:].replace("-", "_")
    for command in (["run", str(tmp_path), "--out", str(tmp_path / "o")], ["translate", "x"]):
        result = CliRunner().invoke(app, [*command, option, value])
        assert result.exit_code == 2, result.output
        assert setting in result.output, result.output
