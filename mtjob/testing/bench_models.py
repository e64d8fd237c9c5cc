"""Full-size benchmark models whose tokenizers behave like the real ones.

The architectures and vocabulary sizes are those of ``Helsinki-NLP/opus-mt-ar-en`` and
``distilbart-cnn-12-6`` (``build_tiny_models(full_size=True)``), so compute matches. What
differs from the tiny builds: the BART byte-level BPE is learned from a large amount of
English found on this machine (licence texts, package copyright files, the docstrings and
comments of Python's standard library) plus the news lines the Marian target vocabulary
comes from, so English costs about as many summarizer tokens per word as
with the real tokenizer, and the summarizer's input length, which decides between one pass
and a hierarchy of chunks, is realistic. Its vocabulary is padded up to the embedding matrix
(the CTranslate2 converter refuses a shorter one); the output bias bans the padding ids, as
the Marian bias bans filler, Arabic and special ids, so both models emit real words.
"""

from __future__ import annotations

import ast
import logging
import re
import sysconfig
from pathlib import Path

from ..vocabulary import Role
from .seed_text import EN_SEED, augment
from .tiny_models import _BART_FULL_VOCAB, ModelFolders, build_bart, build_marian

log = logging.getLogger(__name__)

#: Enough text for a ~50k vocabulary of whole English words.
CORPUS_WORDS = 700_000
_WORDY = re.compile(r"[A-Za-z]")
_COMMENT = re.compile(r"^\s*# (.+)$", re.MULTILINE)


def _license_texts() -> list[str]:
    texts = sorted(Path("/usr/share/common-licenses").glob("*"))
    texts += sorted(Path("/usr/share/doc").glob("*/copyright"))
    out = []
    for path in texts:
        try:
            out.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return out


def _python_prose() -> list[str]:
    """Docstrings of the standard library's top-level modules, then comments of the rest
    (a regex: parsing every file takes minutes on a busy machine)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    out = []
    for path in sorted(root.glob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
            continue
        out += [text for node in ast.walk(tree)
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                     ast.AsyncFunctionDef))
                and (text := ast.get_docstring(node))]
    for path in sorted(root.rglob("*.py")):
        try:
            out.append("\n".join(_COMMENT.findall(path.read_text(encoding="utf-8"))))
        except (UnicodeDecodeError, OSError):
            continue
    return out


def english_corpus(max_words: int = CORPUS_WORDS) -> list[str]:
    """Distinct English lines from this machine's documentation, in a fixed order, up to
    ``max_words`` words (repeated licence paragraphs would skew the merges)."""
    seen: set[str] = set()
    lines: list[str] = []
    words = 0
    for text in _license_texts() + _python_prose():
        for line in text.splitlines():
            line = " ".join(line.split())
            if len(line) < 20 or line in seen or len(_WORDY.findall(line)) < len(line) // 2:
                continue
            seen.add(line)
            lines.append(line)
            words += len(line.split())
            if words >= max_words:
                return lines
    log.warning("only %d words of English found for the bench tokenizer", words)
    return lines


def build_bench_models(root: Path, *, seed: int = 0) -> ModelFolders:
    """Both full-size folders under ``root``, as ``build_tiny_models`` names them."""
    root = Path(root)
    # The news lines the Marian target vocabulary comes from: its output words are known.
    corpus = english_corpus() + augment(EN_SEED, 20, seed)
    log.info("bench BPE: %d lines, %d words", len(corpus), sum(len(c.split()) for c in corpus))
    return ModelFolders({
        Role.MT: build_marian(root / "marian-ar-en", full_size=True, seed=seed),
        Role.SUMMARY: build_bart(root / "bart-sum", full_size=True, seed=seed,
                                 bpe_lines=corpus, bpe_vocab=_BART_FULL_VOCAB)})


def build_bench_big(root: Path, *, seed: int = 0) -> Path:
    """The full-size ``Helsinki-NLP/opus-mt-tc-big-ar-en`` layout (transformer-big: d_model
    1024, 16 heads, FFN 4096, vocabulary 61,109; ~240 M parameters) as ``root/marian-tc-big``:
    the quality profile's translator, for its price against the default one."""
    return build_marian(Path(root) / "marian-tc-big", full_size=True, big=True, seed=seed)
