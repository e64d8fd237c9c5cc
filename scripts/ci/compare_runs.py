"""What moved between the pinned set and the newest releases (scripts/ci/latest.sh).

    python scripts/ci/compare_runs.py constraints.txt latest-freeze.txt pinned.xml latest.xml

Prints the packages whose version differs (or that appear or vanish) and the tests whose
outcome differs between the two junit XML reports (passed, failed, error, skipped).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found[name.strip().lower().replace("_", "-")] = version.strip()
    return found


def outcomes(junit: Path) -> dict[str, str]:
    if not junit.is_file():
        return {}
    found = {}
    for case in ET.parse(junit).iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        found[name] = {"failure": "failed"}.get(kinds[0], kinds[0]) if kinds else "passed"
    return found


def moved(old: dict[str, str], new: dict[str, str]) -> list[str]:
    lines = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name, "-"), new.get(name, "-")
        if a.split("+")[0] != b.split("+")[0]:
            lines.append(f"  {name}: {a} -> {b}")
    return lines


def main(argv: list[str]) -> int:
    pinned, latest, pinned_xml, latest_xml = map(Path, argv)
    packages = moved(pins(pinned), pins(latest))
    print(f"packages that moved ({len(packages)}):", *(packages or ["  none"]), sep="\n")
    tests = moved(outcomes(pinned_xml), outcomes(latest_xml))
    print(f"tests whose outcome changed ({len(tests)}):", *(tests or ["  none"]), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
