"""The test session's cache guard (``mtjob.testing.cache_guard``, wired in
``tests/conftest.py``): a write of a test, or of a process a test started, into the user's
cache fails the run naming the test; a write by a process outside the session never does.

Each case runs pytest in a subprocess on a scratch test file, with ``tests/conftest.py`` as a
plugin and a fake home whose ``.cache/mtjob`` plays the user's cache."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mtjob.testing import cache_guard

REPO = Path(__file__).resolve().parents[2]


def scratch_session(tmp_path: Path, body: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run pytest on a scratch test file whose ``CACHE`` is the fake user's cache."""
    home = tmp_path / "user"
    cache = home / ".cache" / "mtjob"
    cache.mkdir(parents=True)
    (cache / "fingerprints.json").write_text("{}")  # the user's cache is in use
    tests = tmp_path / "scratch"
    tests.mkdir()
    (tests / "test_scratch.py").write_text(
        "import os, subprocess, sys, time\nfrom pathlib import Path\n\n"
        f"CACHE = Path({str(cache)!r})\nSIGNALS = Path({str(tmp_path)!r})\n\n"
        + textwrap.dedent(body))
    env = {k: v for k, v in os.environ.items()
           if k not in ("MTJOB_CACHE", "HF_HOME", "HF_HUB_CACHE", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
         "--rootdir", str(tests), str(tests)],
        check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    return result, cache


def test_a_write_by_a_test_fails_the_run_naming_the_test(tmp_path: Path) -> None:
    result, cache = scratch_session(tmp_path, """
        def test_converts_into_the_user_cache():
            try:
                (CACHE / "ct2").mkdir()
            except PermissionError:
                pass  # refused: the guard, not this error, must fail the run

        def test_writes_a_file_there():
            try:
                (CACHE / "fingerprints.json").write_text("[]")
            except PermissionError:
                pass

        def test_keeps_to_itself(tmp_path):
            (tmp_path / "x").write_text("fine")
        """)
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, output
    for name, path in (("test_converts_into_the_user_cache", cache / "ct2"),
                       ("test_writes_a_file_there", cache / "fingerprints.json")):
        assert f"test_scratch.py::{name}: " in output and str(path) in output, output
    assert "test_keeps_to_itself:" not in output
    assert not (cache / "ct2").exists()  # refused, not only reported
    assert (cache / "fingerprints.json").read_text() == "{}"


def test_a_write_by_a_child_process_names_the_test_that_started_it(tmp_path: Path) -> None:
    result, cache = scratch_session(tmp_path, """
        def test_runs_mtjob_in_a_child():
            code = ("import mtjob, pathlib; "
                    f"pathlib.Path({str(CACHE / 'hub')!r}).mkdir()")
            subprocess.run([sys.executable, "-c", code])
        """)
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert f"test_scratch.py::test_runs_mtjob_in_a_child: os.mkdir {cache / 'hub'}" in output
    assert not (cache / "hub").exists()


def test_a_write_by_another_process_meanwhile_is_not_blamed(tmp_path: Path) -> None:
    """A nightly mtjob converting a model into the user's cache while the tests run."""
    go, done = tmp_path / "go", tmp_path / "done"
    home_cache = tmp_path / "user" / ".cache" / "mtjob"
    writer = textwrap.dedent(f"""
        import pathlib, time
        go, done = pathlib.Path({str(go)!r}), pathlib.Path({str(done)!r})
        while not go.exists():
            time.sleep(0.05)
        ct2 = pathlib.Path({str(home_cache)!r}) / "ct2" / "opus-mt-ar-en-int8"
        ct2.mkdir(parents=True)
        (ct2 / "model.bin").write_bytes(b"weights")
        done.write_text("written")
        """)
    outside = {k: v for k, v in os.environ.items() if k != cache_guard.ENV}
    nightly = subprocess.Popen([sys.executable, "-c", writer], env=outside)
    try:
        result, _ = scratch_session(tmp_path, """
            def test_while_another_run_converts_a_model():
                (SIGNALS / "go").write_text("go")
                deadline = time.monotonic() + 60
                while not (SIGNALS / "done").exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert (CACHE / "ct2" / "opus-mt-ar-en-int8" / "model.bin").exists()
            """)
    finally:
        nightly.wait(timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "user's caches" not in output


def test_user_caches_follow_the_variables_the_code_reads(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "h"), "XDG_CACHE_HOME": str(tmp_path / "x"),
           "MTJOB_CACHE": str(tmp_path / "m"), "HF_HUB_CACHE": str(tmp_path / "hub")}
    assert set(cache_guard.user_caches(env)) == {
        tmp_path / "m", tmp_path / "hub", tmp_path / "x" / "mtjob",
        tmp_path / "x" / "huggingface", tmp_path / "h" / ".cache" / "mtjob",
        tmp_path / "h" / ".cache" / "huggingface"}
