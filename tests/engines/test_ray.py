"""The Ray engine on a local Ray instance (2 CPU actors): same bytes as the local engine."""

from __future__ import annotations

import shutil

import pytest

from mtjob.choices import EngineKind
from mtjob.outfolder.verify import verify

from ..conftest import SAMPLE
from ..test_process import make_inbox, mtjob_cmd

pytest.importorskip("ray")

pytestmark = pytest.mark.ray


@pytest.mark.slow
def test_ray_outputs_equal_local_outputs_byte_for_byte(tmp_path, tiny_args):
    import subprocess

    inbox = make_inbox(tmp_path / "inbox", 5)
    shutil.copy(SAMPLE, inbox / "sample.txt")
    args = [*tiny_args, "--threads", "1", "--group-articles", "3"]
    local, ray_out = tmp_path / "local", tmp_path / "ray"
    first = subprocess.run(mtjob_cmd("run", inbox, "--out", local, *args),
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(mtjob_cmd("run", inbox, "--out", ray_out, *args, "--engine", "ray",
                                      "--workers", "2"),
                            capture_output=True, text=True, env=_env())
    assert second.returncode == 0, second.stderr
    names = sorted(p.name for p in local.glob("*.json*"))
    assert len(names) == 12
    assert names == sorted(p.name for p in ray_out.glob("*.json*"))
    for name in names:
        assert (local / name).read_bytes() == (ray_out / name).read_bytes(), name
    assert verify(ray_out) == []
    # A rerun over the finished folder neither starts Ray nor loads a model.
    loud = [a for a in args if a != "--quiet"]
    again = subprocess.run(mtjob_cmd("run", inbox, "--out", ray_out, *loud, "--engine", "ray"),
                           capture_output=True, text=True, env=_env())
    assert again.returncode == 0, again.stderr
    assert "0 done, 6 unchanged" in again.stderr and "ray engine" not in again.stderr


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONUNBUFFERED": "1", "RAY_AUTH_MODE": "disabled"}


def test_missing_model_fails_before_ray_starts(tmp_path, tiny_models):
    import ray

    from mtjob.config import JobConfig
    from mtjob.engines.ray import RayEngine
    from mtjob.errors import MtjobError

    config = JobConfig(mt_model=str(tiny_models["mt"]), sum_model=str(tmp_path / "missing"))
    with pytest.raises(MtjobError, match="missing"):
        RayEngine(config, address=None, workers=1, gpus_per_worker=0.0)
    assert not ray.is_initialized()


def test_ray_pool_the_cluster_cannot_place_is_refused():
    from mtjob.engines.ray import check_resources
    from mtjob.errors import ConfigError

    check_resources({"CPU": 2.0}, 2, 0.0)
    with pytest.raises(ConfigError, match="needs 2 GPU"):
        check_resources({"CPU": 16.0}, 2, 1.0)
    with pytest.raises(ConfigError, match="needs 3 CPU"):
        check_resources({"CPU": 2.0, "GPU": 8.0}, 3, 1.0)


@pytest.mark.slow
def test_gpus_on_a_cpu_only_host_fail_in_one_line(tmp_path, sample_inbox, tiny_args):
    import subprocess

    done = subprocess.run(mtjob_cmd("run", sample_inbox, "--out", tmp_path / "out", *tiny_args,
                                    "--engine", "ray", "--gpus-per-worker", "1"),
                          capture_output=True, text=True, env=_env(), timeout=180)
    assert done.returncode == 2, done.stderr
    assert "GPU(s); the Ray cluster has 0" in done.stderr


def test_an_unreachable_ray_address_fails_in_one_line(tmp_path, sample_inbox, tiny_args):
    import subprocess

    done = subprocess.run(mtjob_cmd("run", sample_inbox, "--out", tmp_path / "out", *tiny_args,
                                    "--engine", "ray", "--address", "127.0.0.1:1"),
                          capture_output=True, text=True, env=_env(), timeout=180)
    assert done.returncode == 2, done.stderr
    assert "cannot start or reach the Ray cluster at 127.0.0.1:1" in done.stderr
    assert "Traceback" not in done.stderr


def test_token_counting_under_ray_loads_no_weights_and_starts_no_ray(tiny_models, monkeypatch):
    import ray
    from transformers import AutoModelForSeq2SeqLM

    from mtjob.config import JobConfig
    from mtjob.engines.ray import RayModels

    def no_weights(*args, **kwargs):
        raise AssertionError("weights loaded")

    monkeypatch.setattr(AutoModelForSeq2SeqLM, "from_pretrained", no_weights)
    config = JobConfig(mt_model=str(tiny_models["mt"]), sum_model=str(tiny_models["sum"]),
                       engine=EngineKind.RAY)
    models = RayModels()
    models.check(config)
    tokenizer = models.tokenizer(config)
    assert tokenizer.count_tokens(["قال المتحدث"])[0] > 1 and tokenizer.model_max_tokens > 0
    assert not ray.is_initialized()
