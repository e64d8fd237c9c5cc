"""What a shortlist needs of a Marian model folder: the source tokens its translator sees, the
target pieces of English, and a hash of the vocabulary that ties a shortlist to the model."""

from __future__ import annotations

import functools
import hashlib
import json
from typing import TYPE_CHECKING, Any

from ...errors import ConfigError
from ...text.clean import clean_for_model

if TYPE_CHECKING:
    from ..store.hub import ModelSource
    from ..tokenizers.tokenizer import ModelTokenizer

#: The files a shortlist's tokens come from (a Marian folder with one joint vocabulary).
FILES = ("source.spm", "target.spm", "vocab.json")


class ModelVocabulary:
    """The source and target tokens of one translation model folder."""

    def __init__(self, source: ModelSource, tokens: ModelTokenizer | None = None) -> None:
        from ..tokenizers.tokenizer import ModelTokenizer

        self.source = source
        folder = source.path
        missing = [name for name in FILES if not (folder / name).is_file()]
        if missing:
            raise ConfigError(f"model {source.ref!r}: a shortlist needs a Marian folder with "
                              f"{', '.join(FILES)}; {', '.join(missing)} missing in {folder}")
        tok_config = folder / "tokenizer_config.json"
        if tok_config.is_file() and json.loads(tok_config.read_text(encoding="utf-8")).get(
                "separate_vocabs"):
            raise ConfigError(f"model {source.ref!r}: shortlists need one joint vocab.json "
                              "(separate_vocabs is set)")
        self.tokens = tokens or ModelTokenizer(source)

    @functools.cached_property
    def vocab(self) -> dict[str, int]:
        data = json.loads((self.source.path / "vocab.json").read_text(encoding="utf-8"))
        return {str(k): int(v) for k, v in data.items()}

    @functools.cached_property
    def hash(self) -> str:
        """sha256 of both sentencepiece models and the tokens in id order: what decides
        which source tokens a batch holds and which target ids a token names (16 hex)."""
        digest = hashlib.sha256()
        for name in FILES[:2]:
            digest.update((self.source.path / name).read_bytes())
        ordered = sorted(self.vocab, key=lambda token: self.vocab[token])
        digest.update(json.dumps(ordered, ensure_ascii=False).encode("utf-8"))
        return digest.hexdigest()[:16]

    @functools.cached_property
    def ctranslate2_specials(self) -> list[str]:
        """The tokens CTranslate2 makes candidates of every batch (unknown, start, end), as
        the folder's ``special_tokens_map.json`` names them (read without transformers)."""
        path = self.source.path / "special_tokens_map.json"
        named = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        names = [named.get(key, default) for key, default in
                 (("unk_token", "<unk>"), ("bos_token", "<s>"), ("eos_token", "</s>"))]
        return [n if isinstance(n, str) else str(n.get("content", "")) for n in names]

    @functools.cached_property
    def special(self) -> set[str]:
        return self.tokens.special_tokens

    @functools.cached_property
    def _target(self) -> Any:
        import sentencepiece

        model = sentencepiece.SentencePieceProcessor()
        model.Load(str(self.source.path / "target.spm"))
        return model

    def source_tokens(self, texts: list[str]) -> list[list[str]]:
        """The translator's source tokens of each text (cleaned as the job cleans it),
        special tokens left out."""
        rows = self.tokens.source_tokens([clean_for_model(t) for t in texts])
        return [[t for t in row if t not in self.special] for row in rows]

    def target_tokens(self, text: str, variants: int = 3) -> list[str]:
        """Target pieces of English text, word by word: each word's ``variants`` best
        segmentations (a model does not always emit the one the tokenizer would choose),
        only pieces of the vocabulary."""
        out: list[str] = []
        for word in text.split():
            pieces = self._target.nbest_encode_as_pieces(word, variants) if variants > 1 \
                else [self._target.encode(word, out_type=str)]
            out += dict.fromkeys(p for seg in pieces for p in seg if p in self.vocab)
        return out

    def word_tokens(self, text: str, target: bool) -> list[list[str]]:
        """Tokens per whitespace-separated word (alignments index words)."""
        words = text.split()
        if target:
            return [self.target_tokens(w) for w in words]
        return self.source_tokens(words) if words else []

