"""Shortlists in use, on both backends and the tiny real models: the vocabulary map written
and read by CTranslate2, the transformers output projection restricted alike, the outputs'
record of it, and the refusal of a shortlist built for another model."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mtjob.backends.base import GenOptions
from mtjob.backends.shortlist.tokens import ModelVocabulary
from mtjob.backends.shortlist.vmap import vmap_bytes
from mtjob.backends.store.hub import resolve_model
from mtjob.choices import Backend, Device
from mtjob.cli import app
from mtjob.config import JobConfig
from mtjob.errors import ConfigError

pytest.importorskip("ctranslate2")
BACKENDS = ["ctranslate2", "transformers"]
SAMPLE = Path(__file__).resolve().parents[3] / "examples" / "article.ar.txt"


def cli(*args: object) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def sentences(out: Path) -> list[str]:
    return [s["en"] for path in sorted(out.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()
            for s in json.loads(line)["sentences"]]


def abstract(out: Path) -> dict:
    [path] = out.glob("*.abstract.json")
    return json.loads(path.read_text(encoding="utf-8"))


def vocabulary(model: Path) -> str:
    return ModelVocabulary(resolve_model(str(model), None, None, False)).hash


@pytest.fixture(scope="module")
def other_marian(tmp_path_factory) -> Path:
    """A tiny Marian with another vocabulary (its sentencepiece models learned elsewhere)."""
    from mtjob.testing.seed_text import EN_SEED
    from mtjob.testing.tiny_models import build_marian

    corpus = "\n".join(["قال المتحدث إن المحادثات مستمرة في العاصمة.",
                        "وأضاف أن الوزير سيزور المدينة غدا."] * 3) + "\n" + EN_SEED
    return build_marian(tmp_path_factory.mktemp("other") / "marian-ar-en", corpus=corpus)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_shortlist_built_from_a_run_keeps_the_dictionary_models_output(
        tiny_models, tiny_args, sample_inbox, tmp_path, backend):
    args = [*tiny_args, "--backend", backend, "--no-summary", "--no-retry-degenerate"]
    assert cli("run", sample_inbox, "--out", tmp_path / "full", *args).exit_code == 0
    built = cli("models", "shortlist", tmp_path / "full", "--mt-model", tiny_models["mt"],
                "-o", tmp_path / "sl.txt", "--quiet")
    assert built.exit_code == 0 and built.stdout.strip().endswith("sl.txt")
    assert cli("run", sample_inbox, "--out", tmp_path / "short", *args, "--shortlist",
               tmp_path / "sl.txt").exit_code == 0
    # The tiny model maps each source piece to one target piece: its own output is covered.
    assert sentences(tmp_path / "short") == sentences(tmp_path / "full")
    sha = hashlib.sha256((tmp_path / "sl.txt").read_bytes()).hexdigest()
    meta = abstract(tmp_path / "short")
    assert meta["settings"]["shortlist_sha256"] == sha and meta["models"]["mt"]["shortlist"] == sha
    assert "shortlist_sha256" not in abstract(tmp_path / "full")["settings"]
    assert "shortlist" not in abstract(tmp_path / "full")["models"]["mt"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_narrow_shortlist_restricts_what_the_decoder_can_emit(tiny_models, tmp_path,
                                                                backend):
    from mtjob.backends import make_translator

    path = tmp_path / "narrow.txt"
    path.write_bytes(vmap_bytes(vocabulary(tiny_models["mt"]), ["▁Aleppo", "▁Kerry"], {}))
    texts = [p for p in SAMPLE.read_text(encoding="utf-8").split("&") if p.strip()][:3]
    config = JobConfig(mt_model=str(tiny_models["mt"]), backend=Backend(backend), device=Device.CPU,
                       shortlist=str(path))
    hyps = make_translator(config).translate(texts, GenOptions(beams=2, max_new_tokens=20))
    words = {w for h in hyps for w in h.text.split()}
    assert words and words <= {"Aleppo", "Kerry"}
    free = make_translator(JobConfig(mt_model=str(tiny_models["mt"]), backend=Backend(backend),
                                     device=Device.CPU))
    unrestricted = free.translate(texts, GenOptions(beams=2, max_new_tokens=20))
    assert {w for h in unrestricted for w in h.text.split()} - {"Aleppo", "Kerry"}


def test_ctranslate2_reads_the_shortlist_as_the_models_vmap_txt(tiny_models, tmp_path):
    from mtjob.backends.ct2 import CTranslate2Translator, cache_root

    path = tmp_path / "sl.txt"
    path.write_bytes(vmap_bytes(vocabulary(tiny_models["mt"]), ["▁Aleppo"], {}))
    translator = CTranslate2Translator(JobConfig(mt_model=str(tiny_models["mt"]),
                                                 backend=Backend.CTRANSLATE2, device=Device.CPU,
                                                 shortlist=str(path)))
    translator.translate(["قال"], GenOptions(beams=1, max_new_tokens=5))
    [folder] = (cache_root() / "ct2-vmap").iterdir()
    assert (folder / "vmap.txt").read_bytes() == path.read_bytes()
    [converted] = [p for p in (cache_root() / "ct2").iterdir() if p.is_dir()]
    assert (folder / "model.bin").stat().st_ino == (converted / "model.bin").stat().st_ino
    assert translator.info()["shortlist"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", ["run", "translate"])
def test_a_shortlist_built_for_another_model_is_refused(tiny_models, tiny_args, other_marian,
                                                        sample_inbox, tmp_path, command):
    path = tmp_path / "other.txt"
    path.write_bytes(vmap_bytes(vocabulary(other_marian), ["▁Aleppo"], {}))
    assert vocabulary(other_marian) != vocabulary(tiny_models["mt"])
    if command == "run":
        result = cli("run", sample_inbox, "--out", tmp_path / "out", *tiny_args,
                     "--shortlist", path)
    else:
        result = cli("translate", "قال", "--mt-model", tiny_models["mt"], "--shortlist", path)
    assert result.exit_code == 2
    [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
    assert "other.txt was built for another model" in line and "mtjob models shortlist" in line
    assert not list((tmp_path / "out").glob("*.jsonl")) if command == "run" else True


def test_auto_finds_the_shortlist_built_into_the_cache(tiny_models, tiny_args, sample_inbox,
                                                       tmp_path):
    args = [*tiny_args, "--no-summary", "--no-retry-degenerate", "--backend", "ctranslate2"]
    first = cli("run", sample_inbox, "--out", tmp_path / "a", *args, "--shortlist", "auto")
    assert first.exit_code == 0  # none built yet: the full vocabulary, and a warning
    assert "shortlist_sha256" not in abstract(tmp_path / "a")["settings"]
    assert "no shortlist built for" in first.stderr
    built = cli("models", "shortlist", tmp_path / "a", "--mt-model", tiny_models["mt"])
    assert built.exit_code == 0
    stored = Path(built.stdout.strip())
    assert stored.name.startswith("marian-ar-en--local-sha256_") and stored.is_file()
    assert cli("run", sample_inbox, "--out", tmp_path / "a", *args, "--shortlist",
               "auto").exit_code == 0  # its settings changed: the article is redone
    sha = hashlib.sha256(stored.read_bytes()).hexdigest()
    assert abstract(tmp_path / "a")["settings"]["shortlist_sha256"] == sha


def test_building_needs_something_to_count(tiny_models, tmp_path):
    result = cli("models", "shortlist", "--mt-model", tiny_models["mt"])
    assert result.exit_code == 2 and "give finished output folders" in result.stderr
    (tmp_path / "c.tsv").write_text("قال\tsaid\nbad line\n", encoding="utf-8")
    result = cli("models", "shortlist", "--mt-model", tiny_models["mt"], "--corpus",
                 tmp_path / "c.tsv", "-o", tmp_path / "sl.txt")
    assert result.exit_code == 2 and "c.tsv: line 2" in result.stderr
    (tmp_path / "c.tsv").write_text("قال الوزير\tthe minister said\n", encoding="utf-8")
    result = cli("models", "shortlist", "--mt-model", tiny_models["mt"], "--corpus",
                 tmp_path / "c.tsv", "-o", tmp_path / "sl.txt")
    assert result.exit_code == 0
    assert "▁said" in (tmp_path / "sl.txt").read_text(encoding="utf-8")


def test_a_shortlist_of_tokens_the_model_lacks_is_refused_and_a_few_are_named(
        tiny_models, tmp_path, caplog):
    from mtjob.backends.shortlist.locate import load_shortlist

    source = resolve_model(str(tiny_models["mt"]), None, None, False)
    none = tmp_path / "none.txt"
    none.write_bytes(vmap_bytes(vocabulary(tiny_models["mt"]), ["▁NoSuchPiece1"],
                                {"x": ["▁NoSuchPiece2"]}))
    with pytest.raises(ConfigError, match="none of its 2 target tokens"):
        load_shortlist(str(none), source)
    some = tmp_path / "some.txt"
    some.write_bytes(vmap_bytes(vocabulary(tiny_models["mt"]), ["▁Aleppo", "▁NoSuchPiece1"], {}))
    assert load_shortlist(str(some), source) is not None
    assert "1 of its 2 target tokens are not in" in caplog.text
