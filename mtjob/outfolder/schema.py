"""The shape of every file mtjob writes, as plain data, and a validator that names each
problem with its place (``sentences[2].src_tokens: expected an integer, got a string``).

A schema is a Python type (``str``, ``int``: never a boolean, ``dict``: any object), ``None``
(null), a tuple of alternatives, ``[S]`` (an array of S), a dict of keys (``Opt("k")`` for an
optional one; extra keys are always allowed), or one of the small classes below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..vocabulary import MANIFEST as MANIFEST_STATUSES
from ..vocabulary import Origin, Status


@dataclass(frozen=True)
class Opt:
    """An optional key of an object."""

    name: str


@dataclass(frozen=True)
class MapOf:
    """An object with any keys, every value of this schema."""

    value: Any


@dataclass(frozen=True)
class OneOf:
    """One of these values."""

    values: tuple[Any, ...]


@dataclass(frozen=True)
class Match:
    """A string matching ``pattern`` whole."""

    pattern: str
    what: str


@dataclass(frozen=True)
class Rule:
    """``schema``, then ``check`` (extra problems) once the shape is right."""

    schema: Any
    check: Callable[[Any], list[str]]


SHA256 = Match(r"[0-9a-f]{64}", "a sha256 hex digest")
STATUSES = MANIFEST_STATUSES



def _word_pair(pair: list[int]) -> list[str]:
    return [] if len(pair) == 2 and min(pair) >= 0 else \
        ["expected [source word, output word], two indices >= 0"]


#: Schema 2 (docs/output.md, "Trust signals") added the optional keys; schema-1 files still verify.
SENTENCE = {"ar": str, "en": str, "src_tokens": int, "tgt_tokens": int, "flags": [str],
            Opt("score"): (float, int, None), Opt("alignment"): [Rule([int], _word_pair)],
            Opt("glossary_miss"): [str], Opt("post_edit"): str, Opt("edited_by"): (str, None),
            Opt("edited_at"): str, Opt("origin"): OneOf((Origin.MT, Origin.COPY, Origin.MEMORY)),
            Opt("memory"): dict, Opt("suggestion"): dict}
PARAGRAPH = {Opt("schema"): int, "doc_id": str, "para_id": int, "ar": str, "en": str,
             "sentences": [SENTENCE], "flags": [str]}
SCORES = {"scored": int, "min": (float, int, None), "median": (float, int, None),
          "low_confidence_share": (float, int, None)}
CHECKS = {"unsupported_numbers": [str], "unsupported_names": [str], "flags": [str]}
ABSTRACT = {Opt("schema"): int, "doc_id": str, "abstract": (str, None), "method": str,
            "paragraphs": int, "source": str, "source_sha256": SHA256, "jsonl_sha256": SHA256,
            "models": (dict, None), "settings": dict, "flags": MapOf(int),
            Opt("scores"): SCORES, Opt("checks"): CHECKS, Opt("input_tokens"): (int, None),
            Opt("language"): (str, None), Opt("article_flags"): [str],
            Opt("summary_from"): OneOf(("corrected",)), Opt("summary_jsonl_sha256"): SHA256,
            "mtjob_version": str}


def _done_has_hashes(entry: dict[str, Any]) -> list[str]:
    if entry["status"] != Status.DONE:
        return []
    return [f"lacks {key} (status done)" for key in ("source_sha256", "jsonl_sha256",
                                                     "paragraphs") if entry.get(key) is None]


def _rank_of_world(shard: list[int]) -> list[str]:
    if len(shard) == 2 and 0 <= shard[0] < shard[1]:
        return []
    return ["expected [rank, world_size] with 0 <= rank < world_size"]


MANIFEST_ENTRY = Rule({"source": str, "status": OneOf(STATUSES), Opt("error"): str,
                       Opt("source_sha256"): (SHA256, None), Opt("jsonl_sha256"): (SHA256, None),
                       Opt("abstract_sha256"): (SHA256, None), Opt("paragraphs"): (int, None)},
                      _done_has_hashes)
MANIFEST = {"shard": Rule([int], _rank_of_world), "articles": MapOf(MANIFEST_ENTRY),
            "settings": dict}

_NAMES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
          int: "an integer", float: "a number", type(None): "null"}


def _kind(obj: Any) -> str:
    return _NAMES.get(type(obj), type(obj).__name__)


def _describe(schema: Any) -> str:
    if schema is None:
        return "null"
    if isinstance(schema, tuple):
        return " or ".join(_describe(s) for s in schema)
    if isinstance(schema, Rule):
        return _describe(schema.schema)
    if isinstance(schema, Match):
        return schema.what
    if isinstance(schema, OneOf):
        return "one of " + ", ".join(map(str, schema.values))
    if isinstance(schema, (dict, MapOf)):
        return "an object"
    if isinstance(schema, list):
        return "an array"
    return _NAMES.get(schema, schema.__name__)


def _at(where: str, problem: str) -> str:
    return f"{where}: {problem}" if where else problem


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def validate(obj: Any, schema: Any, where: str = "") -> list[str]:
    """Every problem of ``obj`` against ``schema``; ``[]`` when it is well-formed."""
    if isinstance(schema, tuple):
        if any(not validate(obj, alt) for alt in schema):
            return []
        return [_at(where, f"expected {_describe(schema)}, got {_kind(obj)}")]
    if isinstance(schema, Rule):
        problems = validate(obj, schema.schema, where)
        return problems or [_at(where, p) for p in schema.check(obj)]
    if isinstance(schema, (OneOf, Match)):
        ok = (obj in schema.values if isinstance(schema, OneOf) else
              isinstance(obj, str) and re.fullmatch(schema.pattern, obj) is not None)
        return [] if ok else [_at(where, f"expected {_describe(schema)}, got {obj!r}")]
    expected = (dict if isinstance(schema, (dict, MapOf)) else list if isinstance(schema, list)
                else type(None) if schema is None else schema)
    if not isinstance(obj, expected) or (isinstance(obj, bool) and expected is not bool):
        return [_at(where, f"expected {_describe(schema)}, got {_kind(obj)}")]
    problems: list[str] = []
    if isinstance(schema, list):
        for index, item in enumerate(obj):
            problems += validate(item, schema[0], f"{where}[{index}]")
    elif isinstance(schema, MapOf):
        for key, value in obj.items():
            problems += validate(value, schema.value, _join(where, key))
    elif isinstance(schema, dict):
        for key, sub in schema.items():
            name = key.name if isinstance(key, Opt) else key
            if name in obj:
                problems += validate(obj[name], sub, _join(where, name))
            elif not isinstance(key, Opt):
                problems.append(_at(where, f"lacks {name}"))
    return problems


def validate_paragraph(obj: Any) -> list[str]:
    """Problems of one JSONL line (a paragraph record)."""
    return validate(obj, PARAGRAPH)


def validate_abstract(obj: Any) -> list[str]:
    """Problems of a ``NAME.abstract.json`` record."""
    return validate(obj, ABSTRACT)


def validate_manifest(obj: Any) -> list[str]:
    """Problems of a ``_mtjob/manifest-RANK-of-N.json``."""
    return validate(obj, MANIFEST)
