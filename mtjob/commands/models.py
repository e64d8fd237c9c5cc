"""``mtjob models stage|list|check|shortlist``: models for a cluster, staged once and checked
per node; a vocabulary shortlist for the translator.

Exit codes: 0 done / all good; 1 an output folder fails verify (shortlist); 2 a model cannot
be resolved, is damaged or unsafe, its tokenizer does not load, the configured device is
missing, or a shortlist input is unusable (one ``Error:`` line).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..choices import Backend, Device
from .common import errors, setup_logging
from .options import HELP_QUIET, PanelCommand

HELP = ("Stage models for offline nodes, list what is cached, check what a run would use, "
        "build a vocabulary shortlist.")
HELP_STAGE = ("Download both configured models (safe weights, pinned revisions) into "
              "DIR/<name>/, optionally convert them for CTranslate2, and write DIR/mtjob.toml, "
              "a profile that points offline nodes at DIR. Needs internet.")
HELP_LIST = ("Models in the Hugging Face cache (id, revision, refs, size), CTranslate2 "
             "conversions and fingerprinted local folders in the mtjob cache.")
HELP_CHECK = ("Resolve the configured models as a run would, read their weight headers, load "
              "their tokenizers, and say which backend and device a run would use. Exit 2 "
              "with one line when something is broken.")

ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", help="TOML profile (see configs/); flags win over it.", show_default=False)]
MtOpt = Annotated[str | None, typer.Option("--mt-model", help="Translation model: hub id "
                                              "or folder.")]
SumOpt = Annotated[str | None, typer.Option("--sum-model", help="Summarizer: hub id or "
                                               "folder.")]
MtRevOpt = Annotated[str | None, typer.Option("--mt-revision", help="Pinned revision.")]
SumRevOpt = Annotated[str | None, typer.Option("--sum-revision", help="Pinned revision.")]
PickleOpt = Annotated[bool | None, typer.Option(
    "--allow-pickle/--no-allow-pickle", help="Accept pytorch_model.bin weights.",
    show_default=False)]
CacheOpt = Annotated[str | None, typer.Option("--cache-dir", help="Hugging Face cache.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=HELP_QUIET)]

models_app = typer.Typer(help=HELP, no_args_is_help=True, add_completion=False,
                         rich_markup_mode=None, pretty_exceptions_enable=False)


def _config(path: Path | None, **overrides: Any) -> Any:
    from ..config import load_config

    return load_config(path, overrides)


@models_app.command("stage", help=HELP_STAGE, cls=PanelCommand)
def stage(
    folder: Annotated[Path, typer.Argument(help="Folder for the models (shared disk).",
                                           metavar="DIR")],
    config: ConfigOpt = None, mt_model: MtOpt = None, sum_model: SumOpt = None,
    mt_revision: MtRevOpt = None, sum_revision: SumRevOpt = None,
    allow_pickle: PickleOpt = None,
    ctranslate2: Annotated[bool, typer.Option(
        "--ctranslate2", help="Also convert for CTranslate2 (profile backend ctranslate2; "
        "nodes then need MTJOB_CACHE=DIR/mtjob-cache).")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Stage the models into DIR; prints the profile path and its lines."""
    setup_logging(quiet=quiet)
    with errors():
        from ..backends.staging import stage as stage_models

        cfg = _config(config, mt_model=mt_model, sum_model=sum_model, mt_revision=mt_revision,
                      sum_revision=sum_revision, allow_pickle=allow_pickle)
        report = stage_models(folder, cfg, ctranslate2=ctranslate2)
    for line in report.config_lines():
        typer.echo(line)


@models_app.command("list", help=HELP_LIST, cls=PanelCommand)
def list_models(cache_dir: CacheOpt = None, quiet: QuietOpt = False) -> None:
    """One line per cached model revision, conversion and local folder."""
    setup_logging(quiet=quiet)
    from ..backends.inventory import cached_models, ct2_conversions, fingerprinted_folders

    with errors():
        hub = cached_models(cache_dir)
        converted = ct2_conversions()
        local = fingerprinted_folders()
    from ..inputs.sources import (
        display_name as shown,  # a folder named with a newline forges no line
    )

    for m in hub:
        refs = f" ({', '.join(map(shown, m.refs))})" if m.refs else ""
        typer.echo(f"hub    {shown(m.id)}  {shown(m.revision)}{refs}  {m.size / 1e6:.1f} MB")
    for name, size in converted:
        typer.echo(f"ct2    {shown(name)}  {size / 1e6:.1f} MB")
    for folder, revision in sorted(local.items()):
        typer.echo(f"local  {shown(folder)}  {shown(revision)}")
    if not (hub or converted or local) and not quiet:
        typer.echo("nothing cached", err=True)


