"""Shared fixtures. Test data is code: every workspace here is built by the demo generator or
by the store's own functions, never copied from a file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.pages_manager import PagesManager

from dashboard import demo
from dashboard.store import Store
from tests import pg

DEMO_END = date(2026, 9, 30)
"""A fixed last day, so demo workspaces in tests are identical from one day to the next."""
SMALL_DEMO = 6_000


BACKENDS = ("duckdb", "postgres")
"""The two stores. A test module runs on both with ``pytestmark = pytest.mark.both_backends``;
every other test runs on DuckDB, the embedded default."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if os.environ.get(pg.SERVER_ENV_VAR):
        pg.drop_templates()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which store this test runs on ("duckdb" unless its module runs on both)."""
    return str(getattr(request, "param", "duckdb"))


def _migrate(url: str) -> None:
    Store(url).close()


def _build_demo(url: str) -> None:
    with Store(url) as opened:
        demo.build(opened, impressions=SMALL_DEMO, end=DEMO_END)


@contextmanager
def _pg_store(template: str) -> Iterator[Store]:
    url = pg.new_database(template)
    try:
        with Store(url) as opened:
            yield opened
    finally:
        pg.drop_database(url)


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[Store]:
    """An empty, fully migrated workspace: a temporary file, or a database of its own."""
    if backend == "postgres":
        with _pg_store(pg.template("empty", _migrate)) as opened:
            yield opened
        return
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
def demo_store(backend: str, demo_db: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the small demo workspace, free to write to (a file, or a database)."""
    if backend == "postgres":
        with _pg_store(pg.template("demo", _build_demo)) as opened:
            yield opened
        return
    copy = tmp_path / "demo-copy.duckdb"
    copy.write_bytes(demo_db.read_bytes())
    with Store(copy) as opened:
        yield opened


class _RouterAlreadyRan(PagesManager):
    """AppTest forgets between runs that ``st.navigation`` ran (a live server remembers after
    its first run), so every AppTest run would start in the old pages-folder mode and
    ``ui.route_through_navigation`` would rerun, dropping button clicks and form submits.
    This restores the live server's steady state after AppTest's reset."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # passed through to PagesManager unchanged
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def _live_server_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_test_module, "PagesManager", _RouterAlreadyRan)


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> None:
    """Every test opens its own workspace: the cached store and cached reads of the test
    before must not leak in. (AppTest runs the app in this process, so the caches are this
    process's.)"""
    st.cache_resource.clear()
    st.cache_data.clear()
