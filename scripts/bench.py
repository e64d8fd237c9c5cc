"""Benchmark the translation job against the naive recipe, on models with the real architectures.

Models: random-initialised Helsinki-NLP/opus-mt-ar-en (MarianMT) and distilbart-cnn-12-6 (BART)
at full size (``mtjob.testing.bench_models.build_bench_models``: real BPE for BART, outputs
restricted to real words), built once into ``outputs/bench/models/``. Compute equals the real
models' when output lengths are equal, so lengths are forced: the bench copies set
``final_logits_bias[eos] = -1e4`` (the CTranslate2 converter carries that bias into
``decoder.projection.bias``), so no run ever stops early and every segment decodes exactly its
limit, ``ceil(1.3 x source tokens)``: ``max_new_tokens`` in the naive loop,
``--max-length-factor 1.3 --max-length-offset 0`` in mtjob; summaries decode their maximum.

Part "job" (default): the whole job against the whole naive recipe, for 1 and 6 copies of the
sample article: (a) ``scripts/bench_naive.py`` (``generate`` per paragraph, batch 1, beam 4,
then ``generate`` on the article's English truncated to 1,024 tokens, beam 4), measured on
``--naive-files`` copies (default 1) and scaled per article (identical copies, one paragraph
at a time: each costs the same); then ``mtjob run`` with the default backend (``auto``) and
with ``--backend transformers``, translation only and with the summary, each a fresh process.
Part "beamcache" (default): transformers beam 4 with and without mtjob's beam cache on the
full-size Marian (EOS allowed): identical token ids, and the seconds in ``reorder_cache``.
Older parts, by ``--only``: (b)/(c) translation tables at beam 4 and greedy against the naive
loop (naive, transformers, ctranslate2), one-flag variants, the summarizer alone, int8 check.

Usage: python scripts/bench.py [--naive-files N] [--only PART,...] [--mtjob-args '...']
       (parts: job, beamcache, naive, transformers, ctranslate2, variants, full, summarizer,
       int8)
       python scripts/bench.py --check-int8
The tables go to stdout, progress to stderr, the numbers to outputs/bench/bench-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "examples" / "article.ar.txt"
NAIVE = Path(__file__).resolve().parent / "bench_naive.py"
FACTOR = 1.3  # output limit per segment, in source tokens, about what a real ar->en model emits
EOS_BIAS = -1e4
MT_CAP = 512  # mtjob caps a segment's output limit at the model's source limit
# Summary length: transformers counts the decoder start in max_length; min 58 rather than 60
# because mtjob's CTranslate2 summarizer rejects min == max (see the report). With EOS banned
# both decode to the maximum anyway.
SUM_MIN, SUM_MAX, SUM_INPUT_TOKENS = 58, 60, 700
DEFAULT_PARTS = ("job", "beamcache")
ALL_PARTS = ("job", "gpu", "naive", "transformers", "ctranslate2", "variants", "full", "summarizer",
             "int8", "beamcache")
#: Part "variants": (label, backend, flags) of beam-4 runs with one setting changed.
VARIANTS = (("b'", "transformers", ("--dtype", "bfloat16")),
            ("b''", "transformers", ("--quantize", "int8")),
            ("c'", "ctranslate2", ("--batch-tokens", "500")))
MTJOB_LENGTH_FLAGS = ["--max-length-factor", str(FACTOR), "--max-length-offset", "0"]
# Model folders under outputs/bench/models: renamed whenever the builders change.
FULL, NOEOS = "bench-v2", "bench-v2-noeos"
#: Part "job": article counts, and the targets (ratios of whole-process seconds to the naive
#: recipe's, beam 4, default settings).
JOB_ARTICLES = (1, 6)
JOB_TARGETS = {("translate", 1): 12.0, ("translate", 6): 15.0, ("summary", 1): 4.0,
               ("summary", 6): 6.0, ("transformers-translate", 6): 6.0}
RSS_TARGETS_MB = {"translate": 1000.0, "summary": 1500.0}  # decimal: 10^9 and 1.5 x 10^9 bytes

log = logging.getLogger("bench")


# -- measuring a child process -------------------------------------------------------------
@dataclass
class Measured:
    """What the parent sees of one child: wall time, CPU time, peak RSS, first output."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    first_output_s: float | None
    returncode: int
    load_before: list[float]
    load_after: list[float]
    started: float = field(repr=False, default=0.0)


def measure(cmd: list[str], env: dict[str, str], log_path: Path, poll_dir: Path | None = None,
            timeout: float = 3600.0) -> Measured:
    """Run ``cmd``; peak RSS and CPU time come from ``wait4`` (this child only, exact), the
    first output from polling ``poll_dir`` for ``*.jsonl`` every 50 ms."""
    load_before = list(os.getloadavg())
    with log_path.open("wb") as sink:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        first = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            now = time.monotonic()
            if pid:
                break
            if poll_dir is not None and first is None and any(poll_dir.glob("*.jsonl")):
                first = now - started
            if now - started > timeout:
                log.error("%s: over %.0f s, killed", log_path.stem, timeout)
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                now = time.monotonic()
                break
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        log.error("%s exited with %d:\n%s", " ".join(cmd[:4]), proc.returncode, tail)
    return Measured(wall_s=now - started, cpu_s=usage.ru_utime + usage.ru_stime,
                    peak_rss_mb=usage.ru_maxrss / 1024, first_output_s=first,
                    returncode=proc.returncode, load_before=load_before,
                    load_after=list(os.getloadavg()), started=started)


def child_env(models: Path) -> dict[str, str]:
    """Offline, with the CTranslate2 conversions cached beside the bench models."""
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", MTJOB_CACHE=str(models / "ct2-cache"),
               TOKENIZERS_PARALLELISM="false", PYTHONPATH=str(ROOT))
    return env


def run_child(kind: str, spec: dict[str, Any], work: Path, env: dict[str, str],
              timeout: float = 3600.0) -> tuple[Measured, dict[str, Any]]:
    """Run one of this script's own child modes in a fresh process; returns its result JSON."""
    result = work / f"{spec['name']}.result.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind,
           "--spec", json.dumps(spec), "--result", str(result)]
    measured = measure(cmd, env, work / f"{spec['name']}.log", timeout=timeout)
    data = json.loads(result.read_text(encoding="utf-8")) if result.is_file() else {}
    return measured, data


