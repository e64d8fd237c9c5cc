"""What a model folder's tokenizer files say, read as transformers 5 reads them, and whether
the light tokenizers (:mod:`marian_spm`, :mod:`roberta_bpe`) reproduce that tokenizer exactly.

Only the plain layouts are accepted: every file and ``tokenizer_config.json`` key is one whose
effect the light tokenizers reproduce (or that has no effect on encoding, decoding or the
length limit). Anything else (other files, keys, values, tokens added beyond the special
ones) answers ``None`` and the model keeps the transformers tokenizer, with its own errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The named special tokens, in transformers' order (``all_special_tokens`` follows it).
SPECIAL_KEYS = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token",
                "mask_token")
#: Defaults of ``MarianTokenizer`` and ``RobertaTokenizer`` (``BartTokenizer`` is an alias).
DEFAULT_SPECIALS = {
    "MarianTokenizer": {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"},
    "RobertaTokenizer": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                         "sep_token": "</s>", "pad_token": "<pad>", "cls_token": "<s>",
                         "mask_token": "<mask>"},
}
#: transformers' ``model_max_length`` when none is given (``VERY_LARGE_INTEGER``).
UNSET_LENGTH = int(1e30)
#: Keys without effect here: bookkeeping that ``from_pretrained`` overwrites or ignores.
INERT = {"tokenizer_class", "name_or_path", "is_local", "local_files_only", "backend",
         "special_tokens_map_file", "model_input_names"}
#: Keys each class reads, and the values the light tokenizers take for them.
ACCEPTED: dict[str, dict[str, Any]] = {
    "MarianTokenizer": {"source_lang": None, "target_lang": None, "separate_vocabs": [False],
                        "sp_model_kwargs": [{}], "split_special_tokens": [False]},
    "RobertaTokenizer": {"errors": ["replace"], "add_prefix_space": [True, False],
                         "trim_offsets": [True, False], "split_special_tokens": [False]},
}
#: What transformers writes for a special token in ``added_tokens_decoder`` (flags only).
PLAIN_FLAGS = {"lstrip": False, "rstrip": False, "single_word": False, "normalized": False,
               "special": True}


class Unsupported(Exception):
    """The folder's tokenizer is not one the light tokenizers reproduce for certain."""


@dataclass
class TokenizerFiles:
    """The settings a light tokenizer needs, as transformers would resolve them."""

    folder: Path
    cls: str
    specials: dict[str, str]
    model_max_length: Any
    clean_up_tokenization_spaces: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    #: ``added_tokens_decoder`` entries as {id: content}, to check against the vocabulary.
    added: dict[int, str] = field(default_factory=dict)
    #: ``tokenizer.json``, when the folder has one (transformers then reads the vocabulary
    #: and merges from it, not from vocab.json and merges.txt).
    tokenizer_json: dict[str, Any] | None = None

    @property
    def all_special_tokens(self) -> list[str]:
        """Unique special tokens in transformers' order."""
        return list(dict.fromkeys(self.specials[k] for k in SPECIAL_KEYS if k in self.specials))

    def check_ids(self, token_id: dict[str, int | None]) -> None:
        """Every special token in the vocabulary (else transformers appends it), and any
        ``added_tokens_decoder`` entry one of them at its vocabulary id."""
        specials = self.all_special_tokens
        if any(token_id.get(t) is None for t in specials):
            raise Unsupported("a special token outside the vocabulary")
        if any(content not in specials or token_id.get(content) != i
               for i, content in self.added.items()):
            raise Unsupported("added tokens beyond the special ones")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def tokenizer_files(folder: Path, cls: str) -> TokenizerFiles:
    """The light settings of ``folder`` for the transformers class ``cls``; ``Unsupported``
    when anything in it is beyond them."""
    if cls not in ACCEPTED:
        raise Unsupported(cls)
    if (folder / "added_tokens.json").exists():
        raise Unsupported("added_tokens.json")
    config_path = folder / "tokenizer_config.json"
    config = read_json(config_path) if config_path.is_file() else {}
    if not isinstance(config, dict) or "auto_map" in config:
        raise Unsupported("tokenizer_config.json")
    specials = dict(DEFAULT_SPECIALS[cls])
    settings = TokenizerFiles(folder, cls, specials,
                              512 if cls == "MarianTokenizer" else UNSET_LENGTH)
    accepted = ACCEPTED[cls]
    for key, value in config.items():
        if key in INERT:
            continue
        if key in specials:
            specials[key] = _token(value)
        elif key == "model_max_length":
            settings.model_max_length = UNSET_LENGTH if value is None else value
        elif key == "clean_up_tokenization_spaces" and isinstance(value, bool):
            settings.clean_up_tokenization_spaces = value
        elif key in ("padding_side", "truncation_side") and value in ("right", "left"):
            continue
        elif key == "added_tokens_decoder" and isinstance(value, dict):
            settings.added = {int(i): _added(token) for i, token in value.items()}
        elif key in accepted and (accepted[key] is None or value in accepted[key]):
            if accepted[key] is not None and type(value) is not type(accepted[key][0]):
                raise Unsupported(key)  # 0 == False, yet not what transformers checks
            settings.options[key] = value
        else:
            raise Unsupported(f"tokenizer_config.json key {key!r}")
    # special_tokens_map.json is read only when the config has no added_tokens_decoder; its
    # values then override the config's.
    map_path = folder / "special_tokens_map.json"
    if "added_tokens_decoder" not in config and map_path.is_file():
        special_map = read_json(map_path)
        if not isinstance(special_map, dict) or not set(special_map) <= set(specials):
            raise Unsupported("special_tokens_map.json")
        specials.update({k: _token(v) for k, v in special_map.items()})
    tokenizer_json = folder / "tokenizer.json"
    if tokenizer_json.exists():
        if cls != "RobertaTokenizer":
            raise Unsupported("tokenizer.json beside a sentencepiece tokenizer")
        settings.tokenizer_json = read_json(tokenizer_json)
        if "added_tokens_decoder" not in config:  # then transformers takes the file's
            settings.added = {int(t["id"]): _added({k: v for k, v in t.items() if k != "id"})
                              for t in settings.tokenizer_json.get("added_tokens", [])}
    return settings


def _token(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise Unsupported("a special token that is not a plain string")
    return value


def _added(token: Any) -> str:
    if not isinstance(token, dict) or set(token) != {"content", *PLAIN_FLAGS} \
            or any(token[k] is not v for k, v in PLAIN_FLAGS.items()):
        raise Unsupported("an added token with its own flags")
    return _token(token["content"])
