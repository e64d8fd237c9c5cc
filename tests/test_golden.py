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
Translation memory (issue 22): every sentence gained ``"origin": "mt"`` and ``config.json``
``"memory": null``; so the JSONL, the abstracts' ``jsonl_sha256`` and the manifest changed.
Every other key and value is as before (checked field by field against the previous run).
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
            "6fcd86834a6a2dc0d40eadf717b891644f5d95de6241ba5b570b00599ab89d76",
        "_mtjob/manifest-00000-of-00001.json":
            "85885e1fd1b43bd312a6e39e38dda212e1eeed481cdd0a04f5566053e9bca5f4",
        "article.abstract.json":
            "127362aa82926fb176a7db415c44bccbe084c46ad6119b447f089d43aee84dd2",
        "article.jsonl":
            "b010376b647725c2a94a06c6becbce5c971964ea41a39e641e1a018fb253b817",
        "blank.abstract.json":
            "25d805cb9c46ff55ebc016c3e0fe087dee1e784d07591520268d53d9fc6d73d2",
        "blank.jsonl":
            "859e22563b14eedbdadef970356d35eabb13e223e6963dba462c86182559e482",
    },
    "ctranslate2": {
        "_mtjob/completions/00000-of-00001":
            "3a8ebe4e40ba2f58a2672676aed4000ae7ab99d41953412ad7e3a7f51cb41189",
        "_mtjob/config.json":
            "03f959f6555e4d5259a1827e8f1b2c5bceec9b5dc7a7a0435a0f949c3c769119",
        "_mtjob/manifest-00000-of-00001.json":
            "de612e1467c63414b4c0c84af90b23defe05f446df7ba818454088a9cd921a8d",
        "article.abstract.json":
            "220c7d745f7c9e8d15258cd6751d499a43c07ae4f4aefa717e0e9bf5446944d5",
        "article.jsonl":
            "ec9f386d8b5277fb3ba1d325b18875eaeb0b1bb00decbbff0a8f289282a36bad",
        "blank.abstract.json":
            "66284fccfccd78bda3a29c107f194eb05a3a52685022f1f7cb26a51b0bb375fe",
        "blank.jsonl":
            "bca2478eaab2d1ce9cd45c469052a91879bf1bea6d4ff5605df934c42aac9d4a",
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
