"""The vocabulary shortlist (issue 34): decode time with and without it, agreement on held-out
articles, and the whole job's time, in one run.

Models: the bench's full-size random opus-mt-ar-en (``python -m scripts.bench`` builds it): the
EOS-banned copy for every timing (each segment decodes exactly 1.3x its source tokens, with
the shortlist or without), the EOS-allowed one besides for agreement (its outputs end on
their own, as a real model's do).

Held out: a shortlist is built as a user builds one (``build_shortlist``, what ``mtjob
models shortlist`` runs) from the same random model's own finished folder over ``--build``
wire articles (``scripts/bench/wire.py``: templated agency copy, a seed each), then used on
articles it never saw: the sample article (``examples/article.ar.txt``, another text
altogether) and ``--held`` wire articles of other seeds (the same desk's language, other
sentences). Agreement: the share of sentences whose English is byte-identical with and
without the shortlist, and chrF of the shortlist's English against the full vocabulary's
(sacrebleu). Coverage: the share of held-out source tokens with a rule, and the candidates
per call. Timing: the translate stage warm, in one process, full vocabulary against the
shortlist against the shortlist padded to ``--pad`` candidates (filler rows the model never
emits: the size a real model's shortlist reaches), one and six copies of the sample,
alternating, best of ``--runs``; then ``mtjob run`` on six copies with their abstracts,
with and without ``--shortlist``, fresh processes, ``--rounds`` each.

    python -m scripts.bench.shortlist [--runs 3] [--rounds 2] [--build 200] [--held 20]
    python -m scripts.bench.shortlist --device cuda --transformers   # gpu_check.sh: transformers
    python -m scripts.bench.shortlist --model DIR --build-inbox OLD/ --held-inbox NEW/  # real

With real weights (``--model``, a Marian folder) and real articles, the same agreement and
timing (no forced lengths): what decides whether the shortlist could be the default.

Prints a table; the numbers go to ``docs/bench/shortlist-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from .settings import (
    ARTICLE,
    CT2_CACHE,
    FULL,
    MODELS,
    NOEOS,
    ROOT,
    WORK,
    save_json,
)
from .wire import write_wire

BUILD_SEED, HELD_SEED = 0, 100_000


def job_config(model: Path, args: argparse.Namespace, **changes: Any) -> Any:
    from mtjob.config import JobConfig

    gpu = args.device == "cuda"
    base: dict[str, Any] = {
        # CTranslate2 refuses a shortlist on a GPU (docs/shortlist.md): transformers there.
        "mt_model": str(model), "beams": 4, "device": args.device,
        "backend": "transformers" if gpu else "ctranslate2",
        "threads": 0 if gpu else args.threads, "summary": False, "retry_degenerate": False,
        "lang_check": "off", "quantize": "none" if gpu else "auto",
        "batch_tokens": 24000 if gpu else 0}
    if model.parent.name == NOEOS:  # forced lengths, as every bench timing
        base.update(max_length_factor=1.3, max_length_offset=0)
    return JobConfig(**(base | changes))


def build(model: Path, inbox: Path, work: Path, args: argparse.Namespace) -> Path:
    """The model's finished folder over the build articles, and the shortlist built from it."""
    from mtjob.backends.shortlist.build import build_shortlist
    from mtjob.backends.store.hub import resolve_model
    from mtjob.job import run_shard

    out = work / f"built-{model.parent.name}"
    run_shard(job_config(model, args), [inbox], out)
    path, stats = build_shortlist(resolve_model(str(model), None, None, False), [out],
                                  output=work / f"{model.parent.name}.vmap.txt")
    print(f"shortlist of {model.parent.name}: {stats}", file=sys.stderr)
    return path


def padded(path: Path, size: int, vocab: dict[str, int]) -> Path:
    """The shortlist with filler tokens (``<dummy_N>``, never emitted) always candidates, so
    that a call has about ``size`` candidates."""
    from mtjob.backends.shortlist.vmap import read_shortlist, vmap_bytes

    found = read_shortlist(path)
    filler = [t for t in vocab if t.startswith("<dummy_")][:max(0, size - len(found.always))]
    out = path.with_name(f"{path.stem}-pad{size}.txt")
    out.write_bytes(vmap_bytes(found.vocabulary, [*found.always, *filler],
                               {k: list(v) for k, v in found.rules.items()}, {"padded": size}))
    return out


