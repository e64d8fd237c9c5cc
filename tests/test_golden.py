"""Golden outputs: the sha256 of every file of a fixed run on the tiny models, both backends.

Recorded before the pipeline was reorganised into stages; any change to these hashes is a
change of behaviour and must be deliberate (update the table and say why in the commit).
Paths that differ between machines (the temp folder) are replaced before hashing.

Changes since: ``_mtjob/config.json`` gained the cluster settings (engine, address, workers,
gpus_per_worker) when they became config fields; its other keys hash as recorded. The
manifest gained ``abstract_sha256`` per article (issue 10): checked against the file, then
left out of the hash, so the manifest's hash is unchanged.
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
            "331c879b99fd1b393e8b245d16a15e6db1d922cd032cdb2e979b836381afbf08",
        "article.jsonl":
            "3a39ed45754792942bb46c1838b04f05e3658850dcae400ffc0ba56617f22ab1",
        "blank.abstract.json":
            "cb57eaa0f0eed09fa2d0c4e2341ac60cb6a515737197ad4ca280fbe62f2edffc",
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
        data = path.read_bytes()
        if name.startswith("_mtjob/manifest-"):
            data = _without_abstract_hashes(out, data)
        found[name] = hashlib.sha256(data.replace(str(root).encode(), b"ROOT")).hexdigest()
    return found


def _without_abstract_hashes(out: Path, data: bytes) -> bytes:
    """The abstracts name the models' (temporary) folders, so their hashes in the manifest
    differ between machines: each is checked against its file here, then left out."""
    manifest = json.loads(data)
    for doc_id, entry in manifest["articles"].items():
        abstract = (out / f"{doc_id}.abstract.json").read_bytes()
        assert entry.pop("abstract_sha256") == hashlib.sha256(abstract).hexdigest()
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


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
