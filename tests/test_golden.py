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
``actor_start_timeout`` (issue 11) and ``report`` (issue 13), and ``text`` (``--text``, issue 20).

Pinned versions (issue 19): the hashes are recorded under ``constraints.txt``. transformers
5.25.0 moved both abstracts of both backends, and nothing else (bisected: 5.24.0 gives the old
hashes with every other library unchanged; tokenizers 0.23.3, ctranslate2 4.8.5,
sentencepiece 0.2.3 and torch 2.13.0 were the same on both sides). No text or score moved: the
tiny models are written by ``save_pretrained``, whose ``config.json`` and
``generation_config.json`` carry ``"transformers_version"``; a local model folder's revision
is a hash of its files, and the abstracts record that revision under ``models``. The
difference is the ``models.*.revision`` values alone.

When the hashes differ, the failure names the files, and for JSON and JSON-lines files the
first differing key path with both values, compared with the recorded copies in
``tests/golden/`` (which must hash to the table), plus the versions of the libraries that
produce each file. ``MTJOB_GOLDEN_RECORD=1 pytest tests/test_golden.py`` rewrites those copies
and prints the new table, for a deliberate change.

The language check (issue 20) added the output setting ``lang_check`` (config, manifest and
abstract settings) and the abstracts' ``language`` and ``article_flags``; the JSONL files and
every other key are as recorded (checked field by field against the previous run).

Recorded again after the round's merges (issues 20, 22, 24), compared key by key with the
copies recorded under the pinned set: the only differences are the keys below and the hashes
that follow from them (``jsonl_sha256``); every ``en``, score, flag and abstract text is as
recorded. Translation memory (issue 22): every sentence gained ``"origin": "mt"`` and ``config.json``
``"memory": null``; so the JSONL, the abstracts' ``jsonl_sha256`` and the manifest changed.
Every other key and value is as before (checked field by field against the previous run).

The tiny Marian's wiring (its QR rotations and projections) ran in float32 through the CPU's
LAPACK/BLAS (MKL), whose last bits differ between processors (AMD EPYC here; ``MKL_CBWR``
moved them too): the folder's bytes, so its revision, were machine-dependent and this test
failed on such machines with no behaviour changed. It now runs in float64, rounded to float32
once; re-recorded: ``models.mt.revision`` in the four abstracts moved, nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
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
            "f9ee8cc9d9affc5ac0e2c965960950e2a4778373f1af90ba7abf3cf1797c893a",
        "_mtjob/manifest-00000-of-00001.json":
            "2ac97b66080fa07df3dd2fe828fef7025bdaf28038bcc4dfbe9581de30cfa378",
        "article.abstract.json":
            "3de378a29ea067862931282d930efca8220c674d9cc55e344c32b5a7cffb965a",
        "article.jsonl":
            "b010376b647725c2a94a06c6becbce5c971964ea41a39e641e1a018fb253b817",
        "blank.abstract.json":
            "1187f19e0a11c7e949a3dd3a44ddf12ea12305d7b2b60e8dacf9c9f5f2af547b",
        "blank.jsonl":
            "859e22563b14eedbdadef970356d35eabb13e223e6963dba462c86182559e482",
    },
    "ctranslate2": {
        "_mtjob/completions/00000-of-00001":
            "3a8ebe4e40ba2f58a2672676aed4000ae7ab99d41953412ad7e3a7f51cb41189",
        "_mtjob/config.json":
            "4b5ed1957691d4516e01708252601f47645dcd5a2eae3d27993ada131ae56714",
        "_mtjob/manifest-00000-of-00001.json":
            "c78cd74c6417bc856c570d5fab6273ac16162c3cc7cf8bd44da3304d69cc24a7",
        "article.abstract.json":
            "5f637c9564ed169494c8d12a9f946debf25b8f6111f6828fb8fc71a74cb40ceb",
        "article.jsonl":
            "ec9f386d8b5277fb3ba1d325b18875eaeb0b1bb00decbbff0a8f289282a36bad",
        "blank.abstract.json":
            "c7256b44f2681541dd0b8855b6b2361e23a4225589da6c08a87b13656cb4c47c",
        "blank.jsonl":
            "bca2478eaab2d1ce9cd45c469052a91879bf1bea6d4ff5605df934c42aac9d4a",
    },
}


def _hashes(out: Path, root: Path) -> dict[str, str]:
    return {name: _sha(data) for name, data in _normalised(out, root).items()}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _normalised(out: Path, root: Path) -> dict[str, bytes]:
    """Each output file's bytes as hashed: the machine's temp folder replaced by ROOT."""
    found = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = path.relative_to(out).as_posix()
        if name.startswith(("_mtjob/lock", "_mtjob/world", "_mtjob/runs/", "_mtjob/index-")):
            continue  # empty lock files; run records and the index hold times and inodes
        data = path.read_bytes()
        if name.startswith("_mtjob/manifest-"):
            data = _without_abstract_hashes(out, data)
        found[name] = data.replace(str(root).encode(), b"ROOT")
    return found