# -- child modes (fresh processes; the parent imports nothing heavy) ------------------------
def child_prepare(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the full-size models once, the EOS-banned copies, and their CTranslate2 folders."""
    from mtjob.testing.bench_models import build_bench_models

    models = Path(spec["models"])
    out: dict[str, Any] = {}
    full, noeos = models / FULL, models / NOEOS
    if not full.is_dir():
        started = time.monotonic()
        tmp = models / ".full-tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        build_bench_models(tmp)
        os.replace(tmp, full)
        out["build_s"] = time.monotonic() - started
    if not noeos.is_dir():
        tmp = models / ".noeos-tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        for name in ("marian-ar-en", "bart-sum"):
            out[f"eos_banned_{name}"] = ban_eos(full / name, tmp / name)
        os.replace(tmp, noeos)
    out["ct2_convert_s"] = {kind: convert_ct2([noeos / "marian-ar-en", noeos / "bart-sum"], kind)
                            for kind in spec.get("compute_types", ["int8"])}
    return out


def ban_eos(src: Path, dst: Path) -> int:
    """Copy a model folder with ``final_logits_bias[eos]`` set to -1e4; returns the eos id."""
    from safetensors.torch import load_file, save_file

    dst.mkdir(parents=True)
    for item in src.iterdir():
        if item.name != "model.safetensors":
            shutil.copy2(item, dst / item.name)
    eos = json.loads((src / "config.json").read_text(encoding="utf-8"))["eos_token_id"]
    weights = load_file(str(src / "model.safetensors"))
    weights["final_logits_bias"][0, eos] = EOS_BIAS
    save_file(weights, str(dst / "model.safetensors"), metadata={"format": "pt"})
    return eos


def convert_ct2(folders: list[Path], compute_type: str) -> dict[str, float]:
    """Convert through mtjob's own cache, so timed runs find the conversion done."""
    from mtjob.backends.ct2 import converted_model
    from mtjob.backends.store.hub import resolve_model
    from mtjob.config import JobConfig

    seconds = {}
    for folder in folders:
        started = time.monotonic()
        # The translator's entry records its alignment layer (as CTranslate2Translator asks).
        layer = JobConfig().alignment_layer if "marian" in folder.name else None
        converted_model(resolve_model(str(folder), None, None, False), compute_type, layer)
        seconds[folder.name] = time.monotonic() - started
    return seconds


def _import_backend(backend: str) -> None:
    """Import the heavy libraries a backend uses, so that loading is timed apart from them."""
    if backend == "ctranslate2":
        import ctranslate2  # noqa: F401
    else:
        import torch  # noqa: F401
        from transformers import AutoModelForSeq2SeqLM  # noqa: F401
    import transformers  # noqa: F401  # mtjob names the tokenizer class: no AutoTokenizer


def child_load(spec: dict[str, Any]) -> dict[str, Any]:
    """mtjob's translator load time: imports, model resolution, tokenizer, weights."""
    from mtjob.config import JobConfig
    from mtjob.backends import make_translator

    t0 = time.monotonic()
    _import_backend(spec["backend"])
    t1 = time.monotonic()
    translator = make_translator(JobConfig(backend=spec["backend"], mt_model=spec["mt_model"],
                                           threads=spec["threads"]))
    _ = translator.source  # type: ignore[attr-defined]  # resolution hashes local weights
    t2 = time.monotonic()
    translator.count_tokens(["x"])
    translator.info()
    t3 = time.monotonic()
    return {"import_s": t1 - t0, "resolve_s": t2 - t1, "load_s": t3 - t2,
            "torch_imported": "torch" in sys.modules, "info": translator.info()}


class StepRecorder:
    """Wraps a loaded model (bench only) to record how many decoder steps each output took."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self.steps: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        ids = self._model.generate(*args, **kwargs)
        self.steps += [int(ids.shape[1]) - 1] * int(ids.shape[0])  # minus the decoder start
        return ids

    def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
        results = self._model.translate_batch(*args, **kwargs)
        self.steps += [len(r.hypotheses[0]) for r in results]  # the forced <s> included
        return results


def english_text(count: Any, target: int) -> str:
    """English news lines (the ones the tiny tokenizers were trained on) up to ~target tokens."""
    from mtjob.testing.tiny_models import EN_SEED

    lines = [ln for ln in EN_SEED.splitlines() if ln.strip()]
    text, i = "", 0
    while count([text])[0] < target:
        text = (text + " " + lines[i % len(lines)]).strip()
        i += 1
    return text


def child_summarizer(spec: dict[str, Any]) -> dict[str, Any]:
    """The summarizer alone through mtjob's classes: load, then ``summarize`` a few times."""
    from mtjob.config import JobConfig
    from mtjob.backends import make_summarizer

    t0 = time.monotonic()
    _import_backend(spec["backend"])
    t1 = time.monotonic()
    config = JobConfig(backend=spec["backend"], sum_model=spec["sum_model"],
                       threads=spec["threads"], quantize=spec["quantize"],
                       sum_beams=spec["beams"], sum_min_length=SUM_MIN, sum_max_length=SUM_MAX)
    summarizer: Any = make_summarizer(config)
    summarizer.count_tokens(["x"])
    info = summarizer.info()
    t2 = time.monotonic()
    text = english_text(summarizer.count_tokens, SUM_INPUT_TOKENS)
    recorder = StepRecorder(summarizer._model)  # a peek inside, for the step count only
    summarizer._model = recorder
    calls = []
    for _ in range(spec["reps"]):
        started = time.monotonic()
        summarizer.summarize([text])
        calls.append({"seconds": time.monotonic() - started, "done": time.monotonic()})
    return {"import_s": t1 - t0, "load_s": t2 - t1, "info": info,
            "input_tokens": summarizer.count_tokens([text])[0], "steps": recorder.steps,
            "calls": calls, "torch_imported": "torch" in sys.modules}


def child_int8(spec: dict[str, Any]) -> dict[str, Any]:
    """Greedy translations of the sample, float32 vs int8, on each backend: how many differ."""
    from mtjob.testing.tiny_models import build_tiny_models

    models = Path(spec["models"])
    out: dict[str, Any] = {}
    for size in spec["sizes"]:
        folder = models / (FULL if size == "full" else size) / "marian-ar-en"
        if size == "tiny" and not folder.is_dir():
            tmp = models / ".tiny-tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            build_tiny_models(tmp)
            os.replace(tmp, models / "tiny")
        sources, limits, outputs = _greedy_outputs(folder, spec["threads"])
        pairs = [("transformers float32", "transformers float32 batched"),
                 ("transformers float32", "transformers int8"),
                 ("transformers float32", "transformers bfloat16"),
                 ("ctranslate2 float32", "ctranslate2 int8"),
                 ("transformers float32", "ctranslate2 float32"),
                 ("transformers float32", "ctranslate2 int8")]
        first = outputs["transformers float32"]
        out[size] = {"segments": len(sources), "source_tokens": sum(sources),
                     "output_tokens": sum(map(len, first)),
                     "outputs_at_limit": sum(len(o) >= n - 1 for o, n in zip(first, limits)),
                     "pairs": [compare(a, b, outputs[a], outputs[b], sources) for a, b in pairs]}
    return out


def _greedy_outputs(folder: Path, threads: int
                    ) -> tuple[list[int], list[int], dict[str, list[list[str]]]]:
    """Source token counts, output limits and output token strings per segment, per
    backend and precision (batch 1, greedy, mtjob's default length limits)."""
    import ctranslate2
    import torch

    from mtjob.config import JobConfig
    from mtjob.inputs.reader import read_article
    from mtjob.text.segment import segment_paragraph
    from mtjob.text.clean import clean_for_model
    from mtjob.backends.ct2 import converted_model
    from mtjob.backends.hf import TransformersTranslator, load_model

    base = JobConfig(mt_model=str(folder), threads=threads)
    translator = TransformersTranslator(base)
    tok = translator.tokenizer
    segments = [clean_for_model(s) for p in read_article(ARTICLE, 10**7).paragraphs
                for s in segment_paragraph(p.text, translator.count_tokens, 256)]
    sources = translator.count_tokens(segments)
    limits = [math.ceil(base.max_length_factor * n) + base.max_length_offset for n in sources]
    special = set(tok.all_special_ids)
    outputs: dict[str, list[list[str]]] = {}
    for name, quantize, dtype in (("float32", "none", "float32"), ("int8", "int8", "float32"),
                                  ("bfloat16", "none", "bfloat16")):
        model, _ = load_model(translator.source, JobConfig(mt_model=str(folder), threads=threads,
                                                           quantize=quantize, dtype=dtype))
        rows = []
        with torch.inference_mode():
            for text, limit in zip(segments, limits):
                ids = model.generate(**tok([text], return_tensors="pt"), num_beams=1,
                                     do_sample=False, max_new_tokens=limit)[0].tolist()
                rows.append(tok.convert_ids_to_tokens([i for i in ids[1:] if i not in special]))
            if name == "float32":  # the same, all in one padded batch: is batching exact?
                ids = model.generate(**tok(segments, return_tensors="pt", padding=True),
                                     num_beams=1, do_sample=False, max_new_tokens=max(limits))
                outputs["transformers float32 batched"] = [
                    tok.convert_ids_to_tokens([i for i in row[1:] if i not in special])[:n - 1]
                    for row, n in zip(ids.tolist(), limits)]  # batch 1 ends in a forced </s>
        outputs[f"transformers {name}"] = rows
    tokens = [tok.convert_ids_to_tokens(tok(t)["input_ids"]) for t in segments]
    for compute_type in ("float32", "int8"):
        path = converted_model(translator.source, compute_type)
        model = ctranslate2.Translator(str(path), device="cpu", compute_type=compute_type,
                                       intra_threads=threads)
        outputs[f"ctranslate2 {compute_type}"] = [
            model.translate_batch([s], beam_size=1, max_decoding_length=limit,
                                  max_input_length=0)[0].hypotheses[0]
            for s, limit in zip(tokens, limits)]
    return sources, limits, outputs


def _agreement(a: list[list[str]], b: list[list[str]], spans: list[int]) -> tuple[float, float]:
    """(share of identical outputs, mean position-wise token agreement), each pair compared
    over its first ``span`` positions (and at most the shorter output: transformers spends
    its last step on the forced ``</s>``, CTranslate2 does not)."""
    same, agree = 0, 0.0
    for p, q, span in zip(a, b, spans):
        n = min(len(p), len(q), span)
        same += p[:n] == q[:n]
        agree += sum(x == y for x, y in zip(p[:n], q[:n])) / max(n, 1)
    return same / len(a), agree / len(a)


def compare(name_a: str, name_b: str, a: list[list[str]], b: list[list[str]],
            sources: list[int]) -> dict[str, Any]:
    """Agreement over whole outputs, and over the span that mirrors the source (a source of
    n tokens, </s> included, gives n-1 words; the tiny model runs on past it to the limit
    on near-tied logits, where a real model would have stopped)."""
    identical, agreement = _agreement(a, b, [10**9] * len(a))
    identical_src, agreement_src = _agreement(a, b, [max(1, n - 1) for n in sources])
    return {"a": name_a, "b": name_b, "identical": identical, "token_agreement": agreement,
            "identical_source_span": identical_src, "token_agreement_source_span": agreement_src}


def child_beamcache(spec: dict[str, Any]) -> dict[str, Any]:
    """Beam 4 on the full-size Marian (EOS allowed, so beams finish at different steps): the
    token ids with and without mtjob's beam cache, and the seconds spent in ``reorder_cache``
    (cProfile) each way, over the sample's paragraphs in length-sorted batches of 8."""
    import cProfile
    import pstats

    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from mtjob.backends.beam_cache import beam_search_cache

    torch.set_num_threads(spec["threads"])
    folder = spec["mt_full"]
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder).eval()
    texts = sorted((p.strip() for p in ARTICLE.read_text(encoding="utf-8").split("&")
                    if p.strip()), key=len)[:spec["paragraphs"]]
    out: dict[str, Any] = {"paragraphs": len(texts)}
    ids: dict[str, list[Any]] = {}
    for name, shared in (("default cache", False), ("beam cache", True)):
        profile, rows, started = cProfile.Profile(), [], time.monotonic()
        profile.enable()
        with torch.inference_mode():
            for i in range(0, len(texts), 8):
                batch = tok(texts[i:i + 8], return_tensors="pt", padding=True)
                limit = math.ceil(FACTOR * batch["input_ids"].shape[1])
                rows += model.generate(**batch, num_beams=4, max_new_tokens=limit,
                                       **(beam_search_cache(model, 4) if shared else {})
                                       ).tolist()
        profile.disable()
        seconds = time.monotonic() - started
        stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        reorder = max((v[3] for k, v in stats.items() if k[2] == "reorder_cache"),
                      default=0.0)  # the outermost call's cumulative time
        ids[name] = rows
        out[name] = {"seconds": seconds, "reorder_cache_s": reorder}
    out["identical_token_ids"] = ids["default cache"] == ids["beam cache"]
    return out


