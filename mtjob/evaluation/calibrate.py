"""``mtjob eval --post-edits --calibrate PROFILE.toml``: the calibrated ``min_score`` written
into a config profile, the rest of the file kept as it is (comments included)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..config import load_config
from ..errors import ConfigError, MtjobError
from ..inputs.pathcheck import read_setting_file
from ..inputs.sources import display_name
from ..outfolder.atomic import atomic_write, tmp_name, write_new

_LINE = re.compile(r"^(\s*min_score\s*=\s*)[^#\n]*?(\s*(#.*)?)$", re.MULTILINE)
_TRUST = re.compile(r"^\[trust\][^\n]*$", re.MULTILINE)


def profile_with_min_score(text: str, value: float, note: str) -> str:
    """``text`` (a TOML profile) with ``min_score = value``: its line replaced, else a line
    added to its ``[trust]`` table, else a ``[trust]`` table added at the end."""
    line = f"min_score = {value:.4f}"
    if _LINE.search(text):
        return _LINE.sub(lambda m: f"{m.group(1)}{value:.4f}  # {note}", text, count=1)
    if (m := _TRUST.search(text)) is not None:
        return f"{text[:m.end()]}\n{line}  # {note}{text[m.end():]}"
    sep = "" if not text or text.endswith("\n") else "\n"
    return f"{text}{sep}{chr(10) if text else ''}[trust]\n{line}  # {note}\n"


def write_min_score(profile: Path, value: float, note: str) -> None:
    """Set ``min_score`` in ``profile`` (created when missing); the result must load as a
    config, or nothing is written. A profile that is not a regular file (a FIFO, a folder)
    is refused without blocking; the copy that is checked is a new temp file beside it
    (never a name someone could have planted a link at), and the profile is replaced
    atomically."""
    where = f"--calibrate {display_name(profile)}"
    try:
        raw = read_setting_file(profile, "--calibrate profile") \
            if os.path.lexists(profile) else b""
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: cannot read: {exc}") from None
    new = profile_with_min_score(text, value, note)
    check = tmp_name(profile)
    try:
        write_new(check, new.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{where}: cannot write beside it: {exc.strerror or exc}") from None
    try:
        loaded = load_config(check)
    except ConfigError as exc:
        raise ConfigError(f"{where}: would not load: "
                          f"{str(exc).replace(str(check), str(profile))}") from None
    finally:
        check.unlink(missing_ok=True)
    if round(loaded.min_score, 4) != round(value, 4):
        raise ConfigError(f"{where}: min_score did not take (a flag-like override in the "
                          "file?)")
    atomic_write(profile, new.encode("utf-8"))


#: Fewer reviewed sentences with a score than this, and a threshold is noise.
MIN_REVIEWED = 30
#: Below this ROC AUC, ``score`` does not tell heavy edits from light ones (0.5 is chance).
MIN_AUC = 0.6


class CalibrationRefused(MtjobError):
    """The post-edits cannot support a ``min_score`` (too few, or ``score`` ranks them no
    better than chance); ``--force`` writes it anyway."""

    exit_code = 1


def calibration_refusal(scored: int, auc: float | None) -> str | None:
    """Why a ``min_score`` calibrated on ``scored`` reviewed sentences with this ROC AUC
    must not be written; None when it may."""
    if scored < MIN_REVIEWED:
        return (f"only {scored} reviewed sentence(s) with a score; at least {MIN_REVIEWED} "
                "are needed for a threshold that is not noise")
    if auc is None:
        return "the reviewed sentences are not both heavy and light edits: no ROC AUC"
    if auc < MIN_AUC:
        return (f"ROC AUC {auc:.2f} is below {MIN_AUC}: score does not tell heavy edits from "
                "light ones here")
    return None
