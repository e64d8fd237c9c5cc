"""A model's tokenizer alone: token counts and limits without loading any weights.

Segmenting, batching and the summary plan need only this, so a run can plan its work (or find
that nothing is left to do) without loading a model or starting a worker pool.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from .hub import ModelSource

#: Tokenizer classes that ``AutoTokenizer`` picks for the model types mtjob ships for. Naming
#: the class directly skips ``AutoConfig``, which imports torch: CTranslate2 runs and runs
#: with nothing to do then never load torch at all.
KNOWN_TOKENIZERS = {"marian": "MarianTokenizer", "bart": "RobertaTokenizer"}


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
    import transformers

    quiet_transformers()
    name = tokenizer_class_name(source.path)
    cls = getattr(transformers, name) if name else transformers.AutoTokenizer
    return cls.from_pretrained(str(source.path), trust_remote_code=False)


def hf_json(folder: Path, name: str) -> dict[str, Any]:
    """A JSON file of a model folder (config.json, generation_config.json), or {}."""
    path = folder / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


class ModelTokenizer:
    """The tokenizer of a resolved model, loaded on first use; never truncates."""

    def __init__(self, source: ModelSource) -> None:
        self.source = source
        self._tokenizer: Any = None

    @property
    def hf(self) -> Any:
        """The Hugging Face tokenizer object."""
        if self._tokenizer is None:
            self._tokenizer = load_tokenizer(self.source)
        return self._tokenizer

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Tokens per text, special tokens included; never truncated."""
        if not texts:
            return []
        ids = self.hf(texts, add_special_tokens=True, truncation=False)["input_ids"]
        return [len(row) for row in ids]

    def limit(self, default: int) -> int:
        """``model_max_length`` of the tokenizer (transformers uses ~1e30 to mean unset)."""
        limit = getattr(self.hf, "model_max_length", default)
        return limit if isinstance(limit, int) and 0 < limit < 10**6 else default

    @property
    def model_max_tokens(self) -> int:
        """Source tokens the model takes (512 for Marian): the tokenizer's limit, capped by
        its positions; known from the folder without loading the weights."""
        limit = self.limit(512)
        return min(limit, hf_json(self.source.path, "config.json")
                   .get("max_position_embeddings", limit))
