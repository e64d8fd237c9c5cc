"""Recorded facts (settings, the abstract's checks and scores) as a reader wants them on the
review page: labels in words, settings on/off, an unpinned revision said so, lists as lists.
Nothing here is a verdict: a setting that is off is not a failure."""

from __future__ import annotations

from typing import Any

from .html_text import esc

#: Labels of the abstract's ``checks`` and ``scores`` keys (docs/output.md, "Trust signals").
LABELS = {
    "unsupported_numbers": "Numbers not in the translation",
    "unsupported_names": "Names not in the translation",
    "flags": "Flags",
    "scored": "Sentences scored",
    "min": "Lowest score",
    "median": "Median score",
    "low_confidence_share": "Share flagged low confidence",
}


def fact_value(key: str, value: Any) -> str:
    """One value, escaped: on/off, "not pinned", "none", a share in percent, a list joined."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "not pinned (latest)" if key.endswith("revision") else "none"
    if key.endswith("_share") and isinstance(value, (int, float)):
        return f"{value:.0%}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return esc(", ".join(map(str, value))) if value else "none"
    if isinstance(value, dict):
        return esc("; ".join(f"{k}: {v}" for k, v in value.items())) or "none"
    return esc(str(value))


def facts_list(data: Any, labels: dict[str, str] | None = None) -> str:
    """A dict (or list) of recorded facts as a definition list, keys through ``labels``
    (unknown keys as they are: shapes may grow over time); "" when empty."""
    if isinstance(data, list):
        data = {str(i + 1): item for i, item in enumerate(data)}
    if not isinstance(data, dict) or not data:
        return ""
    labels = labels or {}
    rows = "".join(f"<dt>{esc(labels.get(str(k), str(k)))}</dt><dd>{fact_value(str(k), v)}</dd>"
                   for k, v in data.items())
    return f'<dl class="kv">{rows}</dl>'
