"""Trust signals on the tiny real models, both backends: the score is the model's own mean
log-prob, the backends agree on it, alignments follow the tiny models' copy diagonal, a
dropped half of a source is caught, and reruns give the same bytes."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from mtjob.backends.base import GenOptions, Hypothesis, ModelBase
from mtjob.choices import Backend, Device, Quantize
from mtjob.cli import app
from mtjob.config import JobConfig
from mtjob.engines.local import LocalEngine
from mtjob.testing.tiny_models import ModelFolders
from mtjob.text import quality
from mtjob.text.segment import Segment
from mtjob.translation import translate_segments
from mtjob.vocabulary import Role

from .conftest import SAMPLE

pytest.importorskip("torch")


def sentences(n: int = 6) -> list[str]:
    from mtjob.text.clean import clean_for_model
    from mtjob.text.segment import split_sentences

    text = SAMPLE.read_text(encoding="utf-8").replace("&", "\n")
    found = [clean_for_model(s) for s in split_sentences(text)]
    return [s for s in found if len(s.split()) >= 6][:n]


def config(models: ModelFolders, backend: Backend = Backend.TRANSFORMERS, **kw) -> JobConfig:
    return JobConfig(mt_model=str(models[Role.MT]), sum_model=str(models[Role.SUMMARY]),
                     backend=backend, device=Device.CPU, quantize=Quantize.NONE, threads=1, **kw)


def translator(models, backend: Backend = Backend.TRANSFORMERS, **kw):
    from mtjob.backends import make_translator

    found: Any = make_translator(config(models, backend, **kw))  # a concrete backend
    found.parallel = False
    return found


RETRY = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.3}


def kept_tokens(model, tok, texts: list[str], beams: int, **extra) -> list[list[int]]:
    """The kept hypotheses' token ids (no decoder start), by a separate ``generate``."""
    import torch

    batch = tok(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = model.generate(**batch, num_beams=beams, max_new_tokens=64, do_sample=False,
                             **extra)
    rows = []
    for row in out[:, 1:].tolist():
        rows.append(row[:row.index(tok.eos_token_id) + 1] if tok.eos_token_id in row else row)
    return rows


def teacher_forced_mean(model, tok, text: str, ids: list[int]) -> float:
    """Mean log-softmax of ``ids`` (end of sequence included) given ``text``, in one pass."""
    import torch

    start = model.config.decoder_start_token_id
    with torch.inference_mode():
        logits = model(**tok([text], return_tensors="pt"),
                       decoder_input_ids=torch.tensor([[start] + ids[:-1]])).logits
    logp = logits.float().log_softmax(-1)[0].gather(-1, torch.tensor(ids)[:, None])
    return float(logp.mean())


@pytest.mark.parametrize("extra", [{}, RETRY], ids=["plain", "retry"])
@pytest.mark.parametrize("beams", [1, 3])
def test_score_is_the_mean_log_prob_of_a_teacher_forced_pass(tiny_models, beams, extra):
    mt = translator(tiny_models)
    texts = sentences()
    hyps = mt.translate(texts, GenOptions(beams=beams, max_new_tokens=64, **extra))
    model, tok = mt._ensure_model(), mt.tokenizer
    kept = kept_tokens(model, tok, texts, beams, **extra)
    for text, hyp, ids in zip(texts, hyps, kept, strict=True):
        assert tok.decode(ids, skip_special_tokens=True).strip() == hyp.text
        assert hyp.score == pytest.approx(teacher_forced_mean(model, tok, text, ids), abs=1e-3)


# With beams, the backends' repetition penalties pick different outputs: greedy only there.
@pytest.mark.parametrize("beams, extra", [(1, {}), (3, {}), (1, RETRY)],
                         ids=["greedy", "beams", "greedy-retry"])
def test_backends_agree_on_the_score(tiny_models, beams, extra):
    pytest.importorskip("ctranslate2")
    texts = sentences()
    options = GenOptions(beams=beams, max_new_tokens=64, **extra)
    hf = translator(tiny_models).translate(texts, options)
    ct2 = translator(tiny_models, Backend.CTRANSLATE2).translate(texts, options)
    same = [(a, b) for a, b in zip(hf, ct2, strict=True) if a.text == b.text]
    assert len(same) >= len(texts) - 1  # float32 on both: the same outputs, bar a near tie
    for a, b in same:
        assert a.score == pytest.approx(b.score, abs=0.05)


def copy_diagonal(tok, text: str, english: str) -> set[tuple[int, int]]:
    """The pairs the tiny model's wiring implies: output piece ``t`` is emitted while reading
    source piece ``t``. Words are counted by sentencepiece's word-start mark, so this shares
    no code with :mod:`mtjob.text.alignment`."""
    src = tok.convert_ids_to_tokens(tok(text)["input_ids"])
    tgt = tok.convert_ids_to_tokens(tok(text_target=english)["input_ids"])[:-1]
    src_word: list[int] = []
    for i, piece in enumerate(src):
        src_word.append((src_word[-1] if src_word else -1) + (piece.startswith("\u2581") or i == 0))
    pairs, word = set(), -1
    for t, piece in enumerate(tgt):
        if piece.startswith("\u2581") or t == 0:
            word += 1
            if t < len(src_word) - 1:  # the last source piece is </s>
                pairs.add((src_word[t], word))
    return pairs


@pytest.mark.parametrize("backend", [Backend.TRANSFORMERS, Backend.CTRANSLATE2])
def test_alignments_follow_the_copy_diagonal(tiny_models, backend):
    if backend == Backend.CTRANSLATE2:
        pytest.importorskip("ctranslate2")
    mt = translator(tiny_models, backend, alignments=True)
    texts = sentences()
    hyps = mt.translate(texts, GenOptions(beams=2, max_new_tokens=64, alignments=True))
    tok = mt.tokenizer
    on, total = 0, 0
    for text, hyp in zip(texts, hyps, strict=True):
        assert hyp.alignment
        words = len(text.split()), len(hyp.text.split())
        assert all(0 <= a < words[0] and 0 <= b < words[1] for a, b in hyp.alignment)
        expected = copy_diagonal(tok, text, hyp.text)
        on += len(set(hyp.alignment) & expected)
        total += len(hyp.alignment)
    assert on >= 0.9 * total


class HalfInput(ModelBase):
    """Wraps a real translator and sends it only the first half of each source's words, as
    a model that silently drops a clause would translate."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.parallel_batches = 1

    def planned_batches(self, calls):
        return 1

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def translate(self, texts, options, call=None, prefixes=None) -> list[Hypothesis]:
        halves = [" ".join(t.split()[:len(t.split()) // 2]) for t in texts]
        return self.inner.translate(halves, options, call, prefixes)

    def info(self):
        return self.inner.info()


@pytest.mark.parametrize("drop", [False, True])
def test_a_dropped_half_is_flagged_source_uncovered(tiny_models, drop):
    cfg = config(tiny_models, alignments=True, retry_degenerate=False, beams=2)
    mt = translator(tiny_models, alignments=True)
    texts = sentences(4)
    counts = mt.count_tokens(texts)
    segments = [Segment(0, 0, t, t, n, 2 * n + 10) for t, n in zip(texts, counts, strict=True)]
    engine = LocalEngine(cfg, HalfInput(mt) if drop else mt, None)
    assert translate_segments(segments, engine, cfg) == {}
    for seg in segments:
        assert (quality.SOURCE_UNCOVERED in seg.flags) is drop, seg.flags


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_scores_and_flags_are_identical_across_a_forced_rerun(tmp_path, tiny_args, backend,
                                                              sample_inbox):
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    out = tmp_path / "out"
    args = ["run", str(sample_inbox), "--out", str(out), "--backend", backend,
            "--alignments", *tiny_args]
    runner = CliRunner()
    assert runner.invoke(app, args, catch_exceptions=False).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.glob("article.*")}
    assert b'"score": -' in first["article.jsonl"] and b'"alignment": [[' in first["article.jsonl"]
    assert runner.invoke(app, [*args, "--force"], catch_exceptions=False).exit_code == 0
    assert {p.name: p.read_bytes() for p in out.glob("article.*")} == first
    verified = runner.invoke(app, ["verify", str(out)])
    assert verified.exit_code == 0, verified.output
