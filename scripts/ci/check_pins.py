"""Fail unless every package that constraints.txt pins is installed at exactly that version.

scripts/test.sh calls it before the suite, so a run whose environment drifted from the pinned
set (an older release that pip kept, a package installed by hand) says so instead of testing
something else. Prints the versions of the libraries that produce mtjob's outputs.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

CONSTRAINTS = Path(__file__).resolve().parents[2] / "constraints.txt"
SHOWN = ("torch", "transformers", "tokenizers", "sentencepiece", "ctranslate2", "typer", "ray")


def installed() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}


def drift(constraints: Path, have: dict[str, str]) -> list[str]:
    """One line per pinned package that is missing or at another version."""
    problems = []
    for line in constraints.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        name = canonicalize_name(req.name)
        if req.marker is not None and not req.marker.evaluate():
            continue
        version = have.get(name)
        if version is None:
            problems.append(f"{req.name}: pinned {req.specifier}, not installed")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}: pinned {req.specifier}, installed {version}")
    return problems


def main() -> int:
    have = installed()
    problems = drift(CONSTRAINTS, have)
    print("pinned set:", ", ".join(f"{n} {have.get(n, '-')}" for n in SHOWN))
    if problems:
        print("check_pins: the environment is not the pinned set:", *problems, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