CHILDREN = {"prepare": child_prepare, "load": child_load, "summarizer": child_summarizer,
            "beamcache": child_beamcache,
            "int8": child_int8}


# -- the parent: workload, runs, verification -----------------------------------------------
@dataclass
class Row:
    """One line of the translation table."""

    name: str
    beams: int
    tokens: int
    wall_s: float
    cpu_s: float
    first_output_s: float | None
    load_s: float | None
    peak_rss_mb: float
    returncode: int
    segments: int = 0
    decoded: int = 0
    check: str = ""
    notes: dict[str, Any] = field(default_factory=dict)
    load_before: list[float] = field(default_factory=list)
    load_after: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.tokens / self.wall_s if self.wall_s and not self.returncode else 0.0


def make_inbox(folder: Path, files: int) -> Path:
    """``files`` copies of the sample article (17 paragraphs each)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(files):
        shutil.copyfile(ARTICLE, folder / f"article-{i + 1:02d}.txt")
    return folder


def run_naive(beams: int, ctx: dict[str, Any]) -> Row:
    """(a) on the first ``naive_files`` copies; when that is fewer than the inbox holds, the
    time is extended by the last copy's time per missing copy. The copies are identical and
    translated one paragraph at a time, so each takes the same time; the first copy, when it
    is the only one measured, also carries the first call's warm-up (about 1%), which favours
    nothing but the baseline's slowness."""
    name = f"(a) naive generate, beam {beams}"
    inputs = sorted(ctx["inbox"].glob("*.txt"))
    measured = inputs[:ctx["naive_files"] or len(inputs)]
    out, result = ctx["work"] / f"naive-b{beams}.jsonl", ctx["work"] / f"naive-b{beams}.json"
    cmd = [sys.executable, str(NAIVE), "--model", str(ctx["mt"]), "--beams", str(beams),
           "--threads", str(ctx["threads"]), "--factor", str(FACTOR), "--out", str(out),
           "--result", str(result), "--device", ctx.get("device", "cpu"), *map(str, measured)]
    m = measure(cmd, ctx["env"], ctx["work"] / f"naive-b{beams}.log")
    data = json.loads(result.read_text(encoding="utf-8")) if not m.returncode else {}
    if not data:
        return Row(name, beams, 0, m.wall_s, m.cpu_s, None, None, m.peak_rss_mb, m.returncode,
                   check="failed", load_before=m.load_before, load_after=m.load_after)
    done = data["files_done"]
    per_copy = done[-1] - (done[-2] if len(done) > 1 else data["loaded"])
    missing = len(inputs) - len(measured)
    scale = len(inputs) / len(measured)
    wall = m.wall_s + missing * per_copy
    notes = {"import_s": data["imported"] - m.started, "files_measured": len(measured),
             "files_total": len(inputs), "measured_wall_s": m.wall_s,
             "measured_cpu_s": m.cpu_s, "seconds_per_copy": per_copy}
    if missing:
        name += f" [{len(measured)} of {len(inputs)} copies run, scaled]"
    check = (f"{data['paragraphs'] - data['length_mismatches']}/{data['paragraphs']} paragraphs "
             "decoded exactly their limit")
    return Row(name, beams, round(data["limit_tokens"] * scale), wall, m.cpu_s * wall / m.wall_s,
               data["first_output"] - m.started, data["loaded"] - data["imported"],
               m.peak_rss_mb, m.returncode, round(data["paragraphs"] * scale),
               round(data["decoded_steps"] * scale), check, notes, m.load_before, m.load_after)


