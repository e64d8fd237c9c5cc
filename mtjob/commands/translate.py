"""``mtjob translate [TEXT]...``: the quick path for a sentence or a few paragraphs.

Each TEXT, or with none (or ``-``) each line of stdin, is one paragraph; its English goes to
stdout on one line, in order, so output line N answers input line N (an empty input line
gives an empty output line). Only the translation model is resolved and loaded.

Exit codes: 0 translated; 1 an input line that is not UTF-8, or a failed model call; 2 usage,
configuration or model error (no text at all included, a --memory that is not an mtjob memory
or is damaged); 75 another program holds the --memory file's write lock.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from .common import errors, fail, setup_logging
from .options import ConfigFileOption, PanelCommand, config_options

#: Settings of the summarizer, of the files a run writes and of the cluster: not options here.
NOT_FOR_TRANSLATE = (
    "sum_model", "sum_revision", "summary", "sum_beams", "sum_min_length", "sum_max_length",
    "max_file_bytes", "report", "text", "group_articles", "engine", "address", "workers",
    "actor_start_timeout", "gpus_per_worker")

#: Lines per model call when stdin is a file or a pipe (a terminal gets each line at once).
LINES_PER_CALL = 64

#: Characters of TEXT arguments (or a terminal's one line at a time) translated on one thread
#: when --threads is left at 0: the weights load faster on one thread and one sentence
#: decodes no faster on more (docs/performance.md, "The quick path").
SHORT = 2000

HELP_TEXTS = ("Arabic paragraphs, one per argument. None, or -: each line of stdin is one "
              "paragraph.")


@config_options(skip=NOT_FOR_TRANSLATE)
def translate(
    texts: Annotated[list[str] | None, typer.Argument(
        help=HELP_TEXTS, show_default=False, metavar="TEXT")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="One JSON object per line: the paragraph record of the JSONL output "
                       "(English, sentences, scores, flags).")] = False,
    config: ConfigFileOption = None,
    verbose: Annotated[int, typer.Option(
        "--verbose", "-v", count=True, show_default=False,
        help="-v: what runs (stderr); -vv: debug details. Default: warnings only.")] = 0,
    **overrides: Any,
) -> None:
    """English for Arabic text on stdout, one line per input paragraph, in order."""
    setup_logging(max(verbose - 1, 0), quiet=verbose == 0)
    from ..inputs.textinput import chunks, clean_line, stdin_lines
    from ..records import dumps_line

    from_stdin = not texts or texts == ["-"]
    if texts and not from_stdin and "-" in texts:
        raise fail("give TEXT arguments or - (stdin), not both", 2)
    if from_stdin and sys.stdin.isatty():
        typer.echo("Reading Arabic from the terminal, one paragraph per line "
                   "(Ctrl-D to end).", err=True)
    lines = stdin_lines(sys.stdin.buffer) if from_stdin else (
        clean_line(text, number, "TEXT") for number, text in enumerate(texts or [], 1))
    size = 1 if from_stdin and sys.stdin.isatty() else LINES_PER_CALL
    seen = 0  # lines answered
    with errors():
        from ..api import Pipeline
        from ..config import load_config

        overrides["summary"] = False  # the summarizer is never looked for
        cfg = load_config(config, overrides)
        short = sum(map(len, texts or [])) <= SHORT if not from_stdin else size == 1
        if short and cfg.threads == 0:  # see SHORT
            from dataclasses import replace

            cfg = replace(cfg, threads=1)
        pipeline = Pipeline(cfg)
        try:
            for chunk in chunks(lines, size):
                records = pipeline.translate_records(
                    chunk, doc_id="stdin" if from_stdin else "argv")
                for record in records:
                    record = record if not seen else _renumbered(record, seen)
                    sys.stdout.write(dumps_line(record.to_dict()) if as_json
                                     else plain_line(record.en) + "\n")
                seen += len(records)
                sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped (| head): nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
    if not seen:
        raise fail("no text to translate: give TEXT arguments, or lines on stdin", 2)


def plain_line(english: str) -> str:
    """One output line: every character that ends a line for some reader (newline, CR,
    U+2028, U+2029, NEL...: what ``str.splitlines`` splits on) a space, so output line N
    answers input line N; no control character (an English from a memory written by an older
    mtjob may hold one)."""
    from ..inputs.controls import remove_controls

    return remove_controls("".join(" " if c in _LINE_ENDS else c for c in english))[0]


#: What ``str.splitlines`` splits on.
_LINE_ENDS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _renumbered(record: Any, before: int) -> Any:
    """A record of a later chunk, numbered by its line in the whole input."""
    from dataclasses import replace

    return replace(record, para_id=record.para_id + before)


def register(app: typer.Typer) -> None:
    """Add ``mtjob translate`` to the app."""
    app.command("translate", cls=PanelCommand)(translate)
