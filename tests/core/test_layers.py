"""Layers point down only: the pure core never imports Django, the CLI, files or the web.

docs/design.md "Architecture": records, instruments, analysis, painmodel and evidence
take records and return results; they do no I/O of their own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "touchdose"
PURE = ["records.py", "instruments", "analysis", "painmodel", "evidence"]
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
