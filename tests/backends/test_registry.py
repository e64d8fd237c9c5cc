"""Backends dispatched through one registry (issue 30): each ``Backend`` maps to the classes
and facts of its library, imported at the first look-up, never at import time."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mtjob.backends import make_summarizer, make_translator
from mtjob.backends.registry import ModelBackend, backend_for
from mtjob.choices import Backend
from mtjob.config import JobConfig


@pytest.mark.parametrize("name, translator, summarizer, preloads", [
    (Backend.TRANSFORMERS, "TransformersTranslator", "TransformersSummarizer", False),
    (Backend.CTRANSLATE2, "CTranslate2Translator", "CTranslate2Summarizer", True)])
def test_each_backend_makes_its_own_models(name, translator, summarizer, preloads):
    backend = backend_for(name)
    assert isinstance(backend, ModelBackend) and backend.name == name
    assert backend.preloads is preloads and backend.converts is preloads
    config = JobConfig(backend=name, mt_model="x/mt", sum_model="x/sum")
    assert type(make_translator(config)).__name__ == translator  # cheap: nothing loads yet
    assert type(make_summarizer(config)).__name__ == summarizer
    assert backend_for(name.value).name == name  # the word works as well


def test_auto_is_not_a_backend():
    with pytest.raises(ValueError, match="no backend registered for auto"):
        backend_for(Backend.AUTO)


def test_the_registry_imports_no_backend_until_asked():
    code = ("import sys\nimport mtjob.backends.registry, mtjob.engines.resolve\n"
            "print(sorted(m for m in ('mtjob.backends.hf', 'mtjob.backends.ct2', 'torch', "
            "'ctranslate2') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr
