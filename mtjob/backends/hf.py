"""The transformers backend, both roles: ``AutoModelForSeq2SeqLM`` + ``generate``, batched,
never truncating."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..choices import (
    Backend,
    Consistency,
    Device,
    DType,
    Quantize,
    TermsMode,
    resolve_term_modes,
)
from .base import Call, GenOptions, Hypothesis
from .beam_cache import beam_search_cache
from .generate_hooks import cancel_criteria, forced_prefix
from .lazy import LazyModel
from .registry import ModelBackend, register_backend
from .runtime import cpu_layout, select_device, select_dtype
from .shortlist.head import candidate_rows, install
from .shortlist.locate import load_shortlist
from .store.hub import ModelSource
from .tokenizers.tokenizer import ModelTokenizer, quiet_transformers
from .trust import hf_teacher_forced

if TYPE_CHECKING:
    from ..config import JobConfig
    from .shortlist.vmap import Shortlist

log = logging.getLogger(__name__)


def load_model(source: ModelSource, config: JobConfig, parallel: bool = False,
               attentions: bool = False,
               calls: int | None = None) -> tuple[Any, dict[str, Any]]:
    """Load a seq2seq model for inference: eval mode, chosen device/dtype, int8 on CPU if asked.
    ``parallel``: the caller runs several batches at once on CPU, one thread each
    (:func:`mtjob.backends.runtime.cpu_layout`). ``attentions``: the model must return
    attention weights, which only the eager attention does.

    Returns the model and the runtime facts for provenance.
    """
    import torch
    from transformers import AutoModelForSeq2SeqLM

    quiet_transformers()  # its "Loading weights" bar, unless -vv
    device = select_device(config.device)
    workers, threads = 1, config.threads
    if parallel and device == Device.CPU:
        workers, threads = cpu_layout(config.threads, calls)
    _set_threads(threads)
    dtype = select_dtype(config.dtype, device, source.ref)
    # Half precision on CPU: torch's SDPA kernel is slower there than eager attention
    # (docs/performance.md, "Precision"), while float32 runs at the same speed with either.
    attention = "eager" if device == Device.CPU and dtype != DType.FLOAT32 or attentions \
        else "sdpa"
    model = AutoModelForSeq2SeqLM.from_pretrained(
        str(source.path), use_safetensors=source.use_safetensors, trust_remote_code=False,
        dtype=getattr(torch, dtype.value), attn_implementation=attention)
    model.eval().to(device.value)
    # "auto" means float: torch's dynamic int8 is faster on CPU but was measured to change
    # greedy output well beyond tolerance (docs/performance.md, "Precision"); it is opt-in here.
    quantize = Quantize.NONE if config.quantize == Quantize.AUTO else config.quantize
    if quantize == Quantize.INT8:
        if device != Device.CPU:
            log.warning("%s: int8 dynamic quantisation is CPU-only in the transformers "
                        "backend; using %s on %s", source.ref, dtype, device)
            quantize = Quantize.NONE
        else:
            import warnings

            from torch.ao.quantization import quantize_dynamic

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the deprecation notice is not for users
                model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8,
                                         inplace=True)  # no second copy of the weights
            log.warning("%s: int8 dynamic quantisation is lossy: greedy output changed beyond "
                        "tolerance in our check (docs, Performance: Precision); float32 is exact",
                        source.ref)
    return model, {"backend": Backend.TRANSFORMERS, "device": device, "dtype": dtype,
                   "quantize": quantize, "parallel_batches": workers, "threads": threads,
                   "all_threads": workers * threads}


def _set_threads(threads: int) -> None:
    """Set torch's CPU threads (0: leave torch's default)."""
    if threads:
        import torch

        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


def use_threads(runtime: dict[str, Any], pooled: bool) -> None:
    """Set torch's threads before a call. The count is per process: a call that runs beside
    others gets its share; a call that runs alone gets them all."""
    _set_threads(runtime["threads"] if pooled else runtime["all_threads"])


def generated_tokens(ids: Any, special: set[int]) -> list[int]:
    """Generated token counts per row, special tokens (pad, eos, start) excluded."""
    return [sum(1 for t in row.tolist() if t not in special) for row in ids]


class _TransformersModel(LazyModel):
    """What both transformers roles share."""

    def device(self) -> str:
        return Device.CPU if self.config.device == Device.CPU else select_device(self.config.device)


class TransformersTranslator(_TransformersModel):
    """MarianMT (or any seq2seq model) through transformers. Loads lazily."""

    def __init__(self, config: JobConfig, source: ModelSource | None = None,
                 tokens: ModelTokenizer | None = None) -> None:
        super().__init__(config, config.mt_model, config.mt_revision, source, tokens)
        self._shortlist: Shortlist | None = None

    def _load(self) -> tuple[Any, dict[str, Any]]:
        # Forcing terms and finding names read the cross-attention: eager attention.
        terms, consistency = resolve_term_modes(self.config.terms, self.config.consistency,
                                                self.config.glossary is not None)
        attentions = (self.config.alignments or terms == TermsMode.ENFORCE
                      or consistency != Consistency.OFF)
        model, runtime = load_model(self.source, self.config, self.parallel,
                                    attentions=attentions, calls=self.expected_calls)
        self._shortlist = load_shortlist(self.config.shortlist, self.source, self.tokens) \
            if self.config.shortlist else None
        if self._shortlist is not None:
            install(model)
            runtime["shortlist"] = self._shortlist.sha256
        return model, runtime

    def _candidates(self, texts: list[str]) -> Any:
        """The batch's output rows under the shortlist, or a no-op context."""
        if self._shortlist is None:
            return nullcontext()
        return candidate_rows(self._ensure_model(), self._shortlist, self.tokens, texts)

    def translate(self, texts: list[str], options: GenOptions, call: Call | None = None,
                  prefixes: list[str] | None = None) -> list[Hypothesis]:
        """One batch through ``generate``; ``prefixes`` rows are forced token by token by a
        logits processor (rows of one batch may have prefixes of any length)."""
        import torch

        call = call or Call()
        model = self._ensure_model()
        use_threads(self._runtime, call.pooled)
        tok = self.tokenizer
        batch = tok(texts, return_tensors="pt", padding=True, truncation=False)
        batch = {k: v.to(self._runtime["device"]) for k, v in batch.items()}
        n = max(1, min(options.hypotheses, options.beams))
        kwargs: dict[str, Any] = {
            "num_beams": options.beams, "max_new_tokens": options.max_new_tokens,
            "do_sample": False, "stopping_criteria": cancel_criteria(call.cancel),
            **beam_search_cache(model, options.beams),
        }
        if n > 1:
            kwargs["num_return_sequences"] = n
        if prefixes and any(prefixes):
            forced = tok(text_target=prefixes, add_special_tokens=False)["input_ids"]
            kwargs["logits_processor"] = forced_prefix(forced, options.beams)
            kwargs["max_new_tokens"] += max(map(len, forced))
        if options.no_repeat_ngram_size:
            kwargs["no_repeat_ngram_size"] = options.no_repeat_ngram_size
        if options.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = options.repetition_penalty
        with torch.inference_mode(), self._candidates(texts):
            out = model.generate(**batch, **kwargs)
        special = set(tok.all_special_ids) | {model.config.decoder_start_token_id}
        decoded = [text.strip() for text in tok.batch_decode(out, skip_special_tokens=True)]
        counts = generated_tokens(out, special)
        if n > 1:  # generate returns each text's n sequences together
            batch = {k: v.repeat_interleave(n, dim=0) for k, v in batch.items()}
        sources = [text for text in texts for _ in range(n)]
        # The scores come from one teacher-forced pass over the kept outputs, in slices:
        # generate's own (output_scores) keep every step's whole-vocabulary log-probs.
        scores, pairs = hf_teacher_forced(
            model, tok, batch, out, sources, decoded,
            options.alignment_layer if options.alignments else None, True)
        aligned: list[Any] = pairs or [None] * len(sources)
        scored: list[float | None] = [*scores] if scores is not None else [None] * len(sources)
        found = [Hypothesis(text, count, score, pair) for text, count, score, pair
                 in zip(decoded, counts, scored, aligned, strict=True)]
        return [replace(found[i * n], alternatives=tuple(found[i * n + 1:(i + 1) * n]))
                for i in range(len(texts))]