def mtjob_command(backend: str, beams: int, summary: bool, out: Path, ctx: dict[str, Any]
                  ) -> list[str]:
    cmd = [sys.executable, "-m", "mtjob", "run", str(ctx["inbox"]), "--out", str(out),
           "--backend", backend, "--beams", str(beams), "--threads", str(ctx["threads"]),
           "--quantize", "auto", *MTJOB_LENGTH_FLAGS, "--no-retry-degenerate",
           "--mt-model", str(ctx["mt"]), "--sum-model", str(ctx["sum"]), "--force"]
    if summary:
        cmd += ["--summary", "--sum-beams", "4", "--sum-min-length", str(SUM_MIN),
                "--sum-max-length", str(SUM_MAX)]
    else:
        cmd.append("--no-summary")
    return cmd + ctx["extra"]


def read_jsonl_counts(out: Path, backend: str) -> dict[str, Any]:
    """Forced-length check on mtjob's output: every segment decoded at least its own limit.

    The transformers backend does not count the forced final ``</s>`` in ``tgt_tokens`` (the
    step is decoded all the same), so it is allowed one token less."""
    slack = 1 if backend == "transformers" else 0
    segments = short = limit_sum = decoded = 0
    for path in sorted(out.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for sentence in json.loads(line)["sentences"]:
                if not sentence["src_tokens"]:
                    continue
                limit = min(MT_CAP, math.ceil(FACTOR * sentence["src_tokens"]))
                segments += 1
                limit_sum += limit
                decoded += sentence["tgt_tokens"] + slack
                short += sentence["tgt_tokens"] + slack < limit
    methods = sorted({json.loads(p.read_text(encoding="utf-8"))["method"]
                      for p in out.glob("*.abstract.json")})
    return {"segments": segments, "short": short, "limit_tokens": limit_sum,
            "decoded": decoded, "abstract_methods": methods}


def run_mtjob(backend: str, beams: int, summary: bool, ctx: dict[str, Any],
              variant: tuple[str, tuple[str, ...]] | None = None) -> Row:
    label = "b" if backend == "transformers" else "c"
    name = f"({label}) mtjob {backend}{' +summary' if summary else ''}, beam {beams}"
    tag = f"mtjob-{backend}-b{beams}{'-summary' if summary else ''}"
    extra: list[str] = []
    if variant:
        label, extra = variant[0], list(variant[1])
        name = f"({label}) mtjob {backend}, beam {beams}, {' '.join(extra)}"
        tag += "-" + "".join(c for c in "".join(extra) if c.isalnum())
    out = ctx["work"] / tag
    shutil.rmtree(out, ignore_errors=True)
    m = measure(mtjob_command(backend, beams, summary, out, ctx) + extra, ctx["env"],
                ctx["work"] / f"{tag}.log", poll_dir=out)
    counts = read_jsonl_counts(out, backend) if not m.returncode else {}
    log.info("%s: %.1f s, %s tokens, peak RSS %.0f MiB, exit %d", name, m.wall_s,
             counts.get("limit_tokens"), m.peak_rss_mb, m.returncode)
    load = ctx["loads"].get(backend, {})
    load_s = load.get("load_s")
    if summary and load_s is not None:
        load_s += ctx["sum_loads"].get(backend, float("nan"))
    check = (f"{counts['segments'] - counts['short']}/{counts['segments']} segments decoded "
             "at least their limit" if counts else "failed")
    return Row(name, beams, counts.get("limit_tokens", 0), m.wall_s, m.cpu_s,
               m.first_output_s, load_s, m.peak_rss_mb, m.returncode,
               counts.get("segments", 0), counts.get("decoded", 0), check,
               {"abstract_methods": counts.get("abstract_methods"),
                "load_measured_apart": load}, m.load_before, m.load_after)


def measure_loads(ctx: dict[str, Any]) -> None:
    """mtjob's model load time per backend, in a separate short process (the CLI logs none)."""
    for backend in ctx["backends"]:
        spec = {"name": f"load-{backend}", "backend": backend, "mt_model": str(ctx["mt"]),
                "threads": ctx["threads"]}
        m, data = run_child("load", spec, ctx["work"], ctx["env"])
        data["peak_rss_mb"] = m.peak_rss_mb
        ctx["loads"][backend] = data
        log.info("load %s: %s", backend, {k: v for k, v in data.items() if k != "info"})


def run_summarizers(ctx: dict[str, Any]) -> list[Row]:
    variants = [("transformers", "none"), ("transformers", "auto"), ("ctranslate2", "auto")]
    if ctx["quick"]:
        variants = variants[1:]
    rows = []
    for backend, quantize in variants:
        kind = "float32" if quantize == "none" else "int8"
        spec = {"name": f"sum-{backend}-{kind}", "backend": backend, "quantize": quantize,
                "sum_model": str(ctx["sum"]), "threads": ctx["threads"], "beams": 4,
                "reps": ctx["reps"]}
        log.info("summarizer alone: %s %s", backend, kind)
        m, data = run_child("summarizer", spec, ctx["work"], ctx["env"])
        ok = bool(data) and not m.returncode
        seconds = sum(c["seconds"] for c in data["calls"]) if ok else 0.0
        rows.append(Row(
            f"summarizer {backend} {kind}", 4, sum(data["steps"]) if ok else 0,
            seconds, m.cpu_s, data["calls"][0]["done"] - m.started if ok else None,
            data.get("load_s"), m.peak_rss_mb, m.returncode, len(data.get("steps", [])),
            sum(data.get("steps", [])),
            f"{data['input_tokens']} input tokens, steps {data['steps']}" if ok else "failed",
            {"import_s": data.get("import_s"), "process_wall_s": m.wall_s,
             "info": data.get("info"), "torch_imported": data.get("torch_imported")},
            m.load_before, m.load_after))
        if ok:
            ctx["sum_loads"][backend] = data["load_s"]
    return rows


# -- part "job": the whole job against the whole naive recipe ------------------------------
def run_naive_job(ctx: dict[str, Any], inbox: Path) -> dict[str, Any]:
    """(a) with the tutorial summarizer, on the first ``naive_files`` copies (default 1):
    seconds per article of translation and of summary, and the fixed cost (start-up,
    imports, both loads), from the child's time stamps."""
    inputs = sorted(inbox.glob("*.txt"))
    measured = inputs[:ctx["naive_files"] or len(inputs)]
    out, result = ctx["work"] / "naive-job.jsonl", ctx["work"] / "naive-job.json"
    cmd = [sys.executable, str(NAIVE), "--model", str(ctx["mt"]), "--beams", "4",
           "--threads", str(ctx["threads"]), "--factor", str(FACTOR), "--out", str(out),
           "--result", str(result), "--sum-model", str(ctx["sum"]), "--sum-beams", "4",
           "--sum-min", str(SUM_MIN), "--sum-max", str(SUM_MAX), *map(str, measured)]
    m = measure(cmd, ctx["env"], ctx["work"] / "naive-job.log")
    if m.returncode:
        return {"failed": True, "peak_rss_mb": m.peak_rss_mb}
    data = json.loads(result.read_text(encoding="utf-8"))
    sums = data["summaries"]
    begins = [data["sum_loaded"]] + [x["done"] for x in sums[:-1]]
    translate = [done - begin for done, begin in zip(data["files_done"], begins)]
    summarize = [x["done"] - x["translated"] for x in sums]
    return {"files_measured": len(measured), "wall_s": m.wall_s, "peak_rss_mb": m.peak_rss_mb,
            "translate_s": sum(translate) / len(translate),
            "summary_s": sum(summarize) / len(summarize),
            "fixed_s": m.wall_s - sum(translate) - sum(summarize),
            "sum_load_s": data["sum_loaded"] - data["loaded"],
            "sum_input_tokens": [x["input_tokens"] for x in sums],
            "truncated_to": [x["truncated_to"] for x in sums],
            "sum_steps": [x["steps"] for x in sums]}


def naive_seconds(naive: dict[str, Any], articles: int, summary: bool) -> float:
    """The naive recipe's whole-process time for ``articles`` copies (each costs the same:
    one paragraph at a time), without the summarizer's load and calls when ``summary`` is
    off."""
    fixed = naive["fixed_s"] - (0.0 if summary else naive["sum_load_s"])
    return fixed + articles * (naive["translate_s"] + (naive["summary_s"] if summary else 0))


def run_job_part(ctx: dict[str, Any], backends: list[str]) -> list[dict[str, Any]]:
    """Every (articles, backend, summary) run of part "job", a fresh ``mtjob run`` each."""
    inbox = make_inbox(ctx["work"] / "inbox-job", max(JOB_ARTICLES))
    log.info("(a) naive recipe with the summary, %s article(s) measured",
             ctx["naive_files"] or 1)
    naive = run_naive_job(dict(ctx, naive_files=ctx["naive_files"] or 1), inbox)
    ctx["naive_job"] = naive
    rows = []
    for articles in JOB_ARTICLES:
        sub = dict(ctx, inbox=make_inbox(ctx["work"] / f"inbox-{articles}", articles),
                   work=ctx["work"] / f"job-{articles}")
        sub["work"].mkdir(exist_ok=True)
        for backend in backends:
            for summary in (False, True):
                log.info("job: %d article(s), %s, summary %s", articles, backend, summary)
                row = run_mtjob(backend, 4, summary, sub)
                base = None if naive.get("failed") else naive_seconds(naive, articles, summary)
                rows.append({"articles": articles, "backend": backend, "summary": summary,
                             "wall_s": row.wall_s, "per_article_s": row.wall_s / articles,
                             "naive_s": base, "ratio": base / row.wall_s
                             if base and not row.returncode else None,
                             "peak_rss_mb": row.peak_rss_mb, "returncode": row.returncode,
                             "check": row.check, "methods": row.notes["abstract_methods"]})
    return rows


def format_job(rows: list[dict[str, Any]], naive: dict[str, Any]) -> str:
    lines = ["The whole job against the whole naive recipe (beam 4; ratio = naive seconds / "
             "mtjob seconds, whole processes; naive measured on "
             f"{naive.get('files_measured')} article(s), scaled per article)",
             f"{'articles':>8}  {'run':<34} {'wall s':>7} {'s/article':>9} {'naive s':>8} "
             f"{'ratio':>7} {'peak RSS MiB':>12}  abstracts"]
    for r in rows:
        run = f"{r['backend']}{' +summary' if r['summary'] else ' translate only'}"
        lines.append(f"{r['articles']:>8}  {run:<34} {r['wall_s']:>7.1f} "
                     f"{r['per_article_s']:>9.1f} {_num(r['naive_s']):>8} "
                     f"{_num(r['ratio'], '{:.1f}x'):>7} {r['peak_rss_mb']:>12.0f}  "
                     f"{','.join(r['methods'] or []) or '-'}"
                     f"{' FAILED' if r['returncode'] else ''}")
    if not naive.get("failed"):
        lines.append(f"  naive: {naive['translate_s']:.1f} s translation + "
                     f"{naive['summary_s']:.1f} s summary per article, {naive['fixed_s']:.1f} s "
                     f"fixed; summarizer input of the sample article: "
                     f"{naive['sum_input_tokens'][0]} summarizer tokens (naive truncates to "
                     f"{naive['truncated_to'][0]}); peak RSS {naive['peak_rss_mb']:.0f} MiB")
    return "\n".join(lines)


def evaluate_job(rows: list[dict[str, Any]], default: str) -> list[str]:
    """One line per target of issue 14, with the figure and MET / NOT MET."""
    out = []
    for (kind, articles), target in JOB_TARGETS.items():
        backend = "transformers" if kind.startswith("transformers") else default
        summary = kind == "summary"
        row = next((r for r in rows if r["articles"] == articles and r["backend"] == backend
                    and r["summary"] == summary), None)
        ratio = row["ratio"] if row else None
        out.append(f"  {backend} {'whole job' if summary else 'translation'}, {articles} "
                   f"article(s) >= {target:.0f}x: {_num(ratio, '{:.1f}x')} "
                   f"{'MET' if ratio and ratio >= target else 'NOT MET'}")
    for kind, limit in RSS_TARGETS_MB.items():
        peaks = [r["peak_rss_mb"] for r in rows if r["backend"] == default
                 and r["summary"] == (kind == "summary")]
        if peaks:
            worst = max(peaks) * 2**20 / 1e6  # MiB -> MB
            out.append(f"  {default} peak RSS {kind} < {limit:.0f} MB: {worst:.0f} MB "
                       f"{'MET' if worst < limit else 'NOT MET'}")
    truncated = [m for r in rows if r["summary"] for m in r["methods"] or []]
    out.append(f"  abstract methods (mtjob never truncates): {sorted(set(truncated))}")
    return out


# -- part "gpu": the GPU rows (scripts/gpu_check.sh) ----------------------------------------
GPU_FLAGS = ("--device", "cuda", "--batch-tokens", "24000", "--group-articles", "64")
GPU_ROWS = (("g1", "transformers", ("--dtype", "bfloat16")),
            ("g2", "transformers", ("--dtype", "float16")),
            ("g3", "ctranslate2", ("--quantize", "none")),  # float16 on a GPU
            ("g4", "ctranslate2", ("--quantize", "int8")))  # int8_float16


def run_gpu_part(ctx: dict[str, Any]) -> tuple[list[Row], Row]:
    """The naive loop on the GPU (first copy, scaled) and mtjob's GPU settings, beam 4, then
    CTranslate2 float16 with the summary."""
    gpu = dict(ctx, device="cuda", naive_files=ctx["naive_files"] or 1)
    base = run_naive(4, gpu)
    rows = [base]
    for label, backend, flags in GPU_ROWS:
        log.info("gpu: %s %s", backend, " ".join(flags))
        rows.append(run_mtjob(backend, 4, False, gpu, (label, (*flags, *GPU_FLAGS))))
    rows.append(run_mtjob("ctranslate2", 4, True, gpu,
                          ("g5", ("--quantize", "none", *GPU_FLAGS))))
    return rows, base


# -- report ---------------------------------------------------------------------------------
def _ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}x" if value and base else "-"


