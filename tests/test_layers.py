"""The import rule (docs/architecture.md): layers point one way, no cycles, no private names across modules.

money, errors < catalog < usage < pricing, engines < analysis < report < api (and the package root) < cli, web
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "billpath"
LAYER = {
    "money": 0,
    "errors": 0,
    "catalog": 1,
    "usage": 2,
    "pricing": 3,
    "engines": 3,
    "analysis": 4,
    "report": 5,
    "api": 6,
    "": 6,  # the package root, billpath/__init__.py
    "cli": 7,
    "web": 7,
    "__main__": 8,
}


def _modules(package: Path) -> dict[str, Path]:
    out = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else ""
    assert top in LAYER, f"{module}: give its package a layer in LAYER (and in docs/architecture.md)"
    return LAYER[top]


def _imports(module: str, path: Path, known: set[str]) -> list[tuple[str, list[str]]]:
    """(imported module, names imported from it), TYPE_CHECKING blocks excluded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for n in ast.walk(block)
    }
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("billpath")]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base) if node.level else node.module or ""
            if not target.startswith("billpath"):
                continue
            names = [a.name for a in node.names]
            found += [(f"{target}.{n}", []) for n in names if f"{target}.{n}" in known]
            rest = [n for n in names if f"{target}.{n}" not in known]
            if rest:
                found.append((target, rest))
    return found


def _graph(package: Path = PACKAGE) -> tuple[dict[str, set[str]], list[str]]:
    modules = _modules(package)
    known = set(modules)
    edges: dict[str, set[str]] = {m: set() for m in modules}
    problems = []
    for module, path in sorted(modules.items()):
        for target, names in _imports(module, path, known):
            if target not in known or target == module:
                continue
            edges[module].add(target)
            if _layer(target) > _layer(module):
                problems.append(f"upward import: {module} -> {target}")
            problems += [
                f"private name: {module} imports {target}.{n}"
                for n in names
                if n.startswith("_") and not n.endswith("__")
            ]
    return edges, problems


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_every_module_has_a_layer():
    for module in _modules(PACKAGE):
        assert _layer(module) >= 0, module


def test_imports_point_down_and_name_nothing_private():
    _, problems = _graph()
    assert problems == []


def test_no_import_cycles():
    edges, _ = _graph()
    assert _cycles(edges) == []


def test_the_rule_catches_what_it_forbids(tmp_path):
    """The checker itself: an upward import, a private name and a cycle are all reported."""
    fake = tmp_path / "billpath"
    for sub in ("catalog", "analysis"):
        (fake / sub).mkdir(parents=True)
        (fake / sub / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "catalog" / "a.py").write_text("from billpath.analysis.b import _hidden\n")
    (fake / "analysis" / "b.py").write_text("from billpath.catalog import a\n")
    edges, problems = _graph(fake)
    assert "upward import: billpath.catalog.a -> billpath.analysis.b" in problems
    assert "private name: billpath.catalog.a imports billpath.analysis.b._hidden" in problems
    assert _cycles(edges) == [["billpath.analysis.b", "billpath.catalog.a"]]
