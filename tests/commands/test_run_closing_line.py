"""``mtjob run``'s last lines say where everything went: with ``--report``, the review pages'
index; and the help tells the two HTML places apart (``OUT/report/``, kept current by
``run --report``; ``OUT/export/html/``, written once by ``export --format html``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.testing.fakes import FakeModels


@pytest.fixture(autouse=True)
def fake_models(monkeypatch):
    monkeypatch.setattr("mtjob.job.default_models", lambda config: FakeModels())


def test_a_report_run_names_the_review_pages_index(tmp_path: Path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "a.txt").write_text("قال المتحدث إن المحادثات ستستمر غدا.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), "--report", "-q"])
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    index = out.resolve() / "report" / "index.html"
    assert f"review pages: {index}" in last and index.is_file()
    plain = CliRunner().invoke(app, ["run", str(inbox), "--out", str(tmp_path / "o2"), "-q"])
    assert "review pages" not in plain.output


def test_the_help_tells_the_two_html_places_apart():
    run = " ".join(CliRunner().invoke(app, ["run", "--help"], terminal_width=200).output.split())
    assert "OUT/report/" in run and "kept current" in run and "OUT/export/html/" in run
    export = " ".join(CliRunner().invoke(app, ["export", "--help"],
                                         terminal_width=200).output.split())
    assert "OUT/report/" in export and "run --report keeps current" in export
