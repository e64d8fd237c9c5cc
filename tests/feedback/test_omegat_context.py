"""OmegaT 3.6 headless (issue 31 items 5, 6 and 7): an alternative translation OmegaT tied to
one article's neighbouring segments comes back to that article only; an untouched project's
memory, whose default for a shared Arabic is one article's machine English, creates nothing.

Needs Debian's omegat (``scripts/ci/omegat.sh``), as ``tests/test_omegat.py``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mtjob.outfolder.verify import verify
from mtjob.testing.output_folder import sentence, write_finished
from tests.test_omegat import JAR, omegat_project

from .test_importing import invoke, sentences, snapshot

pytestmark = [
    pytest.mark.omegat,
    pytest.mark.skipif(not JAR.is_file() or shutil.which("java") is None,
                       reason=f"{JAR} or java missing: run scripts/ci/omegat.sh"),
]
SAID = "قال الوزير إن الاجتماع انتهى"
DOCS = {"alpha": ("خبر أول", "نهاية أ"), "beta": ("خبر ثان", "نهاية ب"),
        "gamma": ("خبر ثالث", "نهاية ج")}


def three_articles(out: Path) -> Path:
    """Three articles holding SAID between other sentences, each with its own machine
    English for it."""
    for doc, (lead, end) in DOCS.items():
        write_finished(out, doc, [[sentence(lead, f"{doc} news"),
                                   sentence(SAID, f"The minister said ({doc})")],
                                  [sentence(end, f"End of {doc}")]])
    return out


def omegat(root: Path, out: Path, memory: str | None) -> Path:
    """The project's memory as OmegaT exports it (``ROOT-omegat.tmx``), ``memory`` as its
    project_save.tmx."""
    return omegat_project(root, out, memory) / f"{root.name}-omegat.tmx"


def project_save(entries: list[tuple[str, str, str, str]]) -> str:
    """OmegaT's project memory: (props XML, English, translator, TMX date) for SAID."""
    tus = "".join(f'<tu>{props}<tuv lang="AR"><seg>{SAID}</seg></tuv><tuv lang="EN" '
                  f'changeid="{who}" changedate="{when}" creationid="{who}" '
                  f'creationdate="{when}"><seg>{en}</seg></tuv></tu>\n'
                  for props, en, who, when in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx11.dtd">\n'
            '<tmx version="1.4"><header creationtool="OmegaT" o-tmf="OmegaT TMX" '
            'adminlang="EN-US" datatype="plaintext" creationtoolversion="3.6.0_10" '
            f'segtype="paragraph" srclang="AR"/><body>\n{tus}</body></tmx>\n')


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    base = tmp_path_factory.mktemp("omegat-context")
    out = three_articles(base / "out")
    lead, end = DOCS["beta"]
    alternative = (f'<prop type="file">beta.xlf</prop><prop type="prev">{lead}</prop>'
                   f'<prop type="next">{end}</prop>')
    memory = project_save([("", "The minister said the meeting was over.", "rana",
                            "20261207T101500Z"),
                           (alternative, "The minister announced the end of the meeting.",
                            "omar", "20261207T111500Z")])
    return {"out": out, "edited": omegat(base / "edited", out, memory),
            "plain": omegat(base / "plain", out, None)}


def test_an_alternative_translation_applies_only_where_omegat_tied_it(projects, tmp_path):
    """Issue 31 item 6: an alternative translation OmegaT tied to one article's neighbouring
    segments was applied to all three articles holding that Arabic sentence."""
    out = tmp_path / "out"
    shutil.copytree(projects["out"], out)
    result = invoke("import", out, projects["edited"])
    assert result.exit_code == 0, result.output
    got = {doc: sentences(out, doc)[1] for doc in DOCS}
    assert (got["beta"]["post_edit"], got["beta"]["edited_by"]) == (
        "The minister announced the end of the meeting.", "omar")
    for doc in ("alpha", "gamma"):
        assert (got[doc]["post_edit"], got[doc]["edited_by"], got[doc]["edited_at"]) == (
            "The minister said the meeting was over.", "rana", "2026-12-07T10:15:00Z")
    assert verify(out) == []
    # OmegaT's translated XLIFF of beta agrees, and brings nothing new.
    before = snapshot(out)
    target = projects["edited"].parent / "target" / "beta.xlf"
    assert invoke("import", out, target, "--by", "someone").exit_code == 0
    assert snapshot(out) == before


def test_an_untouched_projects_memory_creates_nothing(projects, tmp_path):
    """Issue 31 items 5 and 7: OmegaT offers one article's machine English (which one depends
    on file names) for the Arabic all three share; importing the untouched project's memory
    made anonymous post-edits of the others."""
    out = tmp_path / "out"
    shutil.copytree(projects["out"], out)
    before = snapshot(out)
    result = invoke("import", out, projects["plain"])
    assert result.exit_code == 0, result.output
    assert snapshot(out) == before
