"""Output folder locks: one shard count per folder at a time, ranks of one count together,
no symlinked bookkeeping, and stale temp files removed under the lock."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.errors import LockHeldError, ShardCountError, UnsafeOutputError
from mtjob.outfolder import atomic as writer
from mtjob.outfolder.lock import OutputLock, ShardLock

CTX = multiprocessing.get_context("fork")


def _hold(out: Path, rank: int, world: int, ready, release) -> None:
    with ShardLock(out, rank, world):
        ready.set()
        release.wait(30)


@pytest.fixture
def holder():
    """Start a process that holds ``ShardLock(out, rank, world)`` until the test ends."""
    procs = []

    def start(out: Path, rank: int, world: int) -> None:
        ready, release = CTX.Event(), CTX.Event()
        proc = CTX.Process(target=_hold, args=(out, rank, world, ready, release))
        proc.start()
        assert ready.wait(20), "the holder never took its lock"
        procs.append((proc, release))

    yield start
    for proc, release in procs:
        release.set()
        proc.join(20)


def test_another_shard_count_is_refused_while_one_runs(tmp_path: Path, holder) -> None:
    holder(tmp_path, 0, 2)
    with pytest.raises(ShardCountError) as info:
        ShardLock(tmp_path, 0, 1).acquire()
    message = str(info.value)
    assert "another run with --shard ?/2 is active" in message and str(tmp_path) in message
    assert "one shard count at a time" in message and info.value.exit_code == 75
    assert not (tmp_path / "_mtjob" / "lock-00000-of-00001").exists()  # refused before it
    with ShardLock(tmp_path, 1, 2):  # same count, other rank: runs together
        pass


def test_same_rank_twice_is_still_refused(tmp_path: Path, holder) -> None:
    holder(tmp_path, 1, 2)
    with pytest.raises(LockHeldError, match="lock-00001-of-00002"):
        ShardLock(tmp_path, 1, 2).acquire()


def test_a_finished_other_count_does_not_block(tmp_path: Path, holder) -> None:
    with ShardLock(tmp_path, 0, 2):
        pass
    with ShardLock(tmp_path, 0, 1):
        pass
    # the old count's lock files are gone: verify must not read them as shards that began
    # (nor this run's own: it wrote no manifest, so it leaves no trace, issue 20)
    assert sorted(p.name for p in (tmp_path / "_mtjob").glob("*lock*")) == [
        "world-1.lock", "world.lock"]


def test_wait_covers_the_shard_count_check(tmp_path: Path) -> None:
    ready, release = CTX.Event(), CTX.Event()
    proc = CTX.Process(target=_hold, args=(tmp_path, 0, 2, ready, release))
    proc.start()
    assert ready.wait(20)
    started = time.monotonic()
    def release_soon() -> None:
        time.sleep(0.5)
        release.set()

    CTX.Process(target=release_soon).start()
    with ShardLock(tmp_path, 0, 1, wait_seconds=20):
        assert time.monotonic() - started >= 0.4
    proc.join(20)


def _race(out: Path, world: int, rank: int, start, results) -> None:
    start.wait(20)
    try:
        with ShardLock(out, rank, world):
            results.put((world, rank))
            time.sleep(1.0)
    except LockHeldError:
        pass


def test_runs_started_at_once_agree_on_one_shard_count(tmp_path: Path) -> None:
    start, results = CTX.Event(), CTX.Queue()
    procs = [CTX.Process(target=_race, args=(tmp_path, world, rank, start, results))
             for world, rank in [(1, 0), (2, 0), (2, 1), (3, 2)]]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(30)
    won = []
    while not results.empty():
        won.append(results.get())
    assert won and len({world for world, _ in won}) == 1


def test_symlinked_bookkeeping_folder_is_refused(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "_mtjob").symlink_to(elsewhere)
    with pytest.raises(UnsafeOutputError, match="_mtjob: is a symlink"):
        ShardLock(out, 0, 1).acquire()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("name", ["lock-00000-of-00001", "world-1.lock", "world.lock"])
def test_lock_file_that_is_a_symlink_is_refused(tmp_path: Path, name: str) -> None:
    meta = tmp_path / "_mtjob"
    meta.mkdir()
    (meta / name).symlink_to(tmp_path / "target")
    with pytest.raises(UnsafeOutputError, match="is a symlink"):
        ShardLock(tmp_path, 0, 1).acquire()
    assert not (tmp_path / "target").exists()


def test_output_lock_does_not_create_a_symlink_target(tmp_path: Path) -> None:
    (tmp_path / "lock").symlink_to(tmp_path / "target")
    with pytest.raises(UnsafeOutputError):
        OutputLock(tmp_path / "lock").acquire()
    assert not (tmp_path / "target").exists()


def _plant_temps(meta: Path) -> list[Path]:
    (meta / "completions").mkdir(parents=True, exist_ok=True)
    temps = [writer.tmp_name(meta / "manifest-00000-of-00002.json"),
             writer.tmp_name(meta / "completions" / "00000-of-00002"),
             writer.tmp_name(meta / "config.json")]
    for temp in temps:
        temp.write_bytes(b"partial")
    return temps


def test_stale_bookkeeping_temps_are_removed_under_the_lock(tmp_path: Path) -> None:
    temps = _plant_temps(tmp_path / "_mtjob")
    with ShardLock(tmp_path, 0, 2) as lock:
        assert lock.removed_tmp == 3
    assert not any(t.exists() for t in temps)


def test_shared_temps_stay_while_another_rank_runs(tmp_path: Path, holder) -> None:
    holder(tmp_path, 1, 2)  # might be writing config.json right now
    own_manifest, own_marker, shared = _plant_temps(tmp_path / "_mtjob")
    with ShardLock(tmp_path, 0, 2) as lock:
        assert lock.removed_tmp == 2
    assert shared.exists() and not own_manifest.exists() and not own_marker.exists()


def test_a_refused_run_leaves_the_other_counts_rank_locks_alone(tmp_path: Path) -> None:
    """A run of another count that has joined its world (``world-2.lock`` shared) but not
    yet locked its rank file must find that file where it was: had the refused run unlinked
    it on the way, two runs of that rank could each lock a file of the same name."""
    import fcntl
    import os

    from mtjob.outfolder.lock import open_lock_file

    meta = tmp_path / "_mtjob"
    meta.mkdir()
    rank_lock = meta / "lock-00000-of-00002"
    rank_lock.touch()
    joined = open_lock_file(meta / "world-2.lock")
    fcntl.flock(joined, fcntl.LOCK_SH)
    try:
        with pytest.raises(ShardCountError):
            ShardLock(tmp_path, 0, 1).acquire()
        assert rank_lock.exists()
    finally:
        os.close(joined)


def test_a_run_that_stops_before_its_manifest_leaves_no_lock(tmp_path, sample_inbox,
                                                            tiny_args):
    out = tmp_path / "out"
    args = ["run", str(sample_inbox), "--out", str(out), *tiny_args]
    result = CliRunner().invoke(app, [*args, "--mt-model", str(tmp_path / "absent")])
    assert result.exit_code == 2, result.output
    assert not out.exists()  # no folder, so no lock file (nor a run record) left behind
    result = CliRunner().invoke(app, ["verify", str(out)])
    assert "interrupted" not in result.output and "not a folder" in result.output
    assert CliRunner().invoke(app, args).exit_code == 0  # the next run locks as usual
    assert (out / "_mtjob" / "lock-00000-of-00001").exists()  # it wrote a manifest
