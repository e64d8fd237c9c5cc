"""Building a shortlist: which target tokens go with which source tokens, counted over the
user's finished output folders (what the model produced) or a parallel corpus (TSV), plus
the most frequent target tokens, which are always candidates.

Per source token the targets are ranked by the Dice coefficient of their co-occurrence
(sentence by sentence, or word by word where a sentence records alignments), the most
frequent targets left out (they are candidates anyway): the lexical shortlists of
Bergamot/Firefox Translations keep the 100 most frequent and 50 per source word, the
defaults here.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import ConfigError
from ...text.quality import COPIED
from ...vocabulary import Role
from .tokens import ModelVocabulary

if TYPE_CHECKING:
    from ..store.hub import ModelSource

log = logging.getLogger(__name__)

FREQUENT = 100
PER_SOURCE = 50
#: Sentences tokenized per call.
CHUNK = 256


@dataclass
class PairCounts:
    """Sentence counts of source tokens, of target tokens, and of each pair."""

    sentences: int = 0
    source: Counter[str] = field(default_factory=Counter)
    target: Counter[str] = field(default_factory=Counter)
    pairs: defaultdict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))

    def add(self, source: Iterable[str], target: Iterable[str],
            pairs: Iterable[tuple[str, str]] | None = None) -> None:
        """One sentence: its tokens, and the pairs that co-occur (every source token with
        every target token, unless ``pairs`` narrows them, as an alignment does)."""
        src, tgt = set(source), set(target)
        if not src or not tgt:
            return
        self.sentences += 1
        self.source.update(src)
        self.target.update(tgt)
        found = set(pairs) if pairs is not None else {(s, t) for s in src for t in tgt}
        for s, t in found:
            self.pairs[s][t] += 1


def select(counts: PairCounts, frequent: int = FREQUENT, per_source: int = PER_SOURCE
           ) -> tuple[list[str], dict[str, list[str]]]:
    """The always-candidates and, per source token, its best ``per_source`` other targets."""
    always = [t for t, _ in sorted(counts.target.items(), key=lambda tc: (-tc[1], tc[0]))
              [:frequent]]
    kept = set(always)
    rules = {}
    for s, row in counts.pairs.items():
        def dice(item: tuple[str, int], s: str = s) -> tuple[float, int, str]:
            t, c = item
            return (-2 * c / (counts.source[s] + counts.target[t]), -c, t)

        ranked = sorted(((t, c) for t, c in row.items() if t not in kept), key=dice)
        if ranked[:per_source]:
            rules[s] = [t for t, _ in ranked[:per_source]]
    return always, rules


def count_folders(folders: list[Path], vocab: ModelVocabulary, counts: PairCounts) -> None:
    """What the model produced in finished output folders (``mtjob verify`` must pass):
    every decoded sentence's Arabic and English, and a person's post-edit where there is
    one; copied sentences (not the model's) are left out."""
    from ...outfolder.readback import read_folder

    for folder in folders:
        articles = read_folder(folder)
        revisions = {a.model(Role.MT).get("revision") for a in articles} - {None}
        if revisions and vocab.source.revision and vocab.source.revision not in revisions:
            log.warning("%s was translated by another revision of the model (%s), not %s: "
                        "its tokens still count", folder, ", ".join(sorted(map(str, revisions))),
                        vocab.source.revision)
        sentences = [s for a in articles for _, s in a.sentences()
                     if s.ar.strip() and s.en.strip() and COPIED not in s.flags]
        for start in range(0, len(sentences), CHUNK):
            part = sentences[start:start + CHUNK]
            for s, src in zip(part, vocab.source_tokens([s.ar for s in part]), strict=True):
                english = s.en if s.post_edit is None else f"{s.en} {s.post_edit}"
                pairs = None
                if s.alignment and s.post_edit is None:
                    src_words = vocab.word_tokens(s.ar, target=False)
                    tgt_words = vocab.word_tokens(s.en, target=True)
                    pairs = [(a, b) for i, j in s.alignment
                             if i < len(src_words) and j < len(tgt_words)
                             for a in src_words[i] for b in tgt_words[j]]
                counts.add(src, vocab.target_tokens(english), pairs)


def corpus_lines(path: Path) -> Iterator[tuple[str, str]]:
    """(Arabic, English) of each line of a TAB-separated parallel corpus; a line without
    exactly one tab, or not UTF-8, is a ``ConfigError`` naming the file and line; blank
    lines are skipped."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ConfigError(f"corpus {path}: cannot read: {exc.strerror or exc}") from None
    with handle:
        for number, raw in enumerate(handle, 1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise ConfigError(f"corpus {path}: line {number}: not UTF-8 (byte "
                                  f"{exc.start})") from None
            if not line.strip():
                continue
            if line.count("\t") != 1:
                raise ConfigError(f"corpus {path}: line {number}: expected ARABIC<TAB>ENGLISH, "
                                  f"found {line.count(chr(9))} tabs")
            ar, en = line.split("\t")
            yield ar, en


def count_corpus(path: Path, vocab: ModelVocabulary, counts: PairCounts) -> None:
    """Sentence pairs of a parallel corpus (TSV: Arabic TAB English)."""
    lines = list(corpus_lines(path))
    for start in range(0, len(lines), CHUNK):
        part = lines[start:start + CHUNK]
        for (_, en), src in zip(part, vocab.source_tokens([ar for ar, _ in part]), strict=True):
            counts.add(src, vocab.target_tokens(en))


def build_shortlist(source: ModelSource, folders: list[Path], corpus: Path | None = None,
                    output: Path | None = None, *, frequent: int = FREQUENT,
                    per_source: int = PER_SOURCE) -> tuple[Path, dict[str, int]]:
    """Count, choose and write the shortlist of the model ``source`` (to ``output``, or
    where ``--shortlist auto`` finds it); returns the path and what went into it."""
    from ...outfolder.atomic import atomic_write
    from .locate import auto_path
    from .vmap import vmap_bytes

    vocab = ModelVocabulary(source)
    counts = PairCounts()
    count_folders(folders, vocab, counts)
    if corpus is not None:
        count_corpus(corpus, vocab, counts)
    if not counts.sentences:
        raise ConfigError("no translated sentence to build a shortlist from (give finished "
                          "output folders or --corpus)")
    always, rules = select(counts, frequent, per_source)
    facts: dict[str, str | int] = {
        "sentences": counts.sentences, "frequent": frequent, "per-source": per_source,
        "model": Path(source.ref).name or source.ref}
    path = output if output is not None else auto_path(source.ref, source.revision)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, vmap_bytes(vocab.hash, always, rules, facts))
    stats = {"sentences": counts.sentences, "source_tokens": len(rules),
             "target_tokens": len(set(always).union(*rules.values())),
             "always": len(always)}
    log.info("shortlist %s: %s", path, stats)
    return path, stats
