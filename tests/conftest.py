"""Shared fixtures. Test data is code: every workspace here is built by the demo generator or
by the store's own functions, never copied from a file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dashboard import demo
from dashboard.store import Store

DEMO_END = date(2026, 9, 30)
"""A fixed last day, so demo workspaces in tests are identical from one day to the next."""
SMALL_DEMO = 6_000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty, fully migrated workspace in a temporary file."""
    with Store(tmp_path / "workspace.duckdb") as opened:
        yield opened


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo workspace file shared by read-only tests (copy it before writing)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with Store(path) as opened:
        demo.build(opened, impressions=SMALL_DEMO, end=DEMO_END)
    return path


@pytest.fixture
def demo_store(demo_db: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the small demo workspace, free to write to."""
    copy = tmp_path / "demo-copy.duckdb"
    copy.write_bytes(demo_db.read_bytes())
    with Store(copy) as opened:
        yield opened
