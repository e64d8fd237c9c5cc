"""The output writer (issue 30): the JSONL's bytes are made from the records here, then the
stored corrections are re-applied to those machine bytes (``corrections.reapply`` takes
them)."""

from __future__ import annotations

import json
from pathlib import Path

from mtjob.inputs.reader import Article, read_article
from mtjob.outfolder.corrections import Correction, corrections_path, store_bytes
from mtjob.outfolder.paths import sha256_bytes
from mtjob.outfolder.writer import article_jsonl
from mtjob.records import ParagraphRecord, SentenceRecord, jsonl_bytes
from mtjob.vocabulary import ReviewState

AR = "قال المتحدث إن المحادثات ستستمر."


def _records() -> list[ParagraphRecord]:
    sentence = SentenceRecord(AR, "w3 w9 w2", 4, 3)
    return [ParagraphRecord("doc", 0, AR, "w3 w9 w2", (sentence,))]


def _article(tmp_path: Path) -> Article:
    """The source article ``doc`` (read from a file, as a run reads it)."""
    source = tmp_path / "inbox" / "doc.txt"
    source.parent.mkdir()
    source.write_text(AR + "\n", encoding="utf-8")
    return read_article(source, 1 << 20)


def test_without_corrections_the_jsonl_is_the_machine_output(tmp_path: Path):
    found = article_jsonl(tmp_path, _article(tmp_path), _records())
    assert found.machine == found.data == jsonl_bytes(_records()) and found.corrected is None


def test_a_stored_correction_is_applied_to_the_machine_bytes(tmp_path: Path):
    correction = Correction(doc_id="doc", para_id=0, sent_id=0, ar=AR, mt_en="w3 w9 w2",
                            post_edit="The spokesman spoke.", review=ReviewState.EDITED,
                            edited_by="ed", edited_at="2026-01-01T00:00:00Z")
    path = corrections_path(tmp_path, "doc")
    path.parent.mkdir(parents=True)
    path.write_bytes(store_bytes(None, [correction]))
    found = article_jsonl(tmp_path, _article(tmp_path), _records())
    assert found.machine == jsonl_bytes(_records()) != found.data
    sentence = json.loads(found.data)["sentences"][0]
    assert sentence["post_edit"] == "The spokesman spoke." and sentence["en"] == "w3 w9 w2"
    assert sentence["review"] == ReviewState.EDITED and sentence["edited_by"] == "ed"
    assert found.corrected == (["The spokesman spoke."], sha256_bytes(found.data))

