"""The output writer (issue 30): the JSONL's bytes are made from the records here, then the
stored corrections are re-applied to those machine bytes (``corrections.reapply`` takes
them)."""

from __future__ import annotations

import json
from pathlib import Path

from mtjob.outfolder.corrections import Correction, corrections_path, store_bytes
from mtjob.outfolder.paths import sha256_bytes
from mtjob.outfolder.writer import article_jsonl
from mtjob.records import ParagraphRecord, SentenceRecord, jsonl_bytes

AR = "قال المتحدث إن المحادثات ستستمر."


def _records() -> list[ParagraphRecord]:
    sentence = SentenceRecord(AR, "w3 w9 w2", 4, 3)
    return [ParagraphRecord("doc", 0, AR, "w3 w9 w2", (sentence,))]


def test_without_corrections_the_jsonl_is_the_machine_output(tmp_path: Path):
    found = article_jsonl(tmp_path, "doc", _records())
    assert found.machine == found.data == jsonl_bytes(_records()) and found.corrected is None


def test_a_stored_correction_is_applied_to_the_machine_bytes(tmp_path: Path):
    correction = Correction("doc", 0, 0, AR, "w3 w9 w2", "The spokesman spoke.", "ed",
                            "2026-01-01T00:00:00Z")
    path = corrections_path(tmp_path, "doc")
    path.parent.mkdir(parents=True)
    path.write_bytes(store_bytes(None, [correction]))
    found = article_jsonl(tmp_path, "doc", _records())
    assert found.machine == jsonl_bytes(_records()) != found.data
    sentence = json.loads(found.data)["sentences"][0]
    assert sentence["post_edit"] == "The spokesman spoke." and sentence["en"] == "w3 w9 w2"
    assert found.corrected == (["The spokesman spoke."], sha256_bytes(found.data))

