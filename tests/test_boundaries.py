"""The package works without Streamlit, except for its edge package ``dashboard.ui``; pages hold no SQL."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import dashboard

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(dashboard.__file__).parent
EDGE = PACKAGE / "ui"
"""The one sub-package that may import Streamlit: the cached store, widgets and page helpers."""


def _outside_the_edge() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not p.is_relative_to(EDGE))


def _modules() -> list[str]:
    names = []
    for path in _outside_the_edge():
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if not name.endswith("__main__"):
            names.append(name)
    return names


def test_every_module_but_the_edge_imports_without_streamlit():
    script = (
        "import importlib, json, sys\n"
        f"for name in {_modules()!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []


def test_no_module_outside_the_edge_mentions_streamlit_in_an_import_even_inside_a_function():
    """The import check above cannot see an import that waits inside a function body."""
    importing = re.compile(r"^\s*(import|from)\s+streamlit\b", re.MULTILINE)
    offenders = [p.relative_to(PACKAGE).as_posix() for p in _outside_the_edge() if importing.search(p.read_text())]
    assert offenders == []


def test_the_edge_is_the_ui_package_and_the_checks_above_cover_the_rest():
    """Guards the two checks above against passing vacuously (a moved edge, an empty module list)."""
    assert (EDGE / "__init__.py").is_file()
    assert {"dashboard.charts.style", "dashboard.leadership", "dashboard.store"} <= set(_modules())
    assert not any(name.startswith("dashboard.ui") for name in _modules())


def test_pages_hold_no_sql_and_open_no_connections():
    forbidden = re.compile(r"\bselect\b.+\bfrom\b|insert into|\.execute\(|duckdb", re.IGNORECASE)
    offenders = [p.name for p in (ROOT / "pages").glob("*.py") if forbidden.search(p.read_text())]
    assert offenders == []


def test_only_the_store_package_imports_duckdb():
    package = Path(dashboard.__file__).parent
    importers = sorted(
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if re.search(r"^\s*(import duckdb|from duckdb)", p.read_text(), re.MULTILINE)
    )
    assert all(path.startswith("store/") for path in importers), importers


def test_the_server_skips_streamlits_full_garbage_collection_after_every_run():
    """Streamlit collects all generations after each run by default: with pandas, plotly and
    DuckDB loaded that took two thirds of the server's CPU while ten phones refreshed."""
    script = "from streamlit import config; print(config.get_option('runner.postScriptGC'))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
