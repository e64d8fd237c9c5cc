"""The docs a new user follows are true (issue 20): section references exist, the operators'
guide activates its environment and sets MTJOB_CACHE where its commands need it, the README's
examples are what its own command and install give, and outputs/ holds nothing of ours."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.inputs.reader import doc_id_for

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
OPERATORS = (REPO / "docs" / "operators.md").read_text(encoding="utf-8")
SBATCH = (REPO / "scripts" / "slurm" / "mtjob-array.sbatch").read_text(encoding="utf-8")
CRON = (REPO / "scripts" / "cron" / "mtjob-nightly.sh").read_text(encoding="utf-8")


def test_readme_sections_named_elsewhere_exist():
    headings = set(re.findall(r"^#+ (.+)$", README, re.M))
    for text in (OPERATORS, SBATCH, CRON):
        for name in re.findall(r'README, "([^"]+)"', text):
            assert name in headings, name


def test_operators_guide_activates_the_venv_and_sets_the_cache():
    commands = re.findall(r"```bash\n(.*?)```", OPERATORS, re.S)
    first = next(i for i, block in enumerate(commands) if re.search(r"^\s*mtjob ", block, re.M))
    before = "".join(commands[:first + 1])
    assert "source ~/mtjob/venv/bin/activate" in before
    sbatch = next(block for block in commands if "sbatch --array" in block)
    assert "MTJOB_CACHE=" in sbatch and "~/mtjob/app/scripts/slurm" in sbatch
    assert "--config configs/" not in OPERATORS  # a path relative to the clone
    assert re.search(r"^#\s+MTJOB_CACHE\s", SBATCH, re.M)


def test_the_readme_json_example_has_its_commands_doc_id():
    command = re.search(r"mtjob run (\S+) --out outputs/", README).group(1)
    inputs = sorted((REPO / command).glob("*.txt"))
    assert [doc_id_for(p) for p in inputs] == ["article.ar"]
    assert re.findall(r'^\{"doc_id": "([^"]+)"', README, re.M) == ["article.ar", "article.ar"]


def test_the_readme_models_check_example_is_what_its_install_gives(tiny_models):
    pytest.importorskip("ctranslate2")
    block = re.search(r"\$ mtjob models check --mt-model .*?```", README, re.S).group(0)
    result = CliRunner().invoke(app, ["models", "check", "--mt-model", str(tiny_models["mt"]),
                                      "--sum-model", str(tiny_models["sum"])])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] in block


def test_outputs_holds_nothing_tracked_and_one_machine_installs_without_ray():
    tracked = subprocess.run(["git", "ls-files", "outputs"], cwd=REPO, capture_output=True,
                             text=True).stdout.split()
    assert tracked == []
    assert "pip install -c constraints.txt -e '.[ct2]'" in README  # pinned, no Ray


def test_the_benchmarks_keep_out_of_outputs_and_the_readme_names_what_exists():
    """``mtjob verify --strict outputs/`` passes after the README's run only when nothing else
    writes there: the benchmarks build models under models/bench/, write JSON to docs/bench/."""
    bench = sorted((REPO / "scripts" / "bench").glob("*.py")) + [REPO / "scripts" / "gpu_check.sh"]
    for path in bench:
        text = path.read_text(encoding="utf-8")
        assert '"outputs"' not in text and "outputs/bench" not in text, path
    assert "outputs/bench" not in README and not re.search(r"scripts/bench_\w+\.py", README)
    for name in re.findall(r"docs/bench/[\w.-]+\.json", README):
        assert (REPO / name).is_file(), name
    for module in re.findall(r"python -m (scripts\.bench(?:\.\w+)?)", README):
        path = REPO / Path(*module.split("."))
        assert path.with_suffix(".py").is_file() or (path / "__main__.py").is_file(), module
