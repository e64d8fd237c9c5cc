"""The output contract's field tables: every key of a JSONL line, of its sentences and of the
abstract record, with its JSON type, whether it is always written and what it means, from the
one declaration of each record (``mtjob/outfolder/finished.py``, ``finished_abstract.py``),
which ``verify``'s validator and the typed reader are made from too."""

from __future__ import annotations

from typing import Any

HEADER = "| key | type | written | meaning |\n|---|---|---|---|\n"
BAR = "\\|"  # a | inside a table cell


def kind(schema: Any) -> str:
    """A schema's JSON type in words: ``string``, ``array of strings``, ``integer or null``,
    ``a sha256 hex digest``, `` `edited` \\| `confirmed` ``..."""
    from mtjob.outfolder import schema as s

    names: dict[Any, str] = {str: "string", int: "integer", float: "number",
                             bool: "boolean", dict: "object", type(None): "null"}
    if schema is None:
        return "null"
    if isinstance(schema, tuple):  # alternatives; an int beside a float is just a number
        words = [kind(x) for x in schema if x is not int or float not in schema]
        return " or ".join(dict.fromkeys(words))
    if isinstance(schema, s.Rule):
        return kind(schema.schema)
    if isinstance(schema, s.Match):
        return schema.what
    if isinstance(schema, s.OneOf):
        return f" {BAR} ".join(f"`{value}`" for value in schema.values)
    if isinstance(schema, s.MapOf):
        return f"object of {kind(schema.value)}s"
    if isinstance(schema, dict):
        return "object"
    if isinstance(schema, list):
        inner = kind(schema[0])
        return f"array of {inner}s" if " " not in inner else f"array of ({inner})"
    return names[schema]


def table(cls: type) -> str:
    """The Markdown table of the JSON keys ``cls`` declares, in the files' key order."""
    from mtjob.outfolder.schema import keys

    rows = [f"| `{name}` | {kind(k.schema)} | {'optional' if k.optional else 'always'} | "
            f"{k.doc.replace('|', BAR)} |" for name, k in keys(cls)]
    return HEADER + "\n".join(rows) + "\n"


def paragraph() -> str:
    """A line of ``NAME.jsonl``: one paragraph."""
    from mtjob.outfolder.finished import FinishedParagraph

    return table(FinishedParagraph)


def sentence() -> str:
    """Each of a paragraph's ``sentences``."""
    from mtjob.outfolder.finished import FinishedSentence

    return table(FinishedSentence)


def abstract() -> str:
    """``NAME.abstract.json``."""
    from mtjob.outfolder.finished_abstract import FinishedAbstract

    return table(FinishedAbstract)
