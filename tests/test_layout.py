"""The layout of kg/: subpackages by concept, imports flowing one way (command line → serving and
publishing → stores → queries → the graph's lifecycle → shared basics), no import cycle, and no
module taking another's private names. Every import counts: at the top, inside a function, under
TYPE_CHECKING, and the modules named to the lazy-import helpers."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

#: each subpackage's level; an import may go to a lower level, or within its own subpackage
LEVELS = {
    "core": 0,
    "graph": 1,
    "queries": 2,
    "stores": 3,
    "publishing": 4,
    "server": 4,
    "cli": 5,
    "__main__": 6,
    "": 6,  # kg/__init__.py: the public API
}
LAZY_HELPERS = {"lazy_module", "lazy_exports"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int


def module_name(root: Path, file: Path) -> str:
    parts = file.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_imports(root: Path) -> tuple[dict[str, Path], list[Edge], list[str]]:
    """The modules under ``root`` (a package folder), the import edges between them, and the
    private names one module takes from another."""
    modules = {module_name(root, f): f for f in root.rglob("*.py") if "_data" not in f.parts}
    edges: list[Edge] = []
    private: list[str] = []

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    for name, file in modules.items():
        tree = ast.parse(file.read_text(encoding="utf-8"))
        package = name if file.name == "__init__.py" else name.rpartition(".")[0]
        imported_modules: dict[str, str] = {}  # local alias -> module
        for node in ast.walk(tree):
            targets: list[tuple[str, str | None]] = []  # (module, imported name)
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in modules:
                        targets.append((full, None))
                        imported_modules[alias.asname or alias.name] = full
                    else:
                        targets.append((base, alias.name))
            elif isinstance(node, ast.Import):
                targets = [(alias.name, None) for alias in node.names]
            elif (
                isinstance(node, ast.Call) and getattr(node.func, "id", None) in LAZY_HELPERS
            ) or isinstance(node, ast.Dict):
                for const in ast.walk(node):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        text = const.value.replace("{name}", "")
                        if text.startswith(f"{root.name}."):
                            targets.append((text.rstrip("."), None))
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                module = imported_modules.get(node.value.id)
                if module and node.attr.startswith("_") and not node.attr.startswith("__"):
                    private.append(f"{name} uses {module}.{node.attr}")
            for target, imported in targets:
                resolved = resolve(target)
                if resolved is None or resolved == name:
                    continue
                edges.append(Edge(name, resolved, getattr(node, "lineno", 0)))
                if imported and imported.startswith("_") and not imported.startswith("__"):
                    private.append(f"{name} takes {imported} from {resolved}")
    return modules, edges, private


def cycles(modules: dict[str, Path], edges: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for edge in edges:
        graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def part(module: str) -> str:
    """The subpackage (or top-level module) ``module`` belongs to: kg.graph.cache -> graph."""
    return module.split(".")[1] if "." in module else ""


def against_the_flow(edges: list[Edge], levels: dict[str, int]) -> list[str]:
    wrong = []
    for edge in edges:
        source, target = part(edge.source), part(edge.target)
        if source == target:
            continue
        if levels[target] >= levels[source]:
            wrong.append(f"{edge.source}:{edge.line} imports {edge.target}")
    return wrong


@pytest.fixture(scope="module")
def kg_imports() -> tuple[dict[str, Path], list[Edge], list[str]]:
    return read_imports(KG)


def test_every_part_of_kg_has_a_level(kg_imports) -> None:
    modules, _, _ = kg_imports
    assert {part(m) for m in modules} <= set(LEVELS)


def test_no_import_cycle(kg_imports) -> None:
    modules, edges, _ = kg_imports
    assert cycles(modules, edges) == []


def test_imports_flow_one_way(kg_imports) -> None:
    _, edges, _ = kg_imports
    assert against_the_flow(edges, LEVELS) == []


def test_no_private_names_across_modules(kg_imports) -> None:
    _, _, private = kg_imports
    assert private == []


def test_each_subpackage_says_what_it_holds_and_may_import() -> None:
    for init in KG.glob("*/__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in docstring, init


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    """A made-up package with a cycle, an arrow against the flow and a private name taken."""
    root = tmp_path / "kg"
    for folder in ("core", "graph"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text('"""May import: nothing."""\n')
    (root / "__init__.py").write_text("")
    (root / "core" / "basics.py").write_text("from kg.graph.loading import load\n")
    (root / "graph" / "loading.py").write_text(
        "from kg.core import basics\nfrom kg.graph.other import _hidden\n"
        "def load():\n    return basics._secret\n"
    )
    (root / "graph" / "other.py").write_text(
        "def f():\n    from kg.graph.loading import load\n\n_hidden = 1\n"
    )
    modules, edges, private = read_imports(root)
    assert cycles(modules, edges) == [["kg.core.basics", "kg.graph.loading", "kg.graph.other"]]
    assert against_the_flow(edges, LEVELS) == ["kg.core.basics:1 imports kg.graph.loading"]
    assert sorted(private) == [
        "kg.graph.loading takes _hidden from kg.graph.other",
        "kg.graph.loading uses kg.core.basics._secret",
    ]
