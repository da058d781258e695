"""AppTest: the Overview and Impressions pages, their shared filters and the focus, all in the URL."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import Store, analytics, cycles, groups
from dashboard.store.scope import Scope
from tests.apptest import app

pytestmark = pytest.mark.both_backends


def _open(at: AppTest, page: str, **params: str | list[str]) -> AppTest:
    """Opens a page's own URL with the given query parameters, as a shared link would."""
    at.query_params.update(params)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    return at


def _url(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def _kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_moment_in_the_url_narrows_the_overview_and_shows_as_an_active_filter(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    expected = analytics.total_stats(demo_store, Scope(moments=("make_or_break",)))["n"].iloc[0]
    at = _open(app(demo_store.target, monkeypatch), "overview", moment="make_or_break")
    assert _kpis(at)["Impressions"] == f"{expected:,}"
    assert at.expander[0].label == "Filters"
    assert at.caption[1].value == "1 filter active: the figures below cover only what they select."
    assert at.multiselect(key="filter_moment").value == ["make_or_break"]
    assert len(at.get("plotly_chart")) == 4


def test_the_overview_marks_changes_as_significant_or_as_noise(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = _open(app(demo_store.target, monkeypatch), "overview")
    deltas = {m.label: m.delta for m in at.metric}
    for label in ("Mean impression", "Net impression", "Perfection rate"):
        assert deltas[label].endswith(("(significant)", "(within noise)")), deltas[label]
    assert deltas["Impressions"].endswith("in the latest 90 days")


def test_choosing_a_filter_writes_it_to_the_url_and_clearing_removes_it(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    first = int(groups.groups(demo_store)["id"].iloc[0])
    at = _open(app(demo_store.target, monkeypatch), "overview")
    at.multiselect(key="filter_group").select(first).run()
    assert not at.exception
    assert _url(at, "group") == [str(first)]
    expected = analytics.total_stats(demo_store, Scope(group_ids=(first,)))["n"].iloc[0]
    assert _kpis(at)["Impressions"] == f"{expected:,}"
    at.button(key="filter_clear").click().run()
    assert "group" not in at.query_params
    assert _kpis(at)["Impressions"] == "6,000"


def test_filters_follow_the_leader_from_the_overview_to_the_impressions_page(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = _open(app(demo_store.target, monkeypatch), "overview", source="workshop")
    at.switch_page("pages/impressions.py").run()
    assert not at.exception
    assert at.multiselect(key="filter_source").value == ["workshop"]
    assert _url(at, "source") == ["workshop"]


def test_a_link_with_unknown_values_says_what_it_left_out(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = _open(app(demo_store.target, monkeypatch), "overview", cycle="999", to="yesterday")
    assert [w.value for w in at.warning][:2] == [
        "A service cycle in the link is not in this workspace; it was left out.",
        "The last day in the link is not a date like 2026-03-31 (between 1900 and 2199); it was left out.",
    ]
    assert _kpis(at)["Impressions"] == "6,000"


def test_the_impressions_page_shows_every_chart_and_the_comments(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = _open(app(demo_store.target, monkeypatch), "impressions")
    assert [h.value for h in at.header] == [
        "Month by month",
        "Trends per moment",
        "Negative, neutral, positive",
        "Stakeholder groups side by side",
        "Where to act first",
        "Comments",
    ]
    assert len(at.get("plotly_chart")) == 5
    comments = at.dataframe[0].value
    assert len(comments) == 200
    assert comments["comment"].notna().all()


def test_a_focus_in_the_url_narrows_the_charts_and_comments_below_the_heatmap(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    tps = cycles.touchpoints(demo_store)
    invoice = tps[tps["name"] == "Final invoice"].iloc[0]
    at = _open(app(demo_store.target, monkeypatch), "impressions", tp=str(invoice["id"]), month="2026-03")
    assert at.info[0].value.startswith(f"Narrowed to **Final invoice · {invoice['cycle']}, March 2026**")
    comments = at.dataframe[0].value
    assert set(comments["touchpoint"]) == {"Final invoice"}
    assert comments["observed_on"].between(pd.Timestamp(2026, 3, 1), pd.Timestamp(2026, 3, 31)).all()
    show_all = next(b for b in at.button if b.label == "Show everything")
    show_all.click().run()
    assert "tp" not in at.query_params
    assert not at.info


def test_comment_search_narrows_the_table(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = _open(app(demo_store.target, monkeypatch), "impressions")
    at.text_input[0].input("LATE").run()
    comments = at.dataframe[0].value
    assert len(comments) > 0
    assert comments["comment"].str.lower().str.contains("late").all()


def test_the_pages_say_so_when_the_filters_match_nothing(store: Store, monkeypatch: pytest.MonkeyPatch):
    at = _open(app(store.target, monkeypatch), "impressions")
    assert "No impressions match these filters" in at.info[0].value


def test_every_chart_on_the_leadership_pages_has_a_name_for_screen_readers_and_its_numbers_behind_a_toggle(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = _open(app(demo_store.target, monkeypatch), "overview")
    overview_alts = [c.proto.alt for c in at.get("plotly_chart")]
    assert all(overview_alts) and len(overview_alts) >= 4
    at = _open(at, "impressions")
    assert [c.proto.alt for c in at.get("plotly_chart")] == [
        "Heatmap of the mean impression per touchpoint and month",
        "Lines of each moment's monthly mean impression with 95% bands",
        "Bars of negative, neutral and positive shares per touchpoint",
        "Mean impression of each stakeholder group per touchpoint",
        "Touchpoints by importance and mean impression",
    ]
    tables = len(at.dataframe)
    at.toggle(key="table_heatmap").set_value(True).run()
    assert len(at.dataframe) == tables + 1
    assert list(at.dataframe[0].value.columns) == [
        "Service cycle",
        "Touchpoint",
        "Moment",
        "Month",
        "Impressions",
        "Mean impression",
        "Touchpoint id",
    ]
