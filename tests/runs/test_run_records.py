"""Every ending of ``mtjob run`` leaves its record and metrics (issue 15.5): the runs that
monitoring most needs to see are the failing ones. Through the CLI with fake models: a model
failing mid-run (2), the output folder failing mid-run (74), a held lock (75), a signal
(129/130/143), failed articles (1), a usage error before any work (2)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.errors import ModelError, OutputError
from mtjob.outfolder.lock import OutputLock
from mtjob.outfolder.paths import meta_dir
from mtjob.testing.fakes import FakeModels, FakeTranslator

ARTICLES = {"a": "قال المتحدث إن المحادثات ستستمر غدا.\n",
            "b": "وقع الزلزال في الصباح الباكر وأصاب المدينة.\n",  # the run fails on this one
            "c": "أعلنت الحكومة عن خطة جديدة للنقل.\n"}
MARK = "الزلزال"


def write_inbox(folder: Path, names: str = "abc") -> Path:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(ARTICLES[name], encoding="utf-8")
    return folder


def stop_at_b(action):
    """A fake translator that calls ``action()`` when it meets article b's text."""
    def fail(texts, options):
        if any(MARK in t for t in texts):
            action()
    return FakeTranslator(fail=fail)


@pytest.fixture
def models(monkeypatch):
    """``use(translator)``: the CLI's runs get fake models built on it."""
    def use(translator: FakeTranslator | None = None) -> None:
        monkeypatch.setattr("mtjob.job.default_models",
                            lambda config: FakeModels(translator or FakeTranslator()))
    use()
    return use


def run(inbox: Path, out: Path, prom: Path, *extra):
    args = ["run", inbox, "--out", out, "--metrics-file", prom, "--group-articles", "1",
            "--quiet", *extra]
    return CliRunner().invoke(app, [str(a) for a in args])


def records(out: Path) -> list[dict]:
    folder = meta_dir(out) / "runs"
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    found = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    return sorted(found, key=lambda r: r["finished"])  # two runs in one second: -PID.json


def metrics(prom: Path) -> dict[str, float]:
    """``{'name{k="v"}': value}``, read with prometheus_client's own parser."""
    from prometheus_client.parser import text_string_to_metric_families

    found = {}
    for family in text_string_to_metric_families(prom.read_text(encoding="utf-8")):
        for s in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
            found[s.name + (f"{{{labels}}}" if labels else "")] = s.value
    return found


def first_success(tmp_path: Path) -> tuple[Path, Path, Path, float]:
    """A clean run over article a alone: its record, and the success time of the metrics."""
    inbox, out, prom = write_inbox(tmp_path / "inbox", "a"), tmp_path / "out", tmp_path / "p"
    assert run(inbox, out, prom).exit_code == 0
    assert [r["exit_code"] for r in records(out)] == [0]
    return inbox, out, prom, metrics(prom)["mtjob_last_success_timestamp_seconds"]


def raise_signal(signum: int):
    return lambda: os.kill(os.getpid(), signum)


def disk_full_at_b(monkeypatch) -> None:
    from mtjob.outfolder.manifest import ManifestWriter

    real = ManifestWriter.update

    def update(self, doc_id, entry):
        if doc_id == "b":
            raise OutputError(f"cannot write {self.path}: disk full")
        real(self, doc_id, entry)

    monkeypatch.setattr(ManifestWriter, "update", update)


@pytest.mark.parametrize("how, code", [
    ("model", 2), ("disk", 74),
    ("SIGHUP", 129), ("SIGINT", 130), ("SIGTERM", 143)])
def test_a_run_stopped_mid_way_records_what_it_finished(tmp_path, models, monkeypatch, how,
                                                         code):
    inbox, out, prom, success = first_success(tmp_path)
    write_inbox(inbox, "bc")
    if how == "model":
        def broken():
            raise ModelError("model 'fake-mt' cannot be loaded: CUDA error")
        models(stop_at_b(broken))
    elif how == "disk":
        disk_full_at_b(monkeypatch)
    else:
        models(stop_at_b(raise_signal(getattr(signal, how))))
    result = run(inbox, out, prom)
    assert result.exit_code == code, result.output
    assert result.output.count("Error: ") == 1
    first, record = records(out)
    assert record["exit_code"] == code and record["shard"] == [0, 1]
    error_line = next(line for line in result.output.splitlines() if "Error: " in line)
    assert record["error"] == error_line.split("Error: ", 1)[1] and first["error"] is None
    outcomes = {o["doc_id"]: o["status"] for o in record["outcomes"]}
    if how == "disk":  # b's files were written, its manifest entry not: the run stopped
        assert outcomes == {"a": "unchanged", "b": "done"}
    else:
        assert outcomes == {"a": "unchanged"} and not (out / "b.jsonl").exists()
    assert record["seconds"] > 0 and record["settings"]["group_articles"] == 1
    seen = metrics(prom)
    assert seen["mtjob_last_exit_code"] == code
    assert seen[f'mtjob_runs_total{{exit_code="{code}"}}'] == 1
    assert seen['mtjob_runs_total{exit_code="0"}'] == 1
    assert seen["mtjob_last_success_timestamp_seconds"] == success  # the alert on its age fires
    assert seen["mtjob_last_run_timestamp_seconds"] > success


