"""``mtjob run``'s progress on a terminal (``mtjob.commands.progress``): log records are printed
above the bar, never split by it; one bar per stage, its total known when it begins (sentences
to translate, then abstracts to write, per group of articles), units named, an ETA only once
the stage has a rate. Off a terminal: no bar."""

from __future__ import annotations

import fcntl
import io
import logging
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from mtjob.commands.progress import StageBar
from mtjob.config import JobConfig
from mtjob.job import run_shard
from mtjob.testing.fakes import FakeModels

from ..conftest import REPO, SAMPLE

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) \S+: ")


def screen(output: str) -> list[str]:
    """The lines a terminal shows for ``output``: carriage returns overwrite, ANSI cursor-up
    and erase sequences act, the rest of an escape sequence is dropped."""
    rows: list[list[str]] = [[]]
    row = col = 0
    for token in re.findall(r"\x1b\[[0-9;]*[A-Za-z]|.", output.replace("\r\n", "\n"), re.DOTALL):
        if token == "\n":
            row, col = row + 1, 0
            rows += [[] for _ in range(row + 1 - len(rows))]
        elif token == "\r":
            col = 0
        elif token == "\x1b[A":
            row = max(0, row - 1)
        elif token.startswith("\x1b["):
            if token.endswith("K"):
                del rows[row][col:]
        else:
            line = rows[row]
            line.extend(" " * (col + 1 - len(line)))
            line[col] = token
            col += 1
    return ["".join(r).rstrip() for r in rows]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_records_print_above_the_bar_whole():
    stream = Terminal()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers[:], root.level = [handler], logging.INFO
    log = logging.getLogger("mtjob.job")
    try:
        bar = StageBar(stream)
        bar.begin("articles 1-2 of 2: translating", 10, "sentences")
        log.info("first record")
        time.sleep(0.15)  # past the bar's redraw interval
        bar(3)
        log.warning("second record")
        bar(7)
        bar.begin("articles 1-2 of 2: summarizing", 2, "articles")
        bar(2)
        bar.close()
        log.info("after the bar")
    finally:
        root.handlers[:], root.level = saved
    output = stream.getvalue()
    lines = [line for line in screen(output) if line.strip()]
    records = [line for line in lines if "record" in line or "after the bar" in line]
    assert len(records) == 3 and all(LOG_LINE.match(line) for line in records), lines
    assert [r.split(": ", 1)[1] for r in records] == ["first record", "second record",
                                                      "after the bar"]
    assert handler.stream is stream  # closed: the log writes straight to the stream again
    assert "| 0/10 sentences [00:00]" in output  # the total from the start, no ETA yet
    assert re.search(r"\| 3/10 sentences \[00:00, about 00:\d\d left\]", output), output
    assert "| 0/2 articles" in output


def test_a_run_reports_each_stage_with_its_total_before_it_begins(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    paragraphs = [p.strip() for p in SAMPLE.read_text(encoding="utf-8").split("&") if p.strip()]
    for i in range(3):
        (inbox / f"a{i}.txt").write_text("\n&\n".join(paragraphs[i:i + 4]), encoding="utf-8")
    events: list[tuple] = []

    class Recorder:
        def begin(self, stage: str, total: int, unit: str) -> None:
            events.append(("begin", stage, total, unit))

        def __call__(self, steps: int) -> None:
            events.append(("step", steps))

    config = JobConfig(mt_model="fake", sum_model="fake", group_articles=2)
    run_shard(config, [inbox], tmp_path / "out", models=FakeModels(), progress=Recorder())
    stages = [e for e in events if e[0] == "begin"]
    assert [(s[1], s[3]) for s in stages] == [
        ("articles 1-2 of 3: translating", "sentences"), ("articles 1-2 of 3: summarizing",
                                                          "articles"),
        ("articles 3-3 of 3: translating", "sentences"), ("articles 3-3 of 3: summarizing",
                                                          "articles")]
    for at, stage in ((i, e) for i, e in enumerate(events) if e[0] == "begin"):
        following = events[at + 1:]
        end = next((i for i, e in enumerate(following) if e[0] == "begin"), len(following))
        assert sum(e[1] for e in following[:end]) == stage[2] > 0, (stage, events)
    assert stages[1][2] == 2 and stages[3][2] == 1  # abstracts: one per article


def test_on_a_terminal_no_log_line_is_split_by_the_bar(tmp_path: Path, tiny_models):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a", "b"):
        shutil.copy(SAMPLE, inbox / f"{name}.txt")
    args = [sys.executable, "-m", "mtjob", "run", str(inbox), "--out", str(tmp_path / "out"),
            "--mt-model", str(tiny_models["mt"]), "--sum-model", str(tiny_models["sum"]),
            "--beams", "1", "--sum-beams", "1", "--sum-min-length", "5",
            "--sum-max-length", "30", "--batch-tokens", "64"]
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(args, stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert process.wait(timeout=120) == 0
    output = b"".join(chunks).decode("utf-8", "replace")
    assert "sentences" in output and "articles" in output  # a bar was drawn, units named
    logged = [line for line in screen(output) if re.search(r" (INFO|WARNING|ERROR) mtjob", line)]
    assert len(logged) >= 5
    for line in logged:
        assert LOG_LINE.match(line) and "|" not in line.split(": ", 1)[0], line


@pytest.mark.parametrize("flags", [[], ["--quiet"]])
def test_off_a_terminal_there_is_no_bar(tmp_path: Path, tiny_args, flags):
    from typer.testing import CliRunner

    from mtjob.cli import app

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "a.txt")
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(tmp_path / "out"),
                                      *tiny_args[:-1], *flags])
    assert result.exit_code == 0, result.output
    assert "sentences" not in result.output and "%|" not in result.output