def segments_of(paths: list[Path], config: Any, models: Any) -> list[Any]:
    from mtjob.inputs.reader import read_article
    from mtjob.text.segment import segment_article

    return [s for doc, path in enumerate(paths) for s in segment_article(
        doc, read_article(path, config.max_file_bytes), models.tokenizer(config), config)
        if s.text]


def translated(segments: list[Any], config: Any) -> list[str]:
    """English per segment (the segments are translated in place)."""
    from mtjob.engines.resolve import LocalModels
    from mtjob.translation import translate_segments

    engine = LocalModels().engine(config)
    translate_segments(segments, engine, config)
    engine.close()
    return [s.en for s in segments]


def stats(full: list[str], short: list[str], tokens: list[list[str]],
          shortlists: list[Any]) -> dict[str, Any]:
    """Agreement of two translations of the same segments, and how much of their source the
    shortlist (of each segment) covers."""
    import sacrebleu

    same = sum(a == b for a, b in zip(full, short, strict=True))
    words = [(t, sl) for row, sl in zip(tokens, shortlists, strict=True)
             for t in row if not t.startswith("</")]
    calls = [(tokens[i:i + 4], shortlists[i]) for i in range(0, len(tokens), 4)]
    return {"sentences": len(full), "identical": same,
            "identical_share": round(same / max(1, len(full)), 4),
            "chrf": round(sacrebleu.corpus_chrf(short, [full]).score, 2),
            "source_tokens_with_a_rule": round(sum(t in sl.rules for t, sl in words)
                                               / max(1, len(words)), 4),
            "candidates_per_call_of_4": round(sum(len(sl.candidates(c)) + 2 for c, sl in calls)
                                              / max(1, len(calls)), 1),
            "differing_examples": [(a, b) for a, b in zip(full, short, strict=False) if a != b][:3]}


def fold_shortlist(model: Path, built: Path, others: list[Any], path: Path) -> Path:
    """A shortlist from the build folder plus the model's English of ``others`` (segments of
    the same story, not the ones it is tested on)."""
    from mtjob.backends.shortlist.build import PairCounts, count_folders, select
    from mtjob.backends.shortlist.tokens import ModelVocabulary
    from mtjob.backends.shortlist.vmap import vmap_bytes
    from mtjob.backends.store.hub import resolve_model

    vocab = ModelVocabulary(resolve_model(str(model), None, None, False))
    counts = PairCounts()
    count_folders([built], vocab, counts)
    for seg, src in zip(others, vocab.source_tokens([s.text for s in others]), strict=False):
        counts.add(src, vocab.target_tokens(seg.en))
    always, rules = select(counts)
    path.write_bytes(vmap_bytes(vocab.hash, always, rules, {"sentences": counts.sentences}))
    return path


def agreement(model: Path, shortlist: Path, held: list[Path], args: argparse.Namespace,
              folds: int = 4, sample: bool = True) -> dict[str, Any]:
    """Held-out wire articles and the sample article (an unseen topic) with the wire-built
    shortlist; the sample's paragraphs in ``folds`` folds, each with a shortlist that also
    counts the other folds' English (the same story, other paragraphs)."""
    from mtjob.backends.shortlist.vmap import read_shortlist
    from mtjob.engines.resolve import LocalModels

    models = LocalModels()
    base = job_config(model, args)
    found = read_shortlist(shortlist)
    out: dict[str, Any] = {}
    story: list[Any] = []
    sets = [("held-out articles", held)] + ([("sample article, unseen topic", [ARTICLE])]
                                            if sample else [])
    for name, paths in sets:
        segments = segments_of(paths, base, models)
        full = translated(segments, base)
        story = segments if paths == [ARTICLE] else story
        short = translated(segments_of(paths, base, models),
                           job_config(model, args, shortlist=str(shortlist)))
        tokens = models.tokenizer(base).source_tokens([s.text for s in segments])
        out[name] = {"articles": len(paths)} | stats(full, short, tokens,
                                                      [found] * len(segments))
    if not story:
        return out
    full_all, short_all, tokens_all, lists = [], [], [], []
    for f in range(folds):
        test = [s for s in story if s.para % folds == f]
        path = fold_shortlist(model, shortlist.parent / f"built-{model.parent.name}",
                              [s for s in story if s.para % folds != f],
                              shortlist.with_name(f"{shortlist.stem}-fold{f}.txt"))
        fresh = [s for s in segments_of([ARTICLE], base, models) if s.para % folds == f]
        short_all += translated(fresh, job_config(model, args, shortlist=str(path)))
        full_all += [s.en for s in test]
        tokens_all += models.tokenizer(base).source_tokens([s.text for s in test])
        lists += [read_shortlist(path)] * len(test)
    out[f"sample article, same story ({folds} folds by paragraph)"] = {"articles": 1} | \
        stats(full_all, short_all, tokens_all, lists)
    return out


