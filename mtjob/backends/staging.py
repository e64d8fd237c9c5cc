"""``mtjob models stage DIR``: both configured models in one folder that offline nodes use.

On a machine with internet: each model goes to ``DIR/<name>/`` (safe files only, the pinned
revision when one is configured, the conversion bot's safetensors pull request for a
repository with pickle weights only), optionally converted for CTranslate2 into
``DIR/mtjob-cache`` (use it as ``MTJOB_CACHE`` on the nodes). ``DIR/mtjob.toml`` is a profile:
the given config's settings with the models pointing at the staged folders; ``DIR/models.json``
records where each folder came from (hub id, commit, pull request) and its ``role`` (a
``Role``: ``mt`` or ``summary``; stages written before one spelling say ``sum``, which
``Role("sum")`` reads as the summarizer).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..choices import Backend, Device
from ..config import FIELDS, MODEL_FIELDS, JobConfig
from ..errors import ModelUnavailableError
from ..vocabulary import Role
from .store.download import PICKLE_WEIGHTS, SAFE_PATTERNS
from .store.hub import ModelSource, resolve_model

log = logging.getLogger(__name__)

CACHE_FOLDER = "mtjob-cache"
PROFILE = "mtjob.toml"
#: Settings the profile never carries: the staged folders replace them.
NOT_IN_PROFILE = ("mt_model", "mt_revision", "sum_model", "sum_revision", "cache_dir")


@dataclass
class StagedModel:
    role: Role
    ref: str
    folder: Path
    origin: dict[str, Any]
    ct2: list[Path] = field(default_factory=list)


@dataclass
class StageReport:
    folder: Path
    models: list[StagedModel]
    profile: Path
    config: JobConfig

    def config_lines(self) -> list[str]:
        """What to tell the operator: the profile and the environment for the nodes."""
        lines = [f"# offline nodes: mtjob run ... --config {self.profile}"]
        if any(m.ct2 for m in self.models):
            lines.append(f"export MTJOB_CACHE={self.folder / CACHE_FOLDER}")
        lines += [f'{MODEL_FIELDS[m.role][0]} = "{m.folder}"' for m in self.models]
        return lines


def folder_name(ref: str) -> str:
    """``Helsinki-NLP/opus-mt-ar-en`` -> ``opus-mt-ar-en``; a local folder keeps its name."""
    return Path(ref.rstrip("/")).name or "model"


@contextmanager
def mtjob_cache(folder: Path) -> Iterator[None]:
    """``MTJOB_CACHE`` pointed at ``folder`` for the conversions (and fingerprints)."""
    before = os.environ.get("MTJOB_CACHE")
    os.environ["MTJOB_CACHE"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MTJOB_CACHE", None)
        else:
            os.environ["MTJOB_CACHE"] = before


def compute_types(config: JobConfig) -> list[str]:
    """The CTranslate2 compute types a run of ``config`` would load, for the devices it may
    get (``auto``: both); as ``backends.ct2.select_runtime`` chooses them."""
    from .ct2 import compute_type

    devices = [Device.CPU, Device.CUDA] if config.device == Device.AUTO else [config.device]
    return [compute_type(config, device) for device in devices]


def _fetch(ref: str, revision: str | None, target: Path, allow_pickle: bool) -> dict[str, Any]:
    """Download a hub model (or copy a local folder) into ``target``; returns its origin."""
    if Path(ref).expanduser().is_dir():
        source = Path(ref).expanduser()
        target.mkdir(parents=True, exist_ok=True)
        patterns = SAFE_PATTERNS + (list(PICKLE_WEIGHTS) if allow_pickle else [])
        for item in sorted({p for pattern in patterns for p in source.glob(pattern)}):
            shutil.copy2(item, target / item.name)
        return {"id": str(source.resolve()), "copied": True}
    from .store.model_ref import hub_shaped, missing_folder

    if not hub_shaped(ref):  # as a run reads it: only owner/name is a hub id
        raise missing_folder(ref)
    from .store.download import fetch, hub_api, plan_fetch

    api = hub_api()
    try:
        plan = plan_fetch(api, ref, revision, allow_pickle)
        fetch(api, ref, plan, local_dir=str(target))
    except ModelUnavailableError as exc:  # its advice would be to run this very command
        fact = exc.fact
        if fact is None:
            raise
        raise ModelUnavailableError(
            f"{fact}. `mtjob models stage` downloads: run it on a machine with internet "
            "(HF_HUB_OFFLINE unset), or stage a local copy: `mtjob models stage DIR "
            "--mt-model FOLDER --sum-model FOLDER`") from None
    origin = {"id": ref, "revision": plan.commit}
    if plan.hub_ref:
        origin["hub_ref"] = plan.hub_ref
    return origin


def profile_text(config: JobConfig, staged: list[StagedModel], when: str) -> str:
    """The profile TOML: non-default settings of ``config``, models at the staged folders."""
    defaults = JobConfig()
    models = {MODEL_FIELDS[m.role][0]: str(m.folder) for m in staged}
    rest = {name: getattr(config, name) for name in FIELDS
            if name not in NOT_IN_PROFILE and getattr(config, name) != getattr(defaults, name)}
    lines = [f"# Written by `mtjob models stage` at {when}: models staged for offline nodes.",
             "# Use: mtjob run INPUT... --out OUT --config THIS_FILE"]
    from .registry import backend_for

    if backend_for(config.backend).converts:
        lines.append(f"# and export MTJOB_CACHE={staged[0].folder.parent / CACHE_FOLDER}")
    lines += ["", "[models]"] + [f"{k} = {_toml(v)}" for k, v in models.items()]
    if rest:
        lines += ["", "[settings]"] + [f"{k} = {_toml(v)}" for k, v in rest.items()]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps("" if value is None else str(value), ensure_ascii=False)


def stage(folder: Path, config: JobConfig, ctranslate2: bool = False) -> StageReport:
    """Stage the configured models into ``folder`` (see the module docstring)."""
    from ..outfolder.atomic import atomic_write, json_bytes

    folder = folder.expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    staged = []
    with mtjob_cache(folder / CACHE_FOLDER):
        for role in config.roles:
            ref, revision = config.model(role)
            target = folder / folder_name(ref)
            origin = _fetch(ref, revision, target, config.allow_pickle)
            source = resolve_model(str(target), None, None, config.allow_pickle)
            origin["fingerprint"] = source.revision
            model = StagedModel(role, ref, target, origin)
            if ctranslate2:
                model.ct2 = _convert(source, config, role)
            staged.append(model)
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    atomic_write(folder / "models.json", json_bytes(
        {m.folder.name: {"role": m.role, **m.origin} for m in staged}))
    profile_config = dataclasses.replace(config, backend=Backend.CTRANSLATE2) if ctranslate2 \
        else config
    profile = folder / PROFILE
    atomic_write(profile, profile_text(profile_config, staged, when).encode("utf-8"))
    return StageReport(folder, staged, profile, profile_config)


def _convert(source: ModelSource, config: JobConfig, role: Role) -> list[Path]:
    """The conversions a run will look for: the translator's records its alignment layer."""
    from .ct2 import converted_model

    layer = config.alignment_layer if role == Role.MT else None
    return [converted_model(source, compute, layer) for compute in compute_types(config)]
