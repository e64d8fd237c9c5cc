"""The glossary through a real CAT tool: ``export --format xliff --omegat --to PROJECT/source``
puts the run's glossary into ``PROJECT/glossary/`` as TBX; OmegaT 3.6 opens that project in
console mode and its own readers see every term; what OmegaT's writer saves (a translator's
glossary, TSV) mtjob reads back, term for term.

OmegaT's console mode translates and exits: it never reads a glossary (its glossary manager
is part of the GUI). ``GlossaryProbe.java`` therefore loads the project as console mode does
(``Main.selectProjectConsoleMode``) and calls OmegaT's ``GlossaryReaderTBX``,
``GlossaryReaderTSV`` and the ``GlossaryReaderTSV.append`` a translator's new term goes
through. Needs Debian's omegat and a JDK (``scripts/ci/omegat.sh``); skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mtjob.config import JobConfig
from mtjob.export import export_folder
from mtjob.job import run_shard
from mtjob.terms.glossary import GlossaryTerm, parse, render_tsv
from mtjob.testing.fakes import FakeModels

from ..test_omegat import JAR, PROJECT

pytestmark = [
    pytest.mark.omegat,
    pytest.mark.skipif(not JAR.is_file() or shutil.which("java") is None,
                       reason=f"{JAR} or java missing: run scripts/ci/omegat.sh"),
]
PROBE = Path(__file__).with_name("GlossaryProbe.java")
GLOSSARY = ("كيري\tKerry\tUS Secretary of State\nمجلس الأمن\tSecurity Council|UNSC\n"
            "https://example.org/a?b=1\t=\nدي ميستورا\tde Mistura\n")


def omegat(project: Path, *args: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(["java", "-Djava.awt.headless=true", *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HOME": str(project.parent)})
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc


def read_by_omegat(project: Path, *files: object) -> list[tuple[str, str, str, str]]:
    proc = omegat(project, "-cp", JAR, PROBE, project, *files)
    return [tuple(line.split("\t")[1:]) for line in proc.stdout.splitlines()  # type: ignore[misc]
            if line.startswith("GLOSSARY\t")]


def as_rows(terms: tuple[GlossaryTerm, ...], name: str) -> list[tuple[str, str, str, str]]:
    return [(name, t.term, r, t.note) for t in terms for r in t.renderings]


def test_the_glossary_goes_where_omegat_shows_it_and_comes_back(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("قال كيري في مجلس الأمن إن دي ميستورا وصل.\n",
                                 encoding="utf-8")
    (tmp_path / "g.tsv").write_text(GLOSSARY, encoding="utf-8")
    out = tmp_path / "out"
    run_shard(JobConfig(mt_model="fake-mt", sum_model="fake-sum", summary=False,
                        glossary=str(tmp_path / "g.tsv")), [inbox], out, models=FakeModels())
    project = tmp_path / "project"
    for sub in ("source", "target", "tm/auto", "dictionary", "omegat"):
        (project / sub).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT, encoding="utf-8")
    report = export_folder(out, "xliff", project / "source", omegat=True)
    tbx = project / "glossary" / "mtjob-glossary.tbx"
    assert tbx in report.files
    terms = parse(GLOSSARY.encode(), "g.tsv")
    assert parse(tbx.read_bytes(), tbx) == terms
    # OmegaT translates the project in console mode with the glossary in place...
    omegat(project, "-jar", JAR, project, "--mode=console-translate")
    assert (project / "target" / "a.xlf").is_file()
    # ...and its own readers see every term, rendering and comment of mtjob's TBX and TSV.
    (project / "glossary" / "terms.txt").write_text(render_tsv(terms), encoding="utf-8")
    saved = project / "glossary" / "glossary.txt"  # the translator's glossary file
    rows = read_by_omegat(project, tbx, f"--copy-to={saved}", project / "glossary" /
                          "terms.txt")
    kept = [(n, t, "=" if r == t and n == "terms.txt" else r, c)
            for n, t, r, c in as_rows(terms, "terms.txt")]
    assert rows == as_rows(terms, "mtjob-glossary.tbx") + kept
    # What OmegaT's writer saved, mtjob reads back term for term.
    assert parse(saved.read_bytes(), saved) == terms
