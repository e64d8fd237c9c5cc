"""Regenerate the README's field tables (Output, Fields) from the one declaration of each
record's keys (``mtjob.outfolder.finished``): a JSONL line, its sentences, the abstract record.
``--check`` exits 1 when the README is stale (a test runs it)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.readme_cli import update

MARKERS = re.compile(r"(<!-- fields:(\w+) -->\n)(?:.*?\n)?(<!-- /fields:\2 -->)", re.S)


def kind(schema: Any) -> str:
    """A JSON type in words: ``string``, ``array of strings``, ``integer or null``..."""
    from mtjob.outfolder import schema as s

    names = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object",
             type(None): "null"}
    if schema is None:
        return "null"
    if isinstance(schema, tuple):
        words = [kind(x) for x in schema if x is not int or float not in schema]
        return " or ".join(dict.fromkeys(words))
    if isinstance(schema, s.Rule):
        return kind(schema.schema)
    if isinstance(schema, s.Match):
        return schema.what
    if isinstance(schema, s.OneOf):
        return " \\| ".join(f"`{v}`" for v in schema.values)
    if isinstance(schema, s.MapOf):
        return f"object of {kind(schema.value)}s"
    if isinstance(schema, dict):
        return "object"
    if isinstance(schema, list):
        inner = kind(schema[0])
        return f"array of {inner}s" if " " not in inner else f"array of ({inner})"
    return names[schema]


def table(cls: type) -> str:
    from mtjob.outfolder.schema import keys

    rows = [f"| `{name}` | {kind(k.schema)} | {'optional' if k.optional else 'always'} | "
            f"{k.doc} |" for name, k in keys(cls)]
    return "| key | type | written | meaning |\n|---|---|---|---|\n" + "\n".join(rows)


def render(text: str) -> str:
    from mtjob.outfolder import finished, finished_abstract

    tables = {"paragraph": finished.FinishedParagraph, "sentence": finished.FinishedSentence,
              "abstract": finished_abstract.FinishedAbstract}
    found = {m.group(2) for m in MARKERS.finditer(text)}
    if found != set(tables):
        raise SystemExit(f"README.md lacks <!-- fields:NAME --> markers for "
                         f"{', '.join(sorted(set(tables) - found))}")
    return MARKERS.sub(lambda m: m.group(1) + table(tables[m.group(2)]) + "\n" + m.group(3),
                       text)


def main() -> int:
    return update(render, "field tables", "readme_fields.py")


if __name__ == "__main__":
    sys.exit(main())
