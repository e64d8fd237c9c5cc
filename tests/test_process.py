"""Whole-process behaviour of the real CLI on tiny models: locks between processes, SIGTERM,
SIGKILL at random points and resuming, and the cost of an unchanged cron run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mtjob.inputs.sources import TMP_MARK
from mtjob.outfolder.verify import verify

from .conftest import SAMPLE


def mtjob_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "mtjob", *[str(a) for a in args]]


def start(*args) -> subprocess.Popen:
    return subprocess.Popen(mtjob_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def make_inbox(folder: Path, count: int) -> Path:
    """``count`` different articles of 3 to 5 paragraphs cut from the sample."""
    paragraphs = [p.strip() for p in SAMPLE.read_text(encoding="utf-8").split("&")
                  if p.strip()]
    folder.mkdir()
    for i in range(count):
        size = 3 + i % 3
        chosen = [paragraphs[(i * 2 + k) % len(paragraphs)] for k in range(size)]
        (folder / f"news-{i:02d}.txt").write_text("\n&\n".join(chosen) + "\n", encoding="utf-8")
    return folder


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.json*"))}


def assert_final_files_complete(out: Path) -> None:
    """Every file under a final name parses completely; no JSONL line is cut."""
    for path in out.glob("*.jsonl"):
        data = path.read_bytes()
        assert data.endswith(b"\n"), path
        for line in data.splitlines():
            json.loads(line)
    for path in out.glob("*.abstract.json"):
        json.loads(path.read_bytes())


@pytest.fixture
def job_args(tiny_args) -> list[str]:
    # transformers: the kill points below are timed for its speed
    return [*tiny_args, "--threads", "1", "--quantize", "none", "--group-articles", "4",
            "--backend", "transformers"]


def test_concurrent_run_is_refused_with_75_within_a_second(tmp_path, job_args):
    inbox = make_inbox(tmp_path / "inbox", 6)
    out = tmp_path / "out"
    first = start("run", inbox, "--out", out, *job_args)
    lock = out / "_mtjob" / "lock-00000-of-00001"
    deadline = time.monotonic() + 60
    while not lock.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the lock file appears just before the first run takes the lock
    began = time.monotonic()
    prom = tmp_path / "mtjob.prom"
    second = subprocess.run(mtjob_cmd("run", inbox, "--out", out, *job_args,
                                      "--metrics-file", prom), capture_output=True, text=True)
    elapsed = time.monotonic() - began
    assert first.poll() is None, "the first run ended too soon for this test"
    assert second.returncode == 75, second.stderr
    assert "another mtjob run holds" in second.stderr
    # The whole refused process, interpreter start included, takes well under 2 s; the
    # refusal itself comes before any model or article is touched.
    assert elapsed < 2.0
    assert "mtjob_last_exit_code 75\n" in prom.read_text()  # in the metrics, not in OUT
    assert first.wait(timeout=120) == 0
    assert verify(out) == []
    records = [json.loads(p.read_text()) for p in (out / "_mtjob" / "runs").iterdir()]
    assert [r["exit_code"] for r in records] == [0]  # the first run's, alone


@pytest.mark.slow
def test_unchanged_inbox_rerun_is_fast_and_loads_no_model(tmp_path, job_args):
    inbox = make_inbox(tmp_path / "inbox", 3)
    out = tmp_path / "out"
    assert subprocess.run(mtjob_cmd("run", inbox, "--out", out, *job_args),
                          capture_output=True).returncode == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    began = time.monotonic()
    loud = [a for a in job_args if a != "--quiet"]  # the same command, with its log
    rerun = subprocess.run(mtjob_cmd("run", inbox, "--out", out, *loud),
                           capture_output=True, text=True)
    elapsed = time.monotonic() - began
    assert rerun.returncode == 0
    assert "0 done, 3 unchanged" in rerun.stderr
    assert "loaded" not in rerun.stderr
    assert elapsed < 2.0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.slow
@pytest.mark.parametrize("signum, code, name", [(signal.SIGTERM, 143, "SIGTERM"),
                                                (signal.SIGINT, 130, "SIGINT"),
                                                (signal.SIGHUP, 129, "SIGHUP")])
def test_a_signal_stops_cleanly_with_nothing_partial(tmp_path, job_args, signum, code, name):
    inbox = make_inbox(tmp_path / "inbox", 16)
    out = tmp_path / "out"
    prom = tmp_path / "mtjob.prom"
    proc = start("run", inbox, "--out", out, *job_args, "--group-articles", "2",
                 "--metrics-file", prom)
    deadline = time.monotonic() + 120
    while not list(out.glob("*.abstract.json")) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signum)
    sent = time.monotonic()
    _, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 5.0
    assert proc.returncode == code, stderr
    assert f"({name})" in stderr and "finished articles are kept" in stderr
    assert not list(out.glob(f".*{TMP_MARK}*"))
    assert_final_files_complete(out)
    written = {p.name[: -len(".abstract.json")] for p in out.glob("*.abstract.json")}
    assert {p.stem for p in out.glob("*.jsonl")} == written  # never one file of a pair
    assert 0 < len(written) < 16
    # The partial manifest names exactly the articles written; verify says it is unfinished.
    manifest = json.loads((out / "_mtjob" / "manifest-00000-of-00001.json").read_text())
    done = {d for d, e in manifest["articles"].items() if e["status"] == "done"}
    assert done == written and len(manifest["articles"]) == 16
    assert any("the run was stopped before it finished" in p for p in verify(out))
    # The run record and the metrics say how it ended, and what it had finished.
    [record] = [json.loads(p.read_text()) for p in (out / "_mtjob" / "runs").iterdir()]
    assert record["exit_code"] == code
    assert {o["doc_id"] for o in record["outcomes"] if o["status"] == "done"} == written
    metrics = prom.read_text()
    assert f"mtjob_last_exit_code {code}\n" in metrics
    assert "mtjob_last_success_timestamp_seconds" not in metrics


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_finishes_exactly(tmp_path, job_args):
    """Kill at 10 seeded points of a 20-article run; each rerun must finish the work and
    give byte-for-byte the outputs of an uninterrupted run."""
    inbox = make_inbox(tmp_path / "inbox", 20)
    reference = tmp_path / "reference"
    done = subprocess.run(mtjob_cmd("run", inbox, "--out", reference, *job_args),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    expected = snapshot(reference)
    assert len(expected) == 40

    # Each point: after K articles are written (0..19, seeded) plus a random delay, so the
    # kills land in start-up, mid-group, between the two files of an article and near the end.
    rng = random.Random(20261129)
    # Articles are written in groups of 4: waiting for more than 12 would often let the run
    # finish before the kill.
    points = [(k, rng.uniform(0.0, 0.4)) for k in sorted(rng.sample(range(13), 10))]
    redone: list[tuple[int, float, int, int]] = []
    for number, (after, delay) in enumerate(points):
        out = tmp_path / f"killed-{number}"
        proc = start("run", inbox, "--out", out, *job_args)
        deadline = time.monotonic() + 120
        while (len(list(out.glob("*.abstract.json"))) < after and proc.poll() is None
               and time.monotonic() < deadline):
            time.sleep(0.02)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        if out.exists():
            assert_final_files_complete(out)
        finished_before = len(list(out.glob("*.abstract.json"))) if out.exists() else 0
        rerun = subprocess.run(mtjob_cmd("run", inbox, "--out", out, *job_args),
                               capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        assert snapshot(out) == expected, f"kill after {after} articles + {delay:.2f}s"
        assert verify(out) == []
        assert not list(out.glob(f".*{TMP_MARK}*"))
        redone.append((after, round(delay, 2), finished_before, 20 - finished_before))
    print("kill points (after K written, delay s, finished at kill, redone by rerun):", redone)
    assert len({before for _, _, before, _ in redone}) >= 4  # the points hit different stages
    assert sum(before < 20 for _, _, before, _ in redone) >= 8  # and really interrupted it


@pytest.mark.slow
def test_cron_script_runs_logs_and_treats_a_held_lock_as_busy(tmp_path, job_args):
    from mtjob.outfolder.lock import OutputLock

    from .conftest import REPO

    home = tmp_path / "home"
    (home / "venv" / "bin").mkdir(parents=True)
    shim = home / "venv" / "bin" / "mtjob"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mtjob "$@"\n')
    shim.chmod(0o755)
    make_inbox(home / "inbox", 2)
    env = {**os.environ, "MTJOB_HOME": str(home),
           "MTJOB_CONFIG": str(REPO / "configs" / "default.toml")}
    script = REPO / "scripts" / "cron" / "mtjob-nightly.sh"
    first = subprocess.run(["bash", str(script), *job_args], env=env, capture_output=True)
    assert first.returncode == 0
    log = next((home / "logs").glob("mtjob-*.log")).read_text()
    assert "done" in log and len(list((home / "outputs").glob("*.jsonl"))) == 2
    with OutputLock(home / "outputs" / "_mtjob" / "lock-00000-of-00001"):
        busy = subprocess.run(["bash", str(script), *job_args], env=env, capture_output=True)
    assert busy.returncode == 0
    assert "another run holds the lock; skipped" in next((home / "logs").glob("*.log")).read_text()
