"""CTranslate2 4.x maps the end token and a forced prefix's tokens to their positions among the
candidates of the first batch a replica decodes with a vocabulary map, and keeps them for
every later batch (``Decoder::update_output_layer`` never clears ``_to_output_word_id``). A
model whose ``</s>`` is not its lowest id (the tc-big layout) then failed every later batch
with fewer candidates below it (``vector::_M_range_check``: the quality profile's whole run
with a shortlist failed), or ended on a wrong token. A batch's output must not depend on the
batches the translator decoded before it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtjob.backends import make_translator
from mtjob.backends.base import GenOptions
from mtjob.backends.shortlist.tokens import ModelVocabulary
from mtjob.backends.shortlist.vmap import vmap_bytes
from mtjob.backends.store.hub import resolve_model
from mtjob.choices import Backend, Device
from mtjob.config import JobConfig

pytest.importorskip("ctranslate2")

#: Decoded first: a batch holding the source token whose rule lists many low ids.
FIRST = "قال الوزير إن المحادثات مستمرة في العاصمة."
#: Decoded next: none of those source tokens.
LATER = "دي ميستورا يزور موسكو"
OPTIONS = GenOptions(beams=2, max_new_tokens=12)


@pytest.fixture
def shortlist(tiny_big: Path, tmp_path: Path) -> Path:
    """A rule that brings 150 targets below ``</s>`` into a batch with FIRST's tokens only."""
    vocabulary = ModelVocabulary(resolve_model(str(tiny_big), None, None, False))
    ids = json.loads((tiny_big / "vocab.json").read_text(encoding="utf-8"))
    assert ids["</s>"] > 150  # the layout under test: </s> amid the vocabulary
    low = [t for t, i in sorted(ids.items(), key=lambda kv: kv[1])
           if i < ids["</s>"] and not t.startswith("<")][:150]
    [first], [later] = vocabulary.source_tokens([FIRST]), vocabulary.source_tokens([LATER])
    only_first = [t for t in first if t not in later]
    assert only_first
    path = tmp_path / "sl.txt"
    path.write_bytes(vmap_bytes(vocabulary.hash, [], {only_first[0]: low}))
    return path


def translator(model: Path, shortlist: Path):
    return make_translator(JobConfig(mt_model=str(model), backend=Backend.CTRANSLATE2,
                                     device=Device.CPU, threads=1, shortlist=str(shortlist)))


def test_a_batch_decodes_the_same_after_a_batch_with_more_candidates(tiny_big, shortlist):
    used = translator(tiny_big, shortlist)
    used.translate([FIRST], OPTIONS)
    after = used.translate([LATER], OPTIONS)
    alone = translator(tiny_big, shortlist).translate([LATER], OPTIONS)
    assert [(h.text, h.tokens) for h in after] == [(h.text, h.tokens) for h in alone]


def test_a_forced_prefix_decodes_the_same_after_a_shortlisted_batch(tiny_big, shortlist):
    used = translator(tiny_big, shortlist)
    used.translate([FIRST], OPTIONS)
    after = used.translate([LATER], OPTIONS, prefixes=["Moscow"])
    alone = translator(tiny_big, shortlist).translate([LATER], OPTIONS, prefixes=["Moscow"])
    assert after[0].text.startswith("Moscow")
    assert [(h.text, h.tokens) for h in after] == [(h.text, h.tokens) for h in alone]
