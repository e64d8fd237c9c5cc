"""Glossary files: mtjob's TSV, OmegaT's TSV, TBX (v2 martif and v3), read and written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtjob.errors import ConfigError
from mtjob.terms.glossary import GlossaryTerm, parse, render_tsv
from mtjob.terms.tbx import render_tbx


def test_omegat_lines_add_renderings_and_the_third_column_is_a_comment():
    terms = parse("كيري\tKerry\tUS Secretary of State\nمجلس الأمن\tSecurity Council\n"
                  "مجلس الأمن\tUNSC\n# a comment\n\n".encode(), "g.txt")
    assert terms == (GlossaryTerm("كيري", ("Kerry",), False, "US Secretary of State"),
                     GlossaryTerm("مجلس الأمن", ("Security Council", "UNSC"), False, ""))


@pytest.mark.parametrize("line", ["ISIS\t=", "ISIS\tISIS", "ISIS\t=\tkeep as written"])
def test_equals_or_the_term_itself_keeps_the_source(line):
    [term] = parse(line.encode(), "g.tsv")
    assert term.keep and term.renderings == ("ISIS",)


TBX_V2 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">
<martif type="TBX" xml:lang="en"><text><body>
  <termEntry id="a"><descrip type="definition">US Secretary of State</descrip>
    <langSet xml:lang="ar-SA"><ntig><termGrp><term>كيري</term></termGrp></ntig></langSet>
    <langSet xml:lang="en-US"><tig><term>Kerry</term></tig><tig><term>John Kerry</term></tig>
    </langSet>
    <langSet xml:lang="fr"><tig><term>Kerry</term></tig></langSet></termEntry>
  <termEntry id="b"><langSet xml:lang="fr"><tig><term>Genève</term></tig></langSet>
    <langSet xml:lang="en"><tig><term>Geneva</term></tig></langSet></termEntry>
</body></text></martif>
"""
TBX_V3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<text><body><conceptEntry id="c1">
  <langSec xml:lang="ar"><termSec><term>جنيف</term></termSec></langSec>
  <langSec xml:lang="en"><termSec><term>Geneva</term></termSec></langSec>
</conceptEntry></body></text></tbx>
"""


def test_tbx_v2_and_v3_are_read():
    assert parse(TBX_V2.encode(), "g.tbx") == (
        GlossaryTerm("كيري", ("Kerry", "John Kerry"), False, "US Secretary of State"),)
    assert parse(TBX_V3.encode(), "g.tbx") == (GlossaryTerm("جنيف", ("Geneva",), False, ""),)


@pytest.mark.parametrize("data, where", [
    (b"<martif><text><body><termEntry>", "g.tbx:1: not a TBX file"),
    (b"<html></html>", "not a TBX file (the root is <html>"),
    (b'<!DOCTYPE m [<!ENTITY a "aaaa">]><martif/>', "must not declare XML entities"),
])
def test_a_bad_tbx_is_a_usage_error_naming_the_file(data, where):
    with pytest.raises(ConfigError, match=where.replace("(", r"\(")):
        parse(data, "g.tbx")


#: Text a glossary field can hold: anything printable but the TSV's own separators.
FIELD = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=12).map(lambda s: " ".join(s.replace("|", "").split()))
TERM = st.builds(lambda term, renderings, note: GlossaryTerm(term, tuple(dict.fromkeys(
    r for r in renderings if r not in (term, "=") and r.strip())), False, note),
    FIELD.filter(lambda s: s.strip() and not s.startswith("#")), st.lists(FIELD, min_size=1,
                                                                           max_size=3), FIELD)


def _distinct(terms: list[GlossaryTerm]) -> tuple[GlossaryTerm, ...]:
    from mtjob.text.clean import clean_for_model

    kept: dict[str, GlossaryTerm] = {}
    for t in terms:
        if t.renderings and t.term == clean_for_model(t.term) and t.note == t.note.strip():
            kept.setdefault(t.term, t)
    return tuple(kept.values())


@settings(max_examples=150, deadline=None)
@given(st.lists(TERM, max_size=6).map(_distinct))
def test_any_glossary_round_trips_through_tbx_and_omegat_tsv(terms):
    assert parse(render_tbx(terms).encode(), "g.tbx") == terms
    assert parse(render_tsv(terms).encode(), "g.txt") == terms


def test_a_line_separator_inside_an_entry_does_not_cut_it_in_two():
    data = "كيري\tJohn\u2028Kerry\tUS\x85Secretary\r\nجنيف\tGeneva\n".encode()
    assert parse(data, "g.txt") == (GlossaryTerm("كيري", ("John Kerry",), False, "US Secretary"),
                                     GlossaryTerm("جنيف", ("Geneva",), False, ""))
