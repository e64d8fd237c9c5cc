"""``verify`` in a newcomer's words (issue 33): no shard or marker jargon for a one-shard run,
an interrupted or partly failed run summed up with a count and the first few articles, every
one with ``--all`` (and in ``--json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtjob.outfolder.manifest import ManifestWriter, done_entry, failed_entry, pending_entry
from mtjob.outfolder.paths import abstract_path
from mtjob.outfolder.verify import check_folder, verify
from mtjob.testing.output_folder import sentence, write_finished
from tests.helpers import cli, run_fake

STOPPED = ("236 article(s) not written yet: the run was stopped before it finished (or is "
           "still going); rerun the same command to finish it")


def _stopped(out: Path, pending: int = 236, failed: int = 0) -> None:
    """A folder as Ctrl-C leaves it: one article done, ``pending`` not reached yet."""
    write_finished(out, "a", [[sentence("قال.", "He said.")]])
    data = abstract_path(out, "a").read_bytes()
    entries = {"a": done_entry("a.txt", json.loads(data), data)}
    entries.update({f"p{i:03d}": pending_entry(f"p{i:03d}.txt") for i in range(pending)})
    entries.update({f"f{i}": failed_entry(f"f{i}.txt", f"reason {i}") for i in range(failed)})
    writer = ManifestWriter(out, 0, 1, {}, "{}\n")
    writer.begin(entries)
    writer.finish()  # writes no completion marker: not every article is done


def test_a_stopped_run_is_one_headline_and_the_first_few(tmp_path):
    out = tmp_path / "out"
    _stopped(out)
    result = cli("verify", out)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines == [f"Error: {STOPPED}", "Error: pending p000", "Error: pending p001",
                     "Error: pending p002", "Error: pending p003", "Error: pending p004",
                     "Error: and 231 more pending (--all lists every one)"]
    assert "shard" not in result.output and "marker" not in result.output


def test_all_names_every_article_and_json_holds_them(tmp_path):
    out = tmp_path / "out"
    _stopped(out)
    every = cli("verify", out, "--all").output.splitlines()
    assert len(every) == 1 + 236 and every[-1] == "Error: pending p235"
    data = json.loads(cli("verify", out, "--json").output)
    assert data["errors"][0] == STOPPED and len(data["errors"]) == 237
    assert data["articles"] == {"done": 1, "pending": 236}


def test_failed_articles_are_named_with_their_reason(tmp_path):
    out = tmp_path / "out"
    _stopped(out, pending=0, failed=2)
    assert verify(out) == ["2 article(s) failed, each with its reason; fix or remove those "
                           "inputs, then rerun the same command",
                           "failed f0: reason 0", "failed f1: reason 1"]


def test_a_run_stopped_after_its_last_article_says_rerun(tmp_path):
    out = tmp_path / "out"
    write_finished(out, "a", [[sentence("قال.", "He said.")]])
    (out / "_mtjob" / "completions" / "00000-of-00001").unlink()
    assert verify(out) == [f"{out / '_mtjob'}: the run was stopped after its last article, "
                           "before it recorded its end: rerun the same command"]


def test_an_inbox_with_an_empty_file_and_a_pdf(tmp_path, inbox):
    """The newcomer's inbox of issue 33: both named as failed, with reasons in words."""
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "scan.txt").write_bytes(b"%PDF-1.7\n...")
    out = tmp_path / "out"
    assert {o.doc_id for o in run_fake([inbox], out).failed} == {"empty", "scan"}
    errors = check_folder(out).errors
    assert errors[0].startswith("2 article(s) failed")
    assert errors[1].startswith("failed empty: ") and "empty file (0 bytes)" in errors[1]
    assert errors[2].startswith("failed scan: ") and "PDF" in errors[2]
    assert len(errors) == 3  # no marker or shard line besides


@pytest.mark.parametrize("count", [25, 40])
def test_other_problems_are_capped_too(tmp_path, count):
    out = tmp_path / "out"
    write_finished(out, "a", [[sentence("قال.", "He said.")]])
    for i in range(count):
        (out / f"stray{i:02d}.jsonl").write_text("{}\n")
    printed = cli("verify", out).output.splitlines()  # each: no abstract, and not listed
    assert len(printed) == 42
    assert f"Warning: and {count - 20} more warnings (--all prints every one)" in printed
    assert printed[-1] == f"Error: and {count - 20} more problems (--all prints every one)"
    assert len(cli("verify", out, "--all").output.splitlines()) == count * 2
