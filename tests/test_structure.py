"""The shape of the package (issue 9): no import cycle, no module far over 250 lines, a short
``job.py``, and nothing heavy imported by the CLI's start. The layout (issue 21): packages
named for what they hold, no arrow back up between a package's members, and the layering
rules below."""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "mtjob"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _type_only(tree: ast.AST) -> set[int]:
    """The ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return inside


def import_graph(runtime_only: bool = False) -> dict[str, set[str]]:
    """Every import between the package's modules, those inside functions included (and
    those under ``TYPE_CHECKING`` unless ``runtime_only``)."""
    mods = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_only(tree) if runtime_only else set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")
                base = base[:len(base) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in mods]
                if len(subs) < len(node.names) and target in mods:
                    subs.append(target)  # names defined in the module itself
                graph[name].update(s for s in subs if s != name)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name in mods)
    return graph


def test_every_import_inside_the_package_names_a_module_that_exists():
    """The graph above skips a target it does not know; a moved module whose import still
    names its old neighbour (``from ..runtime import``) only failed when that line ran."""
    mods, missing = modules(), []
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modname = node.module if isinstance(node, ast.ImportFrom) else None
            if isinstance(node, ast.ImportFrom) and (node.level or (modname or "").startswith(
                    "mtjob.")):
                base = package.split(".")[:len(package.split(".")) - node.level + 1] \
                    if node.level else []
                target = ".".join(base + ([modname] if modname else []))
                if target not in mods and not all(f"{target}.{a.name}" in mods
                                                  for a in node.names):
                    missing.append(f"{name}:{node.lineno}: {target}")
    assert missing == []


def test_no_import_cycle():
    graph = import_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(modules()):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_modules_stay_small():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines())
             for name, path in modules().items() if ".testing" not in name}
    assert {n: s for n, s in sizes.items() if s > 260} == {}
    # job.py reads as the run's stages; 150 since the language check, the glossary read once,
    # the import journal's recovery and the memory check joined them (issues 20, 22, 24).
    assert sizes["mtjob.job"] <= 150


def test_the_cli_starts_without_torch_or_transformers():
    code = ("import sys\nfrom mtjob.cli import app\n"
            "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2', 'ray')"
            " if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


#: The top of ``mtjob/``: what nearly everything imports, and the entry points.
TOP = {"__init__", "__main__", "cli", "api", "job", "config", "choices", "errors", "versions",
       "signals", "records", "status", "translation"}
PACKAGES = {"commands", "inputs", "text", "engines", "runs", "outfolder", "backends", "export",
            "feedback", "memory", "evaluation", "testing", "terms"}


def entry(module: str, package: str) -> str | None:
    """The member of ``package`` (a direct submodule or subpackage) that holds ``module``."""
    if not module.startswith(package + "."):
        return None
    return package + "." + module[len(package) + 1:].split(".")[0]


def member_graph(package: str, graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Imports between the members of ``package``, each subpackage taken as one node."""
    members: dict[str, set[str]] = defaultdict(set)
    for source, targets in graph.items():
        a = entry(source, package)
        for target in targets:
            b = entry(target, package)
            if a and b and a != b:
                members[a].add(b)
    return members


def _acyclic(graph: dict[str, set[str]], removed: set[tuple[str, str]]) -> bool:
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if (node, nxt) in removed:
                continue
            if state.get(nxt) == 1 or (nxt not in state and not visit(nxt)):
                return False
        state[node] = 2
        return True

    return all(visit(n) for n in list(graph) if n not in state)


def arrows_back_up(package: str = "mtjob") -> list[tuple[str, str, bool]]:
    """The fewest arrows whose removal leaves no cycle between the members of a package (its
    subpackages taken whole), for this package and every package below it: the arrows that
    run back up. Each is ``(from, to, type_only)``; a type-only arrow is cut first."""
    full, runtime = import_graph(), import_graph(runtime_only=True)
    found = []
    packages = sorted({n for n, p in modules().items() if p.name == "__init__.py"
                       and (n == package or n.startswith(package + "."))})
    for pkg in packages:
        graph, live = member_graph(pkg, full), member_graph(pkg, runtime)
        edges = sorted(((a, b) for a in graph for b in graph[a]),
                       key=lambda e: (e[1] in live.get(e[0], ()), e))  # type-only first
        for size in range(len(edges) + 1):
            cut = next((set(c) for c in itertools.combinations(edges, size)
                        if _acyclic(graph, set(c))), None)
            if cut is not None:
                found += [(a, b, b not in live.get(a, ())) for a, b in sorted(cut)]
                break
    return found


def test_no_arrow_runs_back_up():
    """None: ``config.py`` no longer imports ``text`` (the glossary's hash is read by
    ``inputs/pathcheck.py`` since the glossary moved to ``terms/``), so the type-only arrow
    from ``text/segment.py`` (``JobConfig`` in a signature) closes no cycle."""
    assert arrows_back_up() == []


def test_the_top_holds_only_the_listed_modules_and_packages():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert (top, folders) == (TOP, PACKAGES)


def test_text_and_inputs_import_no_engine_or_backend():
    bad = {(s, t) for s, targets in import_graph().items() for t in targets
           if s.startswith(("mtjob.text", "mtjob.inputs"))
           and t.startswith(("mtjob.engines", "mtjob.backends"))}
    assert bad == set()


def test_the_output_folder_imports_no_engine():
    bad = {(s, t) for s, targets in import_graph().items() for t in targets
           if s.startswith("mtjob.outfolder") and t.startswith(("mtjob.engines", "mtjob.backends"))}
    assert bad == set()


def test_every_package_has_a_face():
    """A package's ``__init__`` says in its first line what the package holds."""
    for init in PACKAGE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and doc.splitlines()[0].strip(), init


def test_the_readme_layout_is_current():
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "readme_layout.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
