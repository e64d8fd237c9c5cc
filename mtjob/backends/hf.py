"""The transformers backend, both roles: ``AutoModelForSeq2SeqLM`` + ``generate``, batched,
never truncating."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from .base import Call, GenOptions, Hypothesis
from .beam_cache import beam_search_cache
from .lazy import LazyModel
from .runtime import cpu_layout, select_device, select_dtype
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
    if parallel and device == "cpu":
        workers, threads = cpu_layout(config.threads, calls)
    _set_threads(threads)
    dtype = select_dtype(config.dtype, device, source.ref)
    # Half precision on CPU: torch's SDPA kernel is slower there than eager attention
    # (README, Performance), while float32 runs at the same speed with either.
    attention = "eager" if device == "cpu" and dtype != "float32" or attentions else "sdpa"
    model = AutoModelForSeq2SeqLM.from_pretrained(
        str(source.path), use_safetensors=source.use_safetensors, trust_remote_code=False,
        dtype=getattr(torch, dtype), attn_implementation=attention)
    model.eval().to(device)
    # "auto" means float: torch's dynamic int8 is faster on CPU but was measured to change
    # greedy output well beyond tolerance (README, Performance); it is opt-in here.
    quantize = "none" if config.quantize == "auto" else config.quantize
    if quantize == "int8":
        if device != "cpu":
            log.warning("%s: int8 dynamic quantisation is CPU-only in the transformers "
                        "backend; using %s on %s", source.ref, dtype, device)
            quantize = "none"
        else:
            import warnings

            from torch.ao.quantization import quantize_dynamic

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the deprecation notice is not for users
                model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8,
                                         inplace=True)  # no second copy of the weights
            log.warning("%s: int8 dynamic quantisation is lossy: greedy output changed beyond "
                        "tolerance in our check (README, Performance); float32 is exact",
                        source.ref)
    return model, {"backend": "transformers", "device": device, "dtype": dtype,
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


def cancel_criteria(cancel: threading.Event) -> Any:
    """A ``StoppingCriteriaList`` that ends ``generate`` at its next step once ``cancel`` is
    set, so a stopped run does not wait for batches in worker threads."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    class Cancelled(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            return torch.full((input_ids.shape[0],), cancel.is_set(), dtype=torch.bool,
                              device=input_ids.device)

    return StoppingCriteriaList([Cancelled()])


def generated_tokens(ids: Any, special: set[int]) -> list[int]:
    """Generated token counts per row, special tokens (pad, eos, start) excluded."""
    return [sum(1 for t in row.tolist() if t not in special) for row in ids]


class _TransformersModel(LazyModel):
    """What both transformers roles share."""

    def device(self) -> str:
        return "cpu" if self.config.device == "cpu" else select_device(self.config.device)


class TransformersTranslator(_TransformersModel):
    """MarianMT (or any seq2seq model) through transformers. Loads lazily."""

    def __init__(self, config: JobConfig, source: ModelSource | None = None,
                 tokens: ModelTokenizer | None = None) -> None:
        super().__init__(config, config.mt_model, config.mt_revision, source, tokens)
        self._shortlist: Shortlist | None = None

    def _load(self) -> tuple[Any, dict[str, Any]]:
        model, runtime = load_model(self.source, self.config, self.parallel,
                                    attentions=self.config.alignments, calls=self.expected_calls)
        self._shortlist = load_shortlist(self.config.shortlist, self.source, self.tokens) \
            if self.config.shortlist else None
        if self._shortlist is not None:
            from .shortlist.head import install

            install(model)
            runtime["shortlist"] = self._shortlist.sha256
        return model, runtime

    def _candidates(self, texts: list[str]) -> Any:
        """The batch's output rows under the shortlist (CTranslate2's vocabulary map: the
        candidates of its source tokens, unknown and end of sequence), or a no-op context."""
        from contextlib import nullcontext

        if self._shortlist is None:
            return nullcontext()
        tokens = self.tokens.source_tokens(texts)
        ids = set(self.tokens.core.convert_tokens_to_ids(sorted(
            self._shortlist.candidates(tokens))))
        ids.update(self.tokenizer.convert_tokens_to_ids([self.tokenizer.unk_token,
                                                         self.tokenizer.eos_token]))
        return self._ensure_model().get_output_embeddings().only(sorted(ids))

    def translate(self, texts: list[str], options: GenOptions,
                  call: Call | None = None) -> list[Hypothesis]:
        import torch

        call = call or Call()
        model = self._ensure_model()
        use_threads(self._runtime, call.pooled)
        tok = self.tokenizer
        batch = tok(texts, return_tensors="pt", padding=True, truncation=False)
        batch = {k: v.to(self._runtime["device"]) for k, v in batch.items()}
        kwargs: dict[str, Any] = {
            "num_beams": options.beams, "max_new_tokens": options.max_new_tokens,
            "do_sample": False, "stopping_criteria": cancel_criteria(call.cancel),
            **beam_search_cache(model, options.beams),
        }
        if options.no_repeat_ngram_size:
            kwargs["no_repeat_ngram_size"] = options.no_repeat_ngram_size
        if options.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = options.repetition_penalty
        with torch.inference_mode(), self._candidates(texts):
            out = model.generate(**batch, **kwargs)
        special = set(tok.all_special_ids) | {model.config.decoder_start_token_id}
        decoded = [text.strip() for text in tok.batch_decode(out, skip_special_tokens=True)]
        counts = generated_tokens(out, special)
        # The scores come from one teacher-forced pass over the kept outputs, in slices:
        # generate's own (output_scores) keep every step's whole-vocabulary log-probs.
        scores, pairs = hf_teacher_forced(
            model, tok, batch, out, texts, decoded,
            options.alignment_layer if options.alignments else None, True)
        aligned: list[Any] = pairs or [None] * len(texts)
        return [Hypothesis(text, n, score, pairs)
                for text, n, score, pairs in zip(decoded, counts, scores, aligned)]


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
