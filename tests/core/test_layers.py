"""Layers point down only: the pure core never imports Django, the CLI, files or the web.

docs/design.md "Architecture": records, instruments, analysis, painmodel and evidence
take records and return results; they do no I/O of their own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "touchdose"
PURE = ["records.py", "text.py", "types.py", "instruments", "analysis", "painmodel", "evidence"]
FORBIDDEN_IMPORTS = (
    "django", "ninja", "typer", "rich", "matplotlib", "fhir", "fpdf", "sqlite3", "psycopg", "socket",
    "urllib", "http", "shutil", "touchdose.web", "touchdose.cli", "touchdose.io", "touchdose.reports",
)  # fmt: skip
FORBIDDEN_CALLS = {"open", "print", "input"}


def _modules() -> list[Path]:
    files: list[Path] = []
    for entry in PURE:
        path = SRC / entry
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def _imports(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_pure_core_module_does_no_io_and_imports_nothing_above_it(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [n for n in _imports(tree) if any(n == f or n.startswith(f + ".") for f in FORBIDDEN_IMPORTS)]
    assert not bad, f"{path.name} imports {bad}"
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS
    }
    assert not calls, f"{path.name} calls {sorted(calls)}"


# --- the web layer: no import cycle, and views are imported only by the URL maps ---------------------

WEB = SRC / "web"
#: The modules that map URLs to views; nothing else imports a view (the API, the services and the
#: forms sit below the pages, so a rule a view and an endpoint share lives below both).
URL_MAPS = {"touchdose.web.urls", "touchdose.web.learn.urls"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _web_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in sorted(WEB.rglob("*.py"))
        if "migrations" not in path.parts and not path.name.startswith("test")
    }


def _web_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The web modules ``name`` imports anywhere in its body (a deferred import counts too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: level 1 is this package, 2 its parent
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}  # "from touchdose.web import services"
    return {m for m in found if m in known and m != name}


def _web_graph() -> dict[str, set[str]]:
    modules = _web_modules()
    return {name: _web_imports(name, path, set(modules)) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (Tarjan), as a path that closes."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_through(graph, sorted(group)) for group in groups]


def _path_through(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A closed import path inside ``group`` that starts and ends at its first module."""
    start, members = group[0], set(group)
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        for nxt in sorted(graph[path[-1]] & members):
            if nxt == start:
                return [*path, start]
            if nxt not in path:
                paths.append([*path, nxt])
    return group  # pragma: no cover (a strongly connected group always has one)


def _is_view(name: str) -> bool:
    return name.startswith("touchdose.web.views.") or name == "touchdose.web.learn.views"


def test_the_cycle_finder_finds_a_cycle_and_its_path() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]  # a module importing itself is not a cycle here


def test_the_web_modules_import_each_other_without_a_cycle() -> None:
    graph = _web_graph()
    assert {"touchdose.web.services", "touchdose.web.selectors", "touchdose.web.api.records"} <= set(graph)
    cycles = _cycles(graph)
    assert not cycles, "import cycles in touchdose.web: " + "; ".join(" -> ".join(c) for c in cycles)


def test_only_views_and_url_maps_import_a_view() -> None:
    bad = sorted(
        f"{name} imports {target}"
        for name, targets in _web_graph().items()
        if not _is_view(name) and name not in URL_MAPS
        for target in targets
        if _is_view(target)
    )
    assert not bad, "a view module is imported below the pages: " + "; ".join(bad)
