"""The docs a new user follows are true: the README (a screen or three: what mtjob is, the two
commands, a tour, where to read next) and the docs site built from docs/ with MkDocs.

The site builds with no warning (every internal link and anchor checked); its generated parts
(the command line, the settings, the exit codes, the layout) cover every command, setting,
code and package; the bench JSON and modules the pages cite exist; a script's or module's
reference to a docs section names one that exists; the operations guide activates its
environment; and outputs/ holds nothing of ours."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.inputs.reader import doc_id_for

from .conftest import REPO

sys.path.insert(0, str(REPO))
from scripts.docgen import cli, fields, hooks, layout, settings

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = REPO / "docs"
PAGES = {p.name: p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))}
SETUP = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
SBATCH = (REPO / "scripts" / "slurm" / "mtjob-array.sbatch").read_text(encoding="utf-8")
CRON = (REPO / "scripts" / "cron" / "mtjob-nightly.sh").read_text(encoding="utf-8")


def _prose(text: str) -> str:
    """``text`` without its fenced code blocks."""
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def _slug(heading: str) -> str:
    """The anchor Python-Markdown's ``toc`` (MkDocs' default) gives a heading."""
    text = unicodedata.normalize("NFKD", re.sub(r"[`*]", "", heading))
    text = re.sub(r"[^\w\s-]", "", text.encode("ascii", "ignore").decode()).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _anchors(page: str) -> set[str]:
    return {_slug(h) for h in re.findall(r"^#+ (.+)$", _prose(page), re.M)}


# The README ------------------------------------------------------------------------------

def test_the_readme_fits_a_screen_or_three_and_speaks_to_a_reader():
    lines = README.splitlines()
    assert len(lines) < 250
    assert [line for line in _prose(README).splitlines() if len(line) > 100] == []
    for text in [README, *PAGES.values()]:
        assert not re.search(r"\bissues? \d+", text, re.I)
        assert "this workplace" not in text and "this task" not in text


def test_the_readme_gives_the_two_commands_and_its_links_exist():
    assert "bash scripts/setup.sh" in README and "bash scripts/test.sh" in README
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README):
        if not target.startswith(("http://", "https://")):
            assert (REPO / target).exists(), target
    for page in re.findall(r"\]\(docs/([\w-]+\.md)", README):
        assert page in PAGES, page


def test_setup_runs_the_sample_whose_doc_id_the_examples_show():
    command = re.search(r"^mtjob run (\S+) --out outputs/", SETUP, re.M).group(1)
    assert [doc_id_for(p) for p in sorted((REPO / command).glob("*.txt"))] == ["article.ar"]
    assert re.findall(r'^\{"doc_id": "([^"]+)"', PAGES["output.md"], re.M) == ["article.ar"] * 2
    assert "pip_pinned \"torch==" in SETUP and "-c constraints.txt" in SETUP


# The site ----------------------------------------------------------------------------------

def test_the_site_builds_strict_with_every_link_checked(tmp_path):
    """``mkdocs build --strict``: a broken link or anchor, a page outside the nav, a docstring
    griffe cannot read or a generator's error fails it (``mkdocs.yml``: ``validation``)."""
    for module in ("mkdocs", "material", "mkdocstrings_handlers.python"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            pytest.skip(f"{module} is not installed: pip install -c constraints.txt -e '.[docs]'")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(site)], cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "WARNING" not in done.stderr, done.stderr
    built = {name: (site / name / "index.html").read_text(encoding="utf-8")
             for name in ("cli", "configuration", "design", "output")}
    for path in cli.commands():
        assert f"Usage: mtjob {' '.join(path)}".rstrip() in built["cli"], path
    for name in settings_fields():
        assert f"<code>{name}</code>" in built["configuration"], name
    assert "mtjob/" in built["design"] and "outfolder/" in built["design"]
    from mtjob.errors import EXIT_CODES

    for code in EXIT_CODES:
        assert f"<code>{code}</code>" in built["output"], code
    from mtjob.outfolder.finished import FinishedSentence
    from mtjob.outfolder.schema import keys

    for name, _ in keys(FinishedSentence):
        assert f"<td><code>{name}</code></td>" in built["output"], name


def settings_fields() -> list[str]:
    from mtjob.config import FIELDS

    return list(FIELDS)


def test_every_marker_has_its_generator_and_every_generator_a_page():
    used = [m for text in PAGES.values() for m in hooks.MARKER.findall(text)]
    assert sorted(used) == sorted(hooks.GENERATORS)
    with pytest.raises(ValueError, match="unknown marker <!-- gen:nope -->"):
        hooks.render("<!-- gen:nope -->", "x.md")


def test_the_cli_reference_is_every_commands_help():
    paths = cli.commands()
    from mtjob.commands import COMMANDS

    assert {p[0] for p in paths if p} == set(COMMANDS)
    assert {("models", "stage"), ("memory", "add")} <= set(paths)
    text = cli.reference()
    for path in paths:
        assert cli.command_help(path) in text
    assert "## mtjob run\n" in text and "### mtjob models stage\n" in text


def test_the_settings_and_layout_references_cover_everything():
    text = settings.reference()
    for name in settings_fields():
        assert f"| `{name}` | `--{name.replace('_', '-')}" in text, name
    tree = layout.layout()
    for package in (REPO / "mtjob").iterdir():
        if (package / "__init__.py").is_file():
            assert f"  {package.name}/" in tree, package.name
    for module in (REPO / "mtjob").glob("*.py"):
        assert module.name == "__init__.py" or f"  {module.name}" in tree, module.name


