"""Terms enforced and names unified through the pipeline, with a scripted model: which way a
rendering got in (n-best, prefix, replace), the score kept, and consistency across articles."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mtjob.backends.base import Call, GenOptions, Hypothesis
from mtjob.choices import Consistency, LangCheck, TermsMode
from mtjob.config import JobConfig
from mtjob.job import run_shard
from mtjob.outfolder.verify import verify
from mtjob.testing.fakes import FakeModels, FakeTranslator


def score_of(english: str) -> float:
    """The scripted model's log-prob of an output: a function of the text alone."""
    return -0.1 * len(english) / max(1, len(english.split()))


class Scripted(FakeTranslator):
    """Each source's n-best (best first), word k aligned to source word k; a prefix replaces
    as many words at the start (``obey``), as a model continuing a forced prefix would."""

    def __init__(self, nbest: dict[str, list[str]], obey: bool = True) -> None:
        super().__init__()
        self.nbest, self.obey = nbest, obey
        self.prefixes: list[str] = []

    def translate(self, texts: list[str], options: GenOptions, call: Call | None = None,
                  prefixes: list[str] | None = None) -> list[Hypothesis]:
        self.calls.append((list(texts), options))
        out = []
        for i, text in enumerate(texts):
            found = self.nbest.get(text, [" ".join(f"w{len(w)}" for w in text.split())])
            prefix = prefixes[i] if prefixes else ""
            self.prefixes += [prefix] if prefix else []
            hyps = []
            for english in found[:max(1, options.hypotheses)]:
                if prefix and self.obey:
                    english = " ".join([prefix, *english.split()[len(prefix.split()):]])
                last = len(text.split()) - 1
                alignment = tuple((min(k, last), k) for k in range(len(english.split()))) \
                    if options.alignments else None
                hyps.append(Hypothesis(english, len(english.split()), score_of(english),
                                       alignment))
            out.append(replace(hyps[0], alternatives=tuple(hyps[1:])))
        return out


SOURCE = "قال كيري إن الاجتماع انتهى."


def run(tmp_path: Path, translator: FakeTranslator, articles: dict[str, str],
        glossary: str | None = "كيري\tKerry\n", **settings: Any) -> dict[str, list[dict]]:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for name, text in articles.items():
        (inbox / f"{name}.txt").write_text(text, encoding="utf-8")
    if glossary is not None:
        (tmp_path / "g.tsv").write_text(glossary, encoding="utf-8")
        settings["glossary"] = str(tmp_path / "g.tsv")
    config = JobConfig(mt_model="fake-mt", sum_model="fake-sum", summary=False,
                       lang_check=LangCheck.OFF, **settings)
    run_shard(config, [inbox], tmp_path / "out", models=FakeModels(translator))
    assert verify(tmp_path / "out") == []
    return {name: [s for line in (tmp_path / "out" / f"{name}.jsonl").read_text(
        encoding="utf-8").splitlines() for s in json.loads(line)["sentences"]]
        for name in articles}


def test_a_rendering_in_the_nbest_is_taken_from_it(tmp_path):
    model = Scripted({SOURCE: ["said Carey that the meeting ended.",
                               "said Kerry that the meeting ended."]})
    [sentence] = run(tmp_path, model, {"a": SOURCE})["a"]
    assert sentence["en"] == "said Kerry that the meeting ended."
    assert sentence["terms"] == [{"term": "كيري", "rendering": "Kerry", "how": "nbest",
                                  "why": "glossary"}]
    assert sentence["score"] == round(score_of(sentence["en"]), 4)
    assert "glossary_miss" not in sentence and model.prefixes == []


def test_a_rendering_no_hypothesis_holds_is_forced_at_the_aligned_word(tmp_path):
    model = Scripted({SOURCE: ["said Carey that the meeting ended."]})
    [sentence] = run(tmp_path, model, {"a": SOURCE})["a"]
    assert model.prefixes[0] == "said Kerry"  # the output word aligned to كيري, then it
    assert sentence["en"] == "said Kerry that the meeting ended."
    assert sentence["terms"][0]["how"] == "prefix"
    assert sentence["score"] == round(score_of(sentence["en"]), 4)  # the final text's


def test_a_rendering_the_model_cannot_write_is_written_in_without_a_score(tmp_path):
    model = Scripted({SOURCE: ["said Carey that the meeting ended."]}, obey=False)
    [sentence] = run(tmp_path, model, {"a": SOURCE})["a"]
    assert sentence["en"] == "said Kerry that the meeting ended."
    assert sentence["terms"][0]["how"] == "replace" and sentence["score"] is None


def test_every_term_of_a_sentence_stays_while_another_is_forced(tmp_path):
    text = "قال كيري في جنيف إن لافروف وافق."
    model = Scripted({text: ["said Carey in Geneva that Lavrof agreed."]})
    glossary = "كيري\tKerry\nجنيف\tGeneva\nلافروف\tLavrov\n"
    [sentence] = run(tmp_path, model, {"a": text}, glossary)["a"]
    assert sentence["en"] == "said Kerry in Geneva that Lavrov agreed."
    assert [t["term"] for t in sentence["terms"]] == ["كيري", "لافروف"]


