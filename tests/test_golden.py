"""Golden outputs: the sha256 of every file of a fixed run on the tiny models, both backends.

Recorded before the pipeline was reorganised into stages; any change to these hashes is a
change of behaviour and must be deliberate (update the table and say why in the commit).
Paths that differ between machines (the temp folder) are replaced before hashing.

Changes since: ``_mtjob/config.json`` gained the cluster settings (engine, address, workers,
gpus_per_worker) when they became config fields; its other keys hash as recorded. The
manifest gained ``abstract_sha256`` per article (issue 10): checked against the file, then
left out of the hash. ``_mtjob/runs/`` (a record per run, issue 15) and ``_mtjob/index-*`` (file stats)
are left out.
Trust signals (issue 12, schema 2): every file but the completion marker changed on purpose:
sentences gained ``score`` (and flags ``low_confidence``/``retried``: the tiny models' scores
sit below the default ``min_score``), lines and abstracts ``"schema": 2``, abstracts
``scores``/``checks``/``input_tokens``, settings (config, manifest, abstracts) ``min_score``,
``max_uncovered``, ``alignment_layer``, ``alignments``. Every ``en`` text, every abstract
text and every other key is as before (checked field by field against the previous run);
``blank.jsonl`` now differs between backends only by the scores' last digits.
The CTranslate2 abstracts' provenance says ``"parallel_batches": 2`` for the summarizer since
its summaries run side by side (issue 14); every text is as recorded. ``config.json`` gained
``actor_start_timeout`` (issue 11) and ``report`` (issue 13).
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
            "d2c11bb6af1bb4a68404076b3af663791c1f69390a3f16be4bbbbacd346175f1",
        "_mtjob/manifest-00000-of-00001.json":
            "d0d113a63c1bafa14cd2dc0c5f8785e2c8f3bdeb8c586763e6b04f7f3f487fcb",
        "article.abstract.json":
            "d624ebcf02405b9ebbeb52dfc4da280d9e482ff70e0a2a3090c1b103cd6cefe8",
        "article.jsonl":
            "9dd4e263847089a96dd88a967b81789c424ae2ba00f12e0bda216e508e9b7097",
        "blank.abstract.json":
            "63a87aafa3c7b5bc7a279d9b18827e37052dde7aa14dcb67a3977c9606eec94a",
        "blank.jsonl":
            "3242f41fa45ca780672fe304859e55e8a9e28285ce2a9bdf70f49969725807c4",
    },
    "ctranslate2": {
        "_mtjob/completions/00000-of-00001":
            "3a8ebe4e40ba2f58a2672676aed4000ae7ab99d41953412ad7e3a7f51cb41189",
        "_mtjob/config.json":
            "54eacc0b136d08933cd7939f3953b15dff8140bf11323e4a718d2e95a72d2818",
        "_mtjob/manifest-00000-of-00001.json":
            "92a1e3f63db1b5d71c698ff4b53c4baa07467e5de48389e3961dd0b00cefbe2e",
        "article.abstract.json":
            "41358ac3d473e00549f05a1ac7f3097cc1d905c955a6885cdaa96dadec75945b",
        "article.jsonl":
            "84260476d3551efc1a6195b9dbb79738e7bca1b3b37609e4dd7bcb480c22ff16",
        "blank.abstract.json":
            "bc1df3302175c9c34f351737278a084b937ce59334185208692617cee3428bd9",
        "blank.jsonl":
            "651bdeef367bedd6283d81141e1e4e31b30d52bcc8702f6b31d01fbe48fed376",
    },
}


def _hashes(out: Path, root: Path) -> dict[str, str]:
    found = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = path.relative_to(out).as_posix()
        if name.startswith(("_mtjob/lock", "_mtjob/world", "_mtjob/runs/", "_mtjob/index-")):
            continue  # empty lock files; run records and the index hold times and inodes
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
