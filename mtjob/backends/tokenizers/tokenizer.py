"""A model's tokenizer alone: token counts and limits without loading any weights.

Segmenting, batching and the summary plan need only this, so a run can plan its work (or find
that nothing is left to do) without loading a model or starting a worker pool.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Any

from ..store.hub import ModelSource
from .files import tokenizer_files
from .marian_spm import MarianSpmTokenizer
from .roberta_bpe import RobertaBpeTokenizer

LightTokenizer = MarianSpmTokenizer | RobertaBpeTokenizer

log = logging.getLogger(__name__)

#: Tokenizer classes that ``AutoTokenizer`` picks for the model types mtjob ships for. Naming
#: the class directly skips ``AutoConfig``, which imports torch: CTranslate2 runs and runs
#: with nothing to do then never load torch at all.
KNOWN_TOKENIZERS = {"marian": "MarianTokenizer", "bart": "RobertaTokenizer"}
#: The light tokenizer that stands in for each (their libraries load when one is built).
LIGHT_TOKENIZERS: dict[str, type[LightTokenizer]] = {"MarianTokenizer": MarianSpmTokenizer,
                                                     "RobertaTokenizer": RobertaBpeTokenizer}


def quiet_transformers() -> None:
    """transformers' own progress bars and advice go to stderr unasked; batch logs stay clean
    unless -v (the CLI raises the level of the "transformers" logger then)."""
    import warnings

    import transformers

    if logging.getLogger("transformers").getEffectiveLevel() > logging.INFO:
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")


def tokenizer_class_name(folder: Path) -> str | None:
    """The tokenizer class ``AutoTokenizer`` would choose for ``folder``, when that is
    certain from its JSON files alone; ``None`` leaves the choice to ``AutoTokenizer``."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        tok_path = folder / "tokenizer_config.json"
        tok_config = json.loads(tok_path.read_text(encoding="utf-8")) if tok_path.is_file() else {}
    except (OSError, ValueError):
        return None
    known = KNOWN_TOKENIZERS.get(config.get("model_type", "")) if isinstance(config, dict) else None
    if known is None or not isinstance(tok_config, dict) or "auto_map" in tok_config:
        return None
    declared = tok_config.get("tokenizer_class") or config.get("tokenizer_class")
    if declared is not None and str(declared).removesuffix("Fast") != known:
        return None
    return known


def load_tokenizer(source: ModelSource) -> Any:
    """The transformers tokenizer of ``source`` (imports transformers)."""
    import transformers

    quiet_transformers()
    name = tokenizer_class_name(source.path)
    cls = getattr(transformers, name) if name else transformers.AutoTokenizer
    return cls.from_pretrained(str(source.path), trust_remote_code=False)


def load_light_tokenizer(folder: Path) -> LightTokenizer | None:
    """The light tokenizer of ``folder`` (no transformers import), or ``None`` where it is
    not certain to match the transformers tokenizer (:mod:`tokenizer_files` says when)."""
    name = tokenizer_class_name(folder)
    if name not in LIGHT_TOKENIZERS:
        return None
    try:
        return LIGHT_TOKENIZERS[name](tokenizer_files(folder, name))
    except Exception as exc:  # anything unexpected: transformers decides, and reports
        log.debug("%s: transformers tokenizer (%s: %s)", folder, type(exc).__name__, exc)
        return None


def hf_json(folder: Path, name: str) -> dict[str, Any]:
    """A JSON file of a model folder (config.json, generation_config.json), or {}."""
    path = folder / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


