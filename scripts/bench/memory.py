"""The translate stage with the translation memory against without it, in the same process.

An inbox of agency copy where a third of the sentences repeat: every article has four
sentences of its own and two of the agency's boilerplate (closing lines, credits, standard
attributions), drawn from six. The memory holds those six as a person corrected them
(written straight into a day-1 output folder's JSONL and added with ``mtjob.memory.adding.add``, as
``mtjob memory add`` does). Then, alternating, ``run_shard`` over the inbox without
``--memory`` and with it (``--force``, fresh output folders), ``--rounds`` times each; the
translate stage's seconds are the run's own ``stage_seconds["translate"]``.

Models: the full-size random Marian of ``python -m scripts.bench`` (opus-mt-ar-en's architecture,
end-of-sequence banned so every segment decodes ``ceil(1.3 x source tokens)``, as there),
translation only, beam 4, built once into ``models/bench/memory-marian-noeos``. ``--tiny``
uses the tiny test models instead (seconds, not figures).

    python -m scripts.bench.memory [--articles 24] [--rounds 2] [--backend auto] [--tiny]
    python -m scripts.bench.memory --lookup-only 100000   # the look-ups alone, no model
    python -m scripts.bench.memory --lookup-growth        # scan vs index, 10k-100k entries
    python -m scripts.bench.memory --lookup-article       # 2,000 segments x 50,000 entries

Prints one JSON object (also written to docs/bench/memory-<time>.json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from .child import ban_eos
from .settings import FACTOR, MODELS, save_json

if TYPE_CHECKING:
    from mtjob.config import JobConfig
    from mtjob.vocabulary import Origin

BOILERPLATE = [
    "وشارك في التغطية مراسلو الوكالة في بيروت ودمشق وعمان والقاهرة وبغداد والرياض.",
    "ولم يتسن الحصول على تعليق فوري من المتحدث باسم الحكومة على هذه التصريحات.",
    "ولم يتسن للوكالة التحقق بشكل مستقل من صحة هذه المعلومات من مصادر أخرى.",
    "وتنشر الوكالة هذا التقرير ضمن نشرتها الاقتصادية اليومية باللغة العربية.",
    "وقال مسؤول طلب عدم نشر اسمه لأنه غير مخول بالحديث إلى وسائل الإعلام إن المحادثات مستمرة.",
    "ويمكن متابعة آخر الأخبار والتحديثات على الموقع الإلكتروني للوكالة على مدار الساعة.",
]
NAMES = ["وزير الخارجية", "رئيس الوزراء", "محافظ البنك المركزي", "وزير المالية",
         "المتحدث باسم الجيش", "رئيس البرلمان", "وزير النفط", "سفير الاتحاد الأوروبي"]
VERBS = ["قال", "أعلن", "أكد", "أوضح", "ذكر", "صرح"]
TOPICS = ["الاقتصاد سينمو بنسبة {n} في المئة هذا العام",
          "الحكومة ستنفق {n} مليون دولار على مشاريع البنية التحتية",
          "المفاوضات مع الشركاء الإقليميين ستستأنف خلال {n} أيام",
          "صادرات النفط ارتفعت إلى {n} ألف برميل يوميا",
          "عدد اللاجئين العائدين بلغ {n} ألف شخص منذ بداية العام",
          "الأسعار في الأسواق المحلية تراجعت بنسبة {n} في المئة"]
CITIES = ["بغداد", "دمشق", "بيروت", "عمان", "القاهرة", "الرياض", "تونس", "الرباط"]


def unique_sentence(rng: random.Random, i: int) -> str:
    topic = rng.choice(TOPICS).format(n=rng.randint(2, 990))
    return (f"{rng.choice(VERBS)} {rng.choice(NAMES)} في {rng.choice(CITIES)} يوم "
            f"{1 + i % 28} إن {topic}.")


def build_inbox(inbox: Path, articles: int, seed: int = 0) -> int:
    """``articles`` files of six sentences, two of them boilerplate; returns sentences."""
    rng = random.Random(seed)
    inbox.mkdir(parents=True)
    count = 0
    for a in range(articles):
        own = [unique_sentence(rng, 10 * a + j) for j in range(4)]
        tail = rng.sample(BOILERPLATE, 2)
        text = f"{own[0]} {own[1]}\n\n{own[2]} {tail[0]}\n\n{own[3]}\n\n{tail[1]}\n"
        (inbox / f"wire-{a:04d}.txt").write_text(text, encoding="utf-8")
        count += 6
    return count


def build_memory(work: Path) -> Path:
    """A day-1 output folder whose boilerplate sentences a person corrected, then the memory."""
    from mtjob.memory.adding import add

    day1 = work / "day1"
    day1.mkdir()
    lines = [json.dumps({"doc_id": "day1", "para_id": i, "ar": ar, "en": "machine English",
                         "sentences": [{"ar": ar, "en": "machine English", "flags": [],
                                        "post_edit": f"Corrected boilerplate line {i}.",
                                        "edited_by": "desk", "edited_at": "2026-12-01T08:00:00Z"}],
                         "flags": []}, ensure_ascii=False) for i, ar in enumerate(BOILERPLATE)]
    (day1 / "day1.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mem = work / "memory.sqlite"
    add(mem, [day1])
    return mem


def models(work: Path, tiny: bool) -> Path:
    """The Marian folder: tiny, or full-size with end-of-sequence banned (the bench's recipe)."""
    from mtjob.testing.tiny_models import build_marian, build_tiny_models
    from mtjob.vocabulary import Role

    if tiny:
        return build_tiny_models(work / "models")[Role.MT]
    cached = MODELS / "memory-marian-noeos"
    if not cached.is_dir():
        MODELS.mkdir(parents=True, exist_ok=True)
        full = build_marian(work / "marian-full", full_size=True)
        tmp = cached.with_name(cached.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        ban_eos(full, tmp)
        os.replace(tmp, cached)
    return cached


def lookup_cost(work: Path, entries: int, source: str, queries: int = 300
                ) -> dict[str, object]:
    """Seconds per segment of ``apply_memory`` (exact look-up, then the close-match search)
    against a memory of ``entries`` wire sentences (``source``: post_edit or mt) plus the six
    corrected ones; the queries are new wire sentences (misses: the dearer path, and built
    from the same templates, so most have a close match) and the boilerplate (hits)."""
    from mtjob.memory.entries import memory_key
    from mtjob.memory.lookup import apply_memory, open_memory
    from mtjob.memory.writer import writing
    from mtjob.text.segment import Segment

    work.mkdir(parents=True)
    mem = build_memory(work)
    rng = random.Random(1)
    with writing(mem) as db:
        db.executemany(
            "INSERT OR IGNORE INTO entries (key, key_len, ar, en, source, added_at) "
            "VALUES (?, ?, ?, 'x', ?, '2026-12-01T00:00:00Z')",
            ((memory_key(t), len(memory_key(t)), t, source) for t in
             (unique_sentence(rng, 1_000_000 + i) for i in range(entries))))
    rng = random.Random(2)
    texts = [unique_sentence(rng, i) for i in range(queries)] + BOILERPLATE * 10
    segments = [Segment(0, 0, t, memory_key(t), 10, 20) for t in texts]
    started = time.perf_counter()
    memory = open_memory(mem)
    assert memory is not None
    taken = apply_memory(segments, memory)
    memory.close()
    seconds = time.perf_counter() - started
    return {"entries": entries + len(BOILERPLATE), "source": source,
            "segments": len(segments), "taken": taken,
            "suggestions": sum(s.suggestion is not None for s in segments),
            "ms_per_segment": round(1000 * seconds / len(segments), 3)}


class RunTimes(TypedDict):
    """One ``run_shard``: whole seconds, the translate stage's, and what it decoded."""

    wall_s: float
    translate_s: float
    segments: int
    origins: dict[Origin, int]
    tokens_out: int
    failed: int


def one_run(config: JobConfig, inbox: Path, out: Path) -> RunTimes:
    from mtjob.job import run_shard

    started = time.perf_counter()
    report = run_shard(config, [inbox], out, force=True)
    return {"wall_s": round(time.perf_counter() - started, 2),
            "translate_s": round(report.stage_seconds.get("translate", 0.0), 2),
            "segments": report.segments, "origins": dict(report.origins),
            "tokens_out": report.tgt_tokens, "failed": len(report.failed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--lookup-only", type=int, metavar="ENTRIES", default=None,
                        help="only time the look-ups against a memory of ENTRIES sentences")
    parser.add_argument("--lookup-growth", action="store_true",
                        help="scan vs index per segment, 10k-100k entries (memory_lookup)")
    parser.add_argument("--lookup-article", action="store_true",
                        help="one article's translate stage: no memory, index, scan")
    parser.add_argument("--corpus", choices=("wire", "words", "both"), default="both")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=50_000)
    args = parser.parse_args()
    if args.lookup_growth or args.lookup_article:
        from . import memory_lookup

        with tempfile.TemporaryDirectory() as tmp:
            found: dict[str, object] = {}
            if args.lookup_growth:
                kinds = ("wire", "words") if args.corpus == "both" else (args.corpus,)
                found["growth"] = [row for kind in kinds for row in memory_lookup.growth(
                    Path(tmp), kind, args.queries)]
            if args.lookup_article:
                found["article"] = memory_lookup.article_run(Path(tmp), args.segments,
                                                             args.entries)
        print(json.dumps(found, indent=1))
        save_json("memory-lookup", found)
        return
    if args.lookup_only is not None:
        with tempfile.TemporaryDirectory() as tmp:
            for source in ("mt", "post_edit"):
                print(json.dumps(lookup_cost(Path(tmp) / source, args.lookup_only, source)))
        return
    from mtjob.choices import Backend
    from mtjob.config import JobConfig

    work = Path(tempfile.mkdtemp(prefix="mtjob-bench-memory-"))
    try:
        sentences = build_inbox(work / "inbox", args.articles)
        mem = build_memory(work)
        mt = models(work, args.tiny)
        configs = {name: JobConfig(mt_model=str(mt), summary=False, beams=4,
                                   backend=Backend(args.backend), threads=args.threads,
                                   retry_degenerate=False, max_length_factor=FACTOR,
                                   max_length_offset=0, memory=memory)
                   for name, memory in (("without", None), ("with", str(mem)))}
        one_run(configs["without"], work / "inbox", work / "warm")  # conversion, caches
        runs: dict[str, list[RunTimes]] = {"without": [], "with": []}
        for r in range(args.rounds):
            for name in (("without", "with") if r % 2 == 0 else ("with", "without")):
                runs[name].append(one_run(configs[name], work / "inbox",
                                          work / f"out-{name}-{r}"))
        best = {k: min(v, key=lambda x: x["translate_s"]) for k, v in runs.items()}
        result = {"articles": args.articles, "sentences": sentences,
                  "repeated_share": round(2 / 6, 3), "models": "tiny" if args.tiny else
                  "full-size random Marian, EOS banned", "backend": configs["with"].backend,
                  "beams": 4, "runs": runs, "best_translate_s": {k: v["translate_s"] for k, v
                                                                 in best.items()},
                  "speedup": round(best["without"]["translate_s"]
                                   / max(best["with"]["translate_s"], 1e-9), 2),
                  "load_average": os.getloadavg()}
        print(json.dumps(result, indent=1))
        save_json("memory", result)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
