"""The decode floor: how fast the bench's article can be translated at all on this machine.

In one process, after everything is loaded (no start-up, imports, tokenizer or model load),
times the translate stage of mtjob's own engine on the article's segments (the segments and
limits ``mtjob run`` makes with the bench's settings: CTranslate2 int8, beam 4, 1.3x forced
lengths), then CTranslate2's ``translate_batch`` alone on the same segments, each with its
own limit, in every layout: one worker on both threads or two one-thread workers, calls of
1, 2, 4 or 8 length-sorted segments, longest first (the fastest kept: the floor). Divided
into the naive recipe's whole-process seconds from the newest ``python -m scripts.bench`` JSON
with the job's rows (``docs/bench/bench-*.json``), it
bounds the ratio any tool can reach here with exact beam-4 decoding. Needs the bench's
models (run ``python -m scripts.bench`` first). Prints one JSON object.

    python -m scripts.bench.floor --articles 1 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from .settings import ARTICLE, CT2_CACHE, JSON_DIR, MODELS, NOEOS


def raw_seconds(translator: object, segments: list[list[str]], limits: list[int],
                per_call: int) -> float:
    """``translate_batch`` alone: calls of ``per_call`` length-sorted segments, longest
    first, all submitted at once."""
    order = sorted(range(len(segments)), key=lambda i: -len(segments[i]))
    started = time.perf_counter()
    pending = []
    for at in range(0, len(order), per_call):
        part = order[at:at + per_call]
        pending += translator.translate_batch(  # type: ignore[attr-defined]
            [segments[i] for i in part], beam_size=4, max_input_length=0, min_decoding_length=1,
            max_decoding_length=max(limits[i] for i in part), return_scores=True,
            asynchronous=True)
    for result in pending:
        result.result()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.update(HF_HUB_OFFLINE="1", MTJOB_CACHE=str(CT2_CACHE))
    import ctranslate2

    from mtjob.backends.conversion import converted_model
    from mtjob.backends.lazy import LazyModel
    from mtjob.choices import Backend
    from mtjob.config import JobConfig
    from mtjob.engines.resolve import LocalModels
    from mtjob.inputs.reader import read_article
    from mtjob.text.segment import segment_article
    from mtjob.translation import translate_segments

    config = JobConfig(mt_model=str(MODELS / NOEOS / "marian-ar-en"), beams=4,
                       backend=Backend.CTRANSLATE2, threads=2, max_length_factor=1.3,
                       max_length_offset=0, retry_degenerate=False, summary=False)
    models = LocalModels()
    tokens = models.tokenizer(config)
    article = read_article(ARTICLE, config.max_file_bytes)
    segments = [s for doc in range(args.articles)
                for s in segment_article(doc, article, tokens, config) if s.text]
    models.preload(config)  # as a run does: the CPU layout a run gets
    engine = models.engine(config)
    translate_segments(segments[:2], engine, config)  # waits for the load; warms
    mtjob_s = min(_timed(lambda: translate_segments(segments, engine, config))
                  for _ in range(args.runs))
    translator = engine.translator
    assert isinstance(translator, LazyModel)  # a real backend: its staged model's source
    layout = translator.info()["parallel_batches"]
    path = converted_model(translator.source, "int8", config.alignment_layer)
    engine.close()
    source = tokens.source_tokens([s.text for s in segments])
    limits = [s.limit for s in segments]
    raw = {}
    for workers in (1, 2):  # one worker on both threads, or two one-thread workers
        converted = ctranslate2.Translator(str(path), device="cpu", compute_type="int8",
                                           intra_threads=2 // workers, inter_threads=workers)
        raw_seconds(converted, source[:2], limits[:2], 1)  # warm
        for k in (1, 2, 4, 8):
            raw[f"{workers}x{2 // workers}-threads,{k}/call"] = min(
                raw_seconds(converted, source, limits, k) for _ in range(args.runs))
        del converted
    naive = naive_seconds()
    floor = min(raw.values())
    result = {"articles": args.articles, "segments": len(segments),
              "limit_tokens": sum(limits), "mtjob_translate_s": round(mtjob_s, 3),
              "mtjob_layout_workers": layout,
              "raw_translate_batch_s": {k: round(v, 3) for k, v in raw.items()},
              "floor_s": round(floor, 3), "ratio_to_floor": round(mtjob_s / floor, 3),
              "naive_whole_process_s": naive.get(args.articles)}
    if result["naive_whole_process_s"]:
        result["ratio_bound"] = round(result["naive_whole_process_s"] / floor, 1)
    print(json.dumps(result))
    return 0


def naive_seconds() -> dict[int, float]:
    """The naive recipe's whole-process seconds by article count, translation only, from the
    newest bench JSON that has the job's rows; empty when there is none."""
    for path in sorted(JSON_DIR.glob("bench-*.json"), reverse=True):
        rows = json.loads(path.read_text(encoding="utf-8")).get("job", {}).get("rows", [])
        if rows:
            return {r["articles"]: r["naive_s"] for r in rows if not r["summary"]}
    return {}


def _timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
