"""The price of terms (issue 32): whole ``mtjob run`` processes on the bench inbox (copies of
the sample article) with a 50-term glossary, enforcement off and on, side by side, and what
``mtjob eval --terms`` says of each.

    python -m scripts.bench.terms [--copies 6] [--runs 2] [--models DIR] [--tiny]

The translator is a full-size random Marian of ``Helsinki-NLP/opus-mt-ar-en``'s architecture
(built once into ``--models``, as ``scripts.bench.quick`` does); ``--tiny`` uses the tiny test
model instead. Its output holds hardly any term, so every sentence that holds one needs
forcing: the hard case. Two 50-term glossaries: ``sparse`` (one name of the article, held by
one sentence in 18, and 49 terms it does not hold: few sentences need forcing, the everyday
case) and ``names`` (the
article's names, padded to 50). Conditions, each ``--runs`` times, interleaved: ``--terms off``
``--consistency off`` with each glossary (the baseline: the same glossary read, nothing
decoded again), ``--terms enforce --consistency off``, and the default (enforce, and one
rendering per recurring name in an article: with a random model, capitalised words aligned
to Arabic words make "names", so this also prices the consistency pass). Translation only
(``--no-summary``): the summarizer would add the same seconds to every condition. Wall and CPU
seconds of each process; on a shared machine compare the ratios, measured in one run. The JSON
goes to ``docs/bench/terms-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .quick import build, timed
from .runs import make_inbox
from .settings import MODELS, save_json

NAMES = {"كيري": "Kerry", "جون كيري": "John Kerry", "لافروف": "Lavrov",
         "سيرغي لافروف": "Sergei Lavrov", "دي ميستورا": "de Mistura",
         "ستيفان دي ميستورا": "Staffan de Mistura", "زاخاروفا": "Zakharova",
         "ماريا زاخاروفا": "Maria Zakharova", "بورودافكين": "Borodavkin",
         "كورالينكو": "Kuralenko", "حلب": "Aleppo", "سوريا": "Syria", "موسكو": "Moscow",
         "واشنطن": "Washington", "جنيف": "Geneva", "دمشق": "Damascus", "روسيا": "Russia",
         "الغوطة الشرقية": "Eastern Ghouta", "انترفاكس": "Interfax", "احميمم": "Hmeimim",
         "الولايات المتحدة": "United States", "الأمم المتحدة": "United Nations"}
#: Terms the sample article does not hold (the rest of a newsroom's glossary).
ELSEWHERE = ["بغداد", "طهران", "أنقرة", "القاهرة", "عمان", "بيروت", "الرياض", "الدوحة",
             "تونس", "الجزائر", "الرباط", "طرابلس", "صنعاء", "الخرطوم", "نيقوسيا", "برلين",
             "باريس", "لندن", "روما", "مدريد", "بكين", "طوكيو", "نيودلهي", "أوتاوا",
             "كانبرا", "أثينا", "وارسو", "براغ", "فيينا", "بروكسل", "لاهاي", "جاكرتا",
             "كابول", "إسلام آباد", "دكا", "هانوي", "سيول", "مانيلا", "نيروبي", "أديس أبابا",
             "لاغوس", "أكرا", "داكار", "ليما", "بوغوتا", "كاراكاس", "هافانا", "المكسيك",
             "برازيليا"]


def glossaries(folder: Path) -> dict[str, Path]:
    """The two 50-term glossaries as files."""
    padded = {**NAMES, **{t: f"City{i}" for i, t in enumerate(ELSEWHERE)}}
    # One sentence of the article's 18 holds a term (5.6%).
    sparse = {"بورودافكين": "Borodavkin", **{t: f"City{i}" for i, t in enumerate(ELSEWHERE)}}
    out = {}
    for name, terms in (("sparse", sparse), ("names", dict(list(padded.items())[:50]))):
        assert len(terms) == 50, (name, len(terms))
        path = folder / f"{name}.tsv"
        path.write_text("".join(f"{k}\t{v}\n" for k, v in terms.items()), encoding="utf-8")
        out[name] = path
    return out


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def run_record(out: Path) -> dict[str, Any]:
    records = sorted((out / "_mtjob" / "runs").glob("*.json"))
    record: dict[str, Any] = json.loads(records[-1].read_text(encoding="utf-8"))
    return record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--models", type=Path, default=MODELS / "quick")
    parser.add_argument("--tiny", action="store_true", help="the tiny test model instead")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mtjob-bench-terms-"))
    if args.tiny:
        from mtjob.testing.tiny_models import build_marian

        marian = build_marian(work / "tiny-marian")
    else:
        marian = build(args.models.resolve())
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "MTJOB_CACHE": str((work if args.tiny else args.models.resolve()) / "cache")}
    inbox = make_inbox(work / "inbox", args.copies)
    files = glossaries(work)
    base = [sys.executable, "-m", "mtjob", "run", str(inbox), "--mt-model", str(marian),
            "--no-summary", "--alignments", "--quiet", "--force"]
    modes = {"off": ["--terms", "off", "--consistency", "off"],
             "enforce": ["--terms", "enforce", "--consistency", "off"],
             "default": []}  # enforce, and one rendering per name in an article
    conditions = {f"{mode} {name}": base + ["--glossary", str(path), *flags]
                  for name, path in files.items() for mode, flags in modes.items()}
    timed(conditions["off sparse"] + ["--out", str(work / "warm")], env)  # converts once
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in conditions}
    for _ in range(args.runs):
        for name, cmd in conditions.items():
            times[name].append(timed(cmd + ["--out", str(work / name.replace(" ", "-"))], env))
    results: dict[str, Any] = {}
    for name in conditions:
        out = work / name.replace(" ", "-")
        record = run_record(out)
        glossary = files[name.split()[1]]
        report = json.loads(subprocess.run(
            [sys.executable, "-m", "mtjob", "eval", str(out), "--terms", "--glossary",
             str(glossary), "--json"], env=env, capture_output=True, text=True,
            check=True).stdout)
        walls, cpus = [t[0] for t in times[name]], [t[1] for t in times[name]]
        results[name] = {
            "wall_s": [round(w, 2) for w in walls], "cpu_s": [round(c, 2) for c in cpus],
            "segments": record["segments"], "terms": record.get("terms"),
            # In-run price, steadier than whole runs on a shared machine: the terms stage
            # against the decoding it follows (first pass and retry), in the same process.
            "stages_s": {k: round(record["stage_seconds"].get(k, 0.0), 2)
                         for k in ("translate", "retry", "terms")},
            "accuracy": report["machine"]["accuracy"],
            "occurrences": report["machine"]["occurrences"],
            "consistency": report["machine"]["consistency"],
            "names": report["machine"]["names"]}
    for name in conditions:
        row = results[name]
        off = results["off " + name.split()[1]]
        row["wall_ratio"] = round(min(row["wall_s"]) / min(off["wall_s"]), 3)
        row["cpu_ratio"] = round(min(row["cpu_s"]) / min(off["cpu_s"]), 3)
        forced = (row["terms"] or {}).get("forced", 0)
        stages = row["stages_s"]
        row["terms_share"] = round(stages["terms"] / max(1e-9, stages["translate"]
                                                          + stages["retry"]), 3)
        print(f"{name:16s} wall {min(row['wall_s']):7.2f} s ({row['wall_ratio']:.3f}x) "
              f"cpu {min(row['cpu_s']):7.2f} s ({row['cpu_ratio']:.3f}x)  forced "
              f"{forced}/{row['segments']} ({forced / row['segments']:.0%})  accuracy "
              f"{_share(row['accuracy'])}  consistency {_share(row['consistency'])}  terms "
              f"stage {row['terms_share']:.1%} of decoding")
    info = {"model": "tiny" if args.tiny else "full-size random opus-mt-ar-en",
            "copies": args.copies, "runs": args.runs, "load_avg": os.getloadavg(),
            "cores": len(os.sched_getaffinity(0)), "results": results}
    print(f"saved {save_json('terms', info)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
