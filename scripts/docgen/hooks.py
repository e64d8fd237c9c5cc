"""The MkDocs hook that fills each ``<!-- gen:NAME -->`` marker of a page with the generated
text (``mkdocs.yml``: ``hooks: [scripts/docgen/hooks.py]``). The checkout's own ``mtjob``
is documented, whatever is installed: its root goes first on ``sys.path``."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.docgen import cli, fields, layout, settings  # noqa: E402

GENERATORS: dict[str, Callable[[], str]] = {
    "cli-reference": cli.reference,
    "exit-codes": cli.exit_codes,
    "settings": settings.reference,
    "fields-paragraph": fields.paragraph,
    "fields-sentence": fields.sentence,
    "fields-abstract": fields.abstract,
    "layout": layout.layout,
}
MARKER = re.compile(r"^<!-- gen:([\w-]+) -->$", re.M)


def render(markdown: str, where: str = "page") -> str:
    """``markdown`` with every marker replaced; an unknown marker is an error naming it."""
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            raise ValueError(f"{where}: unknown marker <!-- gen:{name} --> "
                             f"(known: {', '.join(GENERATORS)})")
        return GENERATORS[name]().rstrip("\n")
    return MARKER.sub(fill, markdown)


def on_page_markdown(markdown: str, *, page: Any, **_: Any) -> str:
    """MkDocs event: a page's Markdown before it is converted."""
    from mkdocs.exceptions import PluginError

    try:
        return render(markdown, page.file.src_uri)
    except ValueError as exc:
        raise PluginError(str(exc)) from None