def speed(model: Path, variants: dict[str, Path | None], args: argparse.Namespace,
          backend: str, inputs: dict[str, list[Path]]) -> dict[str, Any]:
    """The translate stage, warm, each variant's engine in this process, alternating."""
    from mtjob.engines.resolve import LocalModels
    from mtjob.translation import translate_segments

    out: dict[str, Any] = {}
    for label, paths in inputs.items():
        configs = {name: job_config(model, args, backend=backend, shortlist=path and str(path))
                   for name, path in variants.items()}
        models = LocalModels()
        engines = {name: models.engine(c) for name, c in configs.items()}
        for name, engine in engines.items():  # loads and warms
            translate_segments(segments_of(paths[:1], configs[name], models)[:2], engine,
                               configs[name])
        times: dict[str, list[float]] = {name: [] for name in engines}
        for r in range(args.runs):
            for name in (list(engines) if r % 2 == 0 else list(engines)[::-1]):
                work = segments_of(paths, configs[name], models)
                started = time.perf_counter()
                translate_segments(work, engines[name], configs[name])
                times[name].append(round(time.perf_counter() - started, 3))
        best = {name: min(t) for name, t in times.items()}
        out[label] = {"seconds": times, "best_s": best, "speedup": {
            name: round(best["full vocabulary"] / s, 2) for name, s in best.items()}}
        for engine in engines.values():
            engine.close()
    return out


def whole_job(shortlist: Path, rounds: int, work: Path) -> dict[str, Any]:
    from .child import timed_run
    from .compare import env_for

    inbox = work / "inbox-6"
    inbox.mkdir(parents=True, exist_ok=True)
    for i in range(6):
        shutil.copyfile(ARTICLE, inbox / f"article-{i + 1:02d}.txt")
    out: dict[str, list[dict[str, Any]]] = {"full vocabulary": [], "shortlist": []}
    for r in range(rounds):
        for name in (list(out) if r % 2 == 0 else list(out)[::-1]):
            extra = ("--threads", "2") + (("--shortlist", str(shortlist))
                                          if name == "shortlist" else ())
            out[name].append(timed_run(
                inbox, work / f"job-{r}-{name.split()[0]}", env_for(ROOT),
                mt=MODELS / NOEOS / "marian-ar-en", summarizer=MODELS / NOEOS / "bart-sum",
                summary=True, extra=extra))
    return out


