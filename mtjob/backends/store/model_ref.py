"""What a model reference given on the command line can be: a folder, a hub id, or both.

A hub id is ``owner/name`` (letters, digits, ``-``, ``_``, ``.``); anything else that is not
an existing folder (``./x``, ``../x``, ``/abs``, ``~/x``, ``a/b/c``, a bare ``name``) can
only be a folder, and a missing one is said to be missing. ``models/marian-ar-en`` is both:
when neither reading finds a model, the error names both.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ...errors import ConfigError, MtjobError

_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?"
HUB_ID = re.compile(rf"{_PART}/{_PART}")


def hub_shaped(ref: str) -> bool:
    """Whether ``ref`` can be a hub id (``owner/name``, no ``..``)."""
    return bool(HUB_ID.fullmatch(ref)) and ".." not in ref


def _where(ref: str) -> str:
    path = Path(ref).expanduser()
    return str(path if path.is_absolute() else Path(os.getcwd()) / path)


def missing_folder(ref: str) -> ConfigError:
    """A reference that can only be a folder, and no folder is there."""
    relative = "" if Path(ref).expanduser().is_absolute() else \
        " (a relative path counts from the current folder)"
    return ConfigError(f"model folder {ref!r} does not exist (or is not a folder): no "
                       f"{_where(ref)}{relative}; a hub id is owner/name")


def both_readings(ref: str, exc: MtjobError) -> MtjobError:
    """The hub's answer for a reference that may also be a folder, with the folder reading
    first (``exc``'s type, so its exit code, kept)."""
    folder = f"no {_where(ref)}; a relative path counts from the current folder"
    text = str(exc)
    uncached = f"model {ref!r} is not in the Hugging Face cache"
    if text.startswith(uncached):
        return type(exc)(f"model {ref!r} is neither a folder ({folder}) nor in the Hugging "
                         f"Face cache{text[len(uncached):]}")
    return type(exc)(f"model {ref!r}: {folder}; read as a hub id: {text}")
