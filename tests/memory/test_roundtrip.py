"""Any text a person wrote comes back out of the memory as it went in, but for the memory's
documented cleaning (``mtjob.memory.entries``): through ``memory add`` (from a folder's
post-edits, the JSONL written with every non-ASCII character escaped, so lone surrogates can
be in it), the memory's own reading, and ``memory export`` (TMX, read back by a plain XML
parser).

The cleaning, stated here on its own so that the test pins it: C0 controls but tab, newline
and CR; DEL; C1 controls but NEL (U+0085); and U+FFFE/U+FFFF are removed; each lone surrogate
becomes U+FFFD. Everything else (U+2028/U+2029/NEL, bidi marks and overrides, NUL's
neighbours, spaces at either end, CR) is kept exactly.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtjob.memory.adding import add
from mtjob.memory.entries import memory_key
from mtjob.memory.reader import MemoryReader
from mtjob.memory.tmx import write_memory_tmx

REMOVED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
SURROGATE = re.compile("[\ud800-\udfff]")


def cleaned(text: str) -> str:
    return SURROGATE.sub("\ufffd", REMOVED.sub("", text))


SPECIAL = "\x00\x07\x1b\t\n\r\x85\u2028\u2029\u200f\u202e\u2066\u061c\ufeff\ufffe\uffff\ud800\udfff"
texts = st.text(alphabet=st.one_of(st.characters(codec=None), st.sampled_from(SPECIAL)),
                max_size=30)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ar=texts, en=texts, who=texts)
def test_any_text_round_trips_through_add_read_and_tmx(tmp_path_factory, ar, en, who):
    work = tmp_path_factory.mktemp("roundtrip")
    arabic = "قال الوزير " + ar  # a key is never empty
    out = work / "out"
    out.mkdir()
    sentence = {"ar": arabic, "en": "machine", "src_tokens": 9, "tgt_tokens": 1, "flags": [],
                "post_edit": en, "edited_by": who, "edited_at": "2026-12-01T10:00:00Z"}
    record = {"doc_id": "a", "para_id": 0, "ar": arabic, "en": "machine",
              "sentences": [sentence], "flags": []}
    (out / "a.jsonl").write_text(json.dumps(record) + "\n", encoding="ascii")  # \udXXX escapes
    mem = work / "mem.sqlite"
    counts = add(mem, [out])
    if not en.strip() or not cleaned(en).strip():  # nothing a person wrote: not an entry
        assert counts["added"] == 0
        return
    assert counts["added"] == 1
    with closing(MemoryReader(mem)) as memory:
        (entry,) = memory.entries()
        assert memory.exact(memory_key(cleaned(arabic))) == entry
    assert (entry.ar, entry.en) == (cleaned(arabic), cleaned(en))
    assert entry.edited_by == cleaned(who)
    tmx = work / "mem.tmx"
    assert write_memory_tmx(mem, tmx) == 1
    (tu,) = ET.parse(tmx).getroot().iter("tu")
    segs = [seg.text or "" for seg in tu.iter("seg")]
    assert segs == [cleaned(arabic), cleaned(en)]
    props = {p.get("type"): p.text for p in tu.iter("prop")}
    if cleaned(who):
        assert props["x-edited-by"] == cleaned(who)


def test_the_cleaning_is_what_the_module_says():
    from mtjob.memory.entries import stored_text

    sample = "a\x00b\x1b[31m\x07\tc\r\nd\x85e\u2028f\u202eg\ufffeh\ud800i\x9f\x7f"
    assert stored_text(sample) == (cleaned(sample), 7)
    assert cleaned(sample) == "ab[31m\tc\r\nd\x85e\u2028f\u202egh\ufffdi"


def test_a_memory_add_run_from_the_cli_logs_what_it_cleaned(tmp_path: Path):
    """Controls are cleaned and counted; a field of the wrong type is no longer read past
    with a warning: the folder's one strict reader refuses the line, naming file and line
    (a JSONL that mtjob's own writers cannot have made: edited by hand)."""
    from typer.testing import CliRunner

    from mtjob.cli import app

    out = tmp_path / "out"
    out.mkdir()
    sentence = {"ar": "قال الوزير\x1b[2J", "en": "m", "src_tokens": 3, "tgt_tokens": 1,
                "flags": [], "post_edit": "Fixed\x07 \x00text", "edited_by": "rania",
                "edited_at": "2026-12-01T10:00:00Z"}
    line = {"doc_id": "a", "para_id": 0, "ar": "x", "en": "m", "sentences": [sentence],
            "flags": []}
    (out / "a.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["memory", "add", str(tmp_path / "m.sqlite"), str(out)])
    assert result.exit_code == 0, result.output
    assert "added 1" in result.output
    assert "removed or replaced 3 control character(s)" in result.output
    with closing(MemoryReader(tmp_path / "m.sqlite")) as memory:
        (entry,) = memory.entries()
    assert (entry.en, entry.edited_by) == ("Fixed text", "rania")

    sentence.update(edited_by={"name": "not text"}, edited_at=20261201)
    (out / "a.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["memory", "add", str(tmp_path / "m2.sqlite"), str(out)])
    assert result.exit_code == 1, result.output
    assert "a.jsonl" in result.output and "line 1" in result.output
    assert "edited_by" in result.output and not (tmp_path / "m2.sqlite").exists()
