"""The quick path starts light (issue 23, item 1): ``mtjob CMD`` imports and builds ``CMD``
alone, option values need no pydantic, and the translator's weights load once. Timings are in
``python -m scripts.bench.quick``, not here."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.commands import plain_values

from .conftest import REPO

HEAVY = ("pydantic", "numpy", "torch", "transformers", "ray", "tqdm", "rich",
         "importlib.metadata", "click")
OTHER_COMMANDS = ("mtjob.commands.run", "mtjob.commands.verify", "mtjob.commands.export",
                  "mtjob.commands.evaluate", "mtjob.commands.models")


def imported_by(*argv: str) -> set[str]:
    code = ("import sys\nfrom mtjob.cli import main\nsys.argv = ['mtjob', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(' '.join(sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    return set(done.stderr.split()[-1000:])


@pytest.mark.parametrize("argv", [("translate", "--help"), ("--help",), ("run", "--help")])
def test_the_cli_imports_nothing_it_does_not_use(argv):
    modules = imported_by(*argv)
    assert "mtjob.cli" in modules
    assert sorted(m for m in HEAVY if m in modules) == []
    if argv[0] == "translate":
        assert sorted(m for m in OTHER_COMMANDS if m in modules) == []


def test_every_command_is_still_listed():
    result = CliRunner().invoke(app, ["--help"])
    for name in ("run", "translate", "verify", "export", "eval", "models"):
        assert f"\n  {name} " in result.output


ARGS = [["--beams", "2", "--max-length-factor", "1.25", "--backend", "ctranslate2",
         "--no-retry-degenerate", "--min-score", "-2", "--cache-dir", "x"],
        ["--beams", "+3", "--threads", "1", "--max-length-factor", ".5e1"]]


@pytest.mark.parametrize("args", ARGS)
def test_plain_values_are_typer_values(args, monkeypatch):
    """The same settings with and without the plain conversion."""
    seen = []
    monkeypatch.setattr("mtjob.api.Pipeline.__init__",
                        lambda self, config: seen.append(config) or _stop())
    for plain in (True, False):
        if not plain:
            monkeypatch.setattr(plain_values, "install", lambda params: None)
        result = CliRunner().invoke(app, ["translate", *args, "قال"])
        assert result.exit_code == 9, result.output
    assert len(seen) == 2 and seen[0] == seen[1]


@pytest.mark.parametrize("args", [["--beams", "two"], ["--backend", "fast"],
                                  ["--max-length-factor", "1,5"], ["--beams", "1.5"]])
def test_bad_values_read_as_typer_words_them(args, monkeypatch):
    plain = CliRunner().invoke(app, ["translate", *args, "x"])
    monkeypatch.setattr(plain_values, "install", lambda params: None)
    typer_way = CliRunner().invoke(app, ["translate", *args, "x"])
    assert plain.exit_code == typer_way.exit_code == 2
    assert plain.output == typer_way.output and "Invalid value" in plain.output


def _stop():
    import typer

    raise typer.Exit(9)


def test_the_translator_loads_once(tiny_models, monkeypatch):
    """Two calls, one load of the weights, and no summarizer looked for."""
    import ctranslate2

    import mtjob

    loads = []
    real_translator = ctranslate2.Translator

    def translator(*args, **kwargs):
        loads.append(args[0])
        return real_translator(*args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", translator)
    pipe = mtjob.Pipeline(mt_model=str(tiny_models["mt"]), beams=1, backend="ctranslate2")
    first = pipe.translate(["قال الوزير إن المحادثات مستمرة."])
    assert pipe.translate(["قال الوزير إن المحادثات مستمرة."]) == first
    assert len(loads) == 1 and "marian-ar-en" in loads[0]