def test_the_field_tables_are_every_key_of_the_records_declaration():
    """docs/output.md's tables of a JSONL line, its sentences and the abstract are made from
    ``mtjob.outfolder.finished``: every key declared is a row, with its type in words."""
    from mtjob.outfolder.finished import FinishedParagraph, FinishedSentence
    from mtjob.outfolder.finished_abstract import FinishedAbstract
    from mtjob.outfolder.schema import keys

    for make, cls in ((fields.paragraph, FinishedParagraph), (fields.sentence, FinishedSentence),
                      (fields.abstract, FinishedAbstract)):
        rows = make().splitlines()[2:]
        assert [row.split(" | ")[0] for row in rows] == [f"| `{name}`" for name, _ in keys(cls)]
        assert all(row.count(" | ") == 3 for row in rows), cls  # no | breaks a row
    sentence = fields.sentence()
    assert "| `flags` | array of strings | always |" in sentence
    assert "| `score` | number or null | optional |" in sentence
    assert "| `review` | `edited` \\| `confirmed` | optional |" in sentence
    assert "| `source_sha256` | a sha256 hex digest | always |" in fields.abstract()
    for name in ("fields-paragraph", "fields-sentence", "fields-abstract"):
        assert f"<!-- gen:{name} -->" in PAGES["output.md"]


def test_every_page_names_the_readme_sections_it_took_over():
    """The lead ports README additions of other branches into the page that took over the
    section: each page's first line names them."""
    for name, text in PAGES.items():
        assert text.startswith("<!-- from README: "), name


def test_references_to_a_docs_section_name_one_that_exists():
    """``docs/PAGE.md, "Heading"`` in scripts, configs, the package and the tests, and links
    between pages (the build checks those too, but this says which file holds a stale one).
    The README has no sections left to point at: no file cites one by its heading, and the
    package, whose messages, help and docstrings people read, never sends anyone to the
    README."""
    files = [*REPO.glob("scripts/**/*"), *REPO.glob("configs/*.toml"), *REPO.glob("mtjob/**/*.py"),
             *REPO.glob("tests/**/*.py"), REPO / "README.md", *DOCS.glob("*.md")]
    seen = 0
    for path in (p for p in files if p.is_file() and p.suffix in (".py", ".sh", ".toml", ".md",
                                                                     ".sbatch")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'README, "?[A-Z]', text), path
        if path.suffix != ".md":  # the pages' first lines name the README sections they took
            assert not re.search(r"README(?:'s|:) \"?[A-Z]", text), path
        if path.relative_to(REPO).parts[0] == "mtjob":
            assert not re.search(r"\bREADME\b", text), path
        for page, heading in re.findall(r'docs/([a-z][\w-]*\.md), "([^"]+)"', text):
            seen += 1
            assert page in PAGES, (path, page)
            assert heading in re.findall(r"^#+ (.+)$", PAGES[page], re.M), (path, heading)
    assert seen
    for name, text in PAGES.items():
        for page, anchor in re.findall(r"\]\(([\w-]+\.md)?#([\w-]+)\)", text):
            assert anchor in _anchors(PAGES[page or name]), (name, page, anchor)


def test_the_models_check_example_is_what_the_setup_gives(tiny_models):
    pytest.importorskip("ctranslate2")
    block = re.search(r"\$ mtjob models check --mt-model .*?```", PAGES["models.md"],
                      re.S).group(0)
    result = CliRunner().invoke(app, ["models", "check", "--mt-model", str(tiny_models["mt"]),
                                      "--sum-model", str(tiny_models["sum"])])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] in block


def test_the_operations_guide_activates_the_venv_and_sets_the_cache():
    page = PAGES["operations.md"]
    commands = re.findall(r"```bash\n(.*?)```", page, re.S)
    first = next(i for i, block in enumerate(commands) if re.search(r"^\s*mtjob ", block, re.M))
    assert "source ~/mtjob/venv/bin/activate" in "".join(commands[:first + 1])
    sbatch = next(block for block in commands if "sbatch --array" in block and "MTJOB_CACHE=" in
                  block)
    assert "~/mtjob/app/scripts/slurm" in sbatch
    assert "--config configs/" not in page  # a path relative to the clone
    assert re.search(r"^#\s+MTJOB_CACHE\s", SBATCH, re.M)


def test_outputs_holds_nothing_tracked_and_one_machine_installs_without_ray():
    tracked = subprocess.run(["git", "ls-files", "outputs"], cwd=REPO, capture_output=True,
                             text=True).stdout.split()
    assert tracked == []
    assert "pip install -c constraints.txt -e '.[ct2]'" in PAGES["getting-started.md"]
    assert 'EXTRAS=${EXTRAS:-ct2}' in SETUP  # no Ray unless asked for


def test_the_benchmarks_keep_out_of_outputs_and_the_docs_name_what_exists():
    """``mtjob verify --strict outputs/`` passes after the sample run only when nothing else
    writes there: the benchmarks build models under models/bench/, write JSON to docs/bench/."""
    bench = sorted((REPO / "scripts" / "bench").glob("*.py")) + [REPO / "scripts" / "gpu_check.sh"]
    for path in bench:
        text = path.read_text(encoding="utf-8")
        assert '"outputs"' not in text and "outputs/bench" not in text, path
    for text in [README, *PAGES.values()]:
        assert "outputs/bench" not in text and not re.search(r"scripts/bench_\w+\.py", text)
        for name in re.findall(r"(?:docs/)?(bench/[\w.-]+\.json)", text):
            assert (DOCS / name).is_file(), name
        for module in re.findall(r"python -m (scripts\.bench(?:\.\w+)?)", text):
            path = REPO / Path(*module.split("."))
            assert path.with_suffix(".py").is_file() or (path / "__main__.py").is_file(), module
