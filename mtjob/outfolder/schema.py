"""The shape of every file mtjob writes, as plain data, and a validator that names each
problem with its place (``sentences[2].src_tokens: expected an integer, got a string``).

A schema is a Python type (``str``, ``int``: never a boolean, ``dict``: any object), ``None``
(null), a tuple of alternatives, ``[S]`` (an array of S), a dict of keys (``Opt("k")`` for an
optional one; extra keys are always allowed), or one of the small classes below. A record type
declares its keys once, as dataclass fields made with :func:`key`; :func:`shape_of` gives its
schema and :func:`from_json` builds it (``outfolder.finished`` declares the article's files
so). The manifest's schema is written here directly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, TypeVar

from ..vocabulary import MANIFEST as MANIFEST_STATUSES
from ..vocabulary import Status

T = TypeVar("T")


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


def _finite(value: Any) -> list[str]:
    return [] if value is None or math.isfinite(value) else ["expected a finite number"]


#: A finite number, or null (``NaN``/``Infinity`` are no JSON).
NUMBER = Rule((float, int, None), _finite)


SHA256 = Match(r"[0-9a-f]{64}", "a sha256 hex digest")
STATUSES = MANIFEST_STATUSES


@dataclass(frozen=True)
class Key:
    """A dataclass field that is a key of a JSON object: its schema, what it means (the field
    tables of docs/output.md print ``doc``), and whether a record may lack it. ``read`` turns
    the JSON value into the field's value (default: arrays become tuples)."""

    schema: Any
    doc: str
    optional: bool = False
    read: Callable[[Any], Any] | None = None


def key(schema: Any, doc: str, *, optional: bool = False, default: Any = MISSING,
        read: Callable[[Any], Any] | None = None) -> Any:
    """Declare a field as a JSON key (see :class:`Key`). An optional one defaults to
    ``default`` (None unless given) when the record lacks it; a ``default`` of a required one
    only lets it follow optional fields in the dataclass."""
    meta = {"key": Key(schema, doc, optional, read)}
    if optional and default is MISSING:
        default = None
    return field(default=default, metadata=meta)


def keys(cls: type) -> list[tuple[str, Key]]:
    """The JSON keys a dataclass declares, in declaration order (the files' key order)."""
    return [(f.name, f.metadata["key"]) for f in fields(cls) if "key" in f.metadata]


def shape_of(cls: type) -> dict[Any, Any]:
    """The schema of the JSON object a dataclass declares with :func:`key`."""
    return {Opt(name) if k.optional else name: k.schema for name, k in keys(cls)}


def _frozen(value: Any) -> Any:
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


def from_json(cls: type[T], obj: dict[str, Any], **extra: Any) -> T:
    """The dataclass of a JSON object that :func:`validate` found well-formed against
    :func:`shape_of` ``cls``; ``extra`` fills the fields that are not JSON keys."""
    values = dict(extra)
    for name, k in keys(cls):
        if name in obj:
            values[name] = k.read(obj[name]) if k.read else _frozen(obj[name])
    return cls(**values)


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
    named = _NAMES.get(schema)
    return named if named is not None else str(schema.__name__)


def _at(where: str, problem: str) -> str:
    return f"{where}: {problem}" if where else problem


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _is(obj: Any, expected: Any) -> bool:
    """``obj`` is of the JSON type ``expected`` (a boolean is no number)."""
    return isinstance(obj, expected) and (expected is bool or not isinstance(obj, bool))


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
    if not _is(obj, expected):
        return [_at(where, f"expected {_describe(schema)}, got {_kind(obj)}")]
    found: list[str] = []
    if isinstance(schema, list):
        for index, item in enumerate(obj):
            found += validate(item, schema[0], f"{where}[{index}]")
    elif isinstance(schema, MapOf):
        for key, value in obj.items():
            found += validate(value, schema.value, _join(where, key))
    elif isinstance(schema, dict):
        for key, sub in schema.items():
            name = key.name if isinstance(key, Opt) else key
            if name in obj:
                found += validate(obj[name], sub, _join(where, name))
            elif not isinstance(key, Opt):
                found.append(_at(where, f"lacks {name}"))
    return found


def validate_manifest(obj: Any) -> list[str]:
    """Problems of a ``_mtjob/manifest-RANK-of-N.json``."""
    return validate(obj, MANIFEST)
