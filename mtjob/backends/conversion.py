"""The CTranslate2 conversion cache: the same Hugging Face folders, converted once.

A model is converted offline on first use into ``$MTJOB_CACHE/ct2/<id>--<revision>--<type>``
(atomically, under a file lock, so concurrent jobs never see half a model) and reused after
that; a killed conversion's leftovers are removed by the next one.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import MissingExtraError
from ..outfolder.atomic import remove_stale_tmp_dirs
from .store.hub import ModelSource, cache_root
from .tokenizers.tokenizer import quiet_transformers
from .trust import clamp_layer

log = logging.getLogger(__name__)


def import_ctranslate2() -> Any:
    """The ``ctranslate2`` module, imported only when a model is loaded."""
    try:
        import ctranslate2
    except ImportError:
        raise MissingExtraError("the ctranslate2 backend needs the ct2 extra: "
                                "pip install 'mtjob[ct2]'") from None
    return ctranslate2


def cache_name(text: str) -> str:
    """``text`` (a model id, a revision) as one safe file-name part of the cache."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")[-100:] or "model"


def conversion_target(source: ModelSource, quantization: str,
                      alignment_layer: int | None = None) -> Path:
    """Where the conversion of ``source`` lies in the cache (``model.bin`` in it once done)."""
    # A local folder is identified by its content hash (the revision), not by where it lies.
    ref = Path(source.ref).expanduser().name if source.revision.startswith("local-") else source.ref
    align = "" if alignment_layer is None else f"align{alignment_layer}--"
    name = f"{cache_name(ref)}--{cache_name(source.revision)}--{align}{quantization}"
    return cache_root() / "ct2" / name


def converted_model(source: ModelSource, quantization: str,
                    alignment_layer: int | None = None) -> Path:
    """The CTranslate2 folder of ``source``, converting it on first use. ``alignment_layer``:
    the decoder layer whose cross-attention (heads averaged) ``return_attention`` gives.

    Weights are stored in the compute type they are loaded with: the cached folder is then
    what runs (no re-quantization at every start of a Slurm task or Ray actor) and int8
    entries take a quarter of the disk. The price is one conversion per precision.
    """
    target = conversion_target(source, quantization, alignment_layer)
    root, name = target.parent, target.name
    if (target / "model.bin").is_file():  # os.replace makes it appear only when complete
        return target
    ct2 = import_ctranslate2()
    root.mkdir(parents=True, exist_ok=True)
    # Partial conversions of killed runs (takes the lock itself, so before ours).
    if removed := remove_stale_tmp_dirs(root, name):
        log.info("removed %d partial conversion(s) of %s left by a killed run", removed, name)
    with open(root / f"{name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        if (target / "model.bin").is_file():  # another process converted it while we waited
            return target
        shutil.rmtree(target, ignore_errors=True)  # not ours: we never leave a partial one
        log.info("converting %s to CTranslate2 (%s)", source.ref, quantization)
        started = time.monotonic()
        quiet_transformers()
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
        try:
            _converter(ct2, source.path, alignment_layer).convert(
                str(tmp / "model"), quantization=quantization)
            os.replace(tmp / "model", target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        log.info("converted %s in %.1f s: %s", source.ref, time.monotonic() - started, target)
    return target


def _converter(ct2: Any, path: Path, alignment_layer: int | None) -> Any:
    """The Hugging Face converter; with ``alignment_layer``, the spec records that layer and
    all heads (CTranslate2's default is the first head of the last layer)."""
    import numpy as np

    class AligningConverter(ct2.converters.TransformersConverter):  # type: ignore[misc]
        def _load(self) -> Any:
            spec = super()._load()
            decoder = getattr(spec, "decoder", None)
            if alignment_layer is not None and decoder is not None:
                decoder.alignment_layer = np.int16(clamp_layer(alignment_layer,
                                                               len(decoder.layer)))
                decoder.alignment_heads = np.int16(0)  # 0: every head, averaged
            return spec

    return AligningConverter(str(path))
