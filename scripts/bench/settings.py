"""What every part of the bench shares: paths, the forced lengths, the bench models' names."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: The bench models, their CTranslate2 conversions and the runs' scratch folders (``/models/``
#: is gitignored); ``outputs/`` is left to the sample run of ``scripts/setup.sh``.
MODELS = ROOT / "models" / "bench"
WORK = MODELS / "work"
CT2_CACHE = MODELS / "ct2-cache"
#: Where every benchmark writes its JSON (docs/performance.md cites the tracked ones).
JSON_DIR = ROOT / "docs" / "bench"
ARTICLE = ROOT / "examples" / "article.ar.txt"
NAIVE = Path(__file__).resolve().parent / "naive.py"
FACTOR = 1.3  # output limit per segment, in source tokens, about what a real ar->en model emits
EOS_BIAS = -1e4
MT_CAP = 512  # mtjob caps a segment's output limit at the model's source limit
# Summary length: transformers counts the decoder start in max_length; min 58 rather than 60
# because mtjob's CTranslate2 summarizer rejects min == max (see the report). With EOS banned
# both decode to the maximum anyway.
SUM_MIN, SUM_MAX = 58, 60
DEFAULT_PARTS = ("job", "beamcache")
ALL_PARTS = ("job", "gpu", "beamcache")
MTJOB_LENGTH_FLAGS = ["--max-length-factor", str(FACTOR), "--max-length-offset", "0"]
# Model folders under MODELS: renamed whenever the builders change.
FULL, NOEOS = "bench-v2", "bench-v2-noeos"

log = logging.getLogger("bench")


def save_json(kind: str, data: Any, folder: Path = JSON_DIR) -> Path:
    """Write ``data`` to ``folder/<kind>-<time>.json`` (indented); returns the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path
