"""Every failure is one clear line with the right exit code (issue 11): the exit code table
walked one case per code, with and without MTJOB_DEBUG=1 (which adds a traceback and never
changes the code); broken models stop the run before any article is read."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob import signals
from mtjob.cli import app
from mtjob.errors import EXIT_CODES, OutputError
from mtjob.outfolder.lock import OutputLock
from mtjob.outfolder.paths import meta_dir
from mtjob.testing.tiny_models import ModelFolders
from mtjob.vocabulary import Role

from .conftest import REPO


def invoke(*args, debug: bool = False, **kw):
    env = {"MTJOB_DEBUG": "1"} if debug else {"MTJOB_DEBUG": ""}
    return CliRunner().invoke(app, [str(a) for a in args], env=env, **kw)


def _interrupt(exc: BaseException):
    def run_shard(*args, **kwargs):
        raise exc
    return run_shard


def case(code: int, tmp_path: Path, inbox: Path, tiny_args: list[str], monkeypatch) -> list:
    """CLI arguments that end with ``code``."""
    out = tmp_path / "out"
    if code == 0:
        return ["run", inbox, "--out", out, *tiny_args]
    if code == 1:
        (inbox / "bad.txt").write_bytes(b"\xff\xfe not utf-8\n")
        return ["run", inbox, "--out", out, *tiny_args]
    if code == 2:
        return ["run", tmp_path / "missing.txt", "--out", out, *tiny_args]
    if code == 66:  # a folder that holds no article
        empty = tmp_path / "empty"
        empty.mkdir()
        return ["run", empty, "--out", out, *tiny_args]
    if code == 74:  # the disk fills up under the manifest: not "some inputs failed"
        def disk_full(path: Path, data: bytes) -> bool:
            raise OutputError(f"cannot write {path}: disk full")

        monkeypatch.setattr("mtjob.outfolder.manifest.write_if_changed", disk_full)
        return ["run", inbox, "--out", out, *tiny_args]
    if code == 75:
        lock = OutputLock(meta_dir(out) / "lock-00000-of-00001")
        lock.acquire()
        return ["run", inbox, "--out", out, *tiny_args]
    raised = KeyboardInterrupt() if code == 130 else signals.Terminated(code)
    monkeypatch.setattr("mtjob.job.run_shard", _interrupt(raised))
    return ["run", inbox, "--out", out, *tiny_args]


def test_the_docs_list_every_exit_code():
    """docs/output.md's table is generated from EXIT_CODES when the site is built."""
    sys.path.insert(0, str(REPO))
    from scripts.docgen.cli import exit_codes

    assert "<!-- gen:exit-codes -->" in (REPO / "docs" / "output.md").read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES.items():
        assert f"| `{code}` | {meaning} |" in exit_codes()


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("code", sorted(EXIT_CODES))
def test_each_exit_code_of_the_table(tmp_path, sample_inbox, tiny_args, monkeypatch, code,
                                     debug):
    args = case(code, tmp_path, sample_inbox, tiny_args, monkeypatch)
    result = invoke(*args, debug=debug)
    assert result.exit_code == code, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == (0 if code in (0, 1) else 1), result.output
    assert ("Traceback" in result.output) == (debug and code not in (0, 1))


@pytest.mark.parametrize("debug", [False, True])
def test_usage_errors_that_used_to_exit_1(tmp_path, sample_inbox, tiny_args, debug):
    afile = tmp_path / "a-file"
    afile.write_text("x")
    result = invoke("run", sample_inbox, "--out", afile, *tiny_args, debug=debug)
    assert result.exit_code == 2 and "is not writable" in result.output
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o500)
    try:
        result = invoke("run", sample_inbox, "--out", readonly / "out", *tiny_args, debug=debug)
    finally:
        readonly.chmod(0o700)
    if result.exit_code != 0:  # root writes anywhere: the case holds only for other users
        assert result.exit_code == 2 and "not writable" in result.output


def broken(tmp_path: Path, tiny_models: ModelFolders, role: Role, how: str) -> Path:
    folder = tmp_path / f"{role}-{how}"
    shutil.copytree(tiny_models[role], folder)
    if how == "truncated":
        weights = folder / "model.safetensors"
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    elif how == "no-config":
        (folder / "config.json").unlink()
    elif how == "custom-code":
        config = json.loads((folder / "config.json").read_text())
        config.update(model_type="my-marian", auto_map={"AutoModel": "modeling.MyModel"})
        (folder / "config.json").write_text(json.dumps(config))
    else:
        (folder / how).unlink()  # a tokenizer file
    return folder


@pytest.mark.parametrize("role, how, message", [
    (Role.MT, "truncated", "model.safetensors is truncated"),
    (Role.MT, "no-config", "no config.json"),
    (Role.MT, "custom-code", "needs its own code"),
    (Role.MT, "source.spm", "tokenizer cannot be loaded"),
    (Role.SUMMARY, "vocab.json", "tokenizer cannot be loaded"),
])
@pytest.mark.parametrize("debug", [False, True])
def test_a_broken_model_stops_the_run_before_any_article(tmp_path, sample_inbox, tiny_models,
                                                         tiny_args, role, how, message, debug):
    folder = broken(tmp_path, tiny_models, role, how)
    flag = "--mt-model" if role is Role.MT else "--sum-model"
    out = tmp_path / "out"
    result = invoke("run", sample_inbox, "--out", out, *tiny_args, flag, folder, debug=debug)
    assert result.exit_code == 2, result.output
    assert message in result.output and str(folder) in result.output
    assert not list(out.glob("*.jsonl"))  # nothing translated first


def test_an_abstract_longer_than_the_summarizer_can_write_is_refused(tmp_path, sample_inbox,
                                                                    tiny_args):
    result = invoke("run", sample_inbox, "--out", tmp_path / "out", *tiny_args,
                    "--sum-max-length", "5000")
    assert result.exit_code == 2 and "longer than the summarizer" in result.output
    assert not list((tmp_path / "out").glob("*.jsonl"))
