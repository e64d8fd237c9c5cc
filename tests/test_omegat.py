"""A real CAT tool (issue 25): OmegaT 3.6, headless in console mode, reads what mtjob exports,
and what a translator saves in its project memory comes back through ``mtjob import``.

Needs Debian's omegat (``scripts/ci/omegat.sh``); skipped with that reason otherwise. Each
OmegaT start costs ~5 s of Java: two projects, shared by the tests of this module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.export import export_folder
from mtjob.outfolder.readback import read_folder
from mtjob.outfolder.verify import verify
from mtjob.testing.output_folder import sentence, write_finished

JAR = Path("/usr/share/omegat/OmegaT.jar")
pytestmark = [
    pytest.mark.omegat,
    pytest.mark.skipif(not JAR.is_file() or shutil.which("java") is None,
                       reason=f"{JAR} or java missing: run scripts/ci/omegat.sh"),
]
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat><project version="1.0">
  <source_dir>__DEFAULT__</source_dir><target_dir>__DEFAULT__</target_dir>
  <tm_dir>__DEFAULT__</tm_dir><glossary_dir>__DEFAULT__</glossary_dir>
  <glossary_file>__DEFAULT__</glossary_file><dictionary_dir>__DEFAULT__</dictionary_dir>
  <source_lang>AR</source_lang><target_lang>EN</target_lang>
  <source_tok>org.omegat.tokenizer.LuceneArabicTokenizer</source_tok>
  <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
  <sentence_seg>false</sentence_seg>
</project></omegat>
"""


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def project_memory(edits: dict[str, str], translator: str) -> str:
    """``omegat/project_save.tmx`` as OmegaT saves a translator's work: default (by source
    text) translations with the translator's id and time."""
    tus = "".join(
        f'<tu><tuv lang="AR"><seg>{escape(ar)}</seg></tuv><tuv lang="EN" '
        f'changeid="{translator}" changedate="20261206T101500Z" creationid="{translator}" '
        f'creationdate="20261206T101500Z"><seg>{escape(en)}</seg></tuv></tu>\n'
        for ar, en in edits.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx11.dtd">\n'
            '<tmx version="1.4"><header creationtool="OmegaT" o-tmf="OmegaT TMX" '
            'adminlang="EN-US" datatype="plaintext" creationtoolversion="3.6.0_10" '
            f'segtype="paragraph" srclang="AR"/><body>\n{tus}</body></tmx>\n')


def omegat_project(root: Path, out: Path, memory: str | None = None,
                   project: bool = False) -> Path:
    """A project with mtjob's OmegaT XLIFF in source/ and its TMX in tm/auto (``project``:
    the one project memory), translated by OmegaT in console mode."""
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (root / sub).mkdir(parents=True)
    (root / "omegat.project").write_text(PROJECT, encoding="utf-8")
    export_folder(out, "xliff", root / "source", omegat=True)
    export_folder(out, "tmx", root / "tm" / "auto", project=project)
    if memory is not None:
        (root / "omegat" / "project_save.tmx").write_text(memory, encoding="utf-8")
    proc = subprocess.run(["java", "-Djava.awt.headless=true", "-jar", str(JAR), str(root),
                           "--mode=console-translate"], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "HOME": str(root.parent)})
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return root


def targets(path: Path) -> dict[str, str]:
    root = ET.parse(path).getroot()
    return {tu.attrib["id"]: "".join(tu.find(f"{XLIFF}target").itertext())
            for tu in root.iter(f"{XLIFF}trans-unit")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_models):
    """The sample article translated by mtjob; OmegaT run on it without and with edits."""
    base = tmp_path_factory.mktemp("omegat")
    inbox = base / "inbox"
    inbox.mkdir()
    shutil.copy(Path(__file__).parent.parent / "examples" / "article.ar.txt",
                inbox / "article.txt")
    out = base / "out"
    result = invoke("run", inbox, "--out", out, "--mt-model", tiny_models["mt"],
                    "--sum-model", tiny_models["sum"], "--beams", "1", "--sum-beams", "1",
                    "--quiet")
    assert result.exit_code == 0, result.output
    article = read_folder(out)[0]
    pairs = [(p.unit_id(s), s.ar, s.en) for p, s in article.sentences()]
    edits = {pairs[1][1]: "The Russian foreign ministry said Lavrov spoke to Kerry.",
             pairs[4][1]: "Kerry said there was a chance to end the violence."}
    plain = omegat_project(base / "plain", out)
    edited = omegat_project(base / "edited", out, project_memory(edits, "rana"))
    return {"out": out, "pairs": pairs, "edits": edits, "plain": plain, "edited": edited}


