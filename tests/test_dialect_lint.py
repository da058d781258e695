"""The store's SQL is written once for both databases: no DuckDB-only words in its SQL strings.

Every string literal in ``dashboard/store`` (docstrings and other bare string statements left
out) is searched for words PostgreSQL 15 does not know or reads differently. ``dialect.py``
holds the named differences and the migrations have their own sections, so both are left out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "dashboard" / "store"

DUCKDB_ONLY = {
    "list_contains": r"\blist_contains\b",
    "list_position": r"\blist_position\b",
    "group by all": r"\bgroup\s+by\s+all\b",
    "order by all": r"\border\s+by\s+all\b",
    "exclude (": r"\bexclude\s*\(",
    "any_value": r"\bany_value\b",
    "arg_max": r"\barg_max\b",
    "insert or replace": r"\binsert\s+or\s+replace\b",
    "to_days": r"\bto_days\b",
    "to_seconds": r"\bto_seconds\b",
    "interval <digit>": r"\binterval\s+\d",
    "len(": r"\blen\s*\(",
    "list(": r"\blist\s*\(",
    "untyped ? is null": r"\?\s+is\s+(not\s+)?null\b",
    "double": r"\bdouble\b(?!\s+precision)",
    "range(": r"\brange\s*\(",
    "empty list []": r"(?<![\w\]])\[\]",
    "list literal [...]": r"(?<![\w\]\)])\[\s*['\d?]",
}
"""Each DuckDB-only word, with the pattern that finds it (any case) in SQL text."""


def _strings(tree: ast.Module) -> list[tuple[int, str]]:
    """``(line, text)`` of every string that could be SQL: literals and the fixed parts of f-strings
    (a ``{...}`` part kept as ``{}``), not docstrings or other bare string statements."""
    bare = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant | ast.JoinedStr)
    }
    inside_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    found = []
    for node in ast.walk(tree):
        if id(node) in bare or id(node) in inside_fstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(str(p.value) if isinstance(p, ast.Constant) else "{}" for p in node.values)
            found.append((node.lineno, text))
    return found


def duckdb_only(path: str, source: str) -> list[str]:
    """Every DuckDB-only word in the module's SQL strings, as ``path:line: word``."""
    return [
        f"{path}:{line}: {word}"
        for line, text in sorted(_strings(ast.parse(source)))
        for word, pattern in DUCKDB_ONLY.items()
        if re.search(pattern, text, re.IGNORECASE)
    ]


def _store_modules() -> dict[str, str]:
    files = [p for p in sorted(STORE.rglob("*.py")) if p.name != "dialect.py" and "migrations" not in p.parts]
    return {p.relative_to(ROOT).as_posix(): p.read_text() for p in files}


def test_no_store_module_has_a_duckdb_only_word_in_its_sql():
    found = [hit for path, source in _store_modules().items() for hit in duckdb_only(path, source)]
    assert found == []


def test_the_lint_finds_every_word_in_sql_strings_and_f_strings_but_not_in_docstrings_or_code():
    """Guards the check above against passing vacuously."""
    source = '''
"""Module docstring: group by all, list_contains."""
def f(cur, n):
    """Docstring: any_value(x)."""
    names = list(range(n))  # code, not SQL: len(names) too
    cur.execute("select list_contains(?, id), list_position(?, id), any_value(x), arg_max(a, b)"
                " from t group by all order by all")
    cur.execute(f"select s.* exclude (id) from {names} where d > now() - interval 1 day")
    cur.execute("insert or replace into t select to_days(?), to_seconds(?), len(?), list(x order by y)")
    cur.execute("select x::double from t where (? is null or a = ?) and (? is not null)")
    cur.execute("select coalesce(l, []), ['a', 'b'][i], [1, 2], unnest(range(?)) from range(3)")
    cur.execute("select x = any(?::integer[]), cardinality(?), interval '1 day', array_agg(x) from t"
                " where (?::integer is null or a = ?) and y::double precision > 0 and array[]::integer[] <> l"
                " and (array['a', 'b'])[1] = s.labels[g.i + 1] and x in (?, ?)")
'''
    assert duckdb_only("m.py", source) == [
        "m.py:6: list_contains",
        "m.py:6: list_position",
        "m.py:6: group by all",
        "m.py:6: order by all",
        "m.py:6: any_value",
        "m.py:6: arg_max",
        "m.py:8: exclude (",
        "m.py:8: interval <digit>",
        "m.py:9: insert or replace",
        "m.py:9: to_days",
        "m.py:9: to_seconds",
        "m.py:9: len(",
        "m.py:9: list(",
        "m.py:10: untyped ? is null",
        "m.py:10: double",
        "m.py:11: range(",
        "m.py:11: empty list []",
        "m.py:11: list literal [...]",
    ]
