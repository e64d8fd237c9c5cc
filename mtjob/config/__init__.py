"""Job configuration: one frozen dataclass, loaded from TOML, overridden by CLI flags.

Each field carries its own help text, help panel, choices and whether it changes the output;
the CLI flags, the TOML keys and the settings recorded beside every abstract all derive from
the fields. TOML files group the fields in sections (``[models]``, ``[runtime]``, ...) for
readability; the section names carry no meaning, and every field name is unique. CLI flags
use the same names in kebab-case (``batch_tokens`` <-> ``--batch-tokens``).

- ``fields``: how a setting is declared (help, panel, output, bounds), each role's fields
- ``job_config``: ``JobConfig`` and the tables derived from its fields
- ``loading``: defaults, then a TOML file, then the flags
"""

from __future__ import annotations

from .fields import MODEL_FIELDS, max_threads, setting
from .job_config import (
    AUTO_BATCH_TOKENS,
    CHOICES,
    FIELDS,
    OUTPUT_SETTINGS,
    TYPES,
    JobConfig,
    base_type,
)
from .loading import load_config

__all__ = ["AUTO_BATCH_TOKENS", "CHOICES", "FIELDS", "MODEL_FIELDS", "OUTPUT_SETTINGS", "TYPES",
           "JobConfig", "base_type", "load_config", "max_threads", "setting"]
