"""Small but real Hugging Face model folders for offline tests, demos and benchmarks.

The folders use the file layout of the hub models (``Helsinki-NLP/opus-mt-ar-en`` and
``sshleifer/distilbart-cnn-12-6``), so the real loading code runs on them:
``AutoTokenizer.from_pretrained``, ``AutoModelForSeq2SeqLM.from_pretrained`` and the
CTranslate2 converter. Tokenizers are trained on a little text. Weights are seeded random
ones, rewired (``wire_monotonic``) so that outputs are deterministic and input-dependent:
the MarianMT model emits one English word piece per Arabic source piece and then </s>
(nonsense English exactly as long as the source), the BART model copies the lead of its
input up to ``max_length``. Builds are byte-for-byte reproducible for a given seed.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from ..vocabulary import Role
from .seed_text import AR_SEED, ARABIC_CHARS, EN_SEED, LATIN_CHARS, augment, spm_pieces, train_spm
from .wiring import wire_monotonic

logger = logging.getLogger(__name__)

_MARIAN_FULL_VOCAB = 62834  # Helsinki-NLP/opus-mt-ar-en
_BART_FULL_VOCAB = 50264  # sshleifer/distilbart-cnn-12-6 (its <mask> id, 50264, lies outside)
#: Helsinki-NLP/opus-mt-tc-big-ar-en (transformer-big): its config.json's sizes and ids
#: (d_model 1024, 6+6 layers, 16 heads, FFN 4096, relu, 1024 positions; the generation
#: settings sit in config.json, the folder has no generation_config.json) and its
#: tokenizer_config.json, as the hub has them (one joint vocab.json, not separate_vocabs).
TC_BIG = {"vocab_size": 61109, "eos_token_id": 25894}
TC_BIG_TOKENIZER = {
    "source_lang": "ar", "target_lang": "en", "unk_token": "<unk>", "eos_token": "</s>",
    "pad_token": "<pad>", "model_max_length": 512, "sp_model_kwargs": {},
    "separate_vocabs": False, "special_tokens_map_file": None,
    "name_or_path": "marian-models/opusTCv20210807+bt_transformer-big_2022-03-09/ar-en",
    "tokenizer_class": "MarianTokenizer"}


def _config_extras(**keys: Any) -> dict[str, Any]:
    """Keys a transformers config keeps as written though its signature does not name them
    (the hub's config.json files hold them; the CTranslate2 converter reads them)."""
    return keys


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_marian(out_dir: Path, *, full_size: bool = False, seed: int = 0,
                 corpus: str | None = None, big: bool = False) -> Path:
    """Write an ``opus-mt-ar-en``-shaped MarianMT folder to ``out_dir`` and return it.

    ``corpus`` is Arabic training text for ``source.spm`` (default: the built-in seed
    article). ``full_size`` gives the real architecture and vocabulary size (~77 M
    parameters, for benchmarks); otherwise a 64-dim 2+2-layer model builds in seconds.
    ``big``: the layout of ``Helsinki-NLP/opus-mt-tc-big-ar-en`` instead (:data:`TC_BIG`).
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    src_lines = augment(corpus or AR_SEED, 40, seed, ARABIC_CHARS + " " + LATIN_CHARS)
    src_spm = train_spm(src_lines, 8000, seed)
    tgt_spm = train_spm(augment(EN_SEED, 20, seed), 8000, seed)
    (out_dir / "source.spm").write_bytes(src_spm)
    (out_dir / "target.spm").write_bytes(tgt_spm)

    # One joint vocab.json as in the hub model: </s>=0, <unk>=1, pieces, <pad> last
    # (tc-big: </s> and <unk> amid the pieces, at the hub model's id when full size).
    pieces = [] if big else ["</s>", "<unk>"]
    pieces += dict.fromkeys(p for p in spm_pieces(src_spm) + spm_pieces(tgt_spm) if p not in pieces)
    vocab_size = TC_BIG["vocab_size"] if big else _MARIAN_FULL_VOCAB
    if full_size:
        pieces += [f"<dummy_{i}>" for i in range(vocab_size - 3 * big - 1 - len(pieces))]
    if big:
        at = TC_BIG["eos_token_id"] if full_size else len(pieces) // 2
        pieces[at:at] = ["</s>", "<unk>"]
    pieces.append("<pad>")
    pad, eos = len(pieces) - 1, pieces.index("</s>")
    _write_json(out_dir / "vocab.json", {p: i for i, p in enumerate(pieces)})
    _write_json(out_dir / "tokenizer_config.json", TC_BIG_TOKENIZER if big else {
        "source_lang": "ar", "target_lang": "en", "separate_vocabs": False,
        "model_max_length": 512})
    if big:
        (out_dir / "special_tokens_map.json").write_text(json.dumps(
            {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}), encoding="utf-8")

    dims = (dict(d_model=512, layers=6, heads=8, ffn=2048) if full_size
            else dict(d_model=64, layers=2, heads=4, ffn=128))
    if big and full_size:
        dims = dict(d_model=1024, layers=6, heads=16, ffn=4096)
    config = MarianConfig(
        vocab_size=len(pieces), d_model=dims["d_model"],
        encoder_layers=dims["layers"], decoder_layers=dims["layers"],
        encoder_attention_heads=dims["heads"], decoder_attention_heads=dims["heads"],
        encoder_ffn_dim=dims["ffn"], decoder_ffn_dim=dims["ffn"],
        activation_function="relu" if big else "swish", share_encoder_decoder_embeddings=True,
        scale_embedding=True, max_position_embeddings=1024 if big else 512, pad_token_id=pad,
        decoder_start_token_id=pad, eos_token_id=eos, bos_token_id=0, forced_eos_token_id=eos,
        architectures=["MarianMTModel"], **_config_extras(static_position_embeddings=True))
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    gen = dict(bad_words_ids=[[pad]], bos_token_id=0, decoder_start_token_id=pad,
               eos_token_id=eos, forced_eos_token_id=eos, pad_token_id=pad)
    model.generation_config = GenerationConfig(num_beams=4, max_length=512, **gen)

    # Emit only target-side pieces and </s>, as a real ar->en model does; favour whole
    # words so that decoded output reads like (nonsense) English, not letter soup.
    english = set(spm_pieces(tgt_spm))
    keep = {i: 0.0 if p[0] == "\u2581" and p[1:].isalpha() and len(p) > 2 else -0.3
            for i, p in enumerate(pieces) if p in english}
    wire_monotonic(model, seed=seed, rotate=True, eos_id=eos, keep={**keep, eos: 0.0})
    model.save_pretrained(out_dir)  # config.json, generation_config.json, model.safetensors
    if big:  # the hub's tc-big folders have no generation_config.json: config.json has it
        saved = json.loads((out_dir / "config.json").read_text(encoding="utf-8"))
        saved.update(gen, num_beams=4, max_length=512, decoder_vocab_size=len(pieces))
        _write_json(out_dir / "config.json", saved)
        (out_dir / "generation_config.json").unlink()
    return out_dir


def build_bart(out_dir: Path, *, full_size: bool = False, seed: int = 0,
               corpus: str | None = None, bpe_lines: list[str] | None = None,
               bpe_vocab: int = 4000) -> Path:
    """Write a ``distilbart-cnn-12-6``-shaped BART summarizer folder and return it.

    ``corpus`` is English training text for the byte-level BPE (default: built-in news
    sentences). ``full_size`` gives the real architecture (~306 M parameters); the tiny
    one uses short generation limits (min 5, max 40 tokens) so tests stay fast.
    ``bpe_lines`` replaces the augmented corpus with plenty of real text (benchmarks:
    :mod:`mtjob.testing.bench_models`), ``bpe_vocab`` the size of the learned vocabulary.
    """
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from tokenizers.decoders import ByteLevel
    from transformers import BartConfig, BartForConditionalGeneration, GenerationConfig

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = bpe_lines if bpe_lines is not None else augment(corpus or EN_SEED, 20, seed)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(lines, vocab_size=bpe_vocab, min_frequency=2, show_progress=False,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>"])
    bpe.save_model(str(out_dir))  # vocab.json + merges.txt, the files the hub repo has
    vocab = json.loads((out_dir / "vocab.json").read_text(encoding="utf-8"))
    n_real = len(vocab)
    vocab_size = _BART_FULL_VOCAB if full_size else n_real
    # Filler ids are never produced by the merges; <mask> goes one past the model's
    # vocab_size exactly as in the hub model.
    vocab.update({f"<dummy_{i}>": i for i in range(len(vocab), vocab_size)})
    vocab["<mask>"] = vocab_size
    _write_json(out_dir / "vocab.json", vocab)
    _write_json(out_dir / "tokenizer_config.json", {"model_max_length": 1024})

    dims = (dict(d_model=1024, enc=12, dec=6, heads=16, ffn=4096) if full_size
            else dict(d_model=64, enc=2, dec=1, heads=4, ffn=128))
    config = BartConfig(
        vocab_size=vocab_size, d_model=dims["d_model"], encoder_layers=dims["enc"],
        decoder_layers=dims["dec"], encoder_attention_heads=dims["heads"],
        decoder_attention_heads=dims["heads"], encoder_ffn_dim=dims["ffn"],
        decoder_ffn_dim=dims["ffn"], activation_function="gelu", max_position_embeddings=1024,
        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
        forced_eos_token_id=2, scale_embedding=False,
        architectures=["BartForConditionalGeneration"],
        **_config_extras(forced_bos_token_id=0, normalize_before=False,
                         normalize_embedding=True))  # the CTranslate2 converter reads these
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(config).eval()
    lengths = (56, 142) if full_size else (5, 40)
    model.generation_config = GenerationConfig(
        num_beams=4, length_penalty=2.0, no_repeat_ngram_size=3, min_length=lengths[0],
        max_length=lengths[1], early_stopping=True, bos_token_id=0, eos_token_id=2,
        pad_token_id=1, decoder_start_token_id=2, forced_bos_token_id=0, forced_eos_token_id=2)

    # A copying model: the "summary" is the lead of the input, cut by max_length. When
    # no_repeat_ngram_size blocks the copy, the fallback must be real text: filler ids are
    # ruled out and lone UTF-8 fragments (which decode to U+FFFD) held back.
    byte_level = ByteLevel()
    keep = {i: -0.3 if "\ufffd" in byte_level.decode([t]) else 0.0
            for t, i in vocab.items() if i < n_real and i != config.pad_token_id}
    wire_monotonic(model, seed=seed, rotate=False, keep=keep)
    model.save_pretrained(out_dir)
    return out_dir


class ModelFolders(dict[Role, Path]):
    """``{Role.MT: folder, Role.SUMMARY: folder}``; ``["sum"]``, the prefix of ``--sum-model``
    that tests and scripts index by, reads as ``Role.SUMMARY``."""

    def __missing__(self, key: str) -> Path:
        try:
            role = Role(key)
        except ValueError:
            raise KeyError(key) from None
        if role not in self:
            raise KeyError(key)
        return self[role]


def build_tiny_models(root: Path, *, full_size: bool = False, seed: int = 0) -> ModelFolders:
    """Build both folders under ``root``: the translator in ``root/marian-ar-en``, the
    summarizer in ``root/bart-sum``."""
    root = Path(root)
    return ModelFolders({
        Role.MT: build_marian(root / "marian-ar-en", full_size=full_size, seed=seed),
        Role.SUMMARY: build_bart(root / "bart-sum", full_size=full_size, seed=seed)})