class HFTokenizer:
    """A transformers tokenizer behind the light tokenizers' methods."""

    def __init__(self, hf: Any) -> None:
        self.hf = hf
        self.all_special_tokens: list[str] = hf.all_special_tokens
        self.model_max_length = getattr(hf, "model_max_length", None)

    # ``hf`` is transformers' tokenizer, typed Any: each result is annotated as it returns.
    def encode(self, texts: list[str]) -> list[list[int]]:
        ids: list[list[int]] = self.hf(texts, add_special_tokens=True,
                                       truncation=False)["input_ids"]
        return ids

    def convert_tokens_to_ids(self, tokens: list[str]) -> list[int]:
        ids: list[int] = self.hf.convert_tokens_to_ids(tokens)
        return ids

    def id_to_token(self, index: int) -> str | None:
        token: str | None = self.hf.convert_ids_to_tokens(index)
        return token

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        tokens: list[str] = self.hf.convert_ids_to_tokens(ids)
        return tokens

    def decode(self, ids: list[int]) -> str:
        return str(self.hf.decode(ids, skip_special_tokens=True))


class ModelTokenizer:
    """The tokenizer of a resolved model, loaded on first use; never truncates.

    Counting, segmenting and the CTranslate2 backend use the light tokenizer where there is
    one (sentencepiece or ``tokenizers`` directly: no transformers import, no slow Python
    tokenizer built); the transformers backend uses :attr:`hf`, the transformers tokenizer.
    Both give the same ids, tokens and text (``tests/test_tokenizer_parity``).
    """

    def __init__(self, source: ModelSource) -> None:
        self.source = source
        self._core: LightTokenizer | HFTokenizer | None = None
        self._hf: Any = None

    @property
    def hf(self) -> Any:
        """The Hugging Face tokenizer object."""
        if self._hf is None:
            self._hf = load_tokenizer(self.source)
        return self._hf

    @property
    def core(self) -> LightTokenizer | HFTokenizer:
        """The light tokenizer, or the transformers one behind the same methods."""
        if self._core is None:
            self._core = load_light_tokenizer(self.source.path) or HFTokenizer(self.hf)
        return self._core

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Tokens per text, special tokens included; never truncated."""
        if not texts:
            return []
        return [len(row) for row in self.core.encode(texts)]

    def source_tokens(self, texts: list[str]) -> list[list[str]]:
        """Token strings per text, special tokens included (what CTranslate2 takes)."""
        core = self.core
        return [_known(core.convert_ids_to_tokens(row)) for row in core.encode(texts)]

    def target_tokens(self, texts: list[str]) -> list[list[str]]:
        """English as the decoder's token strings, no special token added (a forced target
        prefix)."""
        core = self.core
        if isinstance(core, MarianSpmTokenizer):
            return [core.target_tokens(text) for text in texts]
        ids = self.hf(text_target=texts, add_special_tokens=False)["input_ids"]
        return [self.hf.convert_ids_to_tokens(row) for row in ids]

    def decode_tokens(self, tokens: list[str]) -> str:
        """Text of token strings, special tokens skipped, outer spaces stripped."""
        core = self.core
        return core.decode(core.convert_tokens_to_ids(tokens)).strip()

    def token(self, index: int) -> str | None:
        """The token string of one id."""
        return self.core.id_to_token(index)

    @property
    def special_tokens(self) -> set[str]:
        return set(self.core.all_special_tokens)

    def limit(self, default: int) -> int:
        """``model_max_length`` of the tokenizer (transformers uses ~1e30 to mean unset)."""
        limit = self.core.model_max_length
        return limit if isinstance(limit, int) and 0 < limit < 10**6 else default

    @functools.cached_property
    def model_max_tokens(self) -> int:
        """Source tokens the model takes (512 for Marian): the tokenizer's limit, capped by
        its positions; known from the folder without loading the weights (read once: it
        is asked for every article)."""
        limit = self.limit(512)
        positions = hf_json(self.source.path, "config.json").get("max_position_embeddings")
        return min(limit, positions) if isinstance(positions, int) else limit


def _known(tokens: list[str] | list[str | None]) -> list[str]:
    """Token strings of ids the tokenizer made (so every one is in its vocabulary)."""
    known = [t for t in tokens if t is not None]
    if len(known) != len(tokens):
        raise ValueError("an id the tokenizer's vocabulary lacks")
    return known
