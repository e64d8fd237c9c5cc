"""``--calibrate PROFILE`` (issue 29, items 18 and 19): a FIFO is refused, never waited on;
the copy checked before the profile is replaced is a new file, never one reached through a
name someone planted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mtjob.config import load_config
from mtjob.errors import ConfigError
from mtjob.evaluation.calibrate import write_min_score

CALL = ("import sys; from pathlib import Path\n"
        "from mtjob.evaluation.calibrate import write_min_score\n"
        "write_min_score(Path(sys.argv[1]), -2.0, 'calibrated')\n")


def test_a_fifo_as_the_profile_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "profile.toml"
    os.mkfifo(fifo)
    try:  # no writer ever opens the FIFO: reading it would block for good
        done = subprocess.run([sys.executable, "-c", CALL, str(fifo)], capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("--calibrate blocked on a FIFO")
    assert done.returncode != 0
    assert "FIFO" in done.stderr and "profile.toml" in done.stderr
    with pytest.raises(ConfigError, match="a folder"):
        write_min_score(tmp_path, -2.0, "calibrated")


def test_a_planted_check_file_link_is_never_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    profile = tmp_path / "cpu.toml"
    profile.write_text("[models]\nbeams = 2\n", encoding="utf-8")
    planted = tmp_path / ".cpu.toml.check"  # the name the check file had
    planted.symlink_to(victim)
    write_min_score(profile, -2.0, "calibrated")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert planted.is_symlink()  # not ours: left alone
    assert load_config(profile).min_score == -2.0 and load_config(profile).beams == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cpu.toml.check", "cpu.toml",
                                                          "victim.txt"]  # no temp left
