"""The light tokenizers (sentencepiece / ``tokenizers`` directly, no transformers import)
against the transformers tokenizers they stand in for: ids, token strings, decoded text,
special tokens and limits, on a corpus chosen to break them; and the folders they refuse."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mtjob.backends.store.hub import ModelSource
from mtjob.backends.tokenizers.marian_spm import split_on
from mtjob.backends.tokenizers.tokenizer import (
    HFTokenizer,
    ModelTokenizer,
    load_light_tokenizer,
    load_tokenizer,
)

from ...conftest import REPO, SAMPLE

#: The full-size bench models (python -m scripts.bench.prepare builds them there), when present.
BENCH = Path(os.environ.get("MTJOB_BENCH_MODELS", REPO / "models" / "bench")) \
    / "bench-v2"
#: The full-size tc-big model (python -m scripts.bench.prepare_big builds it there), when present.
BENCH_BIG = BENCH.parent / "bench-v2-big" / "marian-tc-big"
#: The command that builds each bench model (into models/bench/, a few GB), run from the repo.
MAKE_BENCH = {"mt-bench": "python -m scripts.bench.prepare",
              "sum-bench": "python -m scripts.bench.prepare",
              "mt-big-bench": "python -m scripts.bench.prepare_big"}
ARTICLE = SAMPLE.read_text(encoding="utf-8")


def nasty_texts() -> list[str]:
    paragraphs = [p.strip() for p in re.split(r"\n&\n|\n", ARTICLE) if p.strip()]
    rng = random.Random(7)
    alphabet = "ab عربي ٠١٢ َُِّ ـ\u200d\u200c\u200f\u202b\u202c<>/s\t\n😀ﻻ"
    return paragraphs + [
        "", " ", "   ", "\t", "\n\n", "\r\n", "\u00a0", "\u3000", "  leading", "trailing  ",
        "multiple   inner    spaces", "tab\tand\nnewline\r\nmix",
        "مُحَمَّدٌ رَسُولُ", "العـــــربية", "كل\u200dمة و\u200cكلمة", "\u200fنص\u200e \u202bمضمن\u202c",
        "\u061cعلامة", "ﻻ ﷲ ﺑﺴﻢ", "١٢٣٤٥ ۱۲۳ 12345 3.14 1,000,000", "Latin and عربي mixed 2016",
        "emoji 😀👍🏽 👨‍👩‍👧 🇸🇾 ✓", "中文 日本語 한국어", "\x01ctrl\x7f\u0085",
        "</s>", "<unk>", "<pad>", "<s>", "<mask>", "</s></s>", "<</s>>", "<unk<pad>>",
        "نص </s> ثم <unk> ثم <pad> آخر", "<pad>بداية", "نهاية<unk>", ">>en<<", ">>en<< Hello",
        ">>ara<<مرحبا", ">><<", ">>", "<<", "x >>en<< y", "</s>>>en<< after a special",
        ">>en<</s>", "Hello , world . It 's n't ' s ?", "<s>summary</s> <mask> text",
        " ".join([ARTICLE.replace("\n&\n", " ")] * 4),  # thousands of tokens, never cut
    ] + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40))) for _ in range(60)]


def local(folder: Path) -> ModelSource:
    """A folder as a resolved model, without hashing its weights."""
    return ModelSource(str(folder), folder, "test", True)


def outcome(fn: Callable[[Any], Any], arg: Any) -> Any:
    try:
        return ("ok", fn(arg))
    except Exception as exc:
        return ("error", type(exc).__name__)


def mismatches(light: Any, hf: Any, texts: list[str], seed: int = 0) -> list[str]:
    """Every difference between the light tokenizer and transformers' on ``texts`` and on
    random id sequences (special ids among them); empty when they agree."""
    ref, found = HFTokenizer(hf), []

    def same(what: str, mine: Any, theirs: Any) -> None:
        if mine != theirs:
            found.append(f"{what}: {mine!r:.150} != {theirs!r:.150}")

    same("special tokens", light.all_special_tokens, ref.all_special_tokens)
    same("model_max_length", light.model_max_length, ref.model_max_length)
    ref_ids = ref.encode(texts)
    for text, mine, theirs in zip(texts, light.encode(texts), ref_ids, strict=True):
        same(f"ids of {text[:40]!r}", mine, theirs)
    rng, n, specials = random.Random(seed), len(hf), list(hf.all_special_ids)
    rows = list(ref_ids)
    for _ in range(150):
        rows.append([rng.randrange(n) for _ in range(rng.randrange(30))]
                    + rng.sample(specials, rng.randrange(len(specials) + 1)))
        rng.shuffle(rows[-1])
    for row in rows:
        tokens = ref.convert_ids_to_tokens(row)
        same(f"tokens of {row[:8]}", light.convert_ids_to_tokens(row), tokens)
        same(f"decode of {row[:8]}", light.decode(row), ref.decode(row))
        tokens = [t for t in tokens if t is not None] + ["<not-a-token>", "zz"]
        same("ids of tokens", light.convert_tokens_to_ids(tokens),
             ref.convert_tokens_to_ids(tokens))
    for i in specials + [0, n - 1, n, n + 5]:
        same(f"token {i}", outcome(light.id_to_token, i), outcome(ref.id_to_token, i))
    return found


def variants(tiny: dict[str, Path], root: Path) -> dict[str, Path]:
    """The tiny models as built, as transformers saves them, as the hub ships them, and
    with the settings the light tokenizers reproduce rather than ignore."""
    import transformers

    out = dict(tiny)
    for role, path in tiny.items():
        if role == "mt-big":  # saved as it is: the hub's tc-big files are those it builds
            continue
        saved = root / f"{role}-saved"
        cls = transformers.MarianTokenizer if role == "mt" else transformers.RobertaTokenizer
        cls.from_pretrained(str(path)).save_pretrained(str(saved))
        shutil.copy(path / "config.json", saved)
        out[f"{role}-saved"] = saved
    hub = copy(tiny["mt"], root / "mt-hub", {"source_lang": "ar", "target_lang": "en"})
    (hub / "special_tokens_map.json").write_text(json.dumps(
        {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}))
    out["mt-hub"] = hub
    out["mt-cleanup"] = copy(tiny["mt"], root / "mt-cleanup",
                             {"clean_up_tokenization_spaces": True, "model_max_length": None})
    out["sum-prefix"] = copy(tiny["sum"], root / "sum-prefix",
                             {"add_prefix_space": True, "trim_offsets": False,
                              "clean_up_tokenization_spaces": True})
    out["sum-unset"] = copy(tiny["sum"], root / "sum-unset", None)
    for role, name in (("mt", "marian-ar-en"), ("sum", "bart-sum")):
        if (BENCH / name / "config.json").is_file():
            out[f"{role}-bench"] = BENCH / name
    if (BENCH_BIG / "config.json").is_file():
        out["mt-big-bench"] = BENCH_BIG
    return out


def copy(folder: Path, to: Path, tok_config: dict[str, Any] | None) -> Path:
    shutil.copytree(folder, to, ignore=shutil.ignore_patterns("*.safetensors"))
    (to / "tokenizer_config.json").write_text(json.dumps(tok_config or {}))
    return to


@pytest.fixture(scope="module")
def folders(tiny_models, tiny_big, tmp_path_factory) -> dict[str, Path]:
    """Both profiles' translators: opus-mt-ar-en's layout and tc-big's (the quality profile)."""
    named = {"mt": tiny_models["mt"], "sum": tiny_models["sum"], "mt-big": tiny_big}
    return variants(named, tmp_path_factory.mktemp("tok"))


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return nasty_texts()


