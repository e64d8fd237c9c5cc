"""``mtjob eval OUT --post-edits`` and ``--calibrate`` (issue 22.4): HTER, chrF, ROC AUC of
``score`` against heavy edits, and the ``min_score`` written into a profile that loads."""

from __future__ import annotations

import itertools
import json
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.config import load_config
from mtjob.evaluation.post_edits import roc_auc, threshold
from mtjob.testing.fakes import FakeModels, FakeTranslator

from ..conftest import REPO

ARTICLES = {"a": "قال المتحدث إن المحادثات ستستمر غدا. وأضاف أن الوفود ستصل تباعا.\n\n"
                 "أعلنت الحكومة عن خطة جديدة للنقل.\n",
            "b": "وقع الزلزال في الصباح الباكر. وأصاب المدينة بأضرار كبيرة.\n",
            "c": "لم يراجع أحد هذا المقال بعد.\n"}


def brute_auc(heavy, light):
    pairs = list(itertools.product(heavy, light))
    return sum(1.0 if h < lo else 0.5 if h == lo else 0.0 for h, lo in pairs) / len(pairs)


def test_roc_auc_equals_the_pairwise_definition():
    assert roc_auc([-3.0, -2.5], [-1.0, -0.5]) == 1.0  # every heavy edit scored lower
    assert roc_auc([-1.0], [-2.0, -3.0]) == 0.0
    assert roc_auc([-1.0, -1.0], [-1.0]) == 0.5
    assert roc_auc([], [-1.0]) is None
    assert roc_auc([float("nan"), -2.0], [-1.0]) is not None  # ends (looped forever)
    rng = random.Random(7)
    for _ in range(20):
        heavy = [round(rng.uniform(-3, 0), 1) for _ in range(rng.randint(1, 15))]
        light = [round(rng.uniform(-2, 0), 1) for _ in range(rng.randint(1, 15))]
        assert roc_auc(heavy, light) == pytest.approx(brute_auc(heavy, light))


@pytest.mark.parametrize("recall", [0.5, 0.8, 1.0])
def test_the_threshold_flags_the_asked_share_of_heavy_edits(recall):
    heavy = [-2.3456, -1.9, -1.2, -0.8, -0.8001]
    value = threshold(heavy, recall)
    assert value is not None
    flagged = sum(s < value for s in heavy)
    assert flagged >= recall * len(heavy)
    assert sum(s < value - 0.0001 for s in heavy) < recall * len(heavy)  # the smallest such


def edit(out: Path, changes: dict[tuple[str, int, int], tuple[float, str | None]]) -> None:
    """Set each (doc, paragraph, sentence)'s score, and its post_edit when given."""
    for doc in {d for d, _, _ in changes}:
        path = out / f"{doc}.jsonl"
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for (d, para, index), (score, post) in changes.items():
            if d != doc:
                continue
            sentence = records[para]["sentences"][index]
            sentence["score"] = score
            if post is not None:
                sentence.update(post_edit=post, edited_by="qa", edited_at="2026-12-01T00:00:00Z")
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                        encoding="utf-8")


@pytest.fixture
def translated(tmp_path, monkeypatch) -> Path:
    """A run on the fake models, as written (it verifies)."""
    script = {"قال المتحدث إن المحادثات ستستمر غدا.": "the spokesman said talks go on",
              "وأضاف أن الوفود ستصل تباعا.": "he added delegations will arrive",
              "أعلنت الحكومة عن خطة جديدة للنقل.": "the government announced a transport plan",
              "وقع الزلزال في الصباح الباكر.": "quake early morning happened",
              "وأصاب المدينة بأضرار كبيرة.": "and hit the city with big damage"}
    translator = FakeTranslator(script=lambda text, options: script.get(text))
    monkeypatch.setattr("mtjob.job.default_models", lambda config: FakeModels(translator))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in ARTICLES.items():
        (inbox / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["run", str(inbox), "--out", str(out),
                                    "--quiet"]).exit_code == 0
    return out


@pytest.fixture
def corrected(translated) -> Path:
    """The run with simulated edits (written into the JSONL, as the scores are): a light
    one, two heavy ones (scored low), accepted sentences scored high."""
    out = translated
    edit(out, {("a", 0, 0): (-0.4, "the spokesman said the talks go on"),  # 1 edit / 7 words
               ("a", 0, 1): (-0.3, None),
               ("a", 1, 0): (-2.1, "The government unveiled a new public transport plan."),
               ("b", 0, 0): (-1.7, "The earthquake struck early in the morning."),
               ("b", 0, 1): (-0.2, None), ("c", 0, 0): (-0.1, None)})
    return out