def table(result: dict[str, Any]) -> str:
    lines = []
    for model, sets in result["agreement"].items():
        for name, row in sets.items():
            lines.append(f"agreement, {model}, {name} ({row['articles']} article(s), "
                         f"{row['sentences']} sentences): identical {row['identical']}/"
                         f"{row['sentences']} ({100 * row['identical_share']:.1f}%), chrF "
                         f"{row['chrf']:.1f}; source tokens with a rule "
                         f"{100 * row['source_tokens_with_a_rule']:.1f}%, candidates per call "
                         f"of 4: {row['candidates_per_call_of_4']:.0f}")
    for backend, rows in result["speed"].items():
        for n, row in rows.items():
            parts = [f"{name} {row['best_s'][name]:.2f} s ({row['speedup'][name]:.2f}x)"
                     for name in row["best_s"]]
            lines.append(f"translate stage, {backend}, {n}: " + "; ".join(parts))
    for name, rows in result.get("whole_job", {}).items():
        wall = ", ".join(f"{r['wall_s']:.1f}" for r in rows)
        stage = ", ".join(f"{r['stages'].get('translate', 0):.1f}" for r in rows)
        rss = ", ".join(str(r["peak_rss_mb"]) for r in rows)
        lines.append(f"mtjob run, 6 articles + abstracts, {name}: wall {wall} s; translate "
                     f"stage {stage} s; peak RSS {rss} MB")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per variant")
    parser.add_argument("--rounds", type=int, default=2, help="whole jobs each (0: none)")
    parser.add_argument("--build", type=int, default=200, help="wire articles built from")
    parser.add_argument("--held", type=int, default=20, help="held-out wire articles")
    parser.add_argument("--pad", type=int, default=2000, help="candidates of the padded run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--parts", default="agreement,speed,job",
                        help="comma-separated: agreement, speed, job (the whole job)")
    parser.add_argument("--transformers", action="store_true",
                        help="also time the transformers backend (one article)")
    parser.add_argument("--model", type=Path, help="a real Marian folder: agreement and "
                        "speed on --build-inbox/--held-inbox instead of the bench's")
    parser.add_argument("--build-inbox", type=Path, help="articles (*.txt) to build from")
    parser.add_argument("--held-inbox", type=Path, help="held-out articles (*.txt)")
    args = parser.parse_args()
    os.environ.update(HF_HUB_OFFLINE="1", MTJOB_CACHE=str(CT2_CACHE),
                      TOKENIZERS_PARALLELISM="false")
    if args.model:
        return real_model(args)
    full, noeos = MODELS / FULL / "marian-ar-en", MODELS / NOEOS / "marian-ar-en"
    if not (full.is_dir() and noeos.is_dir()):
        raise SystemExit("Error: bench models missing: run python -m scripts.bench --only job")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = WORK / f"shortlist-{stamp}"
    build_inbox = write_wire(work / "build", range(BUILD_SEED, BUILD_SEED + args.build))
    held = sorted(write_wire(work / "held", range(HELD_SEED, HELD_SEED + args.held)).iterdir())
    result: dict[str, Any] = {"created": stamp, "device": args.device, "threads": args.threads,
                              "build_articles": args.build, "load_start": os.getloadavg(),
                              "cpus": len(os.sched_getaffinity(0))}
    shortlists = {model: build(model, build_inbox, work, args) for model in (full, noeos)}
    parts = set(args.parts.split(","))
    result["agreement"] = {
        f"{model.parent.name} ({'EOS banned' if model == noeos else 'EOS allowed'})":
        agreement(model, path, held, args) for model, path in shortlists.items()
        if "agreement" in parts}
    copies = {"1 article(s)": [ARTICLE], "6 article(s)": [ARTICLE] * 6}
    vocab = json.loads((noeos / "vocab.json").read_text(encoding="utf-8"))
    variants = {"full vocabulary": None, "shortlist": shortlists[noeos],
                f"shortlist padded to {args.pad}": padded(shortlists[noeos], args.pad, vocab)}
    result["speed"] = {}
    if "speed" in parts and args.device == "cpu":  # CTranslate2 takes a shortlist on CPU only
        result["speed"]["ctranslate2"] = speed(noeos, variants, args, "ctranslate2", copies)
    if "speed" in parts and args.transformers:
        result["speed"]["transformers"] = speed(noeos, variants, args, "transformers",
                                                {"1 article(s)": [ARTICLE]})
    if "job" in parts and args.rounds and args.device == "cpu":
        result["whole_job"] = whole_job(shortlists[noeos], args.rounds, work)
    result["load_end"] = os.getloadavg()
    print(table(result))
    print(f"load average {result['load_start']} -> {result['load_end']}; JSON: "
          f"{save_json('shortlist', result).relative_to(ROOT)}; scratch {work}")
    return 0


def real_model(args: argparse.Namespace) -> int:
    """With real weights (``--model``): the shortlist built from its run over
    ``--build-inbox``, agreement and the translate stage on ``--held-inbox``."""
    if not (args.build_inbox and args.held_inbox):
        raise SystemExit("Error: --model needs --build-inbox and --held-inbox")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = WORK / f"shortlist-real-{stamp}"
    work.mkdir(parents=True)
    held = sorted(args.held_inbox.glob("*.txt"))
    shortlist = build(args.model, args.build_inbox, work, args)
    result: dict[str, Any] = {"created": stamp, "model": str(args.model), "load_start":
                              os.getloadavg(), "agreement": {args.model.name: agreement(
                                  args.model, shortlist, held, args, sample=False)}}
    variants: dict[str, Path | None] = {"full vocabulary": None, "shortlist": shortlist}
    result["speed"] = {"ctranslate2": speed(args.model, variants, args, "ctranslate2",
                                            {"1 article(s)": held[:1],
                                             f"{len(held)} article(s)": held})}
    result["load_end"] = os.getloadavg()
    print(table(result))
    print(f"JSON: {save_json('shortlist-real', result).relative_to(ROOT)}; scratch {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
