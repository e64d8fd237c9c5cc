"""Build small, real Hugging Face model folders for offline tests and demos.

Usage: python scripts/make_tiny_models.py DIR [--full-size] [--seed N]
Writes DIR/marian-ar-en (MarianMT, Arabic->English) and DIR/bart-sum (BART summarizer).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

try:
    import mtjob  # noqa: F401
except ImportError:
    # Running from a checkout without an installed package: use the repo root.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mtjob.testing.tiny_models import build_tiny_models

logger = logging.getLogger("make_tiny_models")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build both model folders and log what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="output folder (created if missing)")
    parser.add_argument("--full-size", action="store_true",
                        help="real architectures and vocabulary sizes (for benchmarks; slow, "
                        "~1.5 GB)")
    parser.add_argument("--seed", type=int, default=0, help="seed for data shuffling and weights")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if not sys.stderr.isatty():  # transformers' "Writing model shards" bars: terminals only
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    start = time.perf_counter()
    folders = build_tiny_models(args.dir, full_size=args.full_size, seed=args.seed)
    for name, folder in folders.items():
        files = sorted(p for p in folder.iterdir() if p.is_file())
        size = sum(p.stat().st_size for p in files)
        logger.info("%s: %s (%.1f MB): %s", name, folder, size / 1e6,
                    ", ".join(p.name for p in files))
    logger.info("built in %.1f s", time.perf_counter() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
