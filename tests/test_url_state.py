"""Page selections in the URL: malformed links give a clean page with a note, choices stick
from page to page and open again from a shared link, and errors never show server paths."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
from streamlit.config import ShowErrorDetailsConfigOptions
from streamlit.testing.v1 import AppTest

from dashboard import cells
from dashboard.store import Store, cycles
from dashboard.store import workshop as sql
from dashboard.ui import url_state
from tests.apptest import ROOT, app, widget

NOT_A_NUMBER = "The {} in the link is not a number; it was left out."
NOT_IN_WORKSPACE = "A {} in the link is not in this workspace; it was left out."
NOT_A_DATE = "The {} in the link is not a date like 2026-03-31 (between 1900 and 2199); it was left out."
NOT_A_MONTH = "The month in the link is not a month like 2026-03 (between 1900 and 2199); it was left out."


def _linked(at: AppTest, page: str, **params: str) -> AppTest:
    """Opens a page's own URL with these query parameters in a new session, as a shared link does."""
    at.query_params.update(params)
    at.switch_page(f"pages/{page}.py").run()
    return at


def _url(at: AppTest, key: str) -> list[str]:
    """A query parameter's values as a list (AppTest keeps a single value as a string)."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def _session(store: Store, code: str = "K7QM") -> int:
    """A live workshop session over the demo's first cycle; its id."""
    cycle_id = int(cycles.cycles(store)["id"].iloc[0])
    points = [int(t) for t in cycles.touchpoints(store, cycle_id)["id"]]
    return sql.create_session(store, cycle_id, points, "1-5", lambda: code).id


def _cycle_picker_label(at: AppTest) -> str:
    picker = widget(at.selectbox, "Service cycle")
    return str(picker.format_func(picker.value))


@pytest.mark.parametrize(
    ("page", "params", "note"),
    [
        ("workshop", {"session": "²"}, NOT_IN_WORKSPACE.format("workshop session")),
        # The presenter view takes no session id at all, only its secret key (test_workshop_pages.py).
        ("map", {"cycle": "²"}, NOT_IN_WORKSPACE.format("service cycle")),
        ("impressions", {"tp": "²"}, NOT_A_NUMBER.format("touchpoint")),
        ("overview", {"group": "³"}, NOT_IN_WORKSPACE.format("stakeholder group")),
        ("overview", {"to": "9999-12-31"}, NOT_A_DATE.format("last day")),
        ("overview", {"from": "0001-01-01"}, NOT_A_DATE.format("first day")),
        ("impressions", {"month": "9999-12"}, NOT_A_MONTH),
        ("reputation", {"cell": "measure:nowhere"}, NOT_IN_WORKSPACE.format("plan cell")),
    ],
    ids=["session-workshop", "cycle", "tp", "group", "to", "from", "month", "cell"],
)
def test_a_malformed_link_gives_a_clean_page_with_a_note(
    page: str, params: dict[str, str], note: str, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    _session(demo_store)
    at = _linked(app(demo_store.path, monkeypatch), page, **params)
    assert not at.exception
    assert note in [w.value for w in at.warning]


def test_link_values_are_parsed_only_when_they_are_plain_and_in_range():
    assert [url_state.parse_id(t) for t in ("12", "²", "١٢", "-3", "1e3", "", "9" * 19)] == [12] + [None] * 6
    assert [url_state.parse_date(t) for t in ("2026-03-31", "9999-12-31", "0001-01-01", "2026-02-30")] == [
        date(2026, 3, 31),
        None,
        None,
        None,
    ]
    assert [url_state.parse_month(t) for t in ("2026-03", "9999-12", "2026-3", "2026-03-01", "２０２６-03")] == [
        date(2026, 3, 1),
        None,
        None,
        None,
        None,
    ]


def test_a_link_date_beyond_the_impressions_means_no_date_filter(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = _linked(app(demo_store.path, monkeypatch), "overview", to="2199-12-31", **{"from": "1900-01-01"})
    assert not at.exception
    assert not [w.value for w in at.warning if "in the link" in w.value]
    assert {m.label: m.value for m in at.metric}["Impressions"] == "6,000"
    assert "to" not in at.query_params and "from" not in at.query_params


def test_the_cycle_chosen_on_the_map_sticks_on_the_upload_page_and_back_on_the_map(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    repair = cells.whole(cycles.cycles(demo_store).set_index("name").at["Repair job", "id"])
    at = _linked(app(demo_store.path, monkeypatch), "map")
    widget(at.selectbox, "Service cycle").set_value(repair).run()
    assert _url(at, "cycle") == [str(repair)]
    # Streamlit drops the query parameters when the page changes.
    at.query_params.clear()
    at.switch_page("pages/upload.py").run()
    assert widget(at.selectbox, "Service cycle").value == "Repair job"
    at.query_params.clear()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert _cycle_picker_label(at) == "Repair job"
    assert _url(at, "cycle") == [str(repair)]


def test_a_shared_link_opens_the_map_on_its_cycle(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    repair = cells.whole(cycles.cycles(demo_store).set_index("name").at["Repair job", "id"])
    at = _linked(app(demo_store.path, monkeypatch), "map", cycle=str(repair))
    assert not at.exception
    assert _cycle_picker_label(at) == "Repair job"


def test_the_open_plan_cell_is_in_the_url_and_a_link_opens_it(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = _linked(app(demo_store.path, monkeypatch), "reputation", cell="measure:keep_or_lose")
    assert not at.exception
    assert at.subheader[0].value == "6. Measure and monitor · Keep-or-Lose"
    widget(at.selectbox, "Cell").set_value("perform:multiplier").run()
    assert _url(at, "cell") == ["perform:multiplier"]
    at.query_params.clear()
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/reputation.py").run()
    assert widget(at.selectbox, "Cell").value == "perform:multiplier"


def test_the_workshop_session_stays_chosen_after_a_visit_to_another_page(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    first, second = _session(demo_store), _session(demo_store, "P3XW")
    at = _linked(app(demo_store.path, monkeypatch), "workshop", session=str(second))
    assert widget(at.selectbox, "Session").value == second
    widget(at.selectbox, "Session").set_value(first).run()  # the older one, listed after the newer
    at.query_params.clear()
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/workshop.py").run()
    assert widget(at.selectbox, "Session").value == first
    assert _url(at, "session") == [str(first)]


def test_errors_reach_the_browser_as_a_plain_message_without_server_paths():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value
    assert config["client"]["showErrorLinks"] is False


def test_a_chart_focus_is_still_there_after_a_visit_to_another_page_until_everything_is_shown(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    invoice = cells.whole(cycles.touchpoints(demo_store).set_index("name").at["Final invoice", "id"])
    at = _linked(app(demo_store.path, monkeypatch), "impressions", tp=str(invoice), month="2026-03")
    at.query_params.clear()
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/impressions.py").run()
    assert at.info[0].value.startswith("Narrowed to **Final invoice")
    assert (_url(at, "tp"), _url(at, "month")) == ([str(invoice)], ["2026-03"])
    widget(at.button, "Show everything").click().run()
    at.query_params.clear()
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/impressions.py").run()
    assert not at.info
    assert "tp" not in at.query_params