def test_tmx_auto_populates_every_sentence_and_xliff_ids_kept(runs):
    got = targets(runs["plain"] / "target" / "article.xlf")
    assert list(got) == [uid for uid, _, _ in runs["pairs"]]  # every id, in order
    assert got == {uid: en for uid, _, en in runs["pairs"]}  # mtjob's English, all of it
    stats = (runs["plain"] / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    remaining = next(line for line in stats.splitlines() if line.startswith("Remaining:"))
    assert remaining.split()[1] == "0"


def imported(out: Path) -> dict[str, tuple[str, str | None]]:
    lines = (out / "article.jsonl").read_text(encoding="utf-8").splitlines()
    return {s["ar"]: (s["post_edit"], s["edited_by"]) for line in lines
            for s in json.loads(line)["sentences"] if "post_edit" in s}


@pytest.mark.parametrize("handed_back", ["target/article.xlf", "edited-omegat.tmx"])
def test_translator_edits_come_back(runs, tmp_path, handed_back):
    out = tmp_path / "out"
    shutil.copytree(runs["out"], out)
    path = runs["edited"] / handed_back
    result = invoke("import", out, path, "--by", "xliff-reviewer")
    assert result.exit_code == 0, result.output
    by = "rana" if path.suffix == ".tmx" else "xliff-reviewer"  # XLIFF names no translator
    assert imported(out) == {ar: (en, by) for ar, en in runs["edits"].items()}
    assert verify(out) == []
    if path.suffix == ".tmx":
        root = ET.parse(path).getroot()
        assert root.get("version") == "1.1" and root.find(".//tuv").get("lang") == "AR"


SHARED = "قال المتحدث إن المحادثات ستستمر."
FIXED = "The spokesman said the talks would go on."


@pytest.mark.parametrize("corrected", ["a", "b"])
def test_the_project_memory_gives_omegat_the_correction(tmp_path, corrected):
    """Issue 31.7: with one TMX per article, the machine English of one article and a
    correction of the same Arabic in another competed in tm/auto, and the file names decided
    (OmegaT 3.6 offered the machine English of ``b`` over the correction in ``a``). The project
    memory holds one entry per Arabic, a person's before the machine's: OmegaT fills both
    articles with the correction, whichever article holds it."""
    out = tmp_path / "out"
    write_finished(out, "a", [[sentence(SHARED, "Machine English of a."),
                               sentence("جملة أخرى.", "Another sentence.")]])
    write_finished(out, "b", [[sentence(SHARED, "Machine English of b.")]])
    fix = tmp_path / "corrections.json"
    fix.write_text(json.dumps({"format": "mtjob-corrections", "corrections": [
        {"doc_id": corrected, "para_id": 0, "sent_id": 0, "ar": SHARED,
         "mt_en": f"Machine English of {corrected}.", "post_edit": FIXED,
         "edited_by": "Hala", "edited_at": "2026-12-07T11:05:00Z"}]}), encoding="utf-8")
    assert invoke("import", out, fix).exit_code == 0
    root = omegat_project(tmp_path / "project", out, project=True)
    assert [p.name for p in (root / "tm" / "auto").iterdir()] == ["project.tmx"]
    assert targets(root / "target" / "a.xlf") == {"p0-s0": FIXED,
                                                  "p0-s1": "Another sentence."}
    assert targets(root / "target" / "b.xlf") == {"p0-s0": FIXED}


def test_the_project_memory_keeps_each_articles_own_correction(tmp_path):
    """Found by the translator's day (tests/test_translators_day.py): a sentence of ``b``
    corrected to its own English (an alternative translation in OmegaT, say) and the same
    Arabic corrected later in ``a``: the project memory held only the newer correction, so
    OmegaT showed ``a``'s English in ``b``, and a translator who went on from there saw (and
    handed back) the wrong English. ``b``'s correction is now OmegaT's alternative
    translation, tied to its file and neighbours."""
    out = tmp_path / "out"
    write_finished(out, "a", [[sentence(SHARED, "Machine English of a.")]])
    write_finished(out, "b", [[sentence("خبر أول.", "First news."),
                               sentence(SHARED, "Machine English of b.")],
                              [sentence("النهاية.", "The end.")]])
    fix = tmp_path / "corrections.json"
    fix.write_text(json.dumps({"format": "mtjob-corrections", "corrections": [
        {"doc_id": doc, "para_id": 0, "sent_id": sent, "ar": SHARED,
         "mt_en": f"Machine English of {doc}.", "post_edit": text, "edited_by": who,
         "edited_at": when} for doc, sent, text, who, when in (
            ("b", 1, "The spokesman said talks continue.", "Rana", "2026-12-07T09:30:00Z"),
            ("a", 0, FIXED, "Hala", "2026-12-07T11:05:00Z"))]}), encoding="utf-8")
    assert invoke("import", out, fix).exit_code == 0
    root = omegat_project(tmp_path / "project", out, project=True)
    assert targets(root / "target" / "a.xlf") == {"p0-s0": FIXED}
    assert targets(root / "target" / "b.xlf") == {
        "p0-s0": "First news.", "p0-s1": "The spokesman said talks continue.",
        "p1-s0": "The end."}
    before = (out / "b.jsonl").read_bytes(), (out / "a.jsonl").read_bytes()
    memory = root / "project-omegat.tmx"  # what OmegaT hands back carries both, no edit
    assert invoke("import", out, memory).exit_code == 0
    assert ((out / "b.jsonl").read_bytes(), (out / "a.jsonl").read_bytes()) == before
