"""One article near the decode floor (issue 23): small work goes in small calls with their
own limits, the longest decodes start first, and the translator loads while the run checks
its models."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from mtjob.backends.base import GenOptions
from mtjob.choices import Backend, Device, EngineKind
from mtjob.config import JobConfig
from mtjob.engines.batching import (
    SMALL_CALL,
    SMALL_WORK,
    BatchJob,
    even_calls,
    plan_batches,
    plan_jobs,
)
from mtjob.engines.local import LocalEngine
from mtjob.engines.resolve import LocalModels
from mtjob.testing.fakes import FakeTranslator

#: The sample article's 18 segments: source tokens and their output limits (1.3x).
ARTICLE = [2, 3, 5, 10, 17, 24, 28, 34, 34, 36, 38, 43, 44, 46, 46, 50, 52, 82]


def plan(lengths: list[int]) -> tuple[list, list[BatchJob]]:
    limits = [-(-13 * n // 10) for n in lengths]
    return plan_jobs([f"t{i}" for i in range(len(lengths))], lengths, limits, 1000,
                     lambda limit: GenOptions(4, limit))


def test_a_single_article_goes_in_small_calls_each_with_its_own_limit():
    batches, jobs = plan(ARTICLE)
    assert sorted(i for b in batches for i in b.indices) == list(range(len(ARTICLE)))
    assert max(len(b.indices) for b in batches) <= SMALL_CALL
    assert len(batches) >= 5  # was 5 uneven batches, the largest of 8 segments
    for batch, job in zip(batches, jobs, strict=True):
        own = max(-(-13 * ARTICLE[i] // 10) for i in batch.indices)
        assert job.options.max_new_tokens == own


def test_bigger_work_keeps_budget_sized_batches():
    lengths = ARTICLE * 2  # two articles and more: the batches fill the workers already
    assert len(lengths) > SMALL_WORK
    batches, _ = plan(lengths)
    assert max(len(b.indices) for b in batches) > SMALL_CALL


class SlowTranslator(FakeTranslator):
    """Two workers; each call takes as long as its output limit, and is recorded when it
    starts."""

    parallel_batches = 2

    def __init__(self) -> None:
        super().__init__()
        self.started: list[int] = []
        self.lock = threading.Lock()

    def translate(self, texts, options, call=None, prefixes=None):
        with self.lock:
            self.started.append(options.max_new_tokens)
        time.sleep(options.max_new_tokens / 2000)
        return super().translate(texts, options, call, prefixes)


def test_the_longest_calls_start_first_and_outcomes_keep_their_order():
    _, jobs = plan(ARTICLE)
    translator = SlowTranslator()
    engine = LocalEngine(JobConfig(summary=False), translator)
    outcomes = engine.translate_batches(jobs)
    assert translator.started[:2] == sorted((j.options.max_new_tokens for j in jobs),
                                            reverse=True)[:2]
    assert [[h.text for h in o.hypotheses] for o in outcomes] == \
        [[" ".join(f"w{len(w)}" for w in t.split()) for t in j.texts] for j in jobs]


def ct2_config(tiny_models) -> JobConfig:
    return JobConfig(mt_model=str(tiny_models["mt"]), sum_model=str(tiny_models["sum"]),
                     backend=Backend.CTRANSLATE2, device=Device.CPU, summary=False, beams=1)


def test_the_translator_loads_in_the_background_and_the_engine_takes_it(tiny_models):
    from mtjob.backends.ct2 import converted_model
    from mtjob.backends.store.hub import resolve_model

    config = ct2_config(tiny_models)
    converted_model(resolve_model(config.mt_model, None, None, False), "int8", -2)
    models = LocalModels()
    models.preload(config)
    translator: Any = models._preloaded  # a TransformersTranslator: its loader thread
    assert translator is not None and translator._loader is not None
    translator._loader.join(60)
    assert translator._model is not None  # loaded without a call
    engine = models.engine(config)
    assert engine.translator is translator
    hyps = translator.translate(["مرحبا بالعالم"], GenOptions(1, 20))
    assert hyps[0].text


def test_no_background_load_for_the_ray_driver_or_transformers(tiny_models):
    from dataclasses import replace

    from mtjob.engines.ray import RayModels

    config = ct2_config(tiny_models)
    for models, changed in ((RayModels(), replace(config, engine=EngineKind.RAY)),
                            (LocalModels(), replace(config, backend=Backend.TRANSFORMERS))):
        models.preload(changed)
        assert models._preloaded is None


def test_a_model_not_yet_converted_waits_for_the_checks(tiny_models):
    """The background load never converts: a broken model must fail the checks first."""
    from mtjob.backends.ct2 import cache_root

    config = ct2_config(tiny_models)
    models = LocalModels()
    models.preload(config)
    translator = models._preloaded
    translator._loader.join(60)
    assert translator._model is None and not (cache_root() / "ct2").exists()
    assert translator.translate(["مرحبا"], GenOptions(1, 20))[0].text  # converts now


def test_a_failed_background_load_is_the_first_calls_error(tiny_models, monkeypatch):

    from mtjob.backends.ct2 import CTranslate2Translator, converted_model
    from mtjob.backends.store.hub import resolve_model
    from mtjob.errors import ModelError

    config = ct2_config(tiny_models)
    converted_model(resolve_model(config.mt_model, None, None, False), "int8", -2)

    def broken(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(CTranslate2Translator, "_load", broken)
    models = LocalModels()
    models.preload(config)
    models._preloaded._loader.join(60)
    with pytest.raises(ModelError, match="disk on fire"):
        models.engine(config).translator.translate(["مرحبا"], GenOptions(1, 20))


def test_side_by_side_summaries_keep_both_workers_busy():
    """Six abstracts on two CPU workers, three a call by the token budget: two calls of
    three length-sorted articles, one per worker. Two a call in three calls left one worker
    idle through the last: 1.31-1.33x the floor of scripts/bench/sum_floor.py on a quiet
    machine. Abstracts in article order."""
    from mtjob.testing.fakes import FakeSummarizer

    class TwoWorkers(FakeSummarizer):
        parallel_batches = 2
        call_tokens = 3 * 80  # the longest article has 78 tokens

        def __init__(self) -> None:
            super().__init__()
            self.calls: list[list[str]] = []

        def summarize(self, texts, call=None):
            self.calls.append(list(texts))
            return super().summarize(texts, call)

    summarizer = TwoWorkers()
    engine = LocalEngine(JobConfig(sum_min_length=5), FakeTranslator(), summarizer)
    documents = [[f"article{i} " + " ".join(["word"] * (40 + 7 * ((i * 5) % 6)))]
                 for i in range(6)]
    outcomes = engine.summarize(documents)
    assert sorted(len(c) for c in summarizer.calls) == [3, 3]
    lengths = sorted(len(d[0].split()) for d in documents)
    assert sorted(sorted(len(t.split()) for t in c) for c in summarizer.calls) == \
        [lengths[0:3], lengths[3:6]]
    assert [o.text for o in outcomes] == [summarizer.summarize([d[0]])[0].strip()
                                          for d in documents]


@pytest.mark.parametrize("count, cap, workers, sizes", [
    (6, 3, 2, [3, 3]), (6, 2, 2, [2, 2, 1, 1]), (2, 3, 2, [1, 1]), (5, 3, 2, [3, 2]),
    (7, 3, 2, [2, 2, 2, 1]), (16, 3, 2, [3, 3, 3, 3, 2, 2]), (4, 3, 1, [2, 2]),
    (1, 3, 2, [1]), (0, 3, 2, [])])
def test_even_calls(count, cap, workers, sizes):
    """At most ``cap`` a call, a multiple of ``workers`` calls (when there are enough items),
    sizes within one of each other, every item once and in order."""
    items = list(range(count))
    calls = even_calls(items, cap, workers)
    assert [len(c) for c in calls] == sizes
    assert [i for c in calls for i in c] == items


def test_a_preload_no_engine_takes_is_settled_before_the_process_exits(tiny_models, tmp_path):
    """Every input failed to read (a PDF): the engine never loads, so the background load of
    the translator must be finished before the process exits; CTranslate2 aborted the whole
    process (SIGABRT, exit 134) when Python exited with that thread still inside it."""
    import os
    import subprocess
    import sys

    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "report.txt").write_bytes(b"%PDF-1.4\n\x00\x01\x02 binary body")
    env = {**os.environ, "MTJOB_CACHE": str(tmp_path / "cache")}
    for _ in range(3):  # the abort depended on timing: every try must exit cleanly
        done = subprocess.run([sys.executable, "-m", "mtjob", "run", str(inbox), "--out",
                               str(tmp_path / "out"), "--mt-model", str(tiny_models["mt"]),
                               "--no-summary", "--backend", "ctranslate2", "-q"],
                              capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 1, done.stderr[-2000:]
        assert "a PDF document, not a text file" in done.stderr
        assert "terminate called" not in done.stderr


def test_a_preload_is_settled_when_the_checks_before_any_article_fail(tmp_path):
    """The preload starts before the model checks; a check that fails (a summarizer of the
    wrong kind, say) left the loading thread running as the process exited."""
    import pytest

    from mtjob.errors import ModelError
    from mtjob.job import run_shard
    from mtjob.testing.fakes import FakeModels

    calls = []

    class Checked(FakeModels):
        def preload(self, config):
            calls.append("preload")

        def check(self, config):
            raise ModelError("the summarizer is a translation model")

        def release(self):
            calls.append("release")

    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.txt").write_text("قال المتحدث إن الاجتماع عقد اليوم.\n", encoding="utf-8")
    with pytest.raises(ModelError):
        run_shard(JobConfig(), [inbox], tmp_path / "out", models=Checked())
    assert calls == ["preload", "release"]


def test_one_worker_keeps_budget_sized_batches():
    """Calls of four pay off only when several workers run them side by side: one worker (one
    thread, a GPU, one Ray actor) ran one article in calls of four at 0.51 s against 0.40 s
    in fuller batches (issue 34, item 3)."""
    from mtjob.text.segment import Segment
    from mtjob.translation import translate_segments

    def article() -> list[Segment]:
        texts = [" ".join(["كلمة"] * (n - 1)) for n in ARTICLE]
        return [Segment(0, i, t, t, n, -(-13 * n // 10))
                for i, (t, n) in enumerate(zip(texts, ARTICLE, strict=True))]

    config = JobConfig(summary=False, retry_degenerate=False)
    calls = {}
    for workers in (1, 2):
        translator = FakeTranslator()
        translator.parallel_batches = workers
        translate_segments(article(), LocalEngine(config, translator), config)
        calls[workers] = sorted(len(texts) for texts, _ in translator.calls)
    assert max(calls[2]) <= SMALL_CALL and len(calls[2]) >= 5
    assert max(calls[1]) > SMALL_CALL and len(calls[1]) < len(calls[2])
    assert calls[1] == sorted(len(b.indices) for b in plan_batches(ARTICLE, 1000))


@pytest.mark.parametrize(("threads", "device", "calls", "workers"), [
    (1, "cpu", 8, 1), (2, "cpu", 8, 2), (2, "cpu", 1, 1), (4, "cpu", 3, 3), (2, "cuda", 8, 1)])
def test_the_planned_layout_is_known_before_the_weights_load(tiny_models, monkeypatch,
                                                             threads, device, calls, workers):
    from mtjob.backends.ct2 import CTranslate2Translator

    monkeypatch.setattr(CTranslate2Translator, "device", lambda self: device)
    translator = CTranslate2Translator(JobConfig(mt_model=str(tiny_models["mt"]),
                                                 backend=Backend.CTRANSLATE2, threads=threads))
    assert translator.planned_batches(calls) == workers
    assert translator._model is None  # nothing loaded to know it
    engine = LocalEngine(translator.config, translator)
    assert engine.planned_workers(calls) == min(workers, calls)


def test_summary_calls_are_sized_by_tokens_not_by_count():
    """Beam search keeps each beam's cross-attention cache for every input token: a call's
    memory follows its tokens. Six articles of ~870 tokens on two workers with 2,048 tokens
    a call go 2 + 2 + 1 + 1 (three a call took the six-article job over its memory aim);
    short articles share a call more."""
    from mtjob.testing.fakes import FakeSummarizer

    class Budgeted(FakeSummarizer):
        parallel_batches = 2
        call_tokens = 2048

        def __init__(self) -> None:
            super().__init__(window=1024)
            self.calls: list[list[int]] = []

        def summarize(self, texts, call=None):
            self.calls.append(self.count_tokens(texts))
            return super().summarize(texts, call)

    def article(words: int) -> list[str]:
        return [" ".join(["word"] * words)]

    for words, sizes in ((868, [1, 1, 2, 2]), (300, [3, 3]), (120, [3, 3])):
        summarizer = Budgeted()
        LocalEngine(JobConfig(sum_min_length=5), FakeTranslator(), summarizer).summarize(
            [article(words)] * 6)
        assert sorted(len(c) for c in summarizer.calls) == sizes
        assert all(sum(c) <= 2048 for c in summarizer.calls)


def test_token_calls():
    from mtjob.backends.ct2 import token_calls

    assert token_calls([900, 900, 900, 300, 2500, 10], 2048) == [[0, 1], [2, 3], [4], [5]]
    assert token_calls([], 2048) == []


def test_summaries_start_on_a_trimmed_heap(monkeypatch):
    """What the translation batches freed goes back to the system before the summarizer's
    weights and caches arrive (glibc keeps it mapped otherwise: the six-article job peaked
    at 1,129-1,192 MB before, 870-918 MB after, loaded machine)."""
    import mtjob.engines.local as local
    from mtjob.backends.runtime import trim_heap
    from mtjob.testing.fakes import FakeSummarizer

    assert trim_heap() in (True, False)  # glibc here; a no-op elsewhere
    calls = []
    monkeypatch.setattr(local, "trim_heap", lambda: calls.append(1) or True)
    LocalEngine(JobConfig(sum_min_length=5), FakeTranslator(), FakeSummarizer()).summarize(
        [[" ".join(["word"] * 50)]])
    assert calls == [1]
