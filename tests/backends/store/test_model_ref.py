"""A model reference that is a folder, a hub id, or could be either (issue 20): a relative
folder given from another directory is not taken for a hub id, and an ambiguous miss names
both readings."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mtjob.backends.store.hub import resolve_model
from mtjob.backends.store.model_ref import hub_shaped
from mtjob.cli import app
from mtjob.errors import ConfigError, ModelUnavailableError


@pytest.mark.parametrize("ref, shaped", [
    ("Helsinki-NLP/opus-mt-ar-en", True), ("models/marian-ar-en", True), ("org/m.v2", True),
    ("./models/marian", False), ("../marian", False), ("/abs/marian", False),
    ("models/opus/marian", False), ("marian", False), ("org/..", False), ("~/m", False),
    ("org/", False), ("org/name.", False)])
def test_hub_shape(ref, shaped):
    assert hub_shaped(ref) is shaped


@pytest.mark.parametrize("ref", ["models/opus/marian-ar-en", "marian-ar-en", "../marian"])
def test_a_reference_that_can_only_be_a_folder_is_a_missing_folder(ref, tmp_path,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        resolve_model(ref, None, None, False)
    message = str(caught.value)
    assert message.startswith(f"model folder {ref!r} does not exist")
    assert str(tmp_path) in message and "hf download" not in message


def test_an_ambiguous_miss_names_both_readings(tiny_models, tmp_path, monkeypatch):
    """The docs' relative path, run from another folder (offline)."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["translate", "--mt-model", "models/marian-ar-en", "x"])
    assert result.exit_code == 2
    assert (f"model 'models/marian-ar-en' is neither a folder (no "
            f"{tmp_path}/models/marian-ar-en; a relative path counts from the current "
            "folder) nor in the Hugging Face cache") in result.output
    with pytest.raises(ModelUnavailableError, match="neither a folder"):
        resolve_model("models/marian-ar-en", None, None, False)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "marian-ar-en").symlink_to(tiny_models["mt"])
    assert resolve_model("models/marian-ar-en", None, None, False).path.is_dir()
