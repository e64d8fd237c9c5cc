"""The corrections store and its apply rule, without a model: anchors that survive shifts,
the newest correction applied, an own correction beating a propagated one, a correction made
for another text piped on stdin not applied, short journal names."""

from __future__ import annotations

from mtjob.outfolder import atomic, journal
from mtjob.outfolder.anchors import Anchor, ArticleIndex
from mtjob.outfolder.corrected import ArticleCorrections
from mtjob.outfolder.corrections import Correction, parse_corrections, store_bytes
from mtjob.vocabulary import EditFrom, ReviewState

S, A, B, C = "قال الوزير", "نعم", "لا", "ربما"


def records(*paragraphs: list[str]) -> list[dict]:
    return [{"doc_id": "d", "para_id": p, "ar": " ".join(ss), "en": "",
             "sentences": [{"ar": a, "en": f"mt {a}", "flags": []} for a in ss]}
            for p, ss in enumerate(paragraphs)]


def correction(index: ArticleIndex, i: int, text: str, at: str = "2026-12-07T10:00:00Z",
               **extra) -> Correction:
    p, s = index.order[i]
    return Correction(doc_id="d", para_id=p, sent_id=s, ar=index.arabic[i],
                      anchor=index.anchor(i), post_edit=text, edited_at=at, **extra)


def finals(article: ArticleCorrections) -> list[str]:
    return [article.final(i) for i in range(len(article.index))]


def test_each_occurrence_keeps_its_correction_through_a_new_lead_and_a_new_repeat():
    before = ArticleIndex(records([A, S], [B], [S, C]))
    first, second = correction(before, 1, "first"), correction(before, 3, "second")
    shifted = ArticleCorrections(records(["new lead"], [A, S], [B], [S, C]), [first, second])
    assert finals(shifted)[2] == "first" and finals(shifted)[4] == "second"
    # A third copy of the sentence, elsewhere: the neighbours still tell them apart.
    more = ArticleCorrections(records([S], [A, S], [B], [S, C]), [first, second])
    assert finals(more) == ["mt " + S, "mt " + A, "first", "mt " + B, "second", "mt " + C]


def test_identical_neighbours_fall_back_to_the_occurrence():
    index = ArticleIndex(records([A, S, B], [A, S, B]))
    assert index.anchor(4) == Anchor(occurrence=1, repeats=2, prev_ar=A, next_ar=B)
    article = ArticleCorrections(records([A, S, B], [A, S, B]),
                                 [correction(index, 1, "one"), correction(index, 4, "two")])
    assert finals(article)[1] == "one" and finals(article)[4] == "two"


def test_a_correction_of_mtjob_before_anchors_applies_at_its_place_or_the_first():
    legacy = Correction(doc_id="d", para_id=1, sent_id=0, ar=S, post_edit="x",
                        edited_at="2026-12-06T10:00:00Z", version=1)
    assert finals(ArticleCorrections(records([S], [S]), [legacy])) == ["mt " + S, "x"]
    assert finals(ArticleCorrections(records([S, A], [B]), [legacy]))[0] == "x"
    gone = ArticleCorrections(records([A]), [legacy])
    assert gone.unapplied == [legacy] and finals(gone) == ["mt " + A]


def test_the_newest_applies_and_an_own_correction_beats_a_propagated_one():
    index = ArticleIndex(records([S]))
    old = correction(index, 0, "old", "2026-12-07T09:00:00Z")
    new = correction(index, 0, "new", "2026-12-07T11:00:00Z")
    assert finals(ArticleCorrections(records([S]), [new, old])) == ["new"]
    spread = correction(index, 0, "spread", "2026-12-07T12:00:00Z",
                        edit_from=EditFrom.PROPAGATED, propagated_from="e#p0-s0")
    assert finals(ArticleCorrections(records([S]), [old, spread])) == ["old"]
    assert finals(ArticleCorrections(records([S]), [spread])) == ["spread"]


def test_a_confirmation_keeps_the_text_it_confirmed():
    index = ArticleIndex(records([S]))
    edit = correction(index, 0, "edited", "2026-12-07T09:00:00Z")
    sign = correction(index, 0, "edited", "2026-12-07T10:00:00Z", review=ReviewState.CONFIRMED)
    article = ArticleCorrections(records([S]), [edit, sign])
    jsonl = article.jsonl().decode()
    assert '"review": "confirmed", "post_edit": "edited"' in jsonl
    machine = correction(index, 0, "mt " + S, review=ReviewState.CONFIRMED)
    assert '"post_edit"' not in ArticleCorrections(records([S]), [machine]).jsonl().decode()


def test_a_correction_made_for_another_text_read_from_stdin_applies_nowhere():
    index = ArticleIndex(records([S]))
    bound = correction(index, 0, "x", for_source_sha256="a" * 64)
    assert finals(ArticleCorrections(records([S]), [bound], "a" * 64)) == ["x"]
    other = ArticleCorrections(records([S]), [bound], "b" * 64)
    assert other.unapplied == [bound] and finals(other) == ["mt " + S]


def test_the_store_round_trips_and_escapes_line_separators():
    index = ArticleIndex(records([S]))
    c = correction(index, 0, "a\u2028b\u2029c\u0085d\ne", edited_by="x\u2028y",
                   mt_en="m", edit_from=EditFrom.TSV, source="f.tsv#row 2")
    data = store_bytes(b"", [c, c])
    assert data.count(b"\n") == 2 and "\u2028".encode() not in data
    assert parse_corrections(data, "store") == [c, c]


def test_staged_names_are_short_whatever_the_article_is_called(tmp_path, monkeypatch):
    """Issue 29 item 13: staged names were ``N-TOKEN-NAME``, longer than any name the run
    writes: an article named with 104-108 Arabic letters could not be imported."""
    out = tmp_path / "out"
    (out / "_mtjob").mkdir(parents=True)
    name = "ب" * 110 + ".abstract.json"  # 234 bytes
    seen = []
    real = atomic.atomic_write  # what the journal writes with

    def spy(path, data):
        seen.append(path.name)
        real(path, data)

    monkeypatch.setattr(journal, "atomic_write", spy)
    journal.commit(out, {out / name: b"x"})
    assert (out / name).read_bytes() == b"x"
    assert max(len(n.encode()) for n in seen if n != "journal.json") < 32
