"""Cost of the trust signals: ``score`` (always on) and ``--alignments``, as a ratio to plain
decoding, side by side in one process on the same batches, both backends.

Baselines are the decoding calls as they were before scores: transformers ``generate``
returning only the sequences; CTranslate2 ``translate_batch(return_scores=False)``. Rounds
alternate the variants, and the median round is reported, so a loaded machine's drift hits
all of them alike.

Usage: python -m scripts.bench.trust [--full-size] [--beams 4] [--rounds 5] [--sentences 48]
Prints one JSON object: seconds per variant and ratios to the baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mtjob.backends import make_translator
from mtjob.backends.base import GenOptions
from mtjob.config import JobConfig
from mtjob.testing.tiny_models import build_marian
from mtjob.text.clean import clean_for_model
from mtjob.text.segment import split_sentences

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "article.ar.txt"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full-size", action="store_true")
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sentences", type=int, default=48)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-trust-"))
    mt = build_marian(folder / "marian", full_size=args.full_size)
    text = SAMPLE.read_text(encoding="utf-8").replace("&", "\n")
    texts = [clean_for_model(s) for s in split_sentences(text)]
    texts = (texts * (args.sentences // len(texts) + 1))[:args.sentences]
    options = GenOptions(args.beams, 128)
    result: dict[str, object] = {"full_size": args.full_size, "beams": args.beams,
                                 "sentences": len(texts), "threads": args.threads}
    for backend in ("transformers", "ctranslate2"):
        def make(**kw):
            found = make_translator(JobConfig(mt_model=str(mt), backend=backend, device="cpu",
                                              quantize="none", threads=args.threads, **kw))
            found.parallel = False
            return found

        plain, aligning = make(), make(alignments=True)
        variants = {"baseline": lambda: baseline(plain, texts, options),
                    "score": lambda: plain.translate(texts, options),
                    "score+alignments": lambda: aligning.translate(
                        texts, GenOptions(args.beams, 128, alignments=True))}
        times: dict[str, list[float]] = {name: [] for name in variants}
        for fn in variants.values():
            fn()  # load and warm up
        for _ in range(args.rounds):
            for name, fn in variants.items():
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
        med = {name: statistics.median(values) for name, values in times.items()}
        result[backend] = {"seconds": med, "ratio": {name: round(value / med["baseline"], 3)
                                                     for name, value in med.items()}}
    print(json.dumps(result, indent=2))


def baseline(translator, texts: list[str], options: GenOptions) -> None:
    """The decoding call alone, without scores or alignments."""
    model = translator._ensure_model()
    if translator._runtime["backend"] == "ctranslate2":
        model.translate_batch(translator.source_tokens(texts), beam_size=options.beams,
                              max_input_length=0, min_decoding_length=1,
                              max_decoding_length=options.max_new_tokens, return_scores=False)
        return
    import torch

    batch = translator.tokenizer(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        model.generate(**batch, num_beams=options.beams, max_new_tokens=options.max_new_tokens,
                       do_sample=False)


if __name__ == "__main__":
    main()
