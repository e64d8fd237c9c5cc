"""The run's bookkeeping files: a folder standing where one of them belongs is a clear
outcome, never an unexpected crash."""

from __future__ import annotations

import pytest

from tests.helpers import cli


@pytest.mark.parametrize("name", ["index-00000-of-00001.jsonl", "manifest-00000-of-00001.json",
                                  "config.json"])
def test_a_folder_in_place_of_bookkeeping_is_no_unexpected_crash(tmp_path, inbox, tiny_args,
                                                                 name):
    out = tmp_path / "o"
    assert cli("run", inbox, "--out", out, *tiny_args).exit_code == 0
    target = out / "_mtjob" / name
    target.unlink(missing_ok=True)
    target.mkdir()
    result = cli("run", inbox, "--out", out, "--force", *tiny_args)
    # used to be exit 1, "unexpected IsADirectoryError: [Errno 21] Is a directory: 5"
    assert "unexpected" not in result.output and "Errno" not in result.output, result.output
    assert result.exit_code in (0, 74), result.output
