"""The layout page's tree, from the tree itself: every package of ``mtjob/`` with the first line
of its ``__init__`` docstring (its face) and its members, each top-level module with the first
sentence of its docstring, and the scripts."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDTH, NAME = 100, 24


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
    out = line("scripts/", "the set-up and test commands, benchmarks, the docs' generators, CI, "
               "cron and Slurm helpers", 0)
    out += line("", members(folder) + ", " + ", ".join(
        sorted(p.name for p in folder.glob("*.sh"))), 1)
    for sub in ("bench", "docgen"):
        out += line(sub + "/", purpose(folder / sub / "__init__.py", whole_line=True), 1)
        out += line("", members(folder / sub), 2)
    return out


def layout() -> str:
    """The whole tree, in a text block."""
    tests = ("tests/", "one folder per package (tests/outfolder/test_manifest.py, ...); theme "
             "suites at the top (test_process, test_golden, test_log_forgery, ...)")
    lines = top() + scripts() + line(*tests, 0)
    return "```text\n" + "\n".join(s.rstrip() for s in lines) + "\n```\n"
