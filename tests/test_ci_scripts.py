"""The CI scripts: pinned-set drift is named, the unpinned check says what moved, and the
test command gates on lint and types."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / "ci" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_check_pins_names_a_drifted_or_missing_package(tmp_path: Path):
    check = _load("check_pins")
    pins = tmp_path / "constraints.txt"
    pins.write_text("# header\ntransformers==5.25.0\ntorch==2.13.0\nray==2.60.0\n"
                    "tomli==2.0.1 ; python_version < '3.0'\n")
    have = {"transformers": "5.24.0", "torch": "2.13.0+cpu"}
    assert check.drift(pins, have) == [
        "transformers: pinned ==5.25.0, installed 5.24.0", "ray: pinned ==2.60.0, not installed"]


def test_the_repository_pins_are_installed_here():
    """The suite itself runs on the pinned set (scripts/test.sh installs it)."""
    check = _load("check_pins")
    assert check.drift(check.CONSTRAINTS, check.installed()) == []


def test_compare_runs_lists_moved_packages_and_changed_tests(tmp_path: Path):
    compare = _load("compare_runs")
    (tmp_path / "old.txt").write_text("transformers==5.24.0\ntorch==2.13.0\n")
    (tmp_path / "new.txt").write_text("transformers==5.25.0\ntorch==2.13.0+cpu\nnew-dep==1\n")
    assert compare.moved(compare.pins(tmp_path / "old.txt"), compare.pins(tmp_path / "new.txt")) \
        == ["  new-dep: - -> 1", "  transformers: 5.24.0 -> 5.25.0"]
    case = '<testcase classname="tests.test_golden" name="test_a">{}</testcase>'
    (tmp_path / "a.xml").write_text(f"<testsuite>{case.format('')}</testsuite>")
    failed = case.format('<failure message="x"/>')
    (tmp_path / "b.xml").write_text(f"<testsuite>{failed}</testsuite>")
    old, new = compare.outcomes(tmp_path / "a.xml"), compare.outcomes(tmp_path / "b.xml")
    assert compare.moved(old, new) == ["  tests.test_golden::test_a: passed -> failed"]


def test_the_test_command_gates_on_lint_and_types_before_the_suite():
    script = (REPO / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert script.index("scripts/ci/lint.sh") < script.index("-m pytest") and \
        "--durations=20" in script
    assert "lint" in (REPO / "scripts" / "ci" / "extras.txt").read_text().strip().split(",")


@pytest.mark.parametrize("module, tool, package", [
    ("import os\n", "ruff", "mtjob"),  # F401, unused import
    ("def half(n: int) -> int:\n    return n / 2\n", "mypy", "mtjob"),  # a float as int
    ("def half(n: int) -> int:\n    return n / 2\n", "mypy", "scripts"),  # a script too
])
def test_the_gate_fails_on_a_finding(tmp_path: Path, module: str, tool: str, package: str):
    """scripts/ci/lint.sh over a tree with this project's configuration and one finding."""
    (tmp_path / "scripts" / "ci").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "ci" / "lint.sh", tmp_path / "scripts" / "ci")
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    for name in ("mtjob", "tests", "scripts"):
        (tmp_path / name).mkdir(exist_ok=True)
        (tmp_path / name / "__init__.py").write_text('"""A package."""\n')
    clean = subprocess.run(["bash", "scripts/ci/lint.sh"], cwd=tmp_path, capture_output=True,
                           text=True, env={**os.environ, "PYTHON": sys.executable},
                           check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (tmp_path / package / "bad.py").write_text('"""A finding."""\n\n' + module)
    done = subprocess.run(["bash", "scripts/ci/lint.sh"], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PYTHON": sys.executable},
                          check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert ("F401" if tool == "ruff" else "[return-value]") in done.stdout
