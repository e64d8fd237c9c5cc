"""Golden outputs: the sha256 of every file of a fixed run on the tiny models, both backends.

Recorded before the pipeline was reorganised into stages; any change to these hashes is a
change of behaviour and must be deliberate (update the table and say why in the commit).
Paths that differ between machines (the temp folder) are replaced before hashing.

Changes since: ``_mtjob/config.json`` gained the cluster settings (engine, address, workers,
gpus_per_worker) when they became config fields; its other keys hash as recorded.
The CTranslate2 abstracts' provenance says ``"parallel_batches": 2`` for the summarizer since
its two summaries run side by side (issue 14); every text is as recorded.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app

from .conftest import SAMPLE

BLANK_LINE_ARTICLE = (
    "قال المتحدث إن الاجتماع سيعقد يوم الاثنين المقبل في العاصمة.\n"
    "وأضاف أن الوفود ستصل تباعا.\n\n"
    "وفي سياق متصل، أعلنت الوزارة عن خطة جديدة للنقل العام تشمل 12 خطا.\n\n\n"
    "AT&T و R&D ليستا فاصلا.\n"
)

GOLDEN: dict[str, dict[str, str]] = {
    "transformers": {
        "_mtjob/completions/00000-of-00001":
            "3a8ebe4e40ba2f58a2672676aed4000ae7ab99d41953412ad7e3a7f51cb41189",
        "_mtjob/config.json":
            "95397e89a16453c10441ed9c03e9d2c8282574b3d8ccea184657beabb0d5cecf",
        "_mtjob/manifest-00000-of-00001.json":
            "233d4c534b96cb2033f0299b447e3fafdb1875df7e3ae3fc6c22270d6b4653a4",
        "article.abstract.json":
            "9d5b813f640a058d04ad04b1e553185f3c68b2508aa2719935ce681e6177fc97",
        "article.jsonl":
            "95931747b8007f0bec01d2b2c8667fc554627daee1e8f74514e64704b2c10fc7",
        "blank.abstract.json":
            "bee752e94e8d606d5268f5bfc7f339e2a008b63173cea8f9f3a7f77af9ee8300",
        "blank.jsonl":
            "49922f3a98c2db87c761adb4caba4aa2f64e76f98f80734f3b213c6b0bd8ed2a",
    },
    "ctranslate2": {
        "_mtjob/completions/00000-of-00001":
            "3a8ebe4e40ba2f58a2672676aed4000ae7ab99d41953412ad7e3a7f51cb41189",
        "_mtjob/config.json":
            "ce9a4f367fbc11dcb094d9098ae1566d551b18375d9222d68ff324c25537a0e9",
        "_mtjob/manifest-00000-of-00001.json":
            "7164c00fe43237a49fdc3768e1e33ab1ef14604093f8a4924beda828af6801cb",
        "article.abstract.json":
            "63bcb9c7242b44aa1432e729e11702326b344dee6c145624c7db079f9e704ddc",
        "article.jsonl":
            "3a39ed45754792942bb46c1838b04f05e3658850dcae400ffc0ba56617f22ab1",
        "blank.abstract.json":
            "db18cebbf58e335792a0942b8c6724aadfaf3885c00fa48f9aeac911f6a0f3d8",
        "blank.jsonl":
            "49922f3a98c2db87c761adb4caba4aa2f64e76f98f80734f3b213c6b0bd8ed2a",
    },
}


def _hashes(out: Path, root: Path) -> dict[str, str]:
    found = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = path.relative_to(out).as_posix()
        if name.startswith("_mtjob/lock") or name.startswith("_mtjob/world"):
            continue  # empty lock files, present or not by design
        data = path.read_bytes().replace(str(root).encode(), b"ROOT")
        found[name] = hashlib.sha256(data).hexdigest()
    return found


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_fixed_run_gives_the_recorded_files(tmp_path, tiny_models, backend, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "article.txt").write_bytes(SAMPLE.read_bytes())
    (inbox / "blank.txt").write_text(BLANK_LINE_ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    args = ["run", "inbox", "--out", "out", "--shard", "0/1", "--backend", backend,
            "--mt-model", str(tiny_models["mt"]), "--sum-model", str(tiny_models["sum"]),
            "--beams", "2", "--sum-beams", "2", "--sum-min-length", "5",
            "--sum-max-length", "30", "--threads", "2", "--quiet"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    found = _hashes(out, tiny_models["mt"].parent)
    if backend not in GOLDEN:
        pytest.fail("record these: " + json.dumps(found, indent=1))
    assert found == GOLDEN[backend]
