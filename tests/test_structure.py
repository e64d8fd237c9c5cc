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
    # the import journal's recovery and the memory check joined them (issues 20, 22, 24); 185
    # since the stages left the bookkeeping and every ending is recorded here (issue 30): what
    # the groups share (``_Run``), the models' log line, --text and the review pages follow
    # the flow's own order; 200 since the checks run before a new folder is made (a run
    # stopped by one leaves the folder as it was), the memory's snapshot is held for the run
    # and each group's progress says which it is.
    assert sizes["mtjob.job"] <= 200


def test_the_cli_starts_without_torch_or_transformers():
    code = ("import sys\nfrom mtjob.cli import app\n"
            "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2', 'ray')"
            " if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


#: The top of ``mtjob/``: what nearly everything imports, and the entry points.
TOP = {"__init__", "__main__", "cli", "api", "job", "choices", "errors", "versions",
       "signals", "records", "translation", "vocabulary"}
PACKAGES = {"config", "commands", "inputs", "text", "engines", "runs", "outfolder", "backends",
            "export", "feedback", "memory", "evaluation", "testing", "terms"}


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


#: The words of the files, each a member of its enum in ``mtjob/vocabulary.py`` (issue 30), and
#: ``sum``, the summarizer's older spelling. ``post_edit`` is left out: it is first the name of
#: the JSONL key of a correction (``EntrySource.POST_EDIT`` borrows that key's name).
def _enum_words() -> set[str]:
    from mtjob.vocabulary import EntrySource, Origin, ReviewState, Role, Status

    words = {m.value for enum in (Status, Origin, ReviewState, Role, EntrySource) for m in enum}
    return (words | {"sum"}) - {"post_edit"}


#: String literals that equal one of those words and mean something else: (module, word) ->
#: (how many, why). Reviewed: a new one is either a member of its enum or a new entry here.
OTHER_MEANINGS = {
    ("mtjob.commands", "memory"): (2, "the `mtjob memory` command's name and its module"),
    ("mtjob.commands.memory", "memory"): (1, "the `mtjob memory` command's name"),
    ("mtjob.commands.common", "summary"): (1, "the logging extra key of the summary line"),
    ("mtjob.commands.run", "summary"): (2, "the logging extra key of the summary line"),
    ("mtjob.commands.translate", "summary"): (2, "the config field `summary`"),
    ("mtjob.outfolder.journal", "pending"): (1, "the import journal's folder "
                                                "`_mtjob/corrections/pending/`"),
    ("mtjob.outfolder.schema", "memory"): (1, "the JSONL key `memory` (the entry taken)"),
    ("mtjob.records", "memory"): (1, "the JSONL key `memory` (the entry taken)"),
    ("mtjob.evaluation.terms", "machine"): (2, "eval --terms: the machine output's column"),
    ("mtjob.outfolder.readback", "memory"): (1, "the JSONL key `memory` (the entry taken)"),
    ("mtjob.export.html_edit", "mt"): (1, "the page data's key of the machine English"),
    ("mtjob.memory.store", "mt"): (2, "EntrySource there is the memory rewrite's (issue 29)"),
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_the_words_of_the_files_are_written_as_enum_members():
    """``"done"`` outside ``Status`` is a second definition waiting to drift (STYLE 20)."""
    words = _enum_words()
    seen: defaultdict[tuple[str, str], int] = defaultdict(int)
    where: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for name, path in modules().items():
        if name == "mtjob.vocabulary":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in words and id(node) not in skip:
                seen[name, node.value] += 1
                where[name, node.value].append(f"{path.relative_to(REPO)}:{node.lineno}")
    unexpected = {key: where[key] for key, n in seen.items()
                  if n != OTHER_MEANINGS.get(key, (0, ""))[0]}
    assert unexpected == {}, "use the enum member, or list the other meaning in OTHER_MEANINGS"


#: ``getattr(obj, name, default)`` and ``hasattr`` on objects that are not ours (libraries,
#: the platform): module -> {call: why}. An object of ours declares what it has: a Protocol
#: lists every method its callers use, optional ones with a default on a base class.
FOREIGN_PROBES = {
    "mtjob.backends.conversion": {"getattr(spec, 'decoder', None)": "CTranslate2's specs"},
    "mtjob.backends.store.download": {
        "getattr(getattr(exc, 'response', None), 'status_code', None)": "the hub's errors",
        "getattr(exc, 'response', None)": "the hub's errors"},
    "mtjob.backends.tokenizers.tokenizer": {
        "getattr(hf, 'model_max_length', None)": "a transformers tokenizer"},
    "mtjob.commands.common": {"getattr(r, 'summary', False)": "a logging record's extra"},
    "mtjob.commands.options": {"getattr(param, 'rich_help_panel', None)": "click's params"},
    "mtjob.commands.plain_values": {
        "getattr(param, 'type_descriptor', None)": "typer's params",
        "getattr(param, '_runtime_param', 'unset')": "typer's params",
        "getattr(info, k, None)": "typer's parameter info",
        "getattr(info, 'case_sensitive', True)": "typer's parameter info",
        "getattr(info, k, v)": "typer's parameter info"},
    "mtjob.config.fields": {"hasattr(os, 'sched_getaffinity')": "the platform"},
    "mtjob.engines.ray": {"getattr(exc, 'cause', None)": "Ray's error wrappers"},
    "mtjob.memory.database": {
        "getattr(exc, 'sqlite_errorname', None)": "sqlite3's errors (Python 3.11+ only)"},
    "mtjob.inputs.sources": {"getattr(os, 'O_CLOEXEC', 0)": "the platform"},
    "mtjob.outfolder.atomic": {"getattr(os, 'O_CLOEXEC', 0)": "the platform"},
    "mtjob.testing.wiring": {
        "hasattr(core.encoder.embed_positions, 'offset')": "transformers' modules",
        "hasattr(layer, 'encoder_attn')": "transformers' modules"},
}


def test_no_object_of_ours_is_probed_for_what_it_has():
    probes = defaultdict(set)
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                    node.func.id == "hasattr" or node.func.id == "getattr"
                    and len(node.args) == 3):
                probes[name].add(ast.unparse(node))
    assert {n: c for n, c in probes.items() if c != set(FOREIGN_PROBES.get(n, {}))} == {}


def test_a_report_is_what_a_command_did():
    """The rule of ``mtjob/runs/report.py``: ``*Report`` classes are commands' results (plain
    dataclasses); the HTML pages are review pages, so no other name says report."""
    reports, others = set(), set()
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = node.name if isinstance(node, (ast.ClassDef, ast.FunctionDef)) else \
                node.id if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) else ""
            if isinstance(node, ast.ClassDef) and named.endswith("Report"):
                assert any("dataclass" in ast.unparse(d) for d in node.decorator_list), named
                reports.add(named)
            elif "report" in named.lower() and not named.endswith("Report"):
                others.add(f"{name}.{named}")
    assert reports == {"RunReport", "VerifyReport", "ImportReport", "ExportReport",
                       "EvalReport", "PostEditReport", "StageReport", "TermsReport"}
    assert {o for o in others if not o.endswith(".report")} == set(), others
