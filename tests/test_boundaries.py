"""The package works without Streamlit, except for its one edge module; pages hold no SQL."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import dashboard

ROOT = Path(__file__).resolve().parent.parent
EDGE = {"dashboard.ui"}


def _modules() -> list[str]:
    package = Path(dashboard.__file__).parent
    names = []
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name not in EDGE and not name.endswith("__main__"):
            names.append(name)
    return sorted(names)


def test_every_module_but_the_edge_imports_without_streamlit():
    script = (
        "import importlib, json, sys\n"
        f"for name in {_modules()!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []


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