def _num(value: float | None, fmt: str = "{:.1f}") -> str:
    return fmt.format(value) if value is not None else "-"


def format_table(rows: list[Row], baselines: dict[int, Row], title: str) -> str:
    head = ["run", "beams", "out tok", "wall s", "tok/s", "x(a)", "cpu s", "first out s",
            "(x a)", "load s", "(x a)", "peak RSS MiB", "(x a)", "loadavg"]
    lines = [head]
    for r in rows:
        base = baselines.get(r.beams)
        lines.append([
            r.name + (" FAILED" if r.returncode else ""), str(r.beams), str(r.tokens),
            _num(r.wall_s), _num(r.rate), _ratio(r.rate, base.rate if base else None),
            _num(r.cpu_s), _num(r.first_output_s),
            _ratio(r.first_output_s, base.first_output_s if base else None),
            _num(r.load_s), _ratio(r.load_s, base.load_s if base else None),
            _num(r.peak_rss_mb, "{:.0f}"),
            _ratio(r.peak_rss_mb, base.peak_rss_mb if base else None),
            "/".join(f"{v[0]:.1f}" for v in (r.load_before, r.load_after) if v),
        ])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = [title] + ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                for i, (c, w) in enumerate(zip(line, widths))) for line in lines]
    text += [f"  {r.name}: {r.check}; decoded {r.decoded} tokens for {r.tokens} counted"
             for r in rows]
    return "\n".join(text)


