"""Sharding: --shard I/N, Slurm array variables, stable name-hash assignment."""

from __future__ import annotations

import pytest

from mtjob.errors import ConfigError
from mtjob.outfolder.paths import shard_of
from mtjob.runs.sharding import parse_shard, shard_from_env
from tests.helpers import cli


@pytest.mark.parametrize("text, expected", [
    ("0/1", (0, 1)), ("0/4", (0, 4)), ("3/4", (3, 4)), ("99/100", (99, 100)),
])
def test_parse_shard_good(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", [
    "4/4", "5/4", "-1/4", "0/0", "1/0", "0/-2", "1", "1/2/3", "a/b", "", "/", "1/", "/4",
    "1.0/4", "١/٤x",
])
def test_parse_shard_bad(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_shard(text)


@pytest.mark.parametrize("env, expected", [
    ({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4"}, (0, 4)),
    ({"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"}, (3, 4)),
    ({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"},
     (0, 4)),
    ({"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"},
     (0, 4)),                                                  # --array=1-4
    ({"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"},
     (3, 4)),
    ({"SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "10"},
     (2, 3)),
])
def test_shard_from_env(env: dict[str, str], expected: tuple[int, int]) -> None:
    assert shard_from_env(env) == expected


@pytest.mark.parametrize("env", [
    {},
    {"SLURM_JOB_ID": "123", "SLURM_ARRAY_TASK_MIN": "1"},
])
def test_shard_from_env_outside_array(env: dict[str, str]) -> None:
    assert shard_from_env(env) is None


@pytest.mark.parametrize("env", [
    {"SLURM_ARRAY_TASK_ID": "1"},  # without a count every task would do every article
    {"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"},
    {"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"},
    {"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"},
    {"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "0"},
    {"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"},
    {"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": ""},
])
def test_shard_from_env_bad(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        shard_from_env(env)


def test_shard_from_env_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    assert shard_from_env() is None  # conftest clears the Slurm variables
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "2")
    monkeypatch.setenv("SLURM_ARRAY_TASK_COUNT", "3")
    monkeypatch.setenv("SLURM_ARRAY_TASK_MIN", "1")
    assert shard_from_env() == (1, 3)


def _names(count: int) -> list[str]:
    return [f"مقال-{i:04d}" if i % 2 else f"article {i}" for i in range(count)]


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("world", [1, 2, 3, 4, 5])
def test_shard_of_partitions_and_is_stable(count: int, world: int) -> None:
    names = _names(count)
    owners = {name: shard_of(name, world) for name in names}
    assert all(0 <= shard < world for shard in owners.values())
    shards = [[n for n in names if shard_of(n, world) == rank] for rank in range(world)]
    assert sorted(n for shard in shards for n in shard) == sorted(names)  # exactly once
    # Adding (or removing) other articles never moves an existing one.
    more = names + [f"جديد-{i}" for i in range(count)]
    assert {name: shard_of(name, world) for name in more if name in owners} == owners


@pytest.mark.parametrize("world", [2, 3, 4, 5])
def test_shard_of_spreads_1000_names(world: int) -> None:
    sizes = [0] * world
    for name in _names(1000):
        sizes[shard_of(name, world)] += 1
    assert min(sizes) > 1000 / world * 0.7  # every shard gets a fair share


def test_shard_of_uses_a_stable_hash() -> None:
    # Python's hash() is salted per process; array tasks must agree, so pin the digest.
    import hashlib

    for name, world in (("article", 7), ("مقال الأحد", 4), ("", 3)):
        expected = int.from_bytes(hashlib.sha1(name.encode()).digest()[:8], "big") % world
        assert shard_of(name, world) == expected


@pytest.mark.parametrize("args, env", [
    (["--shard", "0/100000"], {}), (["--shard", "5/99999999999999999999"], {}),
    ([], {"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "99999999999999999999"}),
    ([], {"SLURM_ARRAY_TASK_COUNT": "4"}),
])
def test_shard_counts_are_bounded(tmp_path, inbox, monkeypatch, args, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = cli("run", inbox, "--out", tmp_path / "o", *args, "--mt-model", "x")
    assert result.exit_code == 2, result.output
    assert "at most 99999 shards" in result.output or "pass --shard" in result.output


@pytest.mark.parametrize("text", ["0/1_0", "1_0/20", " 0/2", "0/2 ", "+0/2", "٠/٢", "0/２"])
def test_a_shard_is_ascii_digits(text):
    """``int()`` read ``0/1_0`` as shard 0 of 10, and Arabic-Indic or full-width digits."""
    from mtjob.errors import ConfigError
    from mtjob.runs.sharding import parse_shard

    with pytest.raises(ConfigError, match="I/N"):
        parse_shard(text)


@pytest.mark.parametrize("task, count", [("1_0", "20"), ("0", "1_0"), (" 1", "2"), ("١", "٢")])
def test_slurm_array_numbers_are_ascii_digits(task, count):
    from mtjob.errors import ConfigError
    from mtjob.runs.sharding import shard_from_env

    with pytest.raises(ConfigError, match="not integers"):
        shard_from_env({"SLURM_ARRAY_TASK_ID": task, "SLURM_ARRAY_TASK_COUNT": count})
