"""The transformers backend: ``AutoModelForSeq2SeqLM`` + ``generate``, batched, no truncation."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..models import ModelSource, resolve_model, select_device, select_dtype
from .base import GenOptions, Hypothesis

if TYPE_CHECKING:
    from ..config import JobConfig

log = logging.getLogger(__name__)


def quiet_transformers() -> None:
    """transformers' own progress bars and advice go to stderr unasked; batch logs stay clean
    unless -v (the CLI raises the level of the "transformers" logger then)."""
    import warnings

    import transformers

    if logging.getLogger("transformers").getEffectiveLevel() > logging.INFO:
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")


def load_tokenizer(source: ModelSource) -> Any:
    from transformers import AutoTokenizer

    quiet_transformers()
    return AutoTokenizer.from_pretrained(str(source.path), trust_remote_code=False)


def load_model(source: ModelSource, config: JobConfig) -> tuple[Any, dict[str, Any]]:
    """Load a seq2seq model for inference: eval mode, chosen device/dtype, int8 on CPU if asked.

    Returns the model and the runtime facts for provenance.
    """
    import torch
    from transformers import AutoModelForSeq2SeqLM

    if config.threads:
        torch.set_num_threads(config.threads)
    device = select_device(config.device)
    dtype = select_dtype(config.dtype, device)
    model = AutoModelForSeq2SeqLM.from_pretrained(
        str(source.path), use_safetensors=source.use_safetensors, trust_remote_code=False,
        dtype=getattr(torch, dtype))
    model.eval().to(device)
    quantize = config.quantize
    if quantize == "auto":
        quantize = "int8" if device == "cpu" else "none"
    if quantize == "int8":
        if device != "cpu":
            log.warning("int8 dynamic quantisation is CPU-only in the transformers backend; "
                        "using %s on %s", dtype, device)
            quantize = "none"
        else:
            import warnings

            from torch.ao.quantization import quantize_dynamic

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the deprecation notice is not for users
                model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return model, {"backend": "transformers", "device": device, "dtype": dtype,
                   "quantize": quantize}


def tokenizer_limit(tokenizer: Any, default: int) -> int:
    """``model_max_length`` of a tokenizer; transformers uses a huge int to mean "unset"."""
    limit = getattr(tokenizer, "model_max_length", default)
    return limit if isinstance(limit, int) and 0 < limit < 10**6 else default


def generated_tokens(ids: Any, special: set[int]) -> list[int]:
    """Generated token counts per row, special tokens (pad, eos, start) excluded."""
    return [sum(1 for t in row.tolist() if t not in special) for row in ids]


class TransformersTranslator:
    """MarianMT (or any seq2seq model) through transformers. Loads lazily."""

    def __init__(self, config: JobConfig) -> None:
        self.config = config
        self._source: ModelSource | None = None
        self._tokenizer: Any = None
        self._model: Any = None
        self._runtime: dict[str, Any] = {}

    @property
    def source(self) -> ModelSource:
        if self._source is None:
            c = self.config
            self._source = resolve_model(c.mt_model, c.mt_revision, c.cache_dir, c.allow_pickle)
        return self._source

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            self._tokenizer = load_tokenizer(self.source)
        return self._tokenizer

    @property
    def model_max_tokens(self) -> int:
        """The tokenizer's limit (512 for Marian); known without loading the weights."""
        return tokenizer_limit(self.tokenizer, 512)

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        ids = self.tokenizer(texts, add_special_tokens=True, truncation=False)["input_ids"]
        return [len(row) for row in ids]

    def _ensure_model(self) -> Any:
        if self._model is None:
            self._model, self._runtime = load_model(self.source, self.config)
        return self._model

    def translate(self, texts: list[str], options: GenOptions) -> list[Hypothesis]:
        import torch

        model = self._ensure_model()
        tok = self.tokenizer
        batch = tok(texts, return_tensors="pt", padding=True, truncation=False)
        batch = {k: v.to(self._runtime["device"]) for k, v in batch.items()}
        kwargs: dict[str, Any] = {
            "num_beams": options.beams, "max_new_tokens": options.max_new_tokens,
            "do_sample": False,
        }
        if options.no_repeat_ngram_size:
            kwargs["no_repeat_ngram_size"] = options.no_repeat_ngram_size
        if options.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = options.repetition_penalty
        with torch.inference_mode():
            out = model.generate(**batch, **kwargs)
        special = set(tok.all_special_ids) | {model.config.decoder_start_token_id}
        decoded = tok.batch_decode(out, skip_special_tokens=True)
        counts = generated_tokens(out, special)
        return [Hypothesis(text.strip(), n) for text, n in zip(decoded, counts)]

    def info(self) -> dict[str, Any]:
        self._ensure_model()
        return {**self.source.provenance(), **self._runtime}