@models_app.command("check", help=HELP_CHECK, cls=PanelCommand)
def check(
    config: ConfigOpt = None, mt_model: MtOpt = None, sum_model: SumOpt = None,
    mt_revision: MtRevOpt = None, sum_revision: SumRevOpt = None,
    allow_pickle: PickleOpt = None, cache_dir: CacheOpt = None,
    backend: Annotated[Backend | None, typer.Option(
        help="Inference library (default: the config's).", show_default=False)] = None,
    device: Annotated[Device | None, typer.Option(
        help="Device (default: the config's).", show_default=False)] = None,
    summary: Annotated[bool | None, typer.Option(
        "--summary/--no-summary", help="Check the summarizer too.", show_default=False)] = None,
    quiet: QuietOpt = False,
) -> None:
    """Check the models and devices of a run with these settings."""
    setup_logging(quiet=quiet)
    with errors():
        from ..backends.inventory import describe

        cfg = _config(config, mt_model=mt_model, sum_model=sum_model, mt_revision=mt_revision,
                      sum_revision=sum_revision, allow_pickle=allow_pickle,
                      cache_dir=cache_dir, backend=backend and backend.value,
                      device=device and device.value, summary=summary)
        for line in describe(cfg):
            typer.echo(line)


HELP_SHORTLIST = (
    "Build the translator's vocabulary shortlist (CTranslate2's vmap.txt format, used by "
    "run and translate with --shortlist FILE|auto) from finished output folders: which "
    "target tokens the model produced for which source tokens, plus the most frequent "
    "ones; and/or from a parallel corpus (--corpus, Arabic TAB English a line). Without -o "
    "it goes to the mtjob cache, where --shortlist auto finds it. Prints its path.")


@models_app.command("shortlist", help=HELP_SHORTLIST, cls=PanelCommand)
def shortlist(
    folders: Annotated[list[Path] | None, typer.Argument(
        help="Finished output folders (mtjob verify passes).", metavar="OUT",
        show_default=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Shortlist file to write (default: the mtjob cache, for "
        "--shortlist auto).", show_default=False)] = None,
    corpus: Annotated[Path | None, typer.Option(
        "--corpus", help="Parallel corpus: Arabic TAB English, a sentence pair a line.",
        show_default=False)] = None,
    frequent: Annotated[int, typer.Option(
        "--frequent", help="Most frequent target tokens, always candidates.")] = 100,
    per_source: Annotated[int, typer.Option(
        "--per-source", help="Target tokens kept per source token (at least 1).")] = 50,
    config: ConfigOpt = None, mt_model: MtOpt = None, mt_revision: MtRevOpt = None,
    allow_pickle: PickleOpt = None, cache_dir: CacheOpt = None, quiet: QuietOpt = False,
) -> None:
    """Build a shortlist for the translation model."""
    setup_logging(quiet=quiet)
    with errors():
        from ..backends.shortlist.build import build_shortlist
        from ..backends.store.hub import resolve_model
        from ..errors import ConfigError

        if not folders and corpus is None:
            raise ConfigError("give finished output folders (OUT...) or --corpus FILE")
        if frequent < 0 or per_source < 1:
            raise ConfigError("--frequent must be at least 0 and --per-source at least 1")
        cfg = _config(config, mt_model=mt_model, mt_revision=mt_revision,
                      allow_pickle=allow_pickle, cache_dir=cache_dir)
        source = resolve_model(cfg.mt_model, cfg.mt_revision, cfg.cache_dir, cfg.allow_pickle)
        path, stats = build_shortlist(source, list(folders or []), corpus, output,
                                      frequent=frequent, per_source=per_source)
    from ..inputs.sources import display_name

    typer.echo(display_name(path))
    if not quiet:
        typer.echo(f"{stats['sentences']} sentence(s); {stats['source_tokens']} source "
                   f"token(s) with rules; {stats['target_tokens']} target token(s), "
                   f"{stats['always']} always", err=True)


def register(app: typer.Typer) -> None:
    """Add ``mtjob models`` to the app."""
    app.add_typer(models_app, name="models", help=HELP)
