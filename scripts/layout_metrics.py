"""The layout's figures (issue 21), for this checkout or another one (``--root``, e.g. an
export of an older commit): top-level modules, the largest module and script, the arrows that
run back up between a package's members, and the modules one article's run passes through.

    python scripts/layout_metrics.py [--root DIR]

The import graph is ``tests/test_structure.py``'s (of this checkout), pointed at ``--root``.
The walk runs ``mtjob run`` on one article (``examples/article.ar.txt``) with the scripted fake
models in a child process and records every ``mtjob`` function called, from the CLI's start to
the files written: the modules it enters, the top-level files and folders of ``mtjob/`` they
sit in, and how often it returns to a module (or top-level entry) it had already left.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent.parent

WALK = r'''
import json, shutil, sys, tempfile
from pathlib import Path
import mtjob.job
from mtjob.cli import app
from mtjob.testing.fakes import FakeModels
from typer.testing import CliRunner

mtjob.job.default_models = lambda config: FakeModels()
tmp = Path(tempfile.mkdtemp())
(tmp / "in").mkdir()
shutil.copy(sys.argv[1], tmp / "in" / "article.txt")
seen = []

def profile(frame, event, arg):
    if event == "call" and frame.f_code.co_name != "<module>":
        name = frame.f_globals.get("__name__", "")
        if name.startswith("mtjob") and not name.startswith("mtjob.testing"):
            if not seen or seen[-1] != name:
                seen.append(name)

sys.setprofile(profile)
result = CliRunner().invoke(app, ["run", str(tmp / "in"), "--out", str(tmp / "out"), "--quiet"])
sys.setprofile(None)
assert result.exit_code == 0, result.output
assert (tmp / "out" / "article.jsonl").is_file()
print(json.dumps(seen))
'''


def _structure(root: Path) -> ModuleType:
    """``tests/test_structure.py`` of this checkout, its ``REPO`` set to ``root``."""
    source = (HERE / "tests" / "test_structure.py").read_text(encoding="utf-8")
    source = source.replace("from .conftest import REPO", f"REPO = Path({str(root)!r})")
    module = ModuleType("structure")
    exec(compile(source, "tests/test_structure.py", "exec"), module.__dict__)
    return module


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _top(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _returns(walk: list[str]) -> int:
    left, back = set(), 0
    for before, now in pairwise(walk):
        left.add(before)
        back += now in left
    return back


def _collapse(walk: list[str]) -> list[str]:
    return [m for i, m in enumerate(walk) if i == 0 or walk[i - 1] != m]


def measure(root: Path) -> dict[str, Any]:
    structure = _structure(root)
    package = root / "mtjob"
    mods = [p for p in package.rglob("*.py") if "testing" not in p.parts]
    scripts = list((root / "scripts").rglob("*.py"))
    largest = max(mods, key=_lines)
    script = max(scripts, key=_lines)
    back = structure.arrows_back_up()
    done = subprocess.run([sys.executable, "-c", WALK, str(root / "examples" / "article.ar.txt")],
                          capture_output=True, text=True, cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin",
                               "HOME": str(Path.home())})
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    walk = json.loads(done.stdout.splitlines()[-1])
    tops = _collapse([_top(m) for m in walk])
    return {
        "top_level_modules": len(list(package.glob("*.py"))),
        "top_level_entries": len([p for p in package.iterdir()
                                  if p.suffix == ".py" or (p / "__init__.py").is_file()]),
        "largest_module": [str(largest.relative_to(root)), _lines(largest)],
        "largest_script": [str(script.relative_to(root)), _lines(script)],
        "arrows_back_up": [f"{a} -> {b}" + (" (type-only)" if t else "") for a, b, t in back],
        "walk_modules_entered": len(set(walk)),
        "walk_module_returns": _returns(walk),
        "walk_top_entries_entered": len(set(tops)),
        "walk_top_entry_returns": _returns(tops),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE)
    args = parser.parse_args()
    print(json.dumps(measure(args.root.resolve()), indent=1))


if __name__ == "__main__":
    main()
