"""AppTest: every page runs without an exception, and the Overview shows the figures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.store import Store, workspace
from tests import pg
from tests.apptest import ROOT, app

pytestmark = pytest.mark.both_backends

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES, ids=[Path(p).stem for p in PAGES])
def test_every_page_runs_without_an_exception(page: str, demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = app(demo_store.target, monkeypatch).run()
    at.switch_page(page).run()
    assert not at.exception


def test_the_overview_shows_the_four_kpis_and_the_moment_where_the_chain_breaks(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = app(demo_store.target, monkeypatch).run()
    assert not at.exception
    kpis = {m.label: m.value for m in at.metric}
    assert kpis["Impressions"] == "6,000"
    assert set(kpis) >= {"Mean impression", "Net impression", "Perfection rate", "Now-or-Never", "Multiplier"}
    assert any("Make-or-Break" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 4  # moments, reputation plan, weakest touchpoints, biggest movers


@pytest.fixture
def new_workspace(backend: str, tmp_path: Path) -> Iterator[str]:
    """Where no workspace is yet: a file not yet made, or a new database with no tables."""
    if backend == "duckdb":
        yield str(tmp_path / "first" / "dashboard.duckdb")
        return
    url = pg.new_database()
    try:
        yield url
    finally:
        pg.drop_database(url)


def test_the_first_start_builds_the_demo_workspace(new_workspace: str, monkeypatch: pytest.MonkeyPatch):
    at = app(new_workspace, monkeypatch).run()
    assert not at.exception
    with Store(new_workspace) as store:
        assert workspace.counts(store)["impressions"] >= 20_000


def test_an_empty_workspace_says_there_is_nothing_yet(store: Store, monkeypatch: pytest.MonkeyPatch):
    at = app(store.target, monkeypatch).run()
    assert not at.exception
    assert "No impressions recorded yet" in at.info[0].value
