"""BART's tokenizer on the ``tokenizers`` library alone, without importing transformers.

transformers 5's ``RobertaTokenizer`` (``BartTokenizer`` is an alias) is a thin layer over a
``tokenizers.Tokenizer`` it builds from vocab.json and merges.txt (or the vocabulary and
merges of tokenizer.json): byte-level BPE, byte-level decoding, ``<s> ... </s>`` added by a
``RobertaProcessing`` step. This builds the same ``Tokenizer`` the same way and calls it as
transformers does; ``tests/test_tokenizer_parity`` compares the two, serialized and on text.
"""

from __future__ import annotations

from typing import Any

from .files import TokenizerFiles, Unsupported

#: Above this, transformers patches the pre-tokenizer of some vocabularies (Mistral's).
PATCHED_VOCAB = 100_000


class RobertaBpeTokenizer:
    """``RobertaTokenizer`` on ``tokenizers``: the backend transformers would build."""

    def __init__(self, settings: TokenizerFiles) -> None:
        from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
        from tokenizers.models import BPE

        vocab, merges = _vocab_and_merges(settings)
        tok = Tokenizer(BPE(vocab=vocab, merges=merges, dropout=None,
                            continuing_subword_prefix="", end_of_word_suffix="",
                            fuse_unk=False))
        prefix = settings.options.get("add_prefix_space", False)
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=prefix)
        tok.decoder = decoders.ByteLevel()
        specials = settings.all_special_tokens
        settings.check_ids({t: tok.token_to_id(t) for t in specials})
        if tok.get_vocab_size() > PATCHED_VOCAB:
            raise Unsupported("a vocabulary transformers may patch")
        tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
        sep, cls = settings.specials["sep_token"], settings.specials["cls_token"]
        tok.post_processor = processors.RobertaProcessing(
            (sep, tok.token_to_id(sep)), (cls, tok.token_to_id(cls)),
            trim_offsets=settings.options.get("trim_offsets", True), add_prefix_space=prefix)
        self.backend = tok
        self.all_special_tokens = specials
        self.model_max_length = settings.model_max_length
        self._unk = tok.token_to_id(settings.specials["unk_token"])

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Ids with ``<s>`` and ``</s>``, never truncated."""
        encodings = self.backend.encode_batch(texts, add_special_tokens=True,
                                              is_pretokenized=False)
        return [e.ids for e in encodings]

    def convert_tokens_to_ids(self, tokens: list[str]) -> list[int]:
        out = []
        for token in tokens:
            index = self.backend.token_to_id(token)
            out.append(self._unk if index is None else index)
        return out

    def id_to_token(self, index: int) -> str | None:
        return self.backend.id_to_token(int(index))

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str | None]:
        return [self.backend.id_to_token(int(i)) for i in ids]

    def decode(self, ids: list[int]) -> str:
        """``decode(ids, skip_special_tokens=True)``; transformers never applies
        ``clean_up_tokenization_spaces`` to a BPE model."""
        return self.backend.decode(ids, skip_special_tokens=True)


def _vocab_and_merges(settings: TokenizerFiles) -> tuple[Any, Any]:
    """What transformers hands the BPE model: the file paths of vocab.json and merges.txt,
    or the vocabulary and merges read from tokenizer.json."""
    data = settings.tokenizer_json
    if data is None:
        vocab, merges = settings.folder / "vocab.json", settings.folder / "merges.txt"
        if not (vocab.is_file() and merges.is_file()):
            raise Unsupported("no vocab.json and merges.txt")
        return str(vocab), str(merges)
    model = data.get("model")
    if not isinstance(model, dict) or model.get("type") != "BPE" \
            or not isinstance(model.get("vocab"), dict) or data.get("padding") is not None \
            or data.get("truncation") is not None:
        raise Unsupported("tokenizer.json is not a plain BPE tokenizer")
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m)
              for m in model.get("merges") or []]
    return model["vocab"], merges
