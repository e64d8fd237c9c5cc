"""The options every run-like command shares: one per ``JobConfig`` field, derived from the
field (help, panel, choices, default), and plain-text help grouped in those panels."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Collection
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar, overload

import typer
import typer.core

F = TypeVar("F", bound=Callable[..., Any])


class PlainValues:
    """Plain option values (every one of ``run``'s and ``translate``'s) converted without
    pydantic: a faster start (:mod:`mtjob.commands.plain_values`)."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .plain_values import install

        install(self.params)

    # ``ctx`` and ``formatter`` are typer's vendored click types (``typer._click``), which have
    # no public name: typed ``Any`` in the overrides below.
    def get_help_option(self, ctx: Any) -> Any:
        from .plain_values import install

        option = super().get_help_option(ctx)  # type: ignore[misc]  # a mixin: on the command
        install([] if option is None else [option])
        return option


class PanelCommand(PlainValues, typer.core.TyperCommand):
    """Plain-text help (batch logs and READMEs stay readable) with options grouped in the
    panels their fields name: Models, Decoding, Performance, Output, Cluster."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [re.sub(r"^\{(.+)\}(\.\.\.)?$", r"\1", piece)
                for piece in super().collect_usage_pieces(ctx)]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            argument = param.param_type_name == "argument"
            names = _plain_types(record[0])
            record = (names.split()[0] if argument else names, record[1])
            name = "Arguments" if argument else \
                getattr(param, "rich_help_panel", None) or "Options"
            sections.setdefault(name, []).append(record)
        order = ["Arguments", "Options", "Models", "Decoding", "Performance", "Output", "Cluster"]
        for name, rows in sorted(sections.items(),
                                 key=lambda item: order.index(item[0]) if item[0] in order
                                 else len(order)):
            with formatter.section(name):
                formatter.write_dl(rows)


def in_range(low: float, high: float, *, above: bool = False) -> Callable[[float], float]:
    """A typer callback for a number option: the value when it is finite and in
    ``[low, high]`` (``(low, high]`` with ``above``), else a usage error (exit 2) naming the
    option. Every number a command takes without a ``JobConfig`` field (whose bounds the
    config checks) gets one."""
    import math

    def check(value: float) -> float:
        if value is not None and not (math.isfinite(value) and (
                low < value if above else low <= value) and value <= high):
            shown = f"({low:g}, {high:g}]" if above else f"[{low:g}, {high:g}]"
            raise typer.BadParameter(f"must be a number in {shown}, got {value!r}")
        return value
    return check


#: ``-q, --quiet`` of the commands other than ``run`` (which keeps its summary line).
HELP_QUIET = "Warnings and errors only."


class PlainGroup(PlainValues, typer.core.TyperGroup):
    """The app's group, its own options (``--version``) converted without pydantic."""


#: Type labels as a reader expects them (``INTEGER``, ``PATH``, ``[a|b]``), not Python's.
_TYPES = {"<list[Path]>": "", "<list[str]>": "", "<path>": "PATH", "<int>": "INTEGER",
          "<float>": "NUMBER", "<str>": "TEXT", "<bool>": ""}


def _plain_types(names: str) -> str:
    for label, plain in _TYPES.items():
        names = names.replace(label, plain)
    return re.sub(r"<([\w.]+(?:\|[\w.]+)+)>", r"[\1]", names).strip()


#: ``--config FILE``, as every command that builds a ``JobConfig`` takes it.
ConfigFileOption = Annotated[Path | None, typer.Option(
    "--config", help="TOML profile (see configs/); flags win over it.", show_default=False)]


@overload
def config_options(command: F, *, skip: Collection[str] = ()) -> F: ...
@overload
def config_options(command: None = None, *, skip: Collection[str] = ()
                   ) -> Callable[[F], F]: ...
def config_options(command: Callable[..., Any] | None = None, *,
                   skip: Collection[str] = ()) -> Any:
    """Add one option per ``JobConfig`` field (help, panel, choices from the field), each
    defaulting to None: "keep the config file's value". The effective default is shown.
    ``@config_options(skip=...)`` leaves out the fields a command has no use for."""
    if command is None:
        return functools.partial(config_options, skip=skip)
    from ..config import FIELDS, base_type

    params = [p for p in inspect.signature(command, eval_str=True).parameters.values()
              if p.kind is not inspect.Parameter.VAR_KEYWORD]
    annotations = {p.name: p.annotation for p in params}
    for name, field in FIELDS.items():
        if name in skip:
            continue
        meta, flag = field.metadata, "--" + name.replace("_", "-")
        kind, _ = base_type(name)
        default = field.default
        shown = ("none" if default is None else default.value if isinstance(default, Enum)
                 else str(default).lower() if isinstance(default, bool) else str(default))
        decls = [f"{flag}/--no-{flag[2:]}"] if kind is bool else [flag]
        # None means "keep the config file's value"; the help shows the built-in default.
        option = typer.Option(*decls, help=f"{meta['help']}  [default: {shown}]",
                              show_default=False, rich_help_panel=meta["panel"])
        annotations[name] = Annotated[kind | None, option]  # an enum: its words
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                        annotation=annotations[name]))

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        overrides = {k: kwargs.pop(k) for k in list(kwargs) if k in FIELDS}
        return command(**kwargs, **overrides)

    wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = annotations
    return wrapper