def test_terms_off_leaves_the_english_and_the_folder_as_without_a_glossary(tmp_path):
    model = Scripted({SOURCE: ["said Carey that the meeting ended."]})
    [sentence] = run(tmp_path, model, {"a": SOURCE}, terms=TermsMode.OFF,
                     consistency=Consistency.OFF)["a"]
    assert sentence["en"] == "said Carey that the meeting ended." and "terms" not in sentence


ARTICLES = {"a": "قال كيري إن الاجتماع انتهى.\n\nوأضاف كيري أن الحل قريب.\n",
            "b": "أكد كيري الخبر.\n"}
ENGLISH = {"قال كيري إن الاجتماع انتهى.": ["said Kerry that it ended."],
           "وأضاف كيري أن الحل قريب.": ["added Kerry that a-solution is-near."],
           "أكد كيري الخبر.": ["confirmed Carey the-news."]}


@pytest.mark.parametrize("group_articles", [16, 1])  # one batch group, or one article each
def test_a_name_is_unified_across_two_articles_with_consistency_run(tmp_path, group_articles):
    found = run(tmp_path, Scripted(ENGLISH), ARTICLES, glossary=None,
                consistency=Consistency.RUN, group_articles=group_articles)
    assert found["b"][0]["en"] == "confirmed Kerry the-news."
    assert found["b"][0]["terms"] == [{"term": "كيري", "rendering": "Kerry", "how": "prefix",
                                       "why": "consistency", "replaced": "Carey"}]
    meta = json.loads((tmp_path / "out" / "b.abstract.json").read_text(encoding="utf-8"))
    assert meta["names"] == [{"name": "كيري", "rendering": "Kerry", "sentences": 1,
                              "replaced": ["Carey"], "how": ["prefix"]}]
    assert meta["settings"]["consistency"] == "run"
    assert "alignment" not in found["a"][0]  # asked for by the names only: not written


def test_consistency_article_leaves_a_name_alone_in_another_article(tmp_path):
    found = run(tmp_path, Scripted(ENGLISH), ARTICLES, glossary=None,
                consistency=Consistency.ARTICLE)
    assert found["b"][0]["en"] == "confirmed Carey the-news." and "terms" not in found["b"][0]


def test_the_run_record_counts_forced_and_unified_sentences(tmp_path):
    from mtjob.runs.runlog import run_record

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in {**ARTICLES, "c": "قال جنيف إن الاجتماع انتهى.\n"}.items():
        (inbox / f"{name}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "g.tsv").write_text("جنيف\tGeneva\n", encoding="utf-8")
    english = {**ENGLISH, "قال جنيف إن الاجتماع انتهى.": ["said Genf that it ended."]}
    config = JobConfig(mt_model="fake-mt", sum_model="fake-sum", summary=False,
                       lang_check=LangCheck.OFF, glossary=str(tmp_path / "g.tsv"),
                       consistency=Consistency.RUN)
    report = run_shard(config, [inbox], tmp_path / "out", models=FakeModels(Scripted(english)))
    assert report.terms == {"forced": 1, "unified": 1}
    assert run_record(0, 1, report, config, 0, 0.0)["terms"] == {"forced": 1, "unified": 1}
    assert "(1 forced, 1 unified for terms and names)" in report.summary_line()


def test_unifying_a_name_keeps_the_glossary_terms_of_the_sentence(tmp_path):
    articles = {"a": "قال كيري في جنيف إن الاجتماع انتهى.\n\nوأضاف كيري أن الحل قريب.\n"
                     "\nأكد كيري في جنيف الخبر.\n"}
    english = {"قال كيري في جنيف إن الاجتماع انتهى.": ["said Kerry in Geneva that it ended."],
               "وأضاف كيري أن الحل قريب.": ["added Kerry that a-solution is-near."],
               # The model continues a forced "Kerry" with "in Genf": Geneva is lost...
               "أكد كيري في جنيف الخبر.": ["confirmed Carey in Geneva the-news.",
                                           "confirmed Kerry in Genf the-news."]}

    class Continues(Scripted):
        def translate(self, texts, options, call=None, prefixes=None):
            found = super().translate(texts, options, call, prefixes)
            return [replace(h, text=h.text.replace("Kerry in Geneva the", "Kerry in Genf the"))
                    if prefixes and prefixes[i] == "confirmed Kerry" else h
                    for i, h in enumerate(found)]

    found = run(tmp_path, Continues(english), articles, glossary="جنيف\tGeneva\n")
    last = found["a"][2]
    assert "Kerry" in last["en"] and "Geneva" in last["en"]  # ...and forced back in
    assert {t["why"] for t in last["terms"]} == {"consistency", "glossary"}
