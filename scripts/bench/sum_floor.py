"""The summarizer's floor: how fast the bench's abstracts can be written at all on this machine.

In one process, after everything is loaded: the English of the sample article (mtjob's own
translation, the bench's settings: CTranslate2 int8, beam 4, 1.3x forced lengths), copied
for 1 and 6 articles; then, per article count, mtjob's summarize stage (``engine.summarize``,
the engine and layout a run of that many articles gets, warmed by one untimed pass) against
CTranslate2's ``translate_batch`` alone on the same input tokens, decoding options and target
prefix (``CTranslate2Summarizer.decoding_options``: beam 4, the bench's lengths 58-60, EOS
banned so every abstract decodes its maximum), in every layout: one worker on both threads
or two one-thread workers, 1, 2, 3 or 6 articles a call (the fastest is the floor).
``--trade`` adds what a user could trade on one article: beam 1, 2, 4 against the
summary length (the bench's 60 tokens, distilbart's default maximum of 142). Needs the
bench's models (``python -m scripts.bench`` builds them). Prints one JSON object.

    python -m scripts.bench.sum_floor --runs 2 --trade
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from . import settings
from .settings import ARTICLE, CT2_CACHE, MODELS, SUM_MAX, SUM_MIN

if TYPE_CHECKING:
    from mtjob.config import JobConfig

NOEOS = MODELS / settings.NOEOS


def bench_config(**changes: Any) -> JobConfig:
    from mtjob.choices import Backend
    from mtjob.config import JobConfig

    return JobConfig(mt_model=str(NOEOS / "marian-ar-en"), sum_model=str(NOEOS / "bart-sum"),
                     beams=4, backend=Backend.CTRANSLATE2, threads=2, max_length_factor=1.3,
                     max_length_offset=0, retry_degenerate=False, summary=True, sum_beams=4,
                     sum_min_length=SUM_MIN, sum_max_length=SUM_MAX, **changes)


def english_paragraphs(config: Any) -> list[str]:
    """The sample article's English, paragraph by paragraph, as mtjob writes it."""
    from mtjob.engines.resolve import LocalModels
    from mtjob.inputs.reader import read_article
    from mtjob.records import build_records
    from mtjob.text.segment import segment_article
    from mtjob.translation import translate_segments

    models = LocalModels()
    article = read_article(ARTICLE, config.max_file_bytes)
    segments = segment_article(0, article, models.tokenizer(config), config)
    engine = models.engine(config)
    translate_segments(segments, engine, config)
    engine.close()
    records = build_records(doc_id=article.doc_id,
                            paragraphs=[p.text for p in article.paragraphs], segments=segments)
    return [r.en for r in records]


def stage_seconds(config: Any, documents: list[list[str]], runs: int) -> tuple[float, Any]:
    """mtjob's summarize stage, warm: the engine a run of ``len(documents)`` articles gets."""
    from mtjob.engines.resolve import LocalModels

    engine = LocalModels().engine(config)
    engine.summarize(documents)  # loads (layout sized to these articles) and warms
    best = min(_timed(lambda: engine.summarize(documents)) for _ in range(runs))
    return best, engine


def raw_seconds(translator: Any, sources: list[list[str]], options: dict[str, Any],
                prefix: list[str] | None, per_call: int) -> float:
    """``translate_batch`` alone: calls of ``per_call`` articles, submitted at once."""
    started = time.perf_counter()
    pending = []
    for at in range(0, len(sources), per_call):
        part = sources[at:at + per_call]
        pending += translator.translate_batch(
            part, target_prefix=[prefix] * len(part) if prefix else None, asynchronous=True,
            **options)
    for result in pending:
        result.result()
    return time.perf_counter() - started


def floor(summarizer: Any, texts: list[str], runs: int, options: dict[str, Any] | None = None,
          layouts: tuple[int, ...] = (1, 2)) -> dict[str, float]:
    """Every layout's best time on ``texts`` (each text one article's summarizer input)."""
    import ctranslate2

    from mtjob.backends.conversion import converted_model

    defaults, prefix = summarizer.decoding_options()
    options = {**defaults, **(options or {})}
    sources = summarizer.source_tokens(texts)
    path = str(converted_model(summarizer.source, "int8"))
    out = {}
    for workers in layouts:
        model = ctranslate2.Translator(path, device="cpu", compute_type="int8",
                                       intra_threads=2 // workers, inter_threads=workers)
        raw_seconds(model, sources[:1], options, prefix, 1)  # warm
        for per_call in sorted({1, 2, 3, len(texts)}):
            if per_call <= len(texts) and (per_call == 1 or len(texts) > 1):
                out[f"{workers}x{2 // workers}-threads,{per_call}/call"] = min(
                    raw_seconds(model, sources, options, prefix, per_call) for _ in range(runs))
        del model
    return {k: round(v, 3) for k, v in out.items()}


def trade(summarizer: Any, text: str, runs: int) -> dict[str, float]:
    """One article's abstract, one worker on both threads, by beam and summary length."""
    out = {}
    for beams in (4, 2, 1):
        for length in (SUM_MAX, 142):
            found = floor(summarizer, [text], runs, {
                "beam_size": beams, "max_decoding_length": length - 2,
                "min_decoding_length": length - 3}, layouts=(1,))
            out[f"beam {beams}, {length} tokens"] = found["1x2-threads,1/call"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--trade", action="store_true")
    args = parser.parse_args()
    os.environ.update(HF_HUB_OFFLINE="1", MTJOB_CACHE=str(CT2_CACHE))
    from mtjob.engines.summarize import one_pass_input

    config = bench_config()
    paragraphs = english_paragraphs(config)
    result: dict[str, Any] = {"summary_lengths": [SUM_MIN, SUM_MAX], "sum_beams": 4}
    for articles in (1, 6):
        documents = [paragraphs] * articles
        mtjob_s, engine = stage_seconds(config, documents, args.runs)
        summarizer = engine.summarizer
        found = one_pass_input(paragraphs, summarizer, config.sum_min_length)
        assert found is not None, "the bench article is summarized in one pass"
        raw = floor(summarizer, [found[0]] * articles, args.runs)
        best = min(raw.values())
        result[f"{articles}_article"] = {
            "input_tokens": found[1], "mtjob_summarize_s": round(mtjob_s, 3),
            "mtjob_layout": summarizer.info().get("parallel_batches"),
            "raw_translate_batch_s": raw, "floor_s": best,
            "ratio_to_floor": round(mtjob_s / best, 3)}
        if args.trade and articles == 1:
            result["trade_one_article_s"] = trade(summarizer, found[0], args.runs)
        engine.close()
    print(json.dumps(result))
    return 0


def _timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