def _without_abstract_hashes(out: Path, data: bytes) -> bytes:
    """The abstracts name the models' (temporary) folders, so their hashes in the manifest
    differ between machines: each is checked against its file here, then left out."""
    manifest = json.loads(data)
    for doc_id, entry in manifest["articles"].items():
        abstract = (out / f"{doc_id}.abstract.json").read_bytes()
        assert entry.pop("abstract_sha256") == hashlib.sha256(abstract).hexdigest()
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


GOLDEN_DIR = Path(__file__).parent / "golden"
# The libraries whose releases can move each kind of file (and the factory of the tiny models).
PRODUCERS = {
    "transformers": {".jsonl": ("torch", "transformers", "sentencepiece"),
                     ".abstract.json": ("torch", "transformers", "tokenizers", "sentencepiece")},
    "ctranslate2": {".jsonl": ("ctranslate2", "sentencepiece", "transformers"),
                    ".abstract.json": ("ctranslate2", "tokenizers", "transformers")},
}


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
    files = _normalised(out, tiny_models["mt"].parent)
    found = {name: _sha(data) for name, data in files.items()}
    if os.environ.get("MTJOB_GOLDEN_RECORD") == "1":
        _record(backend, files)
        pytest.fail("recorded tests/golden/" + backend + "; put these in GOLDEN: "
                    + json.dumps(found, indent=1))
    if found != GOLDEN[backend]:
        pytest.fail(explain(backend, files, GOLDEN[backend]), pytrace=False)


def test_recorded_copies_hash_to_the_table():
    """The copies that explain a failure are the recorded files themselves."""
    for backend, table in GOLDEN.items():
        copies = {p.relative_to(GOLDEN_DIR / backend).as_posix(): _sha(p.read_bytes())
                  for p in sorted((GOLDEN_DIR / backend).rglob("*")) if p.is_file()}
        assert copies == table, backend


def _record(backend: str, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        target = GOLDEN_DIR / backend / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def explain(backend: str, files: dict[str, bytes], table: dict[str, str]) -> str:
    """Which files differ from the recorded run, where inside them, and under which releases."""
    lines = [f"{backend}: the outputs differ from the recorded run (tests/golden/{backend})."]
    for name in sorted(set(files) | set(table)):
        if name not in files:
            lines.append(f"  {name}: recorded, not written")
        elif name not in table:
            lines.append(f"  {name}: written, not recorded")
        elif _sha(files[name]) != table[name]:
            recorded = (GOLDEN_DIR / backend / name).read_bytes()
            lines.append(f"  {name}: {first_difference(name, recorded, files[name])}")
            libraries = next((libs for suffix, libs in PRODUCERS[backend].items()
                              if name.endswith(suffix)), ())
            if libraries:
                lines.append("    produced with: " + versions(libraries))
    return "\n".join(lines)


def first_difference(name: str, recorded: bytes, found: bytes) -> str:
    if name.endswith(".jsonl"):
        old, new = recorded.decode().splitlines(), found.decode().splitlines()
        for number, (a, b) in enumerate(zip(old, new), start=1):
            if a != b:
                return f"line {number}: " + json_difference(json.loads(a), json.loads(b))
        return f"{len(old)} lines recorded, {len(new)} written"
    try:
        return json_difference(json.loads(recorded), json.loads(found))
    except ValueError:
        return "the bytes differ (not JSON)"


def json_difference(old, new, path: str = "") -> str:
    """The first key path at which two JSON values differ, with both values."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            if key not in old or key not in new:
                side = "recorded only" if key in old else "written only"
                return f"{path}.{key}: {side}"
            if old[key] != new[key]:
                return json_difference(old[key], new[key], f"{path}.{key}")
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new)):
            if a != b:
                return json_difference(a, b, f"{path}[{index}]")
    return f"{path or '(top)'}: recorded {old!r:.200}, written {new!r:.200}"


def versions(names) -> str:
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def test_explain_names_the_key_path_and_the_versions():
    recorded = {"doc": "a", "models": {"mt": {"revision": "local-sha256:1", "id": "x"}}}
    written = {"doc": "a", "models": {"mt": {"revision": "local-sha256:2", "id": "x"}}}
    assert json_difference(recorded, written) == (
        ".models.mt.revision: recorded 'local-sha256:1', written 'local-sha256:2'")
    lines = [b'{"para_id": 0, "en": "a"}', b'{"para_id": 1, "en": "b"}']
    changed = lines[:1] + [b'{"para_id": 1, "en": "c"}']
    assert first_difference("x.jsonl", b"\n".join(lines), b"\n".join(changed)) == (
        "line 2: .en: recorded 'b', written 'c'")
    assert "transformers " in versions(["transformers"])
