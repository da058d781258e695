"""The layout stays readable: no module in ``dashboard/`` or ``pages/`` past 400 lines, and no
function past 60 (from its ``def`` line to its last line, docstring included)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _sources() -> list[tuple[str, str]]:
    files = sorted([*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py")])
    return [(p.relative_to(ROOT).as_posix(), p.read_text()) for p in files]


def oversized(sources: list[tuple[str, str]]) -> list[str]:
    """Every module and function past its limit, as ``path: what (lines)``."""
    found = []
    for path, text in sources:
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{path}: module ({lines} lines)")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path}: {node.name}() ({length} lines)")
    return found


def test_no_module_past_400_lines_and_no_function_past_60():
    assert oversized(_sources()) == []


def test_the_check_finds_a_long_module_and_a_long_nested_function():
    """Guards the check above against passing vacuously."""
    long_function = "def outer():\n    def inner():\n" + "        x = 1\n" * 60 + "    return inner\n"
    long_module = "x = 1\n" * 401
    assert oversized([("a.py", long_function), ("b.py", long_module)]) == [
        "a.py: outer() (63 lines)",
        "a.py: inner() (61 lines)",
        "b.py: module (401 lines)",
    ]
