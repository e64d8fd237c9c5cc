"""Versions of mtjob and the libraries it runs on, read without importing them."""

from __future__ import annotations

__version__ = "0.1.0"

LIBRARIES = ("torch", "transformers", "ctranslate2", "sentencepiece", "ray")


def versions_line() -> str:
    """``mtjob 0.1.0 (torch 2.13.0, transformers 5.x, ctranslate2 4.x, ...)``."""
    from importlib.metadata import PackageNotFoundError, version  # slow: only when asked

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} not installed")
    return f"mtjob {__version__} ({', '.join(found)})"
