"""Swapped or wrong models are refused from ``config.json`` before any work (issue 20: a BART
folder as --mt-model ran for 10 s, then failed every article)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mtjob.backends.store.model_kind import describe, is_kind
from mtjob.cli import app
from mtjob.vocabulary import Role


def invoke(*args, **kwargs):
    return CliRunner().invoke(app, [str(a) for a in args], **kwargs)


def test_swapped_models_stop_the_run_before_any_article(tmp_path, sample_inbox, tiny_models):
    out = tmp_path / "out"
    result = invoke("run", sample_inbox, "--out", out, "--mt-model", tiny_models["sum"],
                    "--sum-model", tiny_models["mt"])
    assert result.exit_code == 2
    assert (f"Error: --mt-model '{tiny_models['sum']}' is a BART model "
            "(BartForConditionalGeneration), not a translation model") in result.output
    assert "(swapped with --sum-model?)" in result.output
    assert not out.exists()  # stopped before the folder was made: nothing read, nothing left


def test_a_translation_model_as_summarizer_is_named(tmp_path, sample_inbox, tiny_models):
    result = invoke("run", sample_inbox, "--out", tmp_path / "out", "--mt-model",
                    tiny_models["mt"], "--sum-model", tiny_models["mt"])
    assert result.exit_code == 2
    assert "--sum-model" in result.output and "is a Marian translation model (MarianMTModel)" \
        ", not a summarizer" in result.output


def test_translate_checks_its_model_too(tiny_models):
    result = invoke("translate", "--mt-model", tiny_models["sum"], "قال الوزير")
    assert result.exit_code == 2 and "not a translation model" in result.output


@pytest.mark.parametrize("config, files, mt, summary", [
    ({"model_type": "marian", "is_encoder_decoder": True}, ["source.spm"], True, False),
    ({"model_type": "bart", "is_encoder_decoder": True}, ["vocab.json"], False, True),
    ({"model_type": "mbart", "is_encoder_decoder": True}, ["sentencepiece.bpe.model"], True,
     True),
    ({"model_type": "t5", "is_encoder_decoder": True,
      "task_specific_params": {"summarization": {}}}, ["spiece.model"], False, True),
    ({"model_type": "bert"}, ["vocab.txt"], False, False),
])
def test_kinds(tmp_path, config, files, mt, summary):
    for name in files:
        (tmp_path / name).write_bytes(b"")
    assert (is_kind(Role.MT, config, tmp_path), is_kind(Role.SUMMARY, config, tmp_path)) == \
        (mt, summary)


def test_describe_says_what_it_is():
    assert describe({"model_type": "bert", "architectures": ["BertModel"]}) == \
        "a bert model, not a sequence-to-sequence one (BertModel)"
