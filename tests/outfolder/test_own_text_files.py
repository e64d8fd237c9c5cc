"""Which inputs are the output folder's own files (``mtjob.outfolder.paths.own_text_files``):
an inbox that is also the output folder, run with ``--text``, never reads the English text
files it wrote as articles, on any later run, with or without ``--text``."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.outfolder.paths import own_text_files

from ..conftest import SAMPLE


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_the_inbox_as_output_folder_with_text_runs_every_time(tmp_path: Path, tiny_args):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a", "b"):
        shutil.copy(SAMPLE, inbox / f"{name}.txt")
    first = invoke("run", inbox, "--out", inbox, "--text", *tiny_args)
    assert first.exit_code == 0, first.output
    assert (inbox / "a.en.txt").is_file() and (inbox / "b.en.txt").is_file()

    for extra in (["--text"], []):  # the cron job's next runs, with or without --text
        again = invoke("run", inbox, "--out", inbox, *extra, *tiny_args[:-1])
        assert again.exit_code == 0, again.output
        assert "2 unchanged" in again.output and "0 done" in again.output
        assert "2 file(s) NAME.en.txt" in again.output and "left out" in again.output
    assert not list(inbox.glob("*.en.jsonl")) and not list(inbox.glob("*.en.en.txt"))
    assert invoke("verify", inbox, "--inputs", inbox).exit_code == 0

    (inbox / "b.txt").rename(tmp_path / "b.txt")  # archived; its outputs stay in the inbox
    archived = invoke("run", inbox, "--out", inbox, "--text", *tiny_args)
    assert archived.exit_code == 0, archived.output
    assert not (inbox / "b.en.jsonl").exists()


def test_only_the_text_files_of_the_folders_articles_are_left_out(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "gone.jsonl").write_text("")  # an article translated here, its input archived
    names = ["a.txt", "a.en.txt", "gone.en.txt", "story.en.txt", ".en.txt"]
    for name in names:
        (out / name).write_text("x")
    paths = [out / name for name in names]
    assert own_text_files(paths, out) == [out / "a.en.txt", out / "gone.en.txt"]
    elsewhere = tmp_path / "inbox"  # outside OUT, a file is an input whatever its name
    elsewhere.mkdir()
    for name in names:
        (elsewhere / name).write_text("x")
    assert own_text_files([elsewhere / n for n in names], out) == []
    assert own_text_files(paths, tmp_path / "not-yet") == []
