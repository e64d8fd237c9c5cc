"""The sbatch template on a live one-machine Slurm cluster (scripts/slurm/cluster.sh): a real
three-task array on tiny models, one task cancelled mid-run and requeued."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtjob.outfolder.paths import shard_of

from .conftest import REPO, SAMPLE

pytestmark = pytest.mark.slurm

CLUSTER = REPO / "scripts" / "slurm" / "cluster.sh"
TEMPLATE = REPO / "scripts" / "slurm" / "mtjob-array.sbatch"
STATE = Path(os.environ.get("MTJOB_SLURM_DIR", "/tmp/mtjob-slurm"))
TASKS = 3
SLOW_ARTICLES = 8  # shard 0: big articles, so it is still running when cancelled


@pytest.fixture(scope="session")
def slurm_conf() -> Iterator[Path]:
    """SLURM_CONF of a running cluster: the one CI started, or one started here (and stopped
    at the end of the session)."""
    install = "bash scripts/ci/cluster.sh installs and starts it"
    if missing := [c for c in ("sbatch", "squeue", "scontrol") if shutil.which(c) is None]:
        pytest.skip(f"Slurm not installed ({', '.join(missing)} missing): {install}")
    status = subprocess.run(["bash", CLUSTER, "status"], capture_output=True, text=True)
    started = False
    if status.returncode != 0:
        if os.geteuid() != 0 or shutil.which("slurmctld") is None:
            pytest.skip(f"the Slurm test cluster is down; starting it needs root: {install}")
        up = subprocess.run(["bash", CLUSTER, "up"], capture_output=True, text=True, timeout=60)
        assert up.returncode == 0, f"cluster.sh up failed:\n{up.stdout}{up.stderr}"
        started = True
    yield STATE / "slurm.conf"
    if started:
        subprocess.run(["bash", CLUSTER, "down"], capture_output=True, timeout=60)


def _names(shard: int, count: int) -> list[str]:
    """``count`` article names that ``shard_of`` gives to ``shard``."""
    names = (f"news-{i:03d}" for i in range(1000))
    return [n for n in names if shard_of(n, TASKS) == shard][:count]


def make_sharded_inbox(folder: Path) -> dict[int, list[str]]:
    """Two small articles for shards 1 and 2; shard 0 gets big ones (the sample three times)."""
    paragraphs = [p.strip() for p in SAMPLE.read_text(encoding="utf-8").split("&") if p.strip()]
    folder.mkdir()
    owners = {0: _names(0, SLOW_ARTICLES), 1: _names(1, 2), 2: _names(2, 2)}
    for shard, names in owners.items():
        for i, name in enumerate(names):
            chosen = paragraphs * 3 if shard == 0 else paragraphs[i * 3:i * 3 + 4]
            text = "\n&\n".join([f"المقال رقم {i}", *chosen])
            (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    return owners


def _slurm(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}"
    return result.stdout


def _job_state(task: str, env: dict[str, str]) -> str:
    shown = _slurm("scontrol", "show", "job", "-o", task, env=env)
    return re.search(r"JobState=(\S+)", shown).group(1)


def _log(logs: Path, job: str, rank: int) -> str:
    path = logs / f"{job}_{rank}.out"
    return path.read_text() if path.exists() else f"(no log {path})"


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(0.1)


@pytest.mark.slow
def test_array_with_a_cancelled_and_requeued_task(tmp_path, tiny_args, slurm_conf):
    inbox, out, logs = tmp_path / "inbox", tmp_path / "out", tmp_path / "logs"
    owners = make_sharded_inbox(inbox)
    logs.mkdir()
    loud = [a for a in tiny_args if a != "--quiet"]  # the summary line is logged at INFO
    env = {**os.environ, "SLURM_CONF": str(slurm_conf), "PYTHONPATH": str(REPO),
           "PYTHONUNBUFFERED": "1", "MTJOB_VENV": "", "MTJOB": f"{sys.executable} -m mtjob",
           "MTJOB_CONFIG": str(REPO / "configs" / "default.toml"), "MTJOB_DEVICE": "cpu",
           "MTJOB_ARGS": " ".join([*loud, "--threads", "1", "--group-articles", "1"])}
    job = _slurm("sbatch", "--parsable", f"--array=0-{TASKS - 1}", "--gres=none", "-c", "1",
                 "--mem=1G", f"--output={logs}/%A_%a.out", str(TEMPLATE), str(inbox), str(out),
                 env=env).strip()
    slow = f"{job}_0"

    # Cancel shard 0 once it has written its first article, then requeue it.
    def first_done() -> bool:
        state = _job_state(slow, env)
        assert state in ("PENDING", "RUNNING"), f"task 0 is {state}: {_log(logs, job, 0)}"
        return any((out / f"{n}.abstract.json").exists() for n in owners[0])

    _wait(first_done, 60, "task 0's first article")
    _slurm("scancel", slow, env=env)
    _wait(lambda: _job_state(slow, env) not in ("RUNNING", "COMPLETING"), 30, "the cancel")
    assert _job_state(slow, env) == "CANCELLED"
    written = sum((out / f"{n}.abstract.json").exists() for n in owners[0])
    assert written < SLOW_ARTICLES, "task 0 finished before the cancel: give it more work"
    _slurm("scontrol", "requeue", slow, env=env)
    # Slurm holds a requeued job for two minutes (BeginTime); a test cannot wait that long.
    _slurm("scontrol", "update", f"JobId={slow}", "StartTime=now", env=env)
    # Right after the requeue the task can be missing from squeue for a moment: an empty
    # queue then is no proof that the array ended (seen once in CI). Wait for the restart.
    _wait(lambda: "restart 1" in _log(logs, job, 0), 90, "the requeued task to start")
    _wait(lambda: not _slurm("squeue", "-h", "-j", job, env=env).strip(), 90, "the array")

    logs_text = {r: _log(logs, job, r) for r in range(TASKS)}
    assert "restart 1" in logs_text[0], logs_text[0]
    seen: list[str] = []
    for rank in range(TASKS):
        tag = f"{rank:05d}-of-{TASKS:05d}"
        summary = re.findall(r"articles: (\d+) done, (\d+) unchanged, (\d+) failed, "
                             r"0 not_an_article",
                             logs_text[rank])
        assert summary, logs_text[rank]
        done, unchanged, failed = map(int, summary[-1])
        assert (done + unchanged, failed) == (len(owners[rank]), 0), logs_text[rank]
        if rank == 0:  # the rerun skipped what the cancelled run had finished
            assert unchanged >= 1 and done >= 1, logs_text[rank]
        assert (out / "_mtjob" / "completions" / tag).exists()
        manifest = json.loads((out / "_mtjob" / f"manifest-{tag}.json").read_text())
        assert sorted(manifest["articles"]) == sorted(owners[rank])
        assert {e["status"] for e in manifest["articles"].values()} == {"done"}
        seen.extend(manifest["articles"])
    assert sorted(seen) == sorted(p.stem for p in inbox.iterdir())  # each article once
    assert len(list((out / "_mtjob" / "completions").iterdir())) == TASKS
    verify = subprocess.run([sys.executable, "-m", "mtjob", "verify", str(out)],
                            capture_output=True, text=True, env=env)
    assert verify.returncode == 0, verify.stderr
