"""The Ray engine on a two-node Ray cluster on this machine (``ray.cluster_utils.Cluster``,
as Ray's own tests do): actors on both nodes, local-engine bytes, a killed actor loses
nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mtjob.outfolder.verify import verify

from ..conftest import SAMPLE
from ..test_process import make_inbox, mtjob_cmd

pytest.importorskip("ray")

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def cluster_address() -> Iterator[str]:
    """A head node and a second node, one CPU each; only these processes are stopped at the
    end (``ray stop`` would stop every Ray instance on the machine)."""
    from ray.cluster_utils import Cluster

    # Short: Ray's socket paths under it must stay within the 107-byte limit.
    temp = tempfile.mkdtemp(prefix="mtray-", dir="/tmp")
    with pytest.MonkeyPatch.context() as env:
        # Ray writes its current-cluster address file under RAY_TMPDIR: keep it out of /tmp/ray.
        env.setenv("RAY_TMPDIR", temp)
        env.setenv("RAY_USAGE_STATS_ENABLED", "0")
        cluster = Cluster()
        try:
            cluster.add_node(num_cpus=1, resources={"node_a": 4}, include_dashboard=False)
            cluster.add_node(num_cpus=1, resources={"node_b": 4})
            cluster.wait_for_nodes()
            yield cluster.address
        finally:
            cluster.shutdown()
            shutil.rmtree(temp, ignore_errors=True)


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted([*out.glob("*.jsonl"),
                                                    *out.glob("*.abstract.json")])}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "RAY_AUTH_MODE": "disabled"}


@pytest.mark.slow
def test_actors_on_both_nodes_write_local_engine_bytes(tmp_path, tiny_args, cluster_address):
    inbox = make_inbox(tmp_path / "inbox", 5)
    shutil.copy(SAMPLE, inbox / "sample.txt")
    args = [a for a in tiny_args if a != "--quiet"] + ["--threads", "1", "--group-articles", "3"]
    local, ray_out = tmp_path / "local", tmp_path / "ray"
    first = subprocess.run(mtjob_cmd("run", inbox, "--out", local, *args),
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(mtjob_cmd("run", inbox, "--out", ray_out, *args, "--engine", "ray",
                                      "--address", cluster_address, "--workers", "2"),
                            capture_output=True, text=True, env=_env())
    assert second.returncode == 0, second.stderr
    assert "ray engine: 2 actor(s) on 2 node(s)" in second.stderr, second.stderr
    expected = _outputs(local)
    assert len(expected) == 12
    assert _outputs(ray_out) == expected
    assert verify(ray_out) == []


@pytest.mark.slow
def test_killed_actor_loses_no_batch(tmp_path, tiny_models, cluster_address):
    import ray

    from mtjob.config import JobConfig
    from mtjob.engines.ray import RayEngine, RayModels
    from mtjob.job import run_shard

    inbox = make_inbox(tmp_path / "inbox", 6)
    # Small batches in one group: many batches in flight when the actor dies.
    config = JobConfig(mt_model=str(tiny_models["mt"]), sum_model=str(tiny_models["sum"]),
                       beams=1, sum_beams=1, sum_min_length=5, sum_max_length=30, threads=1,
                       batch_tokens=96, min_batch_tokens=32, group_articles=16)
    engines: list[RayEngine] = []
    killed: list[int] = []

    class Recorded(RayModels):
        def engine(self, cfg: JobConfig) -> Any:  # a RayEngine, where LocalModels has Local
            engines.append(RayEngine(cfg, cluster_address, workers=2, gpus_per_worker=0.0))
            return engines[-1]

    class KillFirstActor:
        def begin(self, stage: str, total: int, unit: str) -> None:
            pass

        def __call__(self, steps: int) -> None:
            # Right after the first batch result: both actors hold a batch in flight.
            if not killed:
                _, pid = engines[0].placement[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    try:
        report = run_shard(config, [inbox], tmp_path / "ray", models=Recorded(),
                           progress=KillFirstActor())
        assert len({node for node, _ in engines[0].placement}) == 2
    finally:
        ray.shutdown()
    assert killed and not report.failed
    assert len(report.done) == 6
    assert verify(tmp_path / "ray") == []
    local = run_shard(config, [inbox], tmp_path / "local")
    assert len(local.done) == 6
    assert _outputs(tmp_path / "ray") == _outputs(tmp_path / "local")