def test_articles_finished_before_the_failure_are_in_the_record(tmp_path, models):
    inbox, out, prom = write_inbox(tmp_path / "inbox"), tmp_path / "out", tmp_path / "m.prom"
    (inbox / "0.txt").write_text(ARTICLES["a"].replace("غدا", "اليوم"), encoding="utf-8")
    models(stop_at_b(raise_signal(signal.SIGTERM)))
    result = run(inbox, out, prom)
    assert result.exit_code == 143, result.output
    [record] = records(out)
    assert [(o["doc_id"], o["status"]) for o in record["outcomes"]] == [("0", "done"),
                                                                       ("a", "done")]
    assert record["articles"] == {"done": 2, "unchanged": 0, "failed": 0, "not_an_article": 0}
    assert record["tokens"]["out"] > 0 and record["models_loaded"] is True
    assert "mtjob_last_success_timestamp_seconds" not in metrics(prom)
    assert metrics(prom)['mtjob_articles_total{status="done"}'] == 2


def test_a_run_refused_the_lock_is_in_the_metrics_only(tmp_path, models):
    inbox, out, prom, success = first_success(tmp_path)
    before = sorted(p.name for p in meta_dir(out).rglob("*"))
    with OutputLock(meta_dir(out) / "lock-00000-of-00001"):
        result = run(inbox, out, prom)
    assert result.exit_code == 75, result.output
    # It leaves the folder another run holds alone: no record beside that run's bookkeeping.
    assert [r["exit_code"] for r in records(out)] == [0]
    assert sorted(p.name for p in meta_dir(out).rglob("*")) == before
    seen = metrics(prom)
    assert seen["mtjob_last_exit_code"] == 75 and seen['mtjob_runs_total{exit_code="75"}'] == 1
    assert seen["mtjob_last_success_timestamp_seconds"] == success


def test_failed_articles_and_an_unchanged_rerun(tmp_path, models):
    inbox, out, prom, success = first_success(tmp_path)
    (inbox / "bad.txt").write_bytes(b"\xff\xfe not utf-8\n")
    assert run(inbox, out, prom).exit_code == 1
    assert [r["exit_code"] for r in records(out)] == [0, 1]
    assert records(out)[1]["articles"] == {"done": 0, "unchanged": 1, "failed": 1,
                                           "not_an_article": 0}
    assert metrics(prom)["mtjob_last_success_timestamp_seconds"] == success
    (inbox / "bad.txt").unlink()
    assert run(inbox, out, prom).exit_code == 0
    assert len(records(out)) == 2  # nothing changed: no record, so no file changed in OUT
    seen = metrics(prom)
    assert seen["mtjob_last_exit_code"] == 0
    assert seen["mtjob_last_success_timestamp_seconds"] > success
    assert seen['mtjob_runs_total{exit_code="0"}'] == 2


@pytest.mark.parametrize("args", [["--beams", "0"], ["--shard", "3/2"]])
def test_a_usage_error_is_in_the_metrics_and_creates_no_folder(tmp_path, models, args):
    inbox, out, prom = write_inbox(tmp_path / "inbox"), tmp_path / "out", tmp_path / "m.prom"
    result = run(inbox, out, prom, *args)
    assert result.exit_code == 2, result.output
    assert not out.exists()
    seen = metrics(prom)
    assert seen["mtjob_last_exit_code"] == 2
    assert "mtjob_last_success_timestamp_seconds" not in seen


def test_a_missing_input_is_in_the_metrics_and_creates_no_folder(tmp_path, models):
    out, prom = tmp_path / "out", tmp_path / "m.prom"
    result = run(tmp_path / "missing.txt", out, prom)
    assert result.exit_code == 2 and "no such file" in result.output
    assert not out.exists() and metrics(prom)["mtjob_last_exit_code"] == 2


def test_quiet_keeps_the_summary_line_at_info_and_nothing_else(tmp_path, models):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("قال المتحدث إن الاجتماع عقد اليوم.\n", encoding="utf-8")
    result = run(inbox, tmp_path / "out", tmp_path / "m.prom", "--no-summary")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and " INFO mtjob: shard 0/1: articles: 1 done" in lines[0]
    assert " INFO mtjob: output in " in lines[1]  # where the output went (issue 20)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder``: a file's bytes, None for a folder."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def wrong_models(tmp_path, tiny_models) -> dict[str, Path]:
    """--mt-model values that fail the model check: missing, an empty folder, a summarizer."""
    empty = tmp_path / "empty-model"
    empty.mkdir()
    return {"missing": tmp_path / "no-such-model", "empty": empty,
            "summarizer": tiny_models["sum"]}


@pytest.mark.parametrize("wrong", ["missing", "empty", "summarizer"])
def test_a_run_failing_its_model_check_leaves_the_folder_as_it_found_it(
        tmp_path, tiny_args, wrong_models, wrong):
    inbox = write_inbox(tmp_path / "inbox")
    finished = tmp_path / "finished"
    assert CliRunner().invoke(app, ["run", str(inbox), "--out", str(finished), *tiny_args,
                                    "--report", "--text"]).exit_code == 0
    before = snapshot(finished)
    empty = tmp_path / "empty-out"
    empty.mkdir()
    for out in (tmp_path / "new", empty, finished):
        args = [*tiny_args, "--mt-model", str(wrong_models[wrong])]
        result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), *args,
                                          "--report", "--text", "--force"])
        assert result.exit_code == 2, result.output
        assert "Error: " in result.output
    assert not (tmp_path / "new").exists()
    assert list(empty.iterdir()) == []
    assert snapshot(finished) == before  # its manifest, marker, records and pages as they were
    assert CliRunner().invoke(app, ["verify", str(finished)]).exit_code == 0
