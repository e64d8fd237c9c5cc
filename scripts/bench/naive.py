"""Run (a) of ``python -m scripts.bench``: the naive recipe, as tutorials write it.

One ``generate`` call per paragraph, batch 1, the model's default settings (float32, no
quantisation, no sorting); only the number of beams and ``max_new_tokens`` are passed. With
``--sum-model``, each article's English is then summarized as the tutorials do: one
``generate`` on the whole text, truncated to the model's 1,024 tokens, beam 4. Run by
``bench.py`` in a fresh process; it writes the translations as JSONL and a result JSON with
``time.monotonic()`` stamps (system-wide on Linux, so the parent can subtract its own).

Usage: python scripts/bench/naive.py --model DIR --beams N --out OUT.jsonl --result R.json
       [--sum-model DIR --sum-min N --sum-max N] FILE...
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from pathlib import Path

_SEPARATOR = re.compile(r"^[ \t]*&[ \t]*$", re.MULTILINE)


def read_paragraphs(path: Path) -> list[str]:
    """Paragraphs of a house-format article: blocks between lines holding only ``&``."""
    text = path.read_text(encoding="utf-8")
    return [p.strip() for p in _SEPARATOR.split(text) if p.strip()]


def main(argv: list[str] | None = None) -> int:
    """Translate every paragraph of the inputs one by one and record the timings."""
    started = time.monotonic()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", type=Path, nargs="+")
    parser.add_argument("--model", required=True)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--factor", type=float, default=1.3,
                        help="max_new_tokens = ceil(factor * source tokens)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--sum-model", help="summarize each article's English with this model")
    parser.add_argument("--sum-beams", type=int, default=4)
    parser.add_argument("--sum-min", type=int, default=56)
    parser.add_argument("--sum-max", type=int, default=142)
    args = parser.parse_args(argv)

    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    torch.set_num_threads(args.threads)
    imported = time.monotonic()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForSeq2SeqLM.from_pretrained(args.model).to(args.device)
    loaded = time.monotonic()
    if args.sum_model:
        sum_tok = AutoTokenizer.from_pretrained(args.sum_model)
        summarizer = AutoModelForSeq2SeqLM.from_pretrained(args.sum_model).to(args.device)
    sum_loaded = time.monotonic()

    records, first, files_done, summaries = [], None, [], []
    with args.out.open("w", encoding="utf-8") as out:
        for path in args.inputs:
            english_paragraphs = []
            for index, paragraph in enumerate(read_paragraphs(path)):
                inputs = tokenizer(paragraph, return_tensors="pt").to(args.device)
                src_tokens = int(inputs["input_ids"].shape[1])
                limit = math.ceil(args.factor * src_tokens)
                ids = model.generate(**inputs, num_beams=args.beams, max_new_tokens=limit)
                english = str(tokenizer.decode(ids[0], skip_special_tokens=True))  # one text
                english_paragraphs.append(english)
                # Decoder steps = output length minus the decoder start token.
                steps = int(ids.shape[1]) - 1
                out.write(json.dumps({"doc": path.stem, "para": index, "en": english,
                                      "src_tokens": src_tokens, "limit": limit,
                                      "steps": steps}, ensure_ascii=False) + "\n")
                out.flush()
                first = first or time.monotonic()
                records.append((src_tokens, limit, steps))
            files_done.append(time.monotonic())
            if args.sum_model:
                text = "\n".join(english_paragraphs)
                full = len(sum_tok(text)["input_ids"])
                inputs = sum_tok(text, truncation=True, max_length=1024,
                                 return_tensors="pt").to(args.device)
                ids = summarizer.generate(**inputs, num_beams=args.sum_beams,
                                          min_length=args.sum_min, max_length=args.sum_max)
                summaries.append({"doc": path.stem, "input_tokens": full,
                                  "truncated_to": int(inputs["input_ids"].shape[1]),
                                  "steps": int(ids.shape[1]) - 1,
                                  "translated": files_done[-1], "done": time.monotonic()})
    finished = time.monotonic()
    result = {
        "started": started, "imported": imported, "loaded": loaded, "sum_loaded": sum_loaded,
        "summaries": summaries, "first_output": first,
        "finished": finished, "files_done": files_done, "paragraphs": len(records),
        "src_tokens": sum(r[0] for r in records), "limit_tokens": sum(r[1] for r in records),
        "decoded_steps": sum(r[2] for r in records),
        "length_mismatches": sum(1 for r in records if r[2] != r[1]),
    }
    args.result.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
