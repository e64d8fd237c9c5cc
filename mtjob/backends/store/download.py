"""Fetching a model absent from the Hugging Face cache, once, safe weights only.

Called before the first batch (never in the middle of a run), when ``hub.cached_snapshot``
finds nothing. A revision that ships pickle weights only (``pytorch_model.bin``) is taken as
transformers takes it: from the safetensors conversion that the hub's conversion bot opened
as a pull request on that very commit, when there is one; pickle weights only when the user
allows them. The bot is never asked to convert anything.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import ConfigError, ModelUnavailableError, UnsafeModelError

SAFE_PATTERNS = ["*.json", "*.spm", "*.model", "*.txt", "*.safetensors"]
PICKLE_WEIGHTS = ("pytorch_model.bin",)

log = logging.getLogger(__name__)

#: What transformers looks for (``safetensors_conversion.previous_pr``): an open pull
#: request with this title, opened by this account.
CONVERSION_TITLE = "Adding `safetensors` variant of this model"
CONVERSION_BOT = "SFconvertbot"


def hub_api() -> Any:
    """The ``HfApi`` used for every call here (tests put a fake hub in its place)."""
    from huggingface_hub import HfApi

    return HfApi()


def offline() -> bool:
    # huggingface_hub reads HF_HUB_OFFLINE once, at import; read it again here so that the
    # variable is honoured however the process was started.
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def _unavailable(ref: str, revision: str | None, why: str) -> ModelUnavailableError:
    rev = f" at revision {revision}" if revision else ""
    fact = (f"model {ref!r}{rev} is not in the Hugging Face cache and the hub cannot be "
            f"reached ({why})")
    error = ModelUnavailableError(
        f"{fact}. Pre-stage it on a machine with internet: `mtjob models stage DIR` (or "
        f"`hf download {ref} --local-dir DIR`) then pass the folder (--mt-model/--sum-model "
        "DIR), or fill a shared cache and point HF_HOME at it")
    error.fact = fact  # for callers with their own advice
    return error


def _hub_call(ref: str, revision: str | None, call: Any, /, *args: Any, **kwargs: Any) -> Any:
    """One hub call, its failures turned into one-line errors."""
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        return call(*args, **kwargs)
    except LocalEntryNotFoundError as exc:
        raise _unavailable(ref, revision, type(exc).__name__) from None
    except HfHubHTTPError as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if status is None:  # no answer at all: the network, not the hub
            raise _unavailable(ref, revision, type(exc).__name__) from None
        raise ModelUnavailableError(f"model {ref!r}: the hub refused it: "
                                    f"{str(exc).splitlines()[0]}") from None
    except Exception as exc:  # httpx / OSError: no connection, DNS, proxy, timeout...
        log.debug("hub call failed", exc_info=True)
        raise _unavailable(ref, revision, type(exc).__name__) from None


def conversion_pr(api: Any, ref: str, commit: str) -> Any | None:
    """The conversion bot's open pull request made on ``commit``, or None. As transformers
    does, a pull request counts only when opened by the bot and based on that commit."""
    for pr in api.get_repo_discussions(ref, discussion_type="pull_request",
                                       discussion_status="open"):
        if pr.title != CONVERSION_TITLE or pr.author != CONVERSION_BOT:
            continue
        commits = api.list_repo_commits(ref, revision=pr.git_reference)
        if len(commits) > 1 and commits[1].commit_id == commit:
            return pr
    return None


@dataclass(frozen=True)
class Fetch:
    """What to download for a model: the hub revision and the file patterns, plus the
    commit it is and the reference it was found under (``refs/pr/N`` for a conversion)."""

    revision: str | None
    commit: str
    patterns: list[str]
    hub_ref: str | None = None


def plan_fetch(api: Any, ref: str, revision: str | None, allow_pickle: bool) -> Fetch:
    """Ask the hub which files of ``ref`` to fetch: safetensors when the revision has them,
    else the conversion bot's pull request on it (``main`` only), else pickle weights when
    allowed. Raises a one-line error otherwise."""

    if offline():
        raise _unavailable(ref, revision, "HF_HUB_OFFLINE is set")
    info = _hub_call(ref, revision, api.model_info, ref, revision=revision)
    files = {s.rfilename for s in (info.siblings or [])}
    if any(name.endswith(".safetensors") for name in files):
        return Fetch(revision, info.sha, SAFE_PATTERNS)
    if not any(name in files for name in PICKLE_WEIGHTS):
        raise ConfigError(f"model {ref!r} at {info.sha}: no weights (neither model.safetensors "
                          "nor pytorch_model.bin) on the hub")
    pr = None
    if revision in (None, "main"):
        try:
            pr = conversion_pr(api, ref, info.sha)
        except Exception:  # discussions off, a hiccup: as if there were none, said below
            log.debug("looking for a safetensors conversion of %s failed", ref, exc_info=True)
    if pr is not None:
        pr_ref = f"refs/pr/{pr.num}"
        commit = _hub_call(ref, pr_ref, api.model_info, ref, revision=pr_ref).sha
        log.warning("%s ships pickle weights only; using the safetensors conversion %s (%s) "
                    "opened by %s", ref, pr_ref, commit[:12], CONVERSION_BOT)
        return Fetch(pr_ref, commit, SAFE_PATTERNS, pr_ref)
    if not allow_pickle:
        raise UnsafeModelError(
            f"model {ref!r} ({revision or 'main'} = {info.sha[:12]}) ships only pickle weights "
            f"(pytorch_model.bin) and the hub has no safetensors conversion of it by "
            f"{CONVERSION_BOT}; pass --allow-pickle if you trust its source")
    log.warning("downloading the pickle weights of %s because allow_pickle is set", ref)
    return Fetch(revision, info.sha, SAFE_PATTERNS + list(PICKLE_WEIGHTS))


def fetch(api: Any, ref: str, plan: Fetch, **where: Any) -> Path:
    """Download what ``plan`` says into ``cache_dir=`` (the hub cache layout, with its refs)
    or ``local_dir=`` (a plain folder); huggingface_hub draws its progress on a terminal."""
    log.info("downloading %s (%s) into %s", ref, plan.hub_ref or plan.revision or "main",
             next(iter(where.values())))
    return Path(_hub_call(ref, plan.revision, api.snapshot_download, ref,
                          revision=plan.revision, allow_patterns=plan.patterns, **where))


def download(ref: str, revision: str | None, cache: Path, allow_pickle: bool) -> None:
    """Put ``ref`` at ``revision`` into the hub cache ``cache`` (snapshot and refs)."""
    if offline():
        raise _unavailable(ref, revision, "HF_HUB_OFFLINE is set")
    api = hub_api()
    fetch(api, ref, plan_fetch(api, ref, revision, allow_pickle), cache_dir=str(cache))
