"""The CTranslate2 backend, both roles, on the same Hugging Face folders converted once and
cached (:mod:`mtjob.backends.conversion`). Tokenization is the model's own tokenizer, light
where it can be (:class:`ModelTokenizer`: no transformers import) and identical to the
transformers one, so token counts, batching and decoding match the transformers backend.
Inputs are never truncated.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..choices import Backend, Device, DType, Quantize
from ..errors import ConfigError
from .base import Call, GenOptions, Hypothesis
from .conversion import conversion_target, converted_model, import_ctranslate2
from .lazy import LazyModel, LoadLater
from .registry import ModelBackend, register_backend
from .runtime import cpu_layout
from .shortlist.locate import load_shortlist, vmap_model
from .store.hub import ModelSource, cache_root
from .tokenizers.tokenizer import ModelTokenizer
from .trust import ct2_score, penalised, word_pairs

__all__ = ["CTranslate2Backend", "CTranslate2Summarizer", "CTranslate2Translator", "cache_root",
           "converted_model", "import_ctranslate2", "select_runtime"]

if TYPE_CHECKING:
    from ..config import JobConfig

log = logging.getLogger(__name__)

#: CTranslate2's default, passed explicitly: the score is normalised by it (undone in trust).
LENGTH_PENALTY = 1.0
#: Summarizer input tokens a call takes at most on CPU (``CTranslate2Summarizer.call_tokens``).
CALL_TOKENS = 2048


def select_runtime(config: JobConfig, model: str = "the model") -> tuple[Device, str]:
    """Device and CTranslate2 compute type for the config."""
    ct2 = import_ctranslate2()
    has_cuda = ct2.get_cuda_device_count() > 0
    if config.device == Device.CUDA and not has_cuda:
        raise ConfigError("device 'cuda' was asked for but CTranslate2 sees no CUDA GPU")
    device = (Device.CUDA if has_cuda else Device.CPU) if config.device == Device.AUTO \
        else config.device
    if device == Device.CPU and config.dtype not in (DType.AUTO, DType.FLOAT32):
        log.warning("%s: dtype %s is ignored on CPU by the ctranslate2 backend (int8 or "
                    "float32)", model, config.dtype)
    return device, compute_type(config, device)


def compute_type(config: JobConfig, device: Device) -> str:
    """CTranslate2's compute type for ``config`` on ``device`` (``cpu`` or ``cuda``): int8 on
    CPU unless ``quantize = "none"``; on a GPU the half type ``dtype`` asks for (float16 by
    default), int8 weights with ``quantize = "int8"``, float32 with ``dtype = "float32"``."""
    if device == Device.CPU:
        return "float32" if config.quantize == Quantize.NONE else "int8"
    half = "bfloat16" if config.dtype == DType.BFLOAT16 else "float16"
    if config.quantize == Quantize.INT8:
        return f"int8_{half}"
    return "float32" if config.dtype == DType.FLOAT32 else half


class _CTranslate2Model(LazyModel):
    """The CTranslate2 ``Translator`` shared by both roles, loaded lazily."""

    def device(self) -> str:
        return Device.CPU if self.config.device == Device.CPU else select_runtime(self.config)[0]

    def source_tokens(self, texts: list[str]) -> list[list[str]]:
        """Token strings with the tokenizer's special tokens; CTranslate2 adds none itself
        for converted Hugging Face models, and Marian needs the final ``</s>``."""
        return self.tokens.source_tokens(texts)

    def decode(self, tokens: list[str]) -> str:
        return self.tokens.decode_tokens(tokens)

    #: Decoder layer whose cross-attention gives the alignments (None: CTranslate2's default).
    alignment_layer: int | None = None
    #: Whether the run's shortlist applies (the translator's, never the summarizer's).
    shortlisted = False

    def _load(self) -> tuple[Any, dict[str, Any]]:
        ct2 = import_ctranslate2()
        device, compute = select_runtime(self.config, self.source.ref)
        if self.in_background() and not (conversion_target(
                self.source, compute, self.alignment_layer) / "model.bin").is_file():
            raise LoadLater  # converting waits for the run's checks of the model
        path = converted_model(self.source, compute, self.alignment_layer)
        facts: dict[str, Any] = {}
        shortlist = load_shortlist(self.config.shortlist, self.source, self.tokens) \
            if self.shortlisted else None
        if shortlist is not None:  # on a GPU CTranslate2 4.x keeps stale positions (pads them)
            if device != Device.CPU:
                raise ConfigError(f"{self.source.ref}: --shortlist takes CTranslate2 on CPU only "
                                  "(docs/shortlist.md); use --backend transformers or none")
            path, facts = vmap_model(path, shortlist), {"shortlist": shortlist.sha256}
        workers, per_batch = 1, self.config.threads
        if self.parallel and device == Device.CPU:
            workers, per_batch = cpu_layout(self.config.threads, self.expected_calls)
        # On CPU the workers share one copy of the weights; each has its own activations.
        model = ct2.Translator(str(path), device=device.value, compute_type=compute,
                               intra_threads=per_batch, inter_threads=workers)
        return model, {"backend": Backend.CTRANSLATE2, "device": device,
                       "compute_type": compute,
                       "quantize": Quantize.INT8 if compute.startswith("int8") else Quantize.NONE,
                       "parallel_batches": workers, **facts}


class CTranslate2Translator(_CTranslate2Model):
    """MarianMT through CTranslate2 ``translate_batch``. Loads lazily, converts on first use."""

    shortlisted = True

    def __init__(self, config: JobConfig, source: ModelSource | None = None,
                 tokens: ModelTokenizer | None = None) -> None:
        super().__init__(config, config.mt_model, config.mt_revision, source, tokens)
        self.alignment_layer = config.alignment_layer

    def translate(self, texts: list[str], options: GenOptions, call: Call | None = None,
                  prefixes: list[str] | None = None) -> list[Hypothesis]:
        """One batch; CTranslate2 cannot stop mid-batch, so ``call.cancel`` is not read.
        A ``prefixes`` row is CTranslate2's hard ``target_prefix``; its search counts the
        prefix tokens as log-prob 0 (``update_sample_with_prefix``), so the kept outputs are
        scored again with ``score_batch``."""
        model = self._ensure_model()
        special = self.tokens.special_tokens
        # max_input_length=0: CTranslate2 otherwise cuts sources at 1024 tokens, silently.
        # min_decoding_length=1: never an empty translation (transformers allows one).
        # Out-of-memory errors propagate as they are: the engine retries smaller batches.
        sources = self.source_tokens(texts)
        forced = self.tokens.target_tokens(prefixes) if prefixes and any(prefixes) else None
        # The prefix counts in the decoding length (return_prefix): the limit is on top of it.
        limit = options.max_new_tokens + max(map(len, forced or [[]]))
        n = max(1, min(options.hypotheses, options.beams))
        results = model.translate_batch(
            sources, target_prefix=forced, beam_size=options.beams, max_input_length=0,
            min_decoding_length=1, max_decoding_length=limit, num_hypotheses=n,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            repetition_penalty=options.repetition_penalty, length_penalty=LENGTH_PENALTY,
            return_scores=True, return_attention=options.alignments,
            # A forced prefix goes without the shortlist: CTranslate2 would map its tokens by
            use_vmap="shortlist" in self._runtime and not forced)  # stale positions (vmap.py)
        rows = [(i, k) for i, r in enumerate(results) for k in range(len(r.hypotheses))]
        rescored: dict[tuple[int, int], float] = {}
        if penalised(options) or forced:
            scored = model.score_batch([sources[i] for i, _ in rows],
                                       [results[i].hypotheses[k] for i, k in rows],
                                       max_input_length=0)
            rescored = {row: sum(r.log_probs) / len(r.log_probs)
                        for row, r in zip(rows, scored, strict=True)}
        out = []
        for i, (text, source, result) in enumerate(zip(texts, sources, results, strict=True)):
            found = []
            for k, tokens in enumerate(result.hypotheses):
                english = self.decode(tokens)
                # An output cut by the length limit has no end-of-sequence token.
                length = len(tokens) + (len(tokens) < limit)
                pairs = None
                if options.alignments:
                    pairs = word_pairs(result.attention[k], source, text, tokens, english,
                                       [t in special for t in source],
                                       [t in special for t in tokens])
                score = rescored[(i, k)] if rescored else \
                    ct2_score(result.scores[k], length, LENGTH_PENALTY)
                found.append(Hypothesis(english, sum(1 for t in tokens if t not in special),
                                        score, pairs))
            out.append(replace(found[0], alternatives=tuple(found[1:])))
        return out


class CTranslate2Summarizer(_CTranslate2Model):
    """BART-style summarizer through CTranslate2, decoding as ``generate`` does."""

    # Several summaries side by side, one thread each, share one copy of the weights; the
    # engine sizes the layout to the summaries ahead (one article: every thread on it) and
    # each call to ``call_tokens``.

    def __init__(self, config: JobConfig, source: ModelSource | None = None,
                 tokens: ModelTokenizer | None = None) -> None:
        super().__init__(config, config.sum_model, config.sum_revision, source, tokens)

    @property
    def call_tokens(self) -> int:
        """Input tokens a call takes at most (an article alone may take more): beam search
        keeps every beam's cross-attention keys and values for every input token, so a
        call's memory follows its tokens, not its count of articles. On CPU
        :data:`CALL_TOKENS`: two articles of the bench's ~870 tokens a call, spread evenly
        over the workers (docs/performance.md: three a call took the six-article job over
        its memory aim); twice that on a GPU (four articles of 1,024 tokens, as before)."""
        self._ensure_model()
        return CALL_TOKENS if self._runtime["device"] == Device.CPU else 2 * CALL_TOKENS

    def window(self) -> int:
        return self.tokens.limit(1024)

    def decoding_options(self) -> tuple[dict[str, Any], list[str] | None]:
        """CTranslate2 options from the model's generation config (the converter does not
        carry it over) and the job's lengths, plus the target prefix."""
        gen, c = self.hf_json("generation_config.json"), self.config
        # transformers' min/max_length count the decoder start token and, with a forced EOS,
        # keep the last position for it; CTranslate2 counts neither: shifted to match.
        reserved = 2 if gen.get("forced_eos_token_id") is not None else 1
        options = {"beam_size": c.sum_beams, "length_penalty": gen.get("length_penalty", 1.0),
                   "no_repeat_ngram_size": gen.get("no_repeat_ngram_size") or 0,
                   "max_decoding_length": max(1, c.sum_max_length - reserved),
                   "max_input_length": 0, "return_scores": False}
        options["min_decoding_length"] = min(max(0, c.sum_min_length - 1),
                                             options["max_decoding_length"])
        # BART starts from </s> (the converter's decoder_start_token), then generate()
        # forces <s>; a target prefix does that here, counted in the lengths just the same.
        forced = gen.get("forced_bos_token_id")
        token = None if forced is None else self.tokens.token(forced)
        return options, None if token is None else [token]

    def summarize(self, texts: list[str], call: Call | None = None) -> list[str]:
        model = self._ensure_model()
        options, prefix = self.decoding_options()
        out: list[str] = []
        for part in token_calls(self.count_tokens(texts), self.call_tokens):
            batch = self.source_tokens([texts[i] for i in part])
            results = model.translate_batch(
                batch, target_prefix=[prefix] * len(batch) if prefix else None, **options)
            out.extend(self.decode(r.hypotheses[0]) for r in results)
        return out


def token_calls(counts: list[int], budget: int) -> list[list[int]]:
    """Consecutive indices in calls of at most ``budget`` tokens (one alone may exceed it)."""
    calls: list[list[int]] = []
    total = budget + 1
    for i, count in enumerate(counts):
        if total + count > budget:
            calls.append([])
            total = 0
        calls[-1].append(i)
        total += count
    return calls


@register_backend(Backend.CTRANSLATE2)
class CTranslate2Backend(ModelBackend):
    """CTranslate2 on the converted models, both roles; the translator may load in the
    background while the run checks (a model not yet converted waits for the checks)."""

    preloads = True
    converts = True

    def translator(self, config: JobConfig, source: ModelSource | None = None,
                   tokens: ModelTokenizer | None = None) -> CTranslate2Translator:
        return CTranslate2Translator(config, source, tokens)

    def summarizer(self, config: JobConfig, source: ModelSource | None = None,
                   tokens: ModelTokenizer | None = None) -> CTranslate2Summarizer:
        return CTranslate2Summarizer(config, source, tokens)

    def runtime(self, config: JobConfig) -> tuple[str, str]:
        return select_runtime(config)
