"""Arabic words as a glossary should match them: spelling variants folded, and the clitics a
word can carry peeled off, never a letter more.

Folding: diacritics and tatweel go; alef with hamza or madda and alef wasla are alef; alef
maqsura and Farsi yeh are yeh; taa marbuta is haa; hamza on waw or yeh is bare hamza
(مسؤول and مسئول are one word); NFKC folds presentation forms; Latin letters casefold.

Clitics: a word may open with a conjunction (و ف), a preposition (ب ل ك), the article (ال),
or a stack of them (وال بال فال كال وبال، لل for ل + ال); its last word may end with an
attached pronoun (ه ها هم هما هن كم كما كن نا). ي (my) is not peeled: after a name it is
nearly always the nisba adjective (مصري Egyptian, لبناني Lebanese), a different word.
A term matches a word only when the word IS the term once those are peeled: a longer word
that merely contains it (كيريا، سورياليون) does not.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Variants to one letter; diacritics (harakat, Quranic marks, superscript alef), tatweel and
#: invisible marks deleted: one ``str.translate``.
_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه", "ؤ": "ء",
    "ئ": "ء", **{chr(c): None for c in (*range(0x0610, 0x061B), *range(0x064B, 0x0660),
                                        0x0670, *range(0x06D6, 0x06EE), 0x0640,
                                        # invisible: what clean_for_model removes
                                        *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                                        *range(0x2060, 0x2065), *range(0x2066, 0x206A),
                                        0x061C, 0xFEFF, 0x00AD)}})
#: Punctuation around a word (Arabic and Latin), never inside it.
EDGES = "\"'«»“”‘’()[]{}<>.,;:!?،؛؟…–—*"

#: Proclitic stacks, folded; longest first so that وال is tried before و.
PREFIXES = tuple(sorted({
    "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وبال",
    "فبال", "وب", "فب", "ول", "فل", "وك", "فك", "وكال", "فكال"}, key=len, reverse=True))
#: Attached pronouns, folded (ة already reads ه).
SUFFIXES = tuple(sorted({"ه", "ها", "هم", "هما", "هن", "كم", "كما", "كن", "نا"},
                        key=len, reverse=True))
#: A peeled word keeps at least this many letters (و + two letters is not a clitic).
MIN_STEM = 2


def fold(word: str) -> str:
    """One spelling for a word's variants (no clitic peeled)."""
    if not unicodedata.is_normalized("NFKC", word):
        word = unicodedata.normalize("NFKC", word)
    return word.translate(_FOLD).casefold()


def words(text: str) -> list[str]:
    """The whitespace-separated words of ``text``, folded and stripped of the punctuation
    around them (one per word: indices stay those of ``text.split()``)."""
    return [fold(w.strip(EDGES)) for w in text.split()]


@lru_cache(maxsize=65536)
def openings(word: str) -> tuple[str, ...]:
    """A folded word and each form of it with a proclitic stack peeled off (ل + ال written
    لل gives back the article). Cached: news repeats its words."""
    found = [word]
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM:
            rest = word[len(prefix):]
            found.append(rest)
            if prefix.endswith("لل"):
                found.append("ال" + rest)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=65536)
def endings(word: str) -> tuple[str, ...]:
    """A folded word and each form of it with an attached pronoun taken off (ت before the
    pronoun was taa marbuta: حكومتها gives حكومه)."""
    found = [word]
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            stem = word[:-len(suffix)]
            found.append(stem)
            if stem.endswith("ت"):
                found.append(stem[:-1] + "ه")
    return tuple(dict.fromkeys(found))


def has_arabic(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in text)
