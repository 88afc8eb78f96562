"""Imports go one way and sit at the top (issue 12): an import inside a function must say why it is there.

The layer order itself is `.importlinter`, checked by `make lint` (lint-imports)."""

from __future__ import annotations

import ast
from pathlib import Path

AWARDS = Path(__file__).resolve().parents[1] / "awards"


def _imports_inside_functions():
    for path in sorted(AWARDS.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        yield path.relative_to(AWARDS.parent), inner.lineno, _explained(lines, inner.lineno - 1)


def _explained(lines: list[str], index: int) -> bool:
    """A comment on the import's line, or above the block of imports it belongs to (the app factory's)."""
    if "#" in lines[index]:
        return True
    while index > 0 and lines[index - 1].strip().startswith(("from ", "import ")):
        index -= 1
    return index > 0 and lines[index - 1].strip().startswith("#")


def test_imports_inside_functions_each_say_why():
    unexplained = [f"{path}:{line}" for path, line, explained in _imports_inside_functions() if not explained]
    assert not unexplained, "import at the top of the module, or comment why it must stay inside: " + \
        ", ".join(unexplained)


def test_imports_inside_functions_are_few_outside_the_app_factory():
    outside = [(path, line) for path, line, _ in _imports_inside_functions() if path.name != "__init__.py"
               or path.parent.name != "awards"]
    assert len(outside) <= 3, outside
