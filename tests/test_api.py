"""The Python API on the tiny models: ``mtjob.translate``, ``mtjob.run``, ``Pipeline``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mtjob
import mtjob.api
from mtjob.errors import ConfigError
from mtjob.outfolder.verify import verify

REPO = Path(__file__).resolve().parent.parent
TEXTS = ["قال المتحدث إن المحادثات ستستمر غدا. وأضاف أن الوفدين سيلتقيان في جنيف.",
         "أعلن وزير الخارجية أن العمل جار لاستئناف وقف إطلاق النار في حلب"]


@pytest.fixture(autouse=True)
def _fresh_pipelines(monkeypatch):
    """Each test starts with no models loaded in this process."""
    monkeypatch.setattr(mtjob.api, "_pipelines", {})


@pytest.fixture
def settings(tiny_models) -> dict:
    return {"mt_model": str(tiny_models["mt"]), "sum_model": str(tiny_models["sum"]),
            "beams": 1, "sum_beams": 1, "sum_min_length": 5, "sum_max_length": 30,
            "backend": "transformers"}  # the spy below watches transformers' loader


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """The folders whose weights were loaded."""
    from transformers import AutoModelForSeq2SeqLM

    seen: list[str] = []
    real = AutoModelForSeq2SeqLM.from_pretrained

    def spy(path, *args, **kwargs):
        seen.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(AutoModelForSeq2SeqLM, "from_pretrained", spy)
    return seen


@pytest.mark.slow
def test_translate_one_english_string_per_text(settings, loads):
    english = mtjob.translate(TEXTS + [""], **settings)
    assert len(english) == 3 and all(english[:2]) and english[2] == ""
    for text in english:
        assert not any("\u0600" <= c <= "\u06ff" for c in text), text
    assert mtjob.translate(TEXTS, **settings) == english[:2]
    assert loads == ["marian-ar-en"]  # once per process, whatever the number of calls


@pytest.mark.slow
def test_translate_segments_a_paragraph_like_the_job(settings):
    """Two sentences in one text: translated apart, so each ends where its source ends."""
    pipe = mtjob.Pipeline(**settings)
    both = pipe.translate([TEXTS[0]])[0]
    first, second = pipe.translate([s + "." for s in TEXTS[0].rstrip(".").split(". ")])
    assert both == f"{first} {second}"


@pytest.mark.slow
def test_run_writes_outputs_that_verify_accepts(settings, sample_inbox, tmp_path, loads):
    out, prom = tmp_path / "out", tmp_path / "mtjob.prom"
    report = mtjob.run(str(sample_inbox), out, metrics_file=prom, **settings)
    assert report.done == ["article"] and not report.failed
    # recorded by the job itself, as a CLI run is (docs/operations.md, "Run records")
    [record] = [json.loads(p.read_text()) for p in (out / "_mtjob" / "runs").iterdir()]
    assert record["exit_code"] == 0 and record["articles"]["done"] == 1
    assert "mtjob_last_exit_code 0\n" in prom.read_text()
    assert verify(out) == []
    again = mtjob.run([sample_inbox], str(out), **settings)
    assert again.unchanged == ["article"]
    mtjob.run([sample_inbox], tmp_path / "other", **settings)
    assert sorted(loads) == ["bart-sum", "marian-ar-en"]  # kept between runs


def test_unknown_settings_are_named(settings):
    with pytest.raises(ConfigError, match="beam_size, mt_modle"):
        mtjob.translate(TEXTS, beam_size=2, mt_modle="x")
    with pytest.raises(ConfigError, match="beams"):
        mtjob.translate(TEXTS, beams=0)
    with pytest.raises(TypeError, match="list of strings"):
        mtjob.Pipeline(**settings).translate(TEXTS[0])


def test_config_file_and_settings(settings, tmp_path):
    toml = tmp_path / "p.toml"
    toml.write_text(f'[models]\nmt_model = "{settings["mt_model"]}"\n[translation]\nbeams = 3\n')
    pipe = mtjob.api.pipeline(toml, beams=2)
    assert pipe.config.beams == 2 and pipe.config.mt_model == settings["mt_model"]
    assert mtjob.api.pipeline(toml, beams=2) is pipe


def test_import_stays_light():
    code = ("import sys, mtjob; mtjob.translate; mtjob.run; "
            "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stdout.strip() == "[]"


def test_translate_never_resolves_the_summarizer(tiny_models):
    """Issue 20: the first API line of the docs (then the README's, now docs/api.md's)
    failed offline, resolving the default summarizer (sshleifer/distilbart-cnn-12-6) that
    translating never uses."""
    english = mtjob.translate(TEXTS, mt_model=str(tiny_models["mt"]), beams=1)
    assert len(english) == 2 and all(english)
    pipe = mtjob.Pipeline(mt_model=str(tiny_models["mt"]), sum_model="/no/such/summarizer",
                          beams=1)
    assert pipe.translate(TEXTS[:1]) == english[:1]
    assert pipe._models._sources.keys() == {(str(tiny_models["mt"]), None)}


def test_run_without_summary_never_resolves_the_summarizer(tiny_models, sample_inbox,
                                                           tmp_path):
    report = mtjob.run(sample_inbox, tmp_path / "out", mt_model=str(tiny_models["mt"]),
                       sum_model="/no/such/summarizer", summary=False, beams=1)
    assert len(report.done) == 1 and not report.failed


@pytest.mark.parametrize("texts, error, message", [
    ([None], TypeError, "item 0 is NoneType, not str"),
    (["ok", 5], TypeError, "item 1 is int, not str"),
    ([b"\xd9\x82"], TypeError, "item 0 is bytes, not str"),
    ({"قال": 1}, TypeError, "not dict"),
    ({"قال"}, TypeError, "not set"),
    (b"abc", TypeError, "not bytes"),
    ("قال", TypeError, "not one string"),
    (None, TypeError, "not NoneType"),
    (["قال", "a\ud800b"], ValueError, "item 1 is not valid Unicode text"),
])
def test_translate_refuses_what_is_not_text_before_any_model(texts, error, message):
    from mtjob.api import Pipeline

    pipeline = Pipeline(mt_model="/no/such/model", sum_model="/no/such/model")
    with pytest.raises(error, match=message):
        pipeline.translate(texts)