class TransformersSummarizer(_TransformersModel):
    """BART-style summarizer through transformers ``generate``. Loads lazily."""

    batch_size = 4
    #: Side by side (CPU workers), one article a call: 4 a call on 2 threads was slower.
    call_tokens = 0

    def __init__(self, config: JobConfig, source: ModelSource | None = None,
                 tokens: ModelTokenizer | None = None) -> None:
        super().__init__(config, config.sum_model, config.sum_revision, source, tokens)

    def window(self) -> int:
        return self.tokens.limit(1024)

    def _load(self) -> tuple[Any, dict[str, Any]]:
        return load_model(self.source, self.config, self.parallel, calls=self.expected_calls)

    def summarize(self, texts: list[str], call: Call | None = None) -> list[str]:
        import torch

        call = call or Call()
        model = self._ensure_model()
        use_threads(self._runtime, call.pooled)
        c = self.config
        out: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            batch = self.tokenizer(texts[start:start + self.batch_size], return_tensors="pt",
                                   padding=True, truncation=False)
            batch = {k: v.to(self._runtime["device"]) for k, v in batch.items()}
            with torch.inference_mode():
                ids = model.generate(**batch, num_beams=c.sum_beams, do_sample=False,
                                     min_length=c.sum_min_length, max_length=c.sum_max_length,
                                     stopping_criteria=cancel_criteria(call.cancel),
                                     **beam_search_cache(model, c.sum_beams))
            out.extend(self.tokenizer.batch_decode(ids, skip_special_tokens=True))
        return out


@register_backend(Backend.TRANSFORMERS)
class TransformersBackend(ModelBackend):
    """transformers and torch: the exact reference, both roles."""

    def translator(self, config: JobConfig, source: ModelSource | None = None,
                   tokens: ModelTokenizer | None = None) -> TransformersTranslator:
        return TransformersTranslator(config, source, tokens)

    def summarizer(self, config: JobConfig, source: ModelSource | None = None,
                   tokens: ModelTokenizer | None = None) -> TransformersSummarizer:
        return TransformersSummarizer(config, source, tokens)

    def runtime(self, config: JobConfig) -> tuple[str, str]:
        device = select_device(config.device)
        return device, select_dtype(config.dtype, device)
