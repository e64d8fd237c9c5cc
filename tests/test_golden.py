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
The language check (issue 20) added the output setting ``lang_check`` (config, manifest and
abstract settings) and the abstracts' ``language`` and ``article_flags``; the JSONL files and
every other key are as recorded (checked field by field against the previous run).
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
            "b644473063af0b4c0e925fad14a852a089dc76eac6e68968b1c616c449ebfdac",
        "_mtjob/manifest-00000-of-00001.json":
            "8fb19d363167cf9d3832391650b97e57dc50d805e2accb4e886d9c432b5da25b",
        "article.abstract.json":
            "c6ed6dd1f81595c8bf9f8ea688b8a25d23d667b61a5c887fab9e90bada62595f",
        "article.jsonl":
            "9dd4e263847089a96dd88a967b81789c424ae2ba00f12e0bda216e508e9b7097",
        "blank.abstract.json":
            "12716f1410a789a8a840d7a7da74d8e1e98c6c12d8fe3d113f6958ca0a7d6f4c",
        "blank.jsonl":
            "3242f41fa45ca780672fe304859e55e8a9e28285ce2a9bdf70f49969725807c4",
    },
    "ctranslate2": {
        "_mtjob/completions/00000-of-00001":
            "3a8ebe4e40ba2f58a2672676aed4000ae7ab99d41953412ad7e3a7f51cb41189",
        "_mtjob/config.json":
            "18125cee1c81e1f22ff4965aede243e9be3499bc74406be8188ac5fe97dd0e86",
        "_mtjob/manifest-00000-of-00001.json":
            "26b7f9f0333e53766c389ed3d267d81262fe2cdd66b0716077cc38d4540147b2",
        "article.abstract.json":
            "3982b873fc1d35dada6b3de300f4aeee1a2715ca97e46ceab966ffa0d6cf0c47",
        "article.jsonl":
            "84260476d3551efc1a6195b9dbb79738e7bca1b3b37609e4dd7bcb480c22ff16",
        "blank.abstract.json":
            "584feb0059d162764558c6f26cab47166d78e4c1e88817abd1cd69c5eade3525",
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
