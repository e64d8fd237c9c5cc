"""Build the bench models once, without running the bench: the full-size ``bench-v2`` folders
(``models/bench/bench-v2``; the tokenizer parity tests compare them when present), their
EOS-banned copies and CTranslate2 int8 conversions, as ``python -m scripts.bench`` prepares
them. Prints what it did as one JSON object. The tc-big model: ``scripts.bench.prepare_big``.

    python -m scripts.bench.prepare
"""

from __future__ import annotations

import argparse
import json
import os

from .child import child_prepare
from .settings import CT2_CACHE, MODELS


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    os.environ.update(HF_HUB_OFFLINE="1", MTJOB_CACHE=str(CT2_CACHE))
    MODELS.mkdir(parents=True, exist_ok=True)
    print(json.dumps(child_prepare({"models": str(MODELS), "compute_types": ["int8"]})))


if __name__ == "__main__":
    main()
