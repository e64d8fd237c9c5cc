"""Corrections through reruns on the tiny models (issue 29 items 6 and 13 and its "also
seen"; issue 31 item 10): a repeated sentence corrected two ways after a shift, an article
with a 216-byte name, articles piped on stdin one after another, and ``--force`` without the
memory an earlier run used."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.export import export_folder
from mtjob.outfolder.corrections import read_corrections
from mtjob.outfolder.verify import verify
from tests.test_corrections_rerun import fill_tsv

from .test_importing import invoke

SAID = "قال الوزير إن الاجتماع انتهى."
WEATHER = "الطقس جميل اليوم في المدينة."


def english(path: Path) -> list[tuple[str, str | None]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(s["ar"], s.get("post_edit")) for line in lines for s in json.loads(line)["sentences"]]


def test_a_repeated_sentence_corrected_two_ways_survives_a_new_lead(tmp_path, tiny_args):
    """Issue 29 item 6: each occurrence of a repeated sentence was corrected differently;
    after a new lead paragraph and a rerun both corrections landed on the first occurrence,
    and verify said ok."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    source = inbox / "article.txt"
    source.write_text(f"{SAID}\n\n{WEATHER}\n\n{SAID}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("run", inbox, "--out", out, *tiny_args).exit_code == 0
    export_folder(out, "tsv")
    tsv = out / "export" / "tsv" / "article.tsv"
    rows = list(csv.reader(io.StringIO(tsv.read_text(encoding="utf-8"), newline=""),
                           delimiter="\t"))
    column = rows[0].index("post_edit")  # columns follow it (review, suggestion...)
    rows[1][column], rows[3][column] = "First: the meeting ended.", \
        "Second: the meeting is over."
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    tsv.write_text(buffer.getvalue(), encoding="utf-8")
    result = invoke("import", out, tsv, "--by", "ed")
    assert result.exit_code == 0, result.output
    want = [(SAID, "First: the meeting ended."), (WEATHER, None),
            (SAID, "Second: the meeting is over.")]
    assert english(out / "article.jsonl") == want
    source.write_text(f"خبر عاجل من العاصمة.\n\n{SAID}\n\n{WEATHER}\n\n{SAID}\n",
                      encoding="utf-8")
    result = invoke("run", inbox, "--out", out, *tiny_args)
    assert result.exit_code == 0, result.output
    assert english(out / "article.jsonl")[1:] == want
    assert verify(out) == []


def test_an_article_with_a_208_byte_name_imports_and_resummarizes(tmp_path, tiny_args):
    """Issue 29 item 13: 104-108 Arabic letters (208-216 bytes; here 108 no longer runs) run,
    but import and --resummarize failed with exit 74 "File name too long": the journal's
    staged names were longer than the article's."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    name = "ب" * 104
    (inbox / f"{name}.txt").write_text(f"{SAID}\n\n{WEATHER}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("run", inbox, "--out", out, *tiny_args).exit_code == 0
    export_folder(out, "tsv")
    tsv = next((out / "export" / "tsv").glob("*.tsv"))
    fill_tsv(tsv, [1])
    result = invoke("import", out, tsv)
    assert result.exit_code == 0, result.output
    result = invoke("import", out, "--resummarize")
    assert result.exit_code == 0, result.output
    assert len(read_corrections(out, name)) == 1 and verify(out) == []


def test_an_article_piped_on_stdin_gets_only_its_own_corrections(tmp_path, tiny_args):
    """Also seen in issue 29: ``run -`` keeps one store for doc id ``stdin``, so the
    corrections of one piped article were re-applied to the next wherever the Arabic
    matched. An article read from stdin is known by its text: its corrections apply to that
    text only, and come back when it is piped again."""
    out = tmp_path / "out"
    first = f"{SAID}\n\n{WEATHER}\n"

    def run(text: str) -> None:
        result = CliRunner().invoke(app, ["run", "-", "--out", str(out), *tiny_args],
                                    input=text.encode("utf-8"))
        assert result.exit_code == 0, result.output

    run(first)
    export_folder(out, "tsv")
    fill_tsv(out / "export" / "tsv" / "stdin.tsv", [1])
    assert invoke("import", out, out / "export" / "tsv" / "stdin.tsv").exit_code == 0
    assert english(out / "stdin.jsonl")[0] == (SAID, "Edited row 1.")
    run(f"خبر آخر تماما.\n\n{SAID}\n")  # another article with the same sentence
    assert english(out / "stdin.jsonl") == [("خبر آخر تماما.", None), (SAID, None)]
    assert verify(out) == []
    run(first)
    assert english(out / "stdin.jsonl")[0] == (SAID, "Edited row 1.")
    assert verify(out) == []


def test_force_without_the_memory_says_its_matches_are_lost(tmp_path, tiny_args):
    """Issue 31 item 10: ``--force`` without ``--memory`` silently dropped the earlier run's
    memory matches. It says so, loudly."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "article.txt").write_text(f"{SAID}\n\n{WEATHER}\n", encoding="utf-8")
    other = tmp_path / "other"
    assert invoke("run", inbox, "--out", other, *tiny_args).exit_code == 0
    export_folder(other, "tsv")
    fill_tsv(other / "export" / "tsv" / "article.tsv", [1])
    assert invoke("import", other, other / "export" / "tsv" / "article.tsv").exit_code == 0
    memory = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", memory, other).exit_code == 0
    out = tmp_path / "out"
    result = invoke("run", inbox, "--out", out, *tiny_args, "--memory", memory)
    assert result.exit_code == 0, result.output
    result = invoke("run", inbox, "--out", out, *tiny_args, "--force")
    assert result.exit_code == 0, result.output
    assert "1 sentence(s) the earlier run took from a translation memory are " \
        "machine-translated now" in result.output
