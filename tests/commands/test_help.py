"""Every command's help reads like ``run``'s (issue 20): plain type names (PATH, TEXT,
[a|b]), never Python's (``<list[Path]>``, ``<str>``) or a ``{out}`` placeholder, and every
option and argument described."""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.testing import CliRunner

from mtjob.cli import app


def every_command() -> list[list[str]]:
    """Every command of the app, each subcommand of a group (``models stage``...)."""
    import typer.main

    def walk(command: Any, path: list[str]) -> list[list[str]]:
        if hasattr(command, "commands"):  # a group (typer's own click: no isinstance)
            return [found for name, sub in sorted(command.commands.items())
                    for found in walk(sub, [*path, name])]
        return [path]

    return walk(typer.main.get_command(app), [])


COMMANDS = every_command()


def test_every_command_is_checked():
    assert {"run", "translate", "import", "export", "verify", "eval"} <= {
        c[0] for c in COMMANDS}
    assert ["memory", "add"] in COMMANDS and ["models", "stage"] in COMMANDS


def rows(text: str) -> list[list[str]]:
    """The lines of each option or argument row (a row and its wrapped continuation)."""
    found: list[list[str]] = []
    section = False
    for line in text.splitlines():
        if re.match(r"^[A-Z][\w ]*:$", line):  # "Options:", "Arguments:", "Models:"...
            section = True
        elif section and re.match(r"^  \S", line):
            found.append([line])
        elif section and found and line.strip():
            found[-1].append(line)
    return found


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_is_plain_and_complete(command):
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    usage = result.output.splitlines()[0]
    assert not re.search(r"[{}<>]", usage), usage
    found = rows(result.output)
    assert found, result.output
    for row in found:
        names = re.split(r"\s{2,}", row[0].strip())[0]
        assert not re.search(r"[{}<>]", names), row
        assert len(re.split(r"\s{2,}", row[0].strip())) > 1 or len(row) > 1, \
            f"no description: {row}"


def test_verify_json(tmp_path, sample_inbox, tiny_args):
    import json

    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["run", str(sample_inbox), "--out", str(out),
                                    *tiny_args]).exit_code == 0
    result = CliRunner().invoke(app, ["verify", str(out), "--json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report == {"folder": str(out), "ok": True, "errors": [], "warnings": [],
                      "articles": {"done": 1}}
    (out / "article.jsonl").write_text("")
    result = CliRunner().invoke(app, ["verify", str(out), "--json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and not report["ok"] and report["errors"]


def test_verify_json_names_an_odd_folder_as_it_is(tmp_path):
    """The folder is the path itself (not a quoted, escaped display form), and a bidi or
    line-separator character in it is a JSON escape, so no reader splits or flips the line."""
    import json

    from mtjob.testing.output_folder import sentence, write_finished

    out = tmp_path / "x\u202ey\u2028z"
    write_finished(out, "a", [[sentence("نعم", "Yes")]])
    result = CliRunner().invoke(app, ["verify", str(out), "--json"])
    assert "\u202e" not in result.stdout and "\u2028" not in result.stdout
    assert json.loads(result.stdout)["folder"] == str(out)
