"""Sharding: which articles a task owns, from ``--shard I/N`` or Slurm's array variables."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import ConfigError, NoInputError
from ..inputs.reader import doc_id_for
from ..inputs.sources import Skipped, discover, display_name, no_article_message
from ..outfolder.paths import own_text_files, refuse_collisions, shard_of

log = logging.getLogger(__name__)

#: The most shards: the bookkeeping names hold five digits (``manifest-00000-of-99999``).
MAX_SHARDS = 99999


def check_shard(rank: int, world: int, what: str) -> tuple[int, int]:
    """``(rank, world)`` if ``0 <= rank < world <= MAX_SHARDS``, else a ConfigError."""
    if world > MAX_SHARDS:
        raise ConfigError(f"{what}: at most {MAX_SHARDS} shards, got {world}")
    if world < 1 or not 0 <= rank < world:
        raise ConfigError(f"{what}: need 0 <= I < N")
    return rank, world


def _digits(text: str) -> int:
    """ASCII digits only: ``int()`` also takes ``1_0`` (10), spaces and other scripts' digits."""
    if not (text.isascii() and text.isdigit()):
        raise ValueError(text)
    return int(text)


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` -> ``(I, N)`` with ``0 <= I < N <= MAX_SHARDS``."""
    try:
        rank_s, world_s = text.split("/")
        rank, world = _digits(rank_s), _digits(world_s)
    except ValueError:
        raise ConfigError(f"--shard must look like I/N (for example 0/4), got "
                          f"{display_name(text)}") from None
    return check_shard(rank, world, f"--shard {display_name(text)}")


def shard_from_env(env: Mapping[str, str] | None = None) -> tuple[int, int] | None:
    """The shard of a Slurm array task, or None outside an array.

    ``SLURM_ARRAY_TASK_ID`` counts from ``SLURM_ARRAY_TASK_MIN`` (often 1 in user scripts), so
    the rank is the id minus the minimum; the world is ``SLURM_ARRAY_TASK_COUNT``.
    """
    env = os.environ if env is None else env
    if "SLURM_ARRAY_TASK_ID" not in env:
        if "SLURM_ARRAY_TASK_COUNT" in env:  # not silently every article in one task
            raise ConfigError("SLURM_ARRAY_TASK_COUNT is set but SLURM_ARRAY_TASK_ID is not; "
                              "pass --shard I/N")
        return None
    if "SLURM_ARRAY_TASK_COUNT" not in env:  # every task would do every article
        raise ConfigError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; "
                          "pass --shard I/N")
    try:
        task = _digits(env["SLURM_ARRAY_TASK_ID"])
        count = _digits(env["SLURM_ARRAY_TASK_COUNT"])
        first = _digits(env.get("SLURM_ARRAY_TASK_MIN", "0"))
    except ValueError:
        raise ConfigError("SLURM_ARRAY_TASK_ID/COUNT/MIN are not integers") from None
    rank = task - first
    if count > MAX_SHARDS:
        raise ConfigError(f"SLURM_ARRAY_TASK_COUNT {count}: at most {MAX_SHARDS} shards")
    if count < 1 or not 0 <= rank < count:
        raise ConfigError(f"Slurm array task {task} (min {first}) is outside 0..{count - 1}; "
                          "use a contiguous array (--array=0-N) or pass --shard I/N")
    return rank, count


def select_inputs(inputs: list[Path], out: Path, rank: int, world_size: int,
                  stats: dict[Path, os.stat_result] | None = None
                  ) -> tuple[list[Path], list[Skipped]]:
    """This shard's articles and skipped entries (FIFOs, folders...: named, never read).
    Two inputs that would write the same output, or an input that is one of the outputs,
    are usage errors. ``stats`` receives each article's ``stat``."""
    check_shard(rank, world_size, f"shard {rank}/{world_size}")
    links: set[Path] = set()
    paths, skipped = discover(inputs, stats, links)
    own = set(own_text_files(paths, out))
    if own:  # the inbox is the output folder: its English text files are not articles
        log.info("%d file(s) NAME.en.txt in %s left out: the English text (--text) of "
                 "articles, not articles", len(own), display_name(out))
        paths = [p for p in paths if p not in own]
    if not paths and not skipped:
        raise NoInputError(no_article_message(inputs))
    owners: dict[str, Path] = {}
    ids = {path: doc_id_for(path) for path in paths}
    for path in paths:
        doc_id = ids[path]
        if doc_id in owners:
            raise ConfigError(f"{display_name(owners[doc_id])} and {display_name(path)} would "
                              f"both write {display_name(doc_id)}.jsonl")
        owners[doc_id] = path
    refuse_collisions(paths, list(owners), out, links, stats)
    if world_size == 1:
        return paths, skipped
    mine = [p for p in paths if shard_of(ids[p], world_size) == rank]
    return mine, [s for s in skipped if shard_of(doc_id_for(s.path), world_size) == rank]
