"""``mtjob eval --post-edits`` on a sample with simulated edits (the example of
docs/review.md, "Calibrating on post-edits").

Runs the tiny test models (random weights: the English is nonsense of the right length) over
the sample article and six wire articles of ``scripts/bench/memory.py``, then edits the JSONL
as a reviewer would leave it after ``mtjob import``: in every article but one, each decoded
sentence is confirmed as it is, lightly edited (one word changed) or heavily edited (half its
words changed), drawn with odds that grow as its ``score`` falls (lowest third: 70% heavy; middle:
40% light, 20% heavy; top third: 10% light). The simulation builds the link between score and
edits in, so the AUC shows the mechanics of the report, not a model's quality. Then prints
``mtjob eval OUT --post-edits`` and the profile line ``--calibrate`` writes.

    python scripts/demo_post_edits.py
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the scripts package, also as ``python scripts/demo_post_edits.py``

FILLER = ["officials", "Tuesday", "statement", "government", "region", "talks", "reported"]


def change(words: list[str], count: int, rng: random.Random) -> list[str]:
    out = list(words)
    for i in rng.sample(range(len(out)), min(count, len(out))):
        out[i] = rng.choice(FILLER)
    return out


def simulate(out: Path, seed: int = 0) -> None:
    from mtjob.outfolder.jsonl import paragraph_dicts
    from mtjob.records import dumps_line
    from mtjob.vocabulary import ReviewState

    rng = random.Random(seed)
    paths = sorted(out.glob("*.jsonl"))
    scores = sorted(s["score"] for p in paths for r in paragraph_dicts(p.read_bytes(), str(p))
                    for s in r["sentences"] if s.get("score") is not None)
    low, high = scores[len(scores) // 3], scores[2 * len(scores) // 3]
    for path in paths[:-1]:  # the last article is left unreviewed
        records = paragraph_dicts(path.read_bytes(), str(path))
        for record in records:
            for s in record["sentences"]:
                if s.get("score") is None or not s["en"].split():
                    continue
                words, draw = s["en"].split(), rng.random()
                odds = (0.7, 0.0) if s["score"] < low else (0.2, 0.4) if s["score"] < high \
                    else (0.0, 0.1)
                review = {"edited_by": "desk", "edited_at": "2026-12-06T09:00:00Z"}
                if draw < odds[0]:
                    edited = change(words, max(2, len(words) // 2), rng)
                elif draw < odds[0] + odds[1]:
                    edited = change(words, 1, rng)
                else:  # read and accepted as it is
                    s.update(review=ReviewState.CONFIRMED, **review)
                    continue
                s.update(review=ReviewState.EDITED, post_edit=" ".join(edited), **review)
        path.write_bytes("".join(dumps_line(r) for r in records).encode("utf-8"))


def main() -> None:
    from typer.testing import CliRunner

    from mtjob.cli import app
    from mtjob.testing.tiny_models import build_tiny_models
    from mtjob.vocabulary import Role
    from scripts.bench.memory import build_inbox

    work = Path(tempfile.mkdtemp(prefix="mtjob-demo-postedits-"))
    try:
        models = build_tiny_models(work / "models")
        inbox = work / "inbox"
        build_inbox(inbox, 6)
        shutil.copy(ROOT / "examples" / "article.ar.txt", inbox / "article.txt")
        out = work / "out"
        runner = CliRunner()
        done = runner.invoke(app, ["run", str(inbox), "--out", str(out), "--mt-model",
                                   str(models[Role.MT]), "--no-summary", "--beams", "2",
                                   "--no-retry-degenerate", "--quiet"])
        assert done.exit_code == 0, done.output
        simulate(out)
        profile = work / "calibrated.toml"
        report = runner.invoke(app, ["eval", str(out), "--post-edits", "--calibrate",
                                     str(profile)])
        print("$ mtjob eval out/ --post-edits --calibrate calibrated.toml")
        print(report.output, end="")
        print("$ cat calibrated.toml")
        print(profile.read_text(encoding="utf-8"), end="")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
