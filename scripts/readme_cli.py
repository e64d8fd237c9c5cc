"""Regenerate the README's CLI excerpts from the real CLI: `mtjob run --help`, `mtjob translate
--help` and the exit code table (`mtjob.errors.EXIT_CODES`). `--check` exits 1 when the
README is stale (a test runs it)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def command_help(command: str) -> str:
    from typer.testing import CliRunner

    from mtjob.cli import app

    os.environ["COLUMNS"] = "100"
    result = CliRunner().invoke(app, [command, "--help"], prog_name="mtjob", terminal_width=100)
    return "```text\n" + result.output.rstrip() + "\n```"


def exit_codes() -> str:
    from mtjob.errors import EXIT_CODES

    rows = "\n".join(f"| `{code}` | {meaning} |" for code, meaning in EXIT_CODES.items())
    return "| exit code | meaning |\n|---|---|\n" + rows


SECTIONS = {"run-help": lambda: command_help("run"),
            "translate-help": lambda: command_help("translate"), "exit-codes": exit_codes}


def _filled(match: re.Match[str], body: str) -> str:
    return match.group(1) + body + "\n" + match.group(2)


def render(text: str) -> str:
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- cli:{name} -->\n)(?:.*?\n)?(<!-- /cli:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md lacks the <!-- cli:{name} --> markers")
        text = pattern.sub(partial(_filled, body=make()), text)
    return text


def update(render: Callable[[str], str], what: str, script: str) -> int:
    """Write the README with ``render``'s sections, or with ``--check`` exit 1 if stale."""
    text = README.read_text(encoding="utf-8")
    fresh = render(text)
    if "--check" in sys.argv[1:]:
        if fresh != text:
            print(f"README.md's {what} is stale: run python scripts/{script}")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


def main() -> int:
    return update(render, "CLI excerpts", "readme_cli.py")


if __name__ == "__main__":
    sys.exit(main())