NAMES = ["mt", "mt-saved", "mt-hub", "mt-cleanup", "mt-bench", "mt-big", "mt-big-bench", "sum",
         "sum-saved", "sum-prefix", "sum-unset", "sum-bench"]


@pytest.mark.parametrize("name", NAMES)
def test_light_tokenizer_matches_transformers(folders, corpus, name):
    if name not in folders:
        pytest.skip(f"no bench model {name} in {BENCH.parent}; build it (full size, a few GB) "
                    f"with: {MAKE_BENCH[name]}")
    source = local(folders[name])
    light = load_light_tokenizer(source.path)
    assert light is not None, f"{name}: the light tokenizer refused the folder"
    hf = load_tokenizer(source)
    assert mismatches(light, hf, corpus) == []
    if hasattr(light, "backend"):  # the very Tokenizer transformers builds
        assert json.loads(light.backend.to_str()) == json.loads(hf.backend_tokenizer.to_str())
    ours, theirs = ModelTokenizer(source), ModelTokenizer(source)
    theirs._core = HFTokenizer(hf)
    tokens = theirs.source_tokens(corpus)
    counts = ours.count_tokens(corpus)
    assert counts == theirs.count_tokens(corpus)
    assert max(counts) > 2 * ours.limit(512)  # the long text, never cut
    assert ours.source_tokens(corpus) == tokens
    assert [ours.decode_tokens(t) for t in tokens] == [theirs.decode_tokens(t) for t in tokens]
    assert ours.special_tokens == theirs.special_tokens
    assert (ours.limit(7), ours.model_max_tokens) == (theirs.limit(7), theirs.model_max_tokens)
    assert ours._hf is None  # the light path never built the transformers tokenizer