def format_int8(check: dict[str, Any]) -> str:
    tol = INT8_TOLERANCE
    lines = [f"Precision check (int8, bfloat16 vs float32): greedy, batch 1, the sample "
             f"article, mtjob's default limits "
             f"(ceil(1.5 n)+10). Tolerance: identical >= {tol['identical']:.0%} and token "
             f"agreement >= {tol['token_agreement']:.0%} over whole outputs"]
    for size, data in check.items():
        lines.append(f"  {size} model: {data['segments']} segments, {data['source_tokens']} "
                     f"source tokens, {data['outputs_at_limit']}/{data['segments']} float32 "
                     "outputs ran to the limit")
        for pair in data["pairs"]:
            ok = pair["identical"] >= tol["identical"] and \
                pair["token_agreement"] >= tol["token_agreement"]
            lines.append(f"    {pair['a']:>20} vs {pair['b']:<20} identical "
                         f"{pair['identical']:6.1%}, tokens {pair['token_agreement']:6.1%}"
                         f" | source span: identical {pair['identical_source_span']:6.1%}, "
                         f"tokens {pair['token_agreement_source_span']:6.1%} -> "
                         f"{'within' if ok else 'OUTSIDE'} tolerance")
    return "\n".join(lines)


INT8_TOLERANCE = {"identical": 0.90, "token_agreement": 0.97}


