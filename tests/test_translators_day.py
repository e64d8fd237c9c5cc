"""A newsroom's day with mtjob (issue 31, "Must show"), scripted end to end on the tiny real
models, the real review page in headless Chromium and real OmegaT 3.6 in console mode. The
promise checked at the end: nothing a person wrote is lost, and what is published is what
they approved.

1. ``run --report --text`` over three articles; one Arabic sentence (SAID) is in two of them.
2. Hala, on the review pages (edit mode): corrects SAID in ``alpha``, confirms two sentences,
   downloads two corrections files; ``mtjob import`` (her SAID reaches ``beta``'s repeat).
3. OmegaT, two translators. Each one's work is an OmegaT project memory
   (``omegat/project_save.tmx``, written here in OmegaT's own format: console mode edits
   nothing) that a real OmegaT run turns into the project's TMX (``PROJECT-omegat.tmx``, with
   OmegaT's ``changeid``/``changedate``) and its target XLIFF, both imported.
   - Rana, this morning (dates 3 hours back), from the export made after Hala's import: her
     English for ``alpha``'s lead, ``gamma``'s lead, SAID (older than Hala's: it loses in
     ``alpha``), and an alternative translation of SAID tied to ``beta`` (its own correction:
     it beats Hala's propagated one there).
   - Omar, later (dates now), from a new export: ``gamma``'s lead again (newer than Rana's),
     the sentence Hala confirmed in ``alpha`` (newer: his edit wins), ``beta``'s last.
4. ``memory add`` and ``run --memory --force``; ``run --force`` without the memory (it says
   what it loses); a run with another model (the tiny Marian of another seed).
5. ``eval --post-edits``.

Found on the way (each with its own test, failing before its fix): ``run --memory`` took
nothing from the memory (its exact look-up lost in a merge:
tests/feedback/test_reruns.py::test_force_without_the_memory_says_its_matches_are_lost);
OmegaT's TMX carrying Hala's SAID back to ``beta`` made it a new correction of ``beta`` by
Hala that replaced Rana's alternative
(tests/feedback/test_newest_wins.py::test_a_correction_carried_back_to_a_repeat_credits_nobody);
the project TMX dropped ``beta``'s own correction, so Omar's OmegaT showed Hala's English
there (tests/test_omegat.py::test_the_project_memory_keeps_each_articles_own_correction);
after the model change, the morning's OmegaT TMX imported again made the first model's
English anonymous post-edits, one over Omar's newer edit
(tests/feedback/test_newest_wins.py::test_a_cat_memory_of_an_earlier_model_is_no_edit).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from mtjob.outfolder.corrections import read_corrections
from mtjob.outfolder.verify import verify
from tests.export.test_browser import CHROMIUM, Watched, browser  # noqa: F401
from tests.feedback.test_importing import invoke, snapshot
from tests.test_omegat import JAR, omegat_project, targets

pytestmark = [
    pytest.mark.slow, pytest.mark.browser, pytest.mark.omegat,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing"),
    pytest.mark.skipif(not JAR.is_file() or shutil.which("java") is None,
                       reason=f"{JAR} or java missing: run scripts/ci/omegat.sh"),
]

SAID = "قال الوزير إن الاجتماع انتهى."
ARTICLES = {
    "alpha": ["خبر عاجل من العاصمة اليوم. " + SAID, "الطقس جميل اليوم في المدينة."],
    "beta": ["أعلنت الحكومة خطة جديدة للنقل.", SAID, "وستبدأ الخطة في الشهر المقبل."],
    "gamma": ["فاز الفريق بالمباراة النهائية.", "احتفل المشجعون في الشوارع حتى الصباح."],
}
#: Every sentence, by its place: (doc id, unit id) -> its Arabic.
PLACES = {("alpha", "p0-s0"): "خبر عاجل من العاصمة اليوم.", ("alpha", "p0-s1"): SAID,
          ("alpha", "p1-s0"): ARTICLES["alpha"][1], ("beta", "p0-s0"): ARTICLES["beta"][0],
          ("beta", "p1-s0"): SAID, ("beta", "p2-s0"): ARTICLES["beta"][2],
          ("gamma", "p0-s0"): ARTICLES["gamma"][0], ("gamma", "p1-s0"): ARTICLES["gamma"][1]}
HALA_SAID = "The minister said the meeting ended."
RANA = {("alpha", "p0-s0"): "Breaking news from the capital today.",
        ("gamma", "p0-s0"): "The team won the final."}
RANA_SAID = "The minister said that the meeting is over."  # default: older than Hala's
RANA_BETA = "The minister announced that the meeting had ended."  # alternative, beta only
OMAR = {("gamma", "p0-s0"): "The team won the cup final.",
        ("alpha", "p1-s0"): "The weather is fine in the city today.",
        ("beta", "p2-s0"): "The plan will start next month."}


def tmx_time(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


def iso(tmx: str) -> str:
    return f"{tmx[:4]}-{tmx[4:6]}-{tmx[6:8]}T{tmx[9:11]}:{tmx[11:13]}:{tmx[13:15]}Z"


def project_save(entries: list[tuple[dict[str, str], str, str, str, str]]) -> str:
    """A translator's work as OmegaT 3.6 saves it (``omegat/project_save.tmx``): (context
    props, Arabic, English, translator, TMX time); props make an alternative translation."""
    tus = "".join(
        "<tu>" + "".join(f'<prop type="{k}">{escape(v)}</prop>' for k, v in props.items())
        + f'<tuv lang="AR"><seg>{escape(ar)}</seg></tuv><tuv lang="EN" changeid="{who}" '
        f'changedate="{when}" creationid="{who}" creationdate="{when}"><seg>{escape(en)}'
        "</seg></tuv></tu>\n" for props, ar, en, who, when in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx11.dtd">\n'
            '<tmx version="1.4"><header creationtool="OmegaT" o-tmf="OmegaT TMX" '
            'adminlang="EN-US" datatype="plaintext" creationtoolversion="3.6.0_10" '
            f'segtype="paragraph" srclang="AR"/><body>\n{tus}</body></tmx>\n')


def state(out: Path) -> dict[tuple[str, str], dict]:
    """Every sentence of the folder by its place."""
    found = {}
    for doc_id in ARTICLES:
        for line in (out / f"{doc_id}.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for s, sentence in enumerate(record["sentences"]):
                found[doc_id, f"p{record['para_id']}-s{s}"] = sentence
    return found


def final(sentence: dict) -> str:
    return sentence.get("post_edit", sentence["en"])


def review(sentence: dict) -> tuple:
    keys = ("review", "edited_by", "edited_at", "edit_from", "propagated_from")
    return (final(sentence), *(sentence.get(k) for k in keys))


def imported(out: Path, *files: Path, by: str | None = None) -> str:
    """``mtjob import`` that must refuse nothing; its summary line."""
    result = invoke("import", out, *files, *(["--by", by] if by else []))
    assert result.exit_code == 0, result.output
    summary = result.output.strip().splitlines()[-1].removeprefix("imported ")
    assert summary.endswith(" 0 refused") or " 0 refused;" in summary, result.output
    return summary


def download(page, to: Path) -> Path:
    with page.expect_download() as got:
        page.click("#edit-download")
    path = to / got.value.suggested_filename
    got.value.save_as(path)
    return path


def test_a_translators_day(browser, tiny_models, tmp_path):  # noqa: F811
    from mtjob.testing.tiny_models import build_marian

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for doc_id, paragraphs in ARTICLES.items():
        (inbox / f"{doc_id}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    common = ["--sum-model", tiny_models["sum"], "--beams", "1", "--sum-beams", "1",
              "--sum-min-length", "5", "--sum-max-length", "30", "--report", "--text",
              "--quiet"]
    first_model = ["--mt-model", tiny_models["mt"]]

    def run(*args) -> str:
        result = invoke("run", inbox, "--out", out, *common, *args)
        assert result.exit_code == 0, result.output
        return result.output

    # 1. The morning run.
    run(*first_model)
    machine = {place: s["en"] for place, s in state(out).items()}
    assert {place: s["ar"] for place, s in state(out).items()} == PLACES

    # 2. Hala on the review pages: an edit and a confirmation in alpha, a confirmation in beta.
    watched = Watched(browser)
    page = watched.open(out / "report" / "alpha.html")
    page.check("#edit-mode")
    page.fill("#reviewer", "Hala")
    page.locator("#p0-s1 .s.en").fill(HALA_SAID)
    page.click("#p1-s0 .confirm")
    assert page.inner_text("#edit-count") == "2"
    hala_alpha = download(page, tmp_path)
    page = watched.open(out / "report" / "beta.html")
    page.check("#edit-mode")  # the reviewer's name is kept by the browser
    page.click("#p0-s0 .confirm")
    hala_beta = download(page, tmp_path)
    assert watched.errors == [] and watched.dialogs == []
    summary = imported(out, hala_alpha, hala_beta)
    assert summary.startswith("3 correction(s) applied to 2 article(s), 1 repeat(s) propagated")
    now = state(out)
    hala_at = now["alpha", "p0-s1"]["edited_at"]
    assert review(now["alpha", "p0-s1"]) == (HALA_SAID, "edited", "Hala", hala_at, "page", None)
    assert review(now["beta", "p1-s0"]) == (HALA_SAID, "edited", "Hala", hala_at, "propagated",
                                            "alpha#p0-s1")
    assert now["alpha", "p1-s0"]["review"] == now["beta", "p0-s0"]["review"] == "confirmed"
    assert "post_edit" not in now["beta", "p0-s0"]  # confirmed as shown: the machine's English

    # 3a. Rana's OmegaT project, her work dated this morning.
    morning = datetime.now(timezone.utc) - timedelta(hours=3)
    rana_at = [tmx_time(morning + timedelta(minutes=m)) for m in range(3)]
    beta = ARTICLES["beta"]
    rana = project_save([
        ({}, PLACES["alpha", "p0-s0"], RANA["alpha", "p0-s0"], "rana", rana_at[0]),
        ({}, SAID, RANA_SAID, "rana", rana_at[0]),
        ({"file": "beta.xlf", "prev": beta[0], "next": beta[2]}, SAID, RANA_BETA, "rana",
         rana_at[1]),
        ({}, PLACES["gamma", "p0-s0"], RANA["gamma", "p0-s0"], "rana", rana_at[2])])
    project_a = omegat_project(tmp_path / "rana", out, rana, project=True)
    assert targets(project_a / "target" / "beta.xlf")["p1-s0"] == RANA_BETA
    summary = imported(out, project_a / "rana-omegat.tmx")
    assert summary.startswith("3 correction(s) applied to 3 article(s)"), summary
    assert "1 older than the sentence's newest correction" in summary  # SAID in alpha
    settled = snapshot(out)
    for xlf in sorted((project_a / "target").glob("*.xlf")):  # what OmegaT translated
        assert imported(out, xlf, by="rana").startswith("0 correction(s) applied")
    assert snapshot(out) == settled

    # 3b. Omar's OmegaT project, from a new export, his work dated now.
    omar_at = tmx_time(datetime.now(timezone.utc))
    assert iso(omar_at) > hala_at
    omar = project_save([({}, PLACES[place], text, "omar", omar_at)
                         for place, text in OMAR.items()])
    project_b = omegat_project(tmp_path / "omar", out, omar, project=True)
    seen = {doc: targets(project_b / "target" / f"{doc}.xlf") for doc in ARTICLES}
    assert seen["beta"]["p1-s0"] == RANA_BETA  # beta's own correction, not alpha's
    assert seen["alpha"]["p0-s1"] == HALA_SAID
    summary = imported(out, project_b / "omar-omegat.tmx")
    assert summary.startswith("3 correction(s) applied to 3 article(s)"), summary
    settled = snapshot(out)
    for xlf in sorted((project_b / "target").glob("*.xlf")):
        assert imported(out, xlf, by="omar").startswith("0 correction(s) applied")
    assert snapshot(out) == settled

    # What the day's people did, sentence by sentence (final, review, who, when, from, copy of).
    want = {
        ("alpha", "p0-s0"): (RANA["alpha", "p0-s0"], "edited", "rana", iso(rana_at[0]), "tmx",
                             None),
        ("alpha", "p0-s1"): (HALA_SAID, "edited", "Hala", hala_at, "page", None),
        ("alpha", "p1-s0"): (OMAR["alpha", "p1-s0"], "edited", "omar", iso(omar_at), "tmx",
                             None),
        ("beta", "p0-s0"): (machine["beta", "p0-s0"], "confirmed", "Hala",
                            now["beta", "p0-s0"]["edited_at"], "page", None),
        ("beta", "p1-s0"): (RANA_BETA, "edited", "rana", iso(rana_at[1]), "tmx", None),
        ("beta", "p2-s0"): (OMAR["beta", "p2-s0"], "edited", "omar", iso(omar_at), "tmx",
                            None),
        ("gamma", "p0-s0"): (OMAR["gamma", "p0-s0"], "edited", "omar", iso(omar_at), "tmx",
                             None),
        ("gamma", "p1-s0"): (machine["gamma", "p1-s0"], None, None, None, None, None)}
    assert {place: review(s) for place, s in state(out).items()} == want
    page_now = (out / "report" / "alpha.html").read_text(encoding="utf-8")  # kept by import
    assert "post-edited by omar" in page_now and "post-edited by rana" in page_now
    stores = {doc: read_corrections(out, doc) for doc in ARTICLES}
    history = sorted((c.doc_id, c.unit, c.post_edit, c.edited_by) for cs in stores.values()
                     for c in cs)
    assert history == sorted([  # every edit once, the older ones kept behind the newer
        ("alpha", "p0-s0", RANA["alpha", "p0-s0"], "rana"),
        ("alpha", "p0-s1", HALA_SAID, "Hala"), ("alpha", "p0-s1", RANA_SAID, "rana"),
        ("alpha", "p1-s0", machine["alpha", "p1-s0"], "Hala"),
        ("alpha", "p1-s0", OMAR["alpha", "p1-s0"], "omar"),
        ("beta", "p0-s0", machine["beta", "p0-s0"], "Hala"),
        ("beta", "p1-s0", HALA_SAID, "Hala"), ("beta", "p1-s0", RANA_BETA, "rana"),
        ("beta", "p2-s0", OMAR["beta", "p2-s0"], "omar"),
        ("gamma", "p0-s0", RANA["gamma", "p0-s0"], "rana"),
        ("gamma", "p0-s0", OMAR["gamma", "p0-s0"], "omar")])
    assert verify(out) == []

    # 4. The memory, reruns, another model: nothing a person did moves.
    memory = tmp_path / "newsroom.sqlite"
    assert invoke("memory", "add", memory, out).exit_code == 0
    run(*first_model, "--memory", memory, "--force")
    now = state(out)
    assert {p for p, s in now.items() if s["origin"] == "memory"} == {
        p for p, w in want.items() if w[0] != machine[p]}
    assert {place: review(s) for place, s in now.items()} == want
    said = run(*first_model, "--force")
    assert "machine-translated now" in said and "--memory" in said  # says what it lost
    assert {place: review(s) for place, s in state(out).items()} == want
    other = build_marian(tmp_path / "other-marian", seed=1)
    run("--mt-model", other)
    now = state(out)
    assert any(now[p]["en"] != machine[p] for p in PLACES), "the other model changed nothing"
    assert {place: review(s) for place, s in now.items()} == {
        **want, ("gamma", "p1-s0"): (now["gamma", "p1-s0"]["en"], None, None, None, None,
                                     None)}
    assert {doc: read_corrections(out, doc) for doc in ARTICLES} == stores  # none added
    assert verify(out) == []
    settled = snapshot(out)  # every file imported again: nothing is applied twice
    summary = imported(out, hala_alpha, hala_beta, project_a / "rana-omegat.tmx",
                       project_b / "omar-omegat.tmx")
    assert summary.startswith("0 correction(s) applied"), summary
    # OmegaT's copies of the first model's English, named by nobody, are no edit.
    assert "3 memory entr(ies) naming no author or time" in summary
    assert snapshot(out) == settled

    # What is published is what they approved: the text files, the text export, the pages.
    finals = {place: w[0] for place, w in want.items()}
    finals["gamma", "p1-s0"] = now["gamma", "p1-s0"]["en"]  # nobody looked at it
    for doc_id, paragraphs in ARTICLES.items():
        units = sorted(u for d, u in PLACES if d == doc_id)
        text = "\n\n".join(" ".join(finals[doc_id, u] for u in units
                                    if u.startswith(f"p{p}-"))
                           for p in range(len(paragraphs))) + "\n"
        assert (out / f"{doc_id}.en.txt").read_text(encoding="utf-8") == text
    assert invoke("export", out, "--format", "text", "--quiet").exit_code == 0
    for doc_id in ARTICLES:
        assert (out / "export" / "text" / f"{doc_id}.en.txt").read_bytes() == \
            (out / f"{doc_id}.en.txt").read_bytes()
    for doc_id in ARTICLES:
        page = watched.open(out / "report" / f"{doc_id}.html")
        for (doc, uid), w in want.items():
            if doc != doc_id:
                continue
            assert page.inner_text(f"#{uid} .s.en") == finals[doc, uid]
            badge = {"edited": "post-edited by ", "confirmed": "confirmed by "}.get(w[1] or "")
            if badge:
                assert badge + str(w[2]) in page.inner_text(f"#{uid}")
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "7 of 8 sentences reviewed" in index

    # 5. The scores count what people reviewed, and only that.
    result = invoke("eval", out, "--post-edits", "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output[result.output.index("{"):])
    assert (scores["run"]["sentences"], scores["unreviewed_sentences"]) == (7, 1)
    assert scores["run"]["edited"] == sum(
        finals[p] != now[p]["en"] for p, w in want.items() if w[1])
    assert scores["unreviewed"] == []
