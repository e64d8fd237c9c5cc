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
def corrected(tmp_path, monkeypatch) -> Path:
    """A run on the fake models (its 'English' is w<len> per word), then simulated edits:
    a light one, two heavy ones (scored low), accepted sentences scored high."""
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
    assert report["unreviewed"] == ["c"]  # no edit: never counted as accepted
    run, a = report["run"], report["articles"]["a"]
    assert (run["sentences"], run["edited"], run["heavy"]) == (5, 3, 2)
    assert run["edited_share"] == pytest.approx(0.6)
    assert (a["sentences"], a["edited"], a["heavy"]) == (3, 2, 1)
    assert run["auc"] == 1.0  # both heavy edits scored below every light sentence
    assert report["min_score"] == pytest.approx(-1.6999)  # flags 2 of 2 at recall 0.8
    assert report["light_flagged_share"] == 0.0
    assert 0 < run["hter"] < 1 and 0 < run["chrf"] < 100
    text = CliRunner().invoke(app, ["eval", str(corrected), "--post-edits"]).output
    assert "min_score -1.6999 flags 80% of the heavy edits" in text
    assert "no post-edit, not scored: c" in text


def test_calibrate_writes_a_profile_that_loads(corrected, tmp_path):
    profile = tmp_path / "cpu.toml"
    shutil.copy(REPO / "configs" / "cpu.toml", profile)
    before = load_config(profile)
    result = CliRunner().invoke(app, ["eval", str(corrected), "--post-edits", "--recall", "0.5",
                                      "--calibrate", str(profile)])
    assert result.exit_code == 0, result.output
    after = load_config(profile)
    assert after.min_score == pytest.approx(-2.0999)  # the lower heavy edit alone
    assert after == type(before)(**{**before.to_dict(), "min_score": after.min_score})
    fresh = tmp_path / "new.toml"
    assert CliRunner().invoke(app, ["eval", str(corrected), "--post-edits",
                                    "--calibrate", str(fresh)]).exit_code == 0
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