def test_post_edits_report(corrected):
    result = CliRunner().invoke(app, ["eval", str(corrected), "--post-edits", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["unreviewed"] == ["c"]  # nothing reviewed: never counted as accepted
    # Issue 31 item 8: an untouched sentence of a reviewed article is not "accepted" either.
    assert report["unreviewed_sentences"] == 3
    run, a = report["run"], report["articles"]["a"]
    assert (run["sentences"], run["edited"], run["heavy"]) == (3, 3, 2)
    assert run["edited_share"] == pytest.approx(1.0)
    assert (a["sentences"], a["edited"], a["heavy"]) == (2, 2, 1)
    assert run["auc"] == 1.0  # both heavy edits scored below every light sentence
    assert report["min_score"] == pytest.approx(-1.6999)  # flags 2 of 2 at recall 0.8
    assert report["light_flagged_share"] == 0.0
    assert 0 < run["hter"] < 1 and 0 < run["chrf"] < 100
    text = CliRunner().invoke(app, ["eval", str(corrected), "--post-edits"]).output
    assert "min_score -1.6999 flags 80% of the heavy edits" in text
    assert "nothing reviewed, not scored: c" in text
    assert "3 sentence(s) nobody reviewed, not scored" in text


def test_calibrate_writes_a_profile_that_loads(corrected, tmp_path):
    profile = tmp_path / "cpu.toml"
    shutil.copy(REPO / "configs" / "cpu.toml", profile)
    before = load_config(profile)
    result = CliRunner().invoke(app, ["eval", str(corrected), "--post-edits", "--recall", "0.5",
                                      "--calibrate", str(profile), "--force"])
    assert result.exit_code == 0, result.output
    after = load_config(profile)
    assert after.min_score == pytest.approx(-2.0999)  # the lower heavy edit alone
    assert after == type(before)(**{**before.to_dict(), "min_score": after.min_score})
    fresh = tmp_path / "new.toml"
    assert CliRunner().invoke(app, ["eval", str(corrected), "--post-edits",
                                    "--calibrate", str(fresh), "--force"]).exit_code == 0
    assert load_config(fresh).min_score == pytest.approx(-1.6999)


def test_usage_errors(corrected, tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["eval", str(corrected)]).exit_code == 2
    assert runner.invoke(app, ["eval", str(corrected), "--refs", str(tmp_path),
                               "--post-edits"]).exit_code == 2
    assert runner.invoke(app, ["eval", str(corrected), "--calibrate", "x.toml",
                               "--refs", str(tmp_path)]).exit_code == 2
    nothing = runner.invoke(app, ["eval", str(corrected), "--post-edits", "--heavy", "5",
                                  "--calibrate", str(tmp_path / "p.toml")])
    assert nothing.exit_code == 2 and "nothing to calibrate on" in nothing.output
    assert not (tmp_path / "p.toml").exists()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_a_score_that_is_not_a_json_number_is_named(corrected, value):
    """A hand-edited ``"score": NaN`` was read by Python's json, and ``eval --post-edits``
    never ended (``roc_auc`` looped on a value equal to nothing); it is now named, with its
    file and line, as any broken line is."""
    path = corrected / "b.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace('"score": -1.7', f'"score": {value}', 1)
    assert value in lines[0]
    path.write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(corrected), "--post-edits"])
    assert result.exit_code == 1, result.output  # bad input, as a broken line is
    assert f"b.jsonl: line 1 is not valid JSON ({value} is not a JSON number)" in \
        " ".join(result.output.split())


@pytest.mark.parametrize("text", [
    "[trust]\nmin_score = -1.5   # old note\nmax_uncovered = 0.4\n",  # the line replaced
    "[models]\nbeams = 2\n\n[trust]\nmax_uncovered = 0.4\n",  # added to [trust]
    "[translation]\nmin_score = -1.5\n",  # replaced where it is (sections carry no meaning)
    "beams = 2",  # a [trust] table added
    ""])
