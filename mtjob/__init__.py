"""mtjob: Arabic news articles in, aligned Arabic-English JSONL and an English abstract out.

Nothing heavy is imported here: torch and transformers load only when a command needs a model.
The Python API (``mtjob.translate``, ``mtjob.run``, ``mtjob.Pipeline``; see ``mtjob.api``)
is imported on first use.
"""

from __future__ import annotations

import os
from typing import Any

from .versions import __version__

if os.environ.get("MTJOB_CACHE_GUARD"):  # a process of a test session: its writes are watched
    from .testing.cache_guard import install_from_env

    install_from_env()

__all__ = ["Pipeline", "__version__", "final_english", "run", "translate"]


def __getattr__(name: str) -> Any:
    if name in ("Pipeline", "final_english", "run", "translate"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'mtjob' has no attribute {name!r}")
