"""``mtjob memory add|stats|export``: the translation memory a run reads with ``--memory``.

Exit codes: 0 done; 1 an output folder holds a line that is not a paragraph record (file and
line named; nothing added); 2 usage (MEM not an mtjob memory or damaged, an unknown format,
OUT not a folder, an export target that is the memory or not an earlier export); 74 the
export cannot be written; 75 busy (another ``memory add`` is writing MEM, or another program
holds its write lock past --wait-lock).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..outfolder.lock import MAX_WAIT
from .common import errors, setup_logging
from .options import HELP_QUIET, PanelCommand, in_range

HELP = ("The translation memory (one SQLite file) that mtjob run --memory reads: add corrected "
        "sentences from output folders, show its counts, export it as TMX for CAT tools.")
HELP_ADD = ("Add the corrected sentences (post_edit) of finished output folders to MEM (created "
            "when missing), keyed by the normalized Arabic sentence. A post-edit replaces a "
            "machine entry; a newer post-edit an older one.")
HELP_MT = "Also add the machine's sentences that carry no flag (decoded, not copied)."
HELP_WAIT = ("Seconds to wait for another memory add (or another program's write lock) "
             "before exit 75.")
HELP_FORCE = "Replace --to even when it is not an earlier TMX export of a memory."

memory_app = typer.Typer(help=HELP, no_args_is_help=True, add_completion=False,
                         rich_markup_mode=None)


@memory_app.command("add", help=HELP_ADD, cls=PanelCommand)
def add(
    memory: Annotated[Path, typer.Argument(help="The memory file (SQLite).", metavar="MEM")],
    outs: Annotated[list[Path], typer.Argument(help="Output folders (mtjob run --out).",
                                               metavar="OUT...")],
    include_mt: Annotated[bool, typer.Option("--include-mt", help=HELP_MT)] = False,
    wait_lock: Annotated[float, typer.Option("--wait-lock", help=HELP_WAIT,
                                             callback=in_range(0, MAX_WAIT))] = 0.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=HELP_QUIET)] = False,
) -> None:
    """Add OUT's corrected sentences to MEM; prints the counts."""
    setup_logging(quiet=quiet)
    with errors():
        from ..memory.adding import add as add_to_memory

        counts = add_to_memory(memory, outs, include_mt, wait_lock)
    typer.echo(", ".join(f"{k} {v}" for k, v in counts.items()))


@memory_app.command("stats", cls=PanelCommand)
def stats(
    memory: Annotated[Path, typer.Argument(help="The memory file (SQLite).", metavar="MEM")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    wait_lock: Annotated[float, typer.Option("--wait-lock", help=HELP_WAIT,
                                             callback=in_range(0, MAX_WAIT))] = 0.0,
) -> None:
    """Entries by source (post_edit, mt), editors, newest edit and add; checks the whole
    file (exit 2 naming the damage)."""
    with errors():
        from contextlib import closing

        from ..memory.reader import MemoryReader

        with closing(MemoryReader(memory, wait_lock)) as reader:
            found = reader.stats()
    if as_json:
        from ..runs.runlog import json_safe

        # a path splits no line, reorders no terminal
        typer.echo(json_safe(json.dumps(found, ensure_ascii=False, indent=2)))
    else:
        from ..inputs.sources import one_line

        typer.echo("\n".join(one_line(f"{k}: {v}") for k, v in found.items()))


@memory_app.command("export", cls=PanelCommand)
def export(
    memory: Annotated[Path, typer.Argument(help="The memory file (SQLite).", metavar="MEM")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="tmx (TMX 1.4b)")] = "tmx",
    to: Annotated[Path | None, typer.Option(
        "--to", help="The file to write (default MEM with .tmx; never MEM itself, nor a file "
        "that is not an earlier TMX export of a memory without --force).",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help=HELP_FORCE)] = False,
) -> None:
    """Write MEM as TMX 1.4b for CAT tools; prints the file written."""
    with errors():
        from ..errors import ConfigError
        from ..memory.tmx import write_memory_tmx

        if fmt.lower() != "tmx":
            raise ConfigError(f"--format {fmt}: the memory exports as tmx only")
        target = to or memory.with_suffix(".tmx")
        count = write_memory_tmx(memory, target, force)
    from ..inputs.sources import display_name

    typer.echo(display_name(target))
    typer.echo(f"exported {count} entr{'y' if count == 1 else 'ies'}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``mtjob memory`` to the app."""
    app.add_typer(memory_app, name="memory")