def evaluate_targets(rows: list[Row], baselines: dict[int, Row]) -> dict[str, Any]:
    def ratio(prefix: str) -> float | None:
        row = next((r for r in rows if r.name.startswith(prefix) and r.beams == 4
                    and "+summary" not in r.name), None)
        base = baselines.get(4)
        return row.rate / base.rate if row and base and base.rate else None

    ct2_rss = [r.peak_rss_mb for r in rows if "ctranslate2" in r.name and not r.returncode]
    hf, ct2 = ratio("(b)"), ratio("(c)")
    return {
        "transformers_beam4_ratio": hf, "transformers_beam4_ratio_met": hf is not None and hf >= 8,
        "ctranslate2_beam4_ratio": ct2,
        "ctranslate2_beam4_ratio_met": ct2 is not None and ct2 >= 15,
        "ctranslate2_peak_rss_mb": max(ct2_rss) if ct2_rss else None,
        "ctranslate2_rss_met": bool(ct2_rss) and max(ct2_rss) < 1024,
        "ctranslate2_rss_met_decimal_gb": bool(ct2_rss) and max(ct2_rss) * 2**20 < 1e9,
        "variant_ratios": {f"({label}) {backend} {' '.join(flags)}": ratio(f"({label})")
                           for label, backend, flags in VARIANTS},
    }


def format_targets(t: dict[str, Any]) -> str:
    def yes(flag: bool) -> str:
        return "MET" if flag else "NOT MET"

    variants = ", ".join(f"{name} {_num(value, '{:.1f}x')}"
                         for name, value in t["variant_ratios"].items() if value is not None)
    return "\n".join([
        "Targets (ratios of tokens/s to (a), beam 4, same invocation; defaults only)",
        f"  transformers >= 8x: {_num(t['transformers_beam4_ratio'], '{:.1f}x')} "
        f"{yes(t['transformers_beam4_ratio_met'])}",
        f"  ctranslate2 >= 15x: {_num(t['ctranslate2_beam4_ratio'], '{:.1f}x')} "
        f"{yes(t['ctranslate2_beam4_ratio_met'])}",
        f"  ctranslate2 peak RSS < 1 GB, worst CPU run (+summary included): "
        f"{_num(t['ctranslate2_peak_rss_mb'], '{:.0f} MiB')}: < 1 GiB "
        f"{yes(t['ctranslate2_rss_met'])}, < 10^9 bytes {yes(t['ctranslate2_rss_met_decimal_gb'])}",
        f"  one flag changed: {variants or 'not run'}",
    ])


def machine_info() -> dict[str, Any]:
    versions = {}
    for package in ("torch", "transformers", "ctranslate2", "tokenizers", "mtjob"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    cpu = next((ln.split(":", 1)[1].strip() for ln in
                Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")),
               platform.processor())
    return {"cpu_count": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)),
            "cpu_model": cpu, "load_average_start": list(os.getloadavg()),
            "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="2 articles (34 paragraphs), no +summary runs, 1 summary per run")
    parser.add_argument("--files", type=int, help="copies of the sample article (default 6; "
                        "quick 2)")
    parser.add_argument("--only", default=None,
                        help=f"comma-separated parts among {','.join(ALL_PARTS)}")
    parser.add_argument("--naive-files", type=int, default=None,
                        help="copies the naive loop really runs, its time scaled to all "
                        "(default: quick 1, full 0 = all)")
    parser.add_argument("--modes", default="4,1", help="beam sizes to compare (default 4,1)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--check-int8", action="store_true", help="only the precision check (int8, bfloat16)")
    parser.add_argument("--int8-sizes", default="tiny",
                        help="models for the int8 check: tiny and/or full (default tiny)")
    parser.add_argument("--mtjob-args", default="",
                        help="extra flags for every mtjob run, e.g. '--batch-tokens 3000'")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "outputs" / "bench")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_parts(parts: set[str], args: argparse.Namespace, ctx: dict[str, Any]
              ) -> tuple[list[Row], dict[int, Row], list[Row]]:
    """Every selected run, one fresh process each: translation rows, (a) per beam size,
    summarizer rows."""
    rows: list[Row] = []
    baselines: dict[int, Row] = {}
    if "job" in parts:
        ctx["job_rows"] = run_job_part(ctx, ["auto", "transformers"])
    if "gpu" in parts:
        gpu_rows, base = run_gpu_part(ctx)
        rows += gpu_rows
        baselines[4] = base
    if not parts & {"naive", "transformers", "ctranslate2", "variants", "full", "summarizer"}:
        return rows, baselines, []
    measure_loads(ctx)
    for beams in (int(b) for b in args.modes.split(",")):
        if "naive" in parts:
            log.info("(a) naive loop, beam %d", beams)
            baselines[beams] = run_naive(beams, ctx)
            rows.append(baselines[beams])
        for backend in ("transformers", "ctranslate2"):
            if backend in parts:
                log.info("mtjob %s, beam %d", backend, beams)
                rows.append(run_mtjob(backend, beams, False, ctx))
    # The summarizer rows come first: the +summary rows take their load time from them.
    sum_rows = run_summarizers(ctx) if parts & {"summarizer", "full"} else []
    if "variants" in parts:
        for label, backend, flags in VARIANTS:
            log.info("mtjob %s, beam 4, %s", backend, " ".join(flags))
            rows.append(run_mtjob(backend, 4, False, ctx, (label, flags)))
    if "full" in parts:
        for backend in ("transformers", "ctranslate2"):
            log.info("mtjob %s with the summary, beam 4", backend)
            rows.append(run_mtjob(backend, 4, True, ctx))
    return rows, baselines, sum_rows


