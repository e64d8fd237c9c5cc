"""Is the translation model a translation model, and the summarizer a summarizer? Read from
``config.json`` (and the tokenizer files beside it) before any work: swapped models used to
run for seconds, then fail every article."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import ModelError
from ...vocabulary import Role

#: Tokenizer files of a sentencepiece source vocabulary (Marian, mBART/M2M/NLLB, T5).
SENTENCEPIECE = ("source.spm", "sentencepiece.bpe.model", "spiece.model")
#: Sequence-to-sequence architectures that write summaries (as transformers names them).
SUMMARIZERS = {"bart", "pegasus", "pegasus_x", "led", "bigbird_pegasus", "t5", "mt5",
               "longt5", "umt5", "prophetnet", "mbart"}

WANTED = {Role.MT: ("--mt-model", "a translation model (Marian, or another sequence-to-sequence "
                 "model with a sentencepiece source vocabulary)"),
          Role.SUMMARY: ("--sum-model", "a summarizer (a BART-like sequence-to-sequence model)")}


def describe(config: dict[str, Any]) -> str:
    """What the model is, in words: ``a Marian translation model (MarianMTModel)``."""
    kind = config.get("model_type", "?")
    arch = ", ".join(a for a in config.get("architectures") or [] if isinstance(a, str))
    name = {"marian": "a Marian translation model", "bart": "a BART model"}.get(
        kind, f"a {kind} model")
    if not _seq2seq(config):
        name += ", not a sequence-to-sequence one"
    return f"{name} ({arch})" if arch else name


def _seq2seq(config: dict[str, Any]) -> bool:
    return config.get("is_encoder_decoder") is True or config.get("model_type") == "marian"


def _tasks(config: dict[str, Any]) -> set[str]:
    params = config.get("task_specific_params")
    return {str(k).split("_")[0] for k in params} if isinstance(params, dict) else set()


def is_kind(role: Role, config: dict[str, Any], folder: Path) -> bool:
    kind, tasks = config.get("model_type"), _tasks(config)
    if not _seq2seq(config):
        return False
    if role == Role.MT:
        return kind == "marian" or (any((folder / f).is_file() for f in SENTENCEPIECE)
                                    and tasks != {"summarization"})
    return kind != "marian" and (kind in SUMMARIZERS or "summarization" in tasks) \
        and tasks != {"translation"}


def check_kind(role: Role, ref: str, config: dict[str, Any], folder: Path) -> None:
    """Raise ``ModelError`` (exit 2) naming the model and what it is when it does not fit
    its role."""
    if is_kind(role, config, folder):
        return
    flag, wanted = WANTED[role]
    other = Role.SUMMARY if role == Role.MT else Role.MT
    swapped = f" (swapped with {WANTED[other][0]}?)" if is_kind(other, config, folder) else ""
    raise ModelError(f"{flag} {ref!r} is {describe(config)}, not {wanted}{swapped}")
