"""MarianMT's tokenizer on sentencepiece alone, without importing transformers.

It does what transformers 5's ``MarianTokenizer`` (a Python tokenizer over ``PythonBackend``)
does for the calls mtjob makes, step for step: split on the special tokens in the text, strip
a leading ``>>xx<<`` language code from each piece, sentencepiece the rest with
``source.spm``, map pieces through ``vocab.json`` (unknown ones to ``<unk>``) and append
``</s>``; decode with the source model, special tokens skipped. ``tests/test_tokenizer_parity``
holds it to the transformers tokenizer, id for id and character for character.
"""

from __future__ import annotations

import json
import re

from .files import TokenizerFiles, Unsupported

SPIECE_UNDERLINE = "\u2581"


def split_on(tokens: list[str]) -> re.Pattern[str]:
    """A pattern that cuts text around ``tokens`` as transformers' ``Trie.split`` does, when
    no token's first character occurs in any token but first (``</s> <unk> <pad>``): then
    that trie cuts the leftmost match, the longest starting there, as this pattern does. (With
    overlapping tokens it cuts otherwise, even inside no token: ``Unsupported``.)"""
    firsts = {t[0] for t in tokens}
    if any(c in firsts for t in tokens for c in t[1:]):
        raise Unsupported("special tokens that overlap")
    ordered = sorted(tokens, key=len, reverse=True)
    return re.compile("(" + "|".join(re.escape(t) for t in ordered) + ")")


def clean_up_tokenization(text: str) -> str:
    """transformers' ``clean_up_tokenization`` (used when the config asks for it)."""
    return (text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
            .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m")
            .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re"))


class MarianSpmTokenizer:
    """``MarianTokenizer`` (joint vocabulary, ``separate_vocabs`` false) on sentencepiece."""

    def __init__(self, settings: TokenizerFiles) -> None:
        import sentencepiece

        folder = settings.folder
        self.settings = settings
        with open(folder / "vocab.json", encoding="utf-8") as handle:
            self.encoder: dict[str, int] = json.load(handle)
        ids = list(self.encoder.values()) if isinstance(self.encoder, dict) else []
        # Ids 0..n-1, once each: an id outside the vocabulary then lies outside both
        # sentencepiece models too, and fails there as in transformers (whichever model
        # transformers' stateful fallback would pick).
        if not ids or any(type(i) is not int for i in ids) or sorted(ids) != list(range(len(ids))):
            raise Unsupported("vocab.json ids are not 0..n-1")
        self.spm = sentencepiece.SentencePieceProcessor()
        self.spm.Load(str(folder / "source.spm"))
        target = sentencepiece.SentencePieceProcessor()
        target.Load(str(folder / "target.spm"))  # transformers loads it too: fails alike
        self.target_spm = target
        if max(self.spm.GetPieceSize(), target.GetPieceSize()) > len(ids):
            raise Unsupported("sentencepiece models larger than vocab.json")
        settings.check_ids({t: self.encoder.get(t) for t in settings.all_special_tokens})
        self.decoder = {i: piece for piece, i in self.encoder.items()}
        self.all_special_tokens = settings.all_special_tokens
        self.model_max_length = settings.model_max_length
        self.unk_token = settings.specials["unk_token"]
        self._unk = self.encoder[self.unk_token]
        self._eos = self.encoder[settings.specials["eos_token"]]
        self._special_ids = {self.encoder[t] for t in self.all_special_tokens}
        self._specials = set(self.all_special_tokens)
        self._split = split_on(self.all_special_tokens)

    def tokenize(self, text: str) -> list[str]:
        """``PythonBackend.tokenize``: special tokens whole, every other piece
        ``MarianTokenizer._tokenize``d (language code, then sentencepiece)."""
        out: list[str] = []
        for chunk in self._split.split(text):
            if not chunk:
                continue
            if chunk in self._specials:
                out.append(chunk)
                continue
            if chunk.startswith(">>") and (end := chunk.find("<<")) != -1:
                out.append(chunk[:end + 2])
                chunk = chunk[end + 2:]
            out.extend(self.spm.encode(chunk, out_type=str))
        return out

    def target_tokens(self, text: str) -> list[str]:
        """English as the decoder's tokens (``text_target``, no ``</s>``): ``target.spm``,
        a piece missing from the vocabulary read as ``<unk>``."""
        return [p if p in self.encoder else self.unk_token
                for p in self.target_spm.encode(text, out_type=str)]

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Ids with the final ``</s>``, never truncated."""
        return [self.convert_tokens_to_ids(self.tokenize(text)) + [self._eos] for text in texts]

    def convert_tokens_to_ids(self, tokens: list[str]) -> list[int]:
        get, unk = self.encoder.get, self._unk
        return [get(token, unk) for token in tokens]

    def id_to_token(self, index: int) -> str:
        index = int(index)
        if index in self.decoder:
            return str(self.decoder[index])
        piece = str(self.spm.IdToPiece(index))  # out of range: IndexError, as transformers
        return piece if piece else self.unk_token

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self.id_to_token(i) for i in ids]

    def decode(self, ids: list[int]) -> str:
        """``decode(ids, skip_special_tokens=True)``: source model, special tokens
        (``<unk>`` included) dropped."""
        tokens = [self.id_to_token(i) for i in ids if int(i) not in self._special_ids]
        text = self._tokens_to_string(tokens)
        return clean_up_tokenization(text) if self.settings.clean_up_tokenization_spaces \
            else text

    def _tokens_to_string(self, tokens: list[str]) -> str:
        """``MarianTokenizer.convert_tokens_to_string``."""
        pieces: list[str] = []
        out = ""
        for token in tokens:
            if token in self._specials:
                out += str(self.spm.decode_pieces(pieces)) + token + " "
                pieces = []
            else:
                pieces.append(token)
        out += str(self.spm.decode_pieces(pieces))
        return out.replace(SPIECE_UNDERLINE, " ").strip()
