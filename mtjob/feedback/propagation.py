"""Propagation: an edit imported for one sentence also reaches the exact repeats of its Arabic
across the folder (``mtjob import``, unless ``--no-propagate``).

Each repeat gets a correction of its own in its article's store, ``edit_from: propagated``
with ``propagated_from: DOC_ID#pP-sS`` (the sentence corrected) and the original's author
and time, so reruns re-apply it as they re-apply any. A repeat that has a correction made for
it (by a person, for that sentence) keeps it, whatever its time; among propagated ones the
newest applies. A repeat that already reads so is left as it is. Confirmations do not
propagate: they speak of the text shown at that one sentence.
"""

from __future__ import annotations

from dataclasses import replace

from ..outfolder.corrections import Correction, time_key
from ..vocabulary import EditFrom, ReviewState
from .folder import Folder


def propagate(folder: Folder, applied: list[tuple[str, int, Correction]]) -> list[Correction]:
    """Copy each edit of ``applied`` (doc id, sentence, correction) that still applies to
    the repeats of its Arabic; returns the copies added."""
    added: list[Correction] = []
    for doc_id, i, c in applied:
        if c.review != ReviewState.EDITED or folder.state(doc_id).winner(i) is not c:
            continue
        origin = f"{doc_id}#{folder.state(doc_id).unit_id(i)}"
        for other, j in folder.by_key.get(folder.key(doc_id, i), []):
            if (other, j) == (doc_id, i):
                continue
            state = folder.state(other)
            history = state.corrections_of(j)
            if any(h.own for h in history) or state.final(j) == c.post_edit:
                continue
            current = state.winner(j)
            if current is not None and time_key(current) > time_key(c):
                continue
            sentence = state.sentence(j)
            para = state.records[state.index.order[j][0]].get("para_id")
            copy = replace(
                c, doc_id=other, para_id=para if isinstance(para, int) else
                state.index.order[j][0], sent_id=state.index.order[j][1],
                ar=str(sentence.get("ar", "")), anchor=state.index.anchor(j),
                mt_en=sentence.get("en") if isinstance(sentence.get("en"), str) else None,
                mt_sha256=folder.articles[other].machine_sha256 or None,
                edit_from=EditFrom.PROPAGATED, propagated_from=origin, signed_off=False,
                for_source_sha256=folder.bound_to(other))
            if any(copy.same_event(h) for h in history):
                continue
            folder.add(other, copy, j)
            added.append(copy)
    return added
