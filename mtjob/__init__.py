"""mtjob: Arabic news articles in, aligned Arabic-English JSONL and an English abstract out.

Nothing heavy is imported here: torch and transformers load only when a command needs a model.
The Python API (``mtjob.translate``, ``mtjob.run``, ``mtjob.Pipeline``; see ``mtjob.api``)
is imported on first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Pipeline", "run", "translate"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'mtjob' has no attribute {name!r}")