def test_the_profile_keeps_its_other_settings_and_loads(tmp_path, text):
    from mtjob.evaluation.calibrate import write_min_score

    profile = tmp_path / "p.toml"
    if text:
        profile.write_text(text, encoding="utf-8")
    before = load_config(profile) if text else load_config(None)
    write_min_score(profile, -2.25, "calibrated")
    after = load_config(profile)
    assert after.min_score == -2.25
    assert after == type(before)(**{**before.to_dict(), "min_score": -2.25})
    assert profile.read_text(encoding="utf-8").count("min_score") == 1


def test_confirmed_sentences_count_as_reviewed_and_untouched_ones_do_not(corrected):
    """Issue 31 item 8: a confirmed sentence is reviewed and accepted (HTER 0); the machine
    sentences around it are not, whatever article they are in."""
    path = corrected / "a.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    records[0]["sentences"][1].update(review="confirmed", edited_by="qa",
                                      edited_at="2026-12-01T00:00:00Z")
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    report = json.loads(CliRunner().invoke(
        app, ["eval", str(corrected), "--post-edits", "--json"]).output)
    assert report["run"]["sentences"] == 4 and report["run"]["edited"] == 3
    assert report["unreviewed_sentences"] == 2


def test_calibrate_refuses_too_few_reviewed_sentences_or_a_weak_auc(corrected, tmp_path):
    """Issue 31 item 8: --calibrate wrote a min_score from 11 edits with ROC AUC 0.40 and
    said nothing. Below the minimum of reviewed sentences, or under AUC 0.6, it refuses
    (exit 1, one line) unless --force; nothing is written."""
    from mtjob.evaluation.calibrate import MIN_REVIEWED, calibration_refusal

    profile = tmp_path / "p.toml"
    result = CliRunner().invoke(app, ["eval", str(corrected), "--post-edits",
                                      "--calibrate", str(profile)])
    assert result.exit_code == 1 and not profile.exists()
    assert "not written: only 3 reviewed sentence(s) with a score" in result.output
    assert "--force" in result.output
    assert calibration_refusal(MIN_REVIEWED, 0.4).startswith("ROC AUC 0.40 is below 0.6")
    assert calibration_refusal(MIN_REVIEWED, None) is not None
    assert calibration_refusal(MIN_REVIEWED, 0.6) is None
    forced = CliRunner().invoke(app, ["eval", str(corrected), "--post-edits",
                                      "--calibrate", str(profile), "--force"])
    assert forced.exit_code == 0 and load_config(profile).min_score == pytest.approx(-1.6999)
    assert "Warning: --calibrate --force: only 3 reviewed" in forced.output


def test_post_edits_of_memory_matches_count_after_a_memory_rerun(translated, tmp_path):
    """Issue 31 item 8: after a ``--memory`` rerun the corrected sentences come from the
    memory (origin ``memory``) and eval failed: "no sentence has a post_edit", exit 2. They
    are reviewed sentences (their English is what was published) and count."""
    runner = CliRunner()
    items = [{"doc_id": "b", "para_id": 0, "sent_id": s, "ar": ar, "mt_en": en,
              "post_edit": edit, "edited_at": "2026-12-01T00:00:00Z"}
             for s, ar, en, edit in [
                 (0, "وقع الزلزال في الصباح الباكر.", "quake early morning happened",
                  "The earthquake struck early in the morning."),
                 (1, "وأصاب المدينة بأضرار كبيرة.", "and hit the city with big damage",
                  "It caused heavy damage to the city.")]]
    page = tmp_path / "c.json"
    page.write_text(json.dumps({"format": "mtjob-corrections", "version": 2, "reviewer": "qa",
                                "corrections": items}), encoding="utf-8")
    out = translated
    assert runner.invoke(app, ["import", str(out), str(page)]).exit_code == 0
    memory = tmp_path / "mem.sqlite"
    assert runner.invoke(app, ["memory", "add", str(memory), str(out)]).exit_code == 0
    inbox = tmp_path / "inbox"
    result = runner.invoke(app, ["run", str(inbox), "--out", str(out), "--force",
                                 "--memory", str(memory), "--quiet"])
    assert result.exit_code == 0, result.output
    lines = (out / "b.jsonl").read_text(encoding="utf-8").splitlines()
    got = [s for line in lines for s in json.loads(line)["sentences"]]
    assert {s["origin"] for s in got} == {"memory"} and all("post_edit" in s for s in got)
    result = runner.invoke(app, ["eval", str(out), "--post-edits", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["articles"]["b"]["sentences"] == 2
