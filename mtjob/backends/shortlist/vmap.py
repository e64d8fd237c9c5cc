"""The shortlist file: CTranslate2's vocabulary map (``vmap.txt``) with a first line that says
which model vocabulary it was built for.

Each line is ``SOURCE_TOKENS<TAB>TARGET TARGET ...`` (``src/vocabulary_map.cc``): the target
tokens become candidates when the source n-gram occurs in a batch; the line with an empty
source (``<TAB>...``) lists the tokens that are always candidates. The first line,
``mtjob-shortlist/1 vocabulary:<hash>;<fact>:<value>...<TAB>``, is an ordinary rule of
CTranslate2's syntax (a two-token n-gram no tokenizer produces, naming no target):
CTranslate2 loads the file as it is, and mtjob refuses it for a model with another
vocabulary.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ...errors import ConfigError

MAGIC = "mtjob-shortlist/1"


@dataclass(frozen=True)
class Shortlist:
    """A parsed shortlist: always-candidates, rules by source n-gram, what it was built for."""

    path: Path
    sha256: str
    #: ``tokens.vocabulary_hash`` of the model it was built for.
    vocabulary: str
    always: tuple[str, ...]
    rules: Mapping[str, tuple[str, ...]] = field(repr=False)
    #: The header's other ``key:value`` facts (how it was built), for ``models shortlist``.
    facts: Mapping[str, str] = field(default_factory=dict, repr=False)

    def file_bytes(self) -> bytes:
        """The shortlist as CTranslate2 reads it (``vmap.txt``), always-candidates as held."""
        return vmap_bytes(self.vocabulary, self.always, self.rules, self.facts)

    @property
    def longest_key(self) -> int:
        return max((key.count(" ") + 1 for key in self.rules), default=1)

    def candidates(self, sources: Iterable[Sequence[str]]) -> set[str]:
        """The target tokens CTranslate2 keeps for a batch of source token lists: the
        always-candidates and every target of an n-gram found in the batch (the caller adds
        the model's own special tokens, as CTranslate2 adds unk, bos and eos)."""
        found = set(self.always)
        longest = self.longest_key
        for tokens in sources:
            for i in range(len(tokens)):
                for n in range(1, min(longest, len(tokens) - i) + 1):
                    targets = self.rules.get(" ".join(tokens[i:i + n]))
                    if targets:
                        found.update(targets)
        return found


def pin_specials(shortlist: Shortlist, ids: Mapping[str, int],
                 specials: Iterable[str]) -> Shortlist:
    """The shortlist with every target whose id lies below the highest of ``specials`` (the
    tokens CTranslate2 always adds: unknown, start, end) made an always-candidate, so that
    those tokens sit at the same position among every batch's sorted candidates.

    CTranslate2 4.x maps the end token (and a forced prefix's tokens) to its position among
    the candidates of the first batch a model replica decodes with a vocabulary map, and
    keeps that position for every later batch (``Decoder::update_output_layer`` adds to
    ``_to_output_word_id`` without clearing it). A model whose end token is not its lowest
    candidate (opus-mt-tc-big: ``</s>`` amid the vocabulary) then ends on a wrong token, or
    fails with ``vector::_M_range_check``, whenever a batch has fewer or other candidates
    below it. Pinned, the candidates below the end token are the same in every batch."""
    top = max((ids[t] for t in specials if t in ids), default=-1)
    below = [t for targets in shortlist.rules.values() for t in targets
             if ids.get(t, top) < top]
    if not below:
        return shortlist
    return replace(shortlist, always=tuple(dict.fromkeys([*shortlist.always, *below])))


def vmap_bytes(vocabulary: str, always: Sequence[str], rules: Mapping[str, Sequence[str]],
               facts: Mapping[str, str | int] | None = None) -> bytes:
    """The file's bytes: header, always-candidates, then one line per source token (sorted,
    so the same counts always give the same file)."""
    header = f"{MAGIC} " + ";".join([f"vocabulary:{vocabulary}",
                                     *(f"{k}:{_fact(v)}" for k, v in (facts or {}).items())])
    lines = [f"{header}\t", "\t" + " ".join(always)]
    lines += [f"{key}\t{' '.join(targets)}" for key, targets in sorted(rules.items()) if targets]
    for line in lines:
        if line.count("\t") != 1 or "\n" in line or "\r" in line:
            raise ValueError(f"a shortlist token holds a tab or a line break: {line[:60]!r}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _fact(value: str | int) -> str:
    return re.sub(r"[\s;]+", "_", str(value))


#: Larger than any shortlist of a real vocabulary (a full Marian's is tens of MB).
MAX_BYTES = 1 << 30


def shortlist_bytes(path: Path) -> bytes:
    """The bytes of a shortlist file; anything but a regular file (a FIFO, which would wait
    for a writer for good, a folder, a device) is a ``ConfigError`` naming it, at once."""
    from ...errors import InputError
    from ...inputs.sources import read_bytes

    try:
        return read_bytes(path, MAX_BYTES)
    except InputError as exc:
        raise ConfigError(f"shortlist {exc}") from None


def read_shortlist(path: Path) -> Shortlist:
    """Parse a shortlist written by ``mtjob models shortlist``; a file that is not one (no
    header, a line without a tab, not UTF-8) is a ``ConfigError`` naming the file and line."""
    data = shortlist_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"shortlist {path}: not UTF-8 (byte {exc.start})") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    head, _, rest = (lines[0] if lines else "").partition("\t")
    magic, _, described = head.partition(" ")
    if magic != MAGIC or rest:
        raise ConfigError(f"shortlist {path}: line 1 is not a {MAGIC} header (build one with "
                          "mtjob models shortlist)")
    facts = dict(w.partition(":")[::2] for w in described.split(";") if ":" in w)
    if not facts.get("vocabulary"):
        raise ConfigError(f"shortlist {path}: line 1 names no vocabulary")
    always: list[str] = []
    rules: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines[1:], 2):
        key, tab, targets = line.partition("\t")
        if not tab or "\t" in targets:
            raise ConfigError(f"shortlist {path}: line {number}: expected SOURCE<TAB>TARGETS")
        found = tuple(t for t in targets.split(" ") if t)
        if key:
            rules[key] = rules.get(key, ()) + found
        else:
            always += found
    vocabulary = facts.pop("vocabulary")
    return Shortlist(path=path, sha256=hashlib.sha256(data).hexdigest(), vocabulary=vocabulary,
                     always=tuple(dict.fromkeys(always)), rules=rules, facts=facts)
