"""The words of the files as enums (issue 30): a member writes the very word the files hold,
and a word written before one spelling still reads."""

from __future__ import annotations

import json

import pytest

from mtjob.config import MODEL_FIELDS, JobConfig
from mtjob.vocabulary import MANIFEST, OUTCOMES, EntrySource, Origin, ReviewState, Role, Status


@pytest.mark.parametrize("enum", [Status, Origin, ReviewState, Role, EntrySource])
def test_a_member_is_written_as_its_word(enum):
    for member in enum:
        assert json.dumps(member) == json.dumps(member.value)
        assert json.dumps({member: [member]}) == json.dumps({member.value: [member.value]})
        assert f"{member}" == str(member) == "%s" % member == member.value  # noqa: UP031


def test_the_summarizer_as_older_files_and_the_flags_spell_it():
    assert Role("sum") is Role.SUMMARY and Role("summary") is Role.SUMMARY
    with pytest.raises(ValueError):
        Role("summ")


def test_each_role_has_its_model_and_revision_fields():
    config = JobConfig(mt_model="a/mt", sum_model="b/sum", sum_revision="c" * 40)
    assert config.model(Role.MT) == ("a/mt", None)
    assert config.model(Role.SUMMARY) == ("b/sum", "c" * 40)
    assert [MODEL_FIELDS[role][0].removesuffix("_model") for role in Role] == ["mt", "sum"]
    assert config.roles == (Role.MT, Role.SUMMARY)
    assert JobConfig(summary=False).roles == (Role.MT,)


def test_the_run_counts_and_the_manifest_words():
    assert [str(s) for s in OUTCOMES] == ["done", "unchanged", "failed", "not_an_article"]
    assert set(MANIFEST) - set(OUTCOMES) == {Status.PENDING, Status.SKIPPED}
