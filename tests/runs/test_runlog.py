"""Machine-readable runs: JSON log lines, run records, and a Prometheus textfile that
prometheus_client's own parser reads back."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from mtjob.config import JobConfig
from mtjob.records import ArticleOutcome
from mtjob.runs.report import RunReport
from mtjob.runs.runlog import JsonFormatter, write_metrics, write_run_record
from mtjob.vocabulary import Role, Status


def report(**counts) -> RunReport:
    models = {Role.MT: {"id": "org/mt", "revision": "c" * 40}}
    outcomes = [ArticleOutcome("a", Path("in/a.txt"), Status.DONE, meta={"models": models}),
                ArticleOutcome("b", Path("in/b.txt"), Status.UNCHANGED),
                ArticleOutcome("c", Path("in/c.txt"), Status.FAILED, "c.txt: not UTF-8")]
    rep = RunReport(outcomes=outcomes, paragraphs=3, segments=5, src_tokens=120,
                    tgt_tokens=100, seconds=4.0, flags=Counter({"repeat": 2, "latin": 1}),
                    locked=True)
    rep.stage_seconds = {"translate": 3.0, "summarize": 0.5}  # added by the lead's job.py
    return rep


def test_json_log_lines_carry_extras():
    record = logging.LogRecord("mtjob.job", logging.WARNING, __file__, 1, "skipped %s",
                               ("a",), None)
    record.article = "a"
    record.counts = {"done": 1}
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "mtjob.job"
    assert line["message"] == "skipped a" and line["article"] == "a"
    assert line["counts"] == {"done": 1} and line["time"].endswith("Z")


def test_json_log_line_holds_the_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("m", logging.ERROR, __file__, 1, "x", (), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in line["exception"] and "\n" not in JsonFormatter().format(record)


def test_run_record(tmp_path, monkeypatch):
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "3")
    started = datetime(2024, 5, 1, 12, 0, 7, tzinfo=timezone.utc)
    path = write_run_record(tmp_path, 3, 8, report(), JobConfig(beams=2), 1, started)
    assert path == tmp_path / "_mtjob" / "runs" / "20240501T120007Z-00003.json"
    data = json.loads(path.read_text())
    assert data["shard"] == [3, 8] and data["exit_code"] == 1
    assert data["settings"]["beams"] == 2 and data["slurm"] == {"SLURM_ARRAY_TASK_ID": "3"}
    assert data["articles"] == {"done": 1, "unchanged": 1, "failed": 1, "not_an_article": 0}
    assert data["tokens"] == {"in": 120, "out": 100} and data["tokens_per_second"] == 25.0
    assert data["stage_seconds"] == {"translate": 3.0, "summarize": 0.5}
    assert data["models"]["mt"]["revision"] == "c" * 40
    assert data["outcomes"][2] == {"doc_id": "c", "source": "in/c.txt", "status": "failed",
                                   "error": "c.txt: not UTF-8"}
    again = write_run_record(tmp_path, 3, 8, report(), JobConfig(), 0, started.timestamp())
    assert again != path and again.exists()


def samples(path: Path) -> dict:
    from prometheus_client.parser import text_string_to_metric_families

    out = {}
    for family in text_string_to_metric_families(path.read_text()):
        assert family.documentation, family.name
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_textfile_parses_and_accumulates(tmp_path):
    prom = tmp_path / "textfile" / "mtjob.prom"
    write_metrics(prom, report(), exit_code=0, now=1000.0)
    first = samples(prom)
    assert first[("mtjob_articles_total", (("status", "failed"),))] == 1
    assert first[("mtjob_tokens_total", (("direction", "out"),))] == 100
    assert first[("mtjob_flags_total", (("flag", "repeat"),))] == 2
    assert first[("mtjob_last_success_timestamp_seconds", ())] == 1000
    assert first[("mtjob_run_seconds", ())] == 4
    write_metrics(prom, report(), exit_code=1, now=2000.0)
    second = samples(prom)
    assert second[("mtjob_articles_total", (("status", "done"),))] == 2
    assert second[("mtjob_tokens_total", (("direction", "in"),))] == 240
    assert second[("mtjob_runs_total", (("exit_code", "1"),))] == 1
    # a failed run keeps the last success time: an alert on its age fires
    assert second[("mtjob_last_success_timestamp_seconds", ())] == 1000
    assert second[("mtjob_last_run_timestamp_seconds", ())] == 2000
    assert [p.name for p in prom.parent.iterdir() if p.suffix == ".prom"] == ["mtjob.prom"]


@pytest.mark.parametrize("flag", ['odd"flag', "back\\slash"])
def test_metric_labels_are_escaped(tmp_path, flag):
    rep = report()
    rep.flags = Counter({flag: 1})
    prom = tmp_path / "m.prom"
    write_metrics(prom, rep, exit_code=0)
    write_metrics(prom, rep, exit_code=0)
    assert samples(prom)[("mtjob_flags_total", (("flag", flag),))] == 2


def test_record_run_leaves_unchanged_reruns_alone(tmp_path):
    from mtjob.runs.runlog import record_run

    rerun = RunReport(outcomes=[ArticleOutcome("a", Path("a.txt"), Status.UNCHANGED)])
    record_run(tmp_path, 0, 1, rerun, JobConfig(), 0, 0.0, metrics=tmp_path / "m.prom")
    assert not (tmp_path / "_mtjob").exists() and (tmp_path / "m.prom").is_file()
    record_run(tmp_path, 0, 1, report(), JobConfig(), 1, 0.0)
    assert len(list((tmp_path / "_mtjob" / "runs").iterdir())) == 1


def test_record_run_never_raises(tmp_path, caplog):
    from mtjob.runs.runlog import record_run

    blocker = tmp_path / "file"
    blocker.write_text("x")
    record_run(blocker, 0, 1, report(), JobConfig(), 0, 0.0, metrics=tmp_path / "m.prom")
    assert "cannot write the run record" in caplog.text
    assert (tmp_path / "m.prom").is_file()  # OUT failing does not stop the metrics
    record_run(tmp_path, 0, 1, report(), JobConfig(), 0, 0.0, metrics=blocker / "m.prom")
    assert "cannot write the metrics file" in caplog.text


def test_record_run_of_a_failed_run(tmp_path):
    """A run that failed is recorded even with no article done (a signal at start-up, a model
    failing); one that never took its shard's lock (refused it: 75, or a usage error before
    it) leaves OUT alone; the metrics get every ending."""
    from mtjob.runs.runlog import record_run

    stopped = RunReport(locked=True)
    record_run(tmp_path, 0, 1, stopped, JobConfig(), 143, 0.0, metrics=tmp_path / "m.prom")
    [path] = (tmp_path / "_mtjob" / "runs").iterdir()
    assert json.loads(path.read_text())["exit_code"] == 143
    refused = tmp_path / "refused"
    record_run(refused, 0, 1, RunReport(), JobConfig(), 75, 0.0, metrics=tmp_path / "m.prom")
    record_run(refused, 0, 1, RunReport(), None, 2, 0.0, metrics=tmp_path / "m.prom")
    assert not refused.exists()
    seen = samples(tmp_path / "m.prom")
    assert seen[("mtjob_last_exit_code", ())] == 2
    assert {dict(k[1])["exit_code"] for k in seen if k[0] == "mtjob_runs_total"} == \
        {"143", "75", "2"}
    assert ("mtjob_last_success_timestamp_seconds", ()) not in seen


def test_runs_in_the_same_second_each_keep_their_record(tmp_path):
    """A retry loop or the Python API can finish two runs of one shard in one second, in one
    process: the second record took the name ``STAMP-RANK-PID.json`` and a third overwrote it."""
    from mtjob.config import JobConfig
    from mtjob.runs.report import RunReport
    from mtjob.runs.runlog import write_run_record

    paths = {write_run_record(tmp_path, 0, 1, RunReport(), JobConfig(), 0, 1_700_000_000.0)
             for _ in range(3)}
    assert len(paths) == 3 and all(p.is_file() for p in paths)


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_the_json_log_escapes_every_bidi_control(mark):
    """LRM, RLM and the Arabic letter mark are Bidi_Control characters too (as U+202E)."""
    import logging

    from mtjob.runs.runlog import JsonFormatter

    record = logging.LogRecord("mtjob", logging.INFO, __file__, 1, "done", None, None)
    record.article = f"a{mark}b"
    line = JsonFormatter().format(record)
    assert mark not in line and f"\\u{ord(mark):04x}" in line
