"""Regenerate the README's Layout section from the tree: every package of ``mtjob/`` with the
first line of its ``__init__`` docstring (its face) and its members, each top-level module with
the first sentence of its docstring, and the scripts. ``--check`` exits 1 when the README is
stale (a test runs it)."""

from __future__ import annotations

import ast
import re
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.readme_cli import README, update

ROOT = README.parent
WIDTH, NAME = 100, 24
MARKERS = re.compile(r"(<!-- layout:tree -->\n)(?:.*?\n)?(<!-- /layout:tree -->)", re.S)


def purpose(path: Path, whole_line: bool = False) -> str:
    """The first line (a package's face) or first sentence (a module) of a docstring."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    if whole_line:
        return doc.splitlines()[0].strip() if doc else ""
    text = " ".join(doc.split("\n\n")[0].split())
    match = re.search(r"(?<![.\w]\w)[.!?](?=\s|$)", text)  # not "e.g." or "U.S."
    return text[:match.end()] if match else text


def line(name: str, text: str, depth: int) -> list[str]:
    head = "  " * depth + name
    width = max(NAME, len(head) + 2) if name else 2 * depth
    body = textwrap.wrap(text, WIDTH - width) or [""]
    return [head.ljust(width) + body[0]] + [" " * width + rest for rest in body[1:]]


def members(folder: Path) -> str:
    """A package's modules and subpackages, by name."""
    return ", ".join(p.stem + ("/" if p.is_dir() else "")
                     for p in sorted(folder.iterdir(), key=lambda p: (p.is_dir(), p.name))
                     if p.suffix == ".py" and not p.name.startswith("__")
                     or p.is_dir() and not p.name.startswith(("_", ".")))


def package(folder: Path, depth: int) -> list[str]:
    """A package's face, its members by name, then each subpackage the same way."""
    out = line(folder.name + "/", purpose(folder / "__init__.py", whole_line=True), depth)
    out += line("", members(folder), depth + 1)
    for sub in sorted(p for p in folder.iterdir() if (p / "__init__.py").is_file()):
        out += package(sub, depth + 1)
    return out


def top() -> list[str]:
    """``mtjob/``: its face, each top module with its first sentence, then the packages."""
    folder = ROOT / "mtjob"
    out = line("mtjob/", purpose(folder / "__init__.py", whole_line=True), 0)
    for path in sorted(folder.glob("*.py")):
        if path.name != "__init__.py":
            out += line(path.name, purpose(path), 1)
    for sub in sorted(p for p in folder.iterdir() if (p / "__init__.py").is_file()):
        out += package(sub, 1)
    return out


def scripts() -> list[str]:
    folder = ROOT / "scripts"
    out = line("scripts/", "benchmarks, README generators, CI, cron and Slurm helpers", 0)
    out += line("", members(folder) + ", " + ", ".join(
        sorted(p.name for p in folder.glob("*.sh"))), 1)
    bench = folder / "bench"
    return out + line("bench/", purpose(bench / "__init__.py", whole_line=True), 1) \
        + line("", members(bench), 2)


def layout() -> str:
    tests = ("tests/", "one folder per package (tests/outfolder/test_manifest.py, ...); theme "
             "suites at the top (test_process, test_golden, test_log_forgery, ...)")
    lines = top() + scripts() + line(*tests, 0)
    return "```text\n" + "\n".join(s.rstrip() for s in lines) + "\n```"


def render(text: str) -> str:
    if not MARKERS.search(text):
        raise SystemExit("README.md lacks the <!-- layout:tree --> markers")
    return MARKERS.sub(lambda m: m.group(1) + layout() + "\n" + m.group(2), text)


def main() -> int:
    return update(render, "Layout", "readme_layout.py")


if __name__ == "__main__":
    sys.exit(main())