def break_marian(light: Any) -> None:
    light._split = re.compile("(</s>)")  # forgets <unk> and <pad> in the text


def break_language_codes(light: Any) -> None:
    light.tokenize = lambda text: [p for c in light._split.split(text) if c for p in (
        [c] if c in light._specials else light.spm.encode(c, out_type=str))]


def break_unk_skip(light: Any) -> None:
    light._special_ids = light._special_ids - {light._unk}


def break_prefix_space(light: Any) -> None:
    from tokenizers import pre_tokenizers

    light.backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)


def break_unknown_token(light: Any) -> None:
    light._unk = 0


@pytest.mark.parametrize("role, mutate", [
    ("mt", break_marian), ("mt", break_language_codes), ("mt", break_unk_skip),
    ("sum", break_prefix_space), ("sum", break_unknown_token)])
def test_the_comparison_catches_a_broken_light_tokenizer(tiny_models, corpus, role, mutate):
    light = load_light_tokenizer(tiny_models[role])
    mutate(light)
    hf = load_tokenizer(local(tiny_models[role]))
    assert mismatches(light, hf, corpus)


def test_the_special_token_split_matches_transformers_trie():
    from transformers.tokenization_python import Trie

    rng = random.Random(3)
    cases = [["</s>", "<unk>", "<pad>"]] * 3000
    while len(cases) < 9000:  # token sets whose first characters occur nowhere else
        tokens = list({"".join(rng.choice("ab<>/") for _ in range(rng.randint(1, 5)))
                       for _ in range(rng.randint(1, 4))})
        if not any(c in {t[0] for t in tokens} for t in tokens for c in t[1:]):
            cases.append(tokens)
    for tokens in cases:
        trie = Trie(tokens)
        text = "".join(rng.choice("<>/sunkpadc ") for _ in range(rng.randrange(30)))
        assert [c for c in split_on(tokens).split(text) if c] == trie.split(text), (tokens, text)


@pytest.mark.parametrize("role, change", [
    ("mt", {"config": {"model_type": "t5"}}),
    ("mt", {"config": {"tokenizer_class": "OtherTokenizer"}}),
    ("mt", {"tok": {"separate_vocabs": True}}),
    ("mt", {"tok": {"auto_map": {"AutoTokenizer": ["x.Tok", None]}}}),
    ("mt", {"tok": {"do_lower_case": True}}),
    ("mt", {"tok": {"bos_token": "<s>"}}),
    ("mt", {"tok": {"unk_token": "<UNK-not-in-vocab>"}}),
    ("mt", {"tok": {"added_tokens_decoder": {"5": {
        "content": ">>en<<", "lstrip": False, "rstrip": False, "single_word": False,
        "normalized": False, "special": True}}}}),
    ("mt", {"file": ("added_tokens.json", {">>en<<": 9999})}),
    ("mt", {"file": ("tokenizer.json", {})}),
    ("mt", {"remove": "source.spm"}),
    ("mt", {"remove": "target.spm"}),
    ("mt", {"remove": "vocab.json"}),
    ("sum", {"tok": {"mask_token": {"content": "<mask>", "lstrip": True}}}),
    ("sum", {"tok": {"add_bos_token": True}}),
    ("sum", {"file": ("special_tokens_map.json", {"additional_special_tokens": ["<x>"]})}),
    ("sum", {"remove": "merges.txt"}),
    ("sum", {"remove": "vocab.json"}),
])
def test_unusual_folders_keep_the_transformers_tokenizer(tiny_models, tmp_path, role, change):
    folder = tmp_path / role
    shutil.copytree(tiny_models[role], folder, ignore=shutil.ignore_patterns("*.safetensors"))
    for key, name in (("config", "config.json"), ("tok", "tokenizer_config.json")):
        if key in change:
            data = json.loads((folder / name).read_text())
            (folder / name).write_text(json.dumps({**data, **change[key]}))
    if "file" in change:
        (folder / change["file"][0]).write_text(json.dumps(change["file"][1]))
    if "remove" in change:
        (folder / change["remove"]).unlink()
    assert load_light_tokenizer(folder) is None


def test_a_missing_bench_model_names_the_command_that_builds_it():
    import importlib.util
    import subprocess
    import sys

    assert set(MAKE_BENCH) == {n for n in NAMES if n.endswith("-bench")}
    for command in set(MAKE_BENCH.values()):
        module = command.split()[-1]
        assert importlib.util.find_spec(module) is not None, command
        shown = subprocess.run([sys.executable, "-m", module, "--help"], cwd=REPO,
                               capture_output=True, text=True, check=False, timeout=60)
        assert shown.returncode == 0 and "Build" in shown.stdout, shown.stdout + shown.stderr