def main(argv: list[str] | None = None) -> int:
    """Prepare models, run every selected part in its own process, print and save the tables."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.child:
        result = CHILDREN[args.child](json.loads(args.spec))
        args.result.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
        return 0

    parts = set(args.only.split(",")) if args.only else set(DEFAULT_PARTS)
    if args.check_int8:
        parts = {"int8"}
    unknown = parts - set(ALL_PARTS)
    if unknown:
        raise SystemExit(f"Error: unknown --only part(s): {', '.join(sorted(unknown))}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    models = args.out_dir / "models"
    work = args.out_dir / "work" / stamp
    work.mkdir(parents=True)
    env = child_env(models)
    report: dict[str, Any] = {"created": stamp, "argv": sys.argv, "machine": machine_info(),
                              "parts": sorted(parts)}
    started = time.monotonic()
    tables: list[str] = []
    if parts - {"int8", "beamcache"}:
        log.info("preparing models in %s (built once, then reused)", models)
        kinds = ["int8"] + (["float16", "int8_float16"] if "gpu" in parts else [])
        m, prep = run_child("prepare", {"name": "prepare", "models": str(models),
                                        "compute_types": kinds}, work, env)
        if m.returncode:
            return 1
        report["prepare"] = prep
        files = args.files or (2 if args.quick else 6)
        ctx: dict[str, Any] = {
            "work": work, "env": env, "threads": args.threads, "quick": args.quick,
            "inbox": make_inbox(work / "inbox", files), "mt": models / NOEOS / "marian-ar-en",
            "sum": models / NOEOS / "bart-sum", "extra": args.mtjob_args.split(),
            "reps": 1 if args.quick else 2, "loads": {}, "sum_loads": {},
            "naive_files": args.naive_files if args.naive_files is not None else (
                1 if args.quick else 0),
            "backends": [b for b in ("transformers", "ctranslate2")
                         if parts & {b, "variants", "full"}],
        }
        report["settings"] = {
            "files": files, "naive_files": ctx["naive_files"], "paragraphs": 17 * files,
            "factor": FACTOR, "threads": args.threads, "modes": args.modes,
            "mtjob_args": args.mtjob_args, "variants": VARIANTS,
            "summary_lengths": [SUM_MIN, SUM_MAX], "summary_input_tokens": SUM_INPUT_TOKENS}
        rows, baselines, sum_rows = run_parts(parts, args, ctx)
        if "job_rows" in ctx:
            sys.path.insert(0, str(ROOT))  # this checkout's mtjob, as the children get
            from mtjob.choices import resolve_backend

            report["job"] = {"rows": ctx["job_rows"], "naive": ctx["naive_job"],
                             "default_backend": resolve_backend("auto")}
            tables.append(format_job(ctx["job_rows"], ctx["naive_job"]))
            tables.append("\n".join(["Targets of the whole job (issue 14)"] + evaluate_job(
                ctx["job_rows"], "auto")))
        tables.append(format_table(rows, baselines, "Translation: ratios to (a) at the same "
                                   "beam size; wall time counts the whole process"))
        if sum_rows:
            base = {4: sum_rows[0]}
            tables.append(format_table(sum_rows, base, f"Summarizer alone ({SUM_INPUT_TOKENS}-"
                                       f"token input, beam 4, lengths {SUM_MIN}-{SUM_MAX}): "
                                       f"ratios to '{sum_rows[0].name}'; wall = summarize "
                                       "calls only"))
            report["summarizer"] = [asdict(r) | {"tokens_per_s": r.rate} for r in sum_rows]
        report["runs"] = [asdict(r) | {"tokens_per_s": r.rate} for r in rows]
        report["mtjob_load"] = ctx["loads"]
        if rows and baselines:
            report["targets"] = evaluate_targets(rows, baselines)
            tables.append(format_targets(report["targets"]))

    if "beamcache" in parts:
        log.info("beam cache check on the full-size Marian (EOS allowed)")
        spec = {"name": "beamcache", "threads": args.threads, "paragraphs": 16,
                "mt_full": str(models / FULL / "marian-ar-en")}
        if not (models / FULL).is_dir():
            run_child("prepare", {"name": "prepare", "models": str(models)}, work, env)
        m, check = run_child("beamcache", spec, work, env)
        if check:
            report["beamcache"] = check
            tables.append("Beam cache (transformers, beam 4, full-size Marian, "
                          f"{check['paragraphs']} paragraphs in batches of 8): identical token "
                          f"ids {check['identical_token_ids']}; " + "; ".join(
                              f"{k}: {check[k]['seconds']:.1f} s, reorder_cache "
                              f"{check[k]['reorder_cache_s']:.1f} s"
                              for k in ("default cache", "beam cache")))
    if "int8" in parts:
        log.info("int8 check on %s model(s)", args.int8_sizes)
        spec = {"name": "int8-check", "models": str(models), "threads": args.threads,
                "sizes": args.int8_sizes.split(",")}
        m, check = run_child("int8", spec, work, env)
        if check:
            report["int8_check"] = {"tolerance": INT8_TOLERANCE, "results": check}
            tables.append(format_int8(check))

    report["machine"]["load_average_end"] = list(os.getloadavg())
    report["seconds"] = time.monotonic() - started
    tables.append(f"load average at start {report['machine']['load_average_start']}, at end "
                  f"{report['machine']['load_average_end']} ({os.cpu_count()} CPUs); "
                  f"bench took {report['seconds']:.0f} s; logs in {work}")
    print("\n\n".join(tables))
    data = json.dumps(report, indent=2, default=str) + "\n"
    (args.out_dir / f"bench-{stamp}.json").write_text(data, encoding="utf-8")
    (args.out_dir / "latest.json").write_text(data, encoding="utf-8")
    log.info("wrote %s", args.out_dir / f"bench-{stamp}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
