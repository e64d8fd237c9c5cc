"""What every backend needs first and cheaply: the resolved model folder and its tokenizer.

Weights are loaded by the subclasses on first use; token counting needs only the tokenizer,
so a run can plan its batches (or find that nothing is left to do) without loading weights.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import ModelSource, resolve_model

if TYPE_CHECKING:
    from ..config import JobConfig


#: Tokenizer classes that ``AutoTokenizer`` picks for the model types mtjob ships for. Naming
#: the class directly skips ``AutoConfig``, which imports torch (~2 s, ~170 MB): the
#: CTranslate2 backend and runs with nothing to do then never load torch at all.
KNOWN_TOKENIZERS = {"marian": "MarianTokenizer", "bart": "RobertaTokenizer"}


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

    from .hf import quiet_transformers

    quiet_transformers()
    name = tokenizer_class_name(source.path)
    cls = getattr(transformers, name) if name else transformers.AutoTokenizer
    return cls.from_pretrained(str(source.path), trust_remote_code=False)


class LazyModel:
    """A model given by hub id or folder: resolved and tokenized lazily, never truncating."""

    #: On CPU the engine submits several calls at once (a translator's batches, a
    #: summarizer's articles), one thread each; the Ray actors turn it off (one call each).
    parallel = True

    def __init__(self, config: JobConfig, ref: str, revision: str | None) -> None:
        self.config, self._ref, self._revision = config, ref, revision
        self._source: ModelSource | None = None
        self._tokenizer: Any = None
        self._model: Any = None
        self._runtime: dict[str, Any] = {}

    @property
    def source(self) -> ModelSource:
        if self._source is None:
            c = self.config
            self._source = resolve_model(self._ref, self._revision, c.cache_dir, c.allow_pickle)
        return self._source

    def check(self) -> None:
        """Resolve the model now: a missing model stops the run before any work is done."""
        _ = self.source

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            self._tokenizer = load_tokenizer(self.source)
        return self._tokenizer

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Tokens per text, special tokens included; never truncated."""
        if not texts:
            return []
        ids = self.tokenizer(texts, add_special_tokens=True, truncation=False)["input_ids"]
        return [len(row) for row in ids]

    def tokenizer_limit(self, default: int) -> int:
        """``model_max_length`` of the tokenizer (transformers uses ~1e30 to mean unset)."""
        limit = getattr(self.tokenizer, "model_max_length", default)
        return limit if isinstance(limit, int) and 0 < limit < 10**6 else default

    def hf_json(self, name: str) -> dict[str, Any]:
        """A JSON file of the model folder (config.json, generation_config.json), or {}."""
        path = self.source.path / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    @property
    def model_max_tokens(self) -> int:
        """Source tokens the model takes (512 for Marian): the tokenizer's limit, capped by
        its positions; known from the folder without loading the weights."""
        limit = self.tokenizer_limit(512)
        return min(limit, self.hf_json("config.json").get("max_position_embeddings", limit))

    def _load(self) -> tuple[Any, dict[str, Any]]:
        """Load the weights: the model and its runtime facts (backend, device, precision)."""
        raise NotImplementedError

    def _ensure_model(self) -> Any:
        if self._model is None:
            self._model, self._runtime = self._load()
        return self._model

    @property
    def parallel_batches(self) -> int:
        """How many calls the loaded model runs at once (loads it): more than 1 on CPU, where
        the engine then submits them from a thread pool, one thread each."""
        self._ensure_model()
        return int(self._runtime.get("parallel_batches", 1))

    def info(self) -> dict[str, Any]:
        """Provenance: id, resolved revision and runtime facts (loads the weights)."""
        self._ensure_model()
        return {**self.source.provenance(), **self._runtime}
