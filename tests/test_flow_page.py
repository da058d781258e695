"""AppTest: the Flow page on the demo, narrowing to a source from the URL, importing and undoing a
flow file, entering a month by hand, and the Overview's second lens."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from dashboard import formatting as fmt
from dashboard.flow import measures
from dashboard.store import Store
from dashboard.store import flow as flow_store
from tests.apptest import app

FLOW_FILE = (
    b"period,service_cycle,measure,source,count\n"
    b"2026-09,Repair job,prospects,Web site,100\n"
    b"2026-09,Repair job,customers_won,Web site,30\n"
    b"2026-09,Repair job,lost,,-2\n"
)


@pytest.fixture
def cycle_db(tmp_path: Path) -> Path:
    """A closed workspace file with one service cycle and no flow."""
    path = tmp_path / "flow.duckdb"
    with Store(path) as store, store.transaction() as cur:
        cur.execute("insert into service_cycle (name) values ('Repair job')")
    return path


def flow_page(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    at = app(db, monkeypatch)
    at.query_params.update(params)
    at.switch_page("pages/flow.py").run()
    assert not at.exception
    return at


def button(at: AppTest, prefix: str) -> Button:
    return next(b for b in at.button if b.label.startswith(prefix))


def test_the_flow_page_shows_the_demos_figures(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    expected = measures.summary(flow_store.sums(demo_store))["total"]
    at = flow_page(demo_store.path, monkeypatch)
    assert {m.label: m.value for m in at.metric} == {
        "Conversion": fmt.rate(expected["conversion"]),
        "Churn": fmt.rate(expected["churn"]),
        "Repeat purchases": fmt.rate(expected["repeat_rate"]),
        "Referral rate": fmt.rate(expected["referral_rate"]),
    }
    # funnel, conversion by month, prospects by source, conversion by source, churn, impressions beside conversion
    assert len(at.get("plotly_chart")) == 6
    assert any(m.value.startswith("They rise and fall together") for m in at.markdown)
    assert any("customers lost" in m.value for m in at.markdown)


def test_a_source_in_the_url_narrows_the_page_to_it(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    narrowed = measures.summary(flow_store.sums(demo_store, sources=["Advertising"]))["total"]
    at = flow_page(demo_store.path, monkeypatch, prospects_from="Advertising")
    assert at.info[0].value.startswith("Narrowed to prospects from **Advertising**")
    assert {m.label: m.value for m in at.metric}["Conversion"] == fmt.rate(narrowed["conversion"])
    button(at, "Show every source").click().run()
    assert "prospects_from" not in at.query_params
    assert not [i for i in at.info if i.value.startswith("Narrowed")]


def test_a_source_the_workspace_does_not_have_is_ignored(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = flow_page(demo_store.path, monkeypatch, prospects_from="Carrier pigeon")
    assert not [i for i in at.info if i.value.startswith("Narrowed")]


def test_a_flow_file_is_previewed_imported_and_undone(cycle_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = flow_page(cycle_db, monkeypatch)
    assert at.info[0].value.startswith("No customer flow recorded for these filters")
    at.file_uploader(key="flow_files").upload("september.csv", FLOW_FILE, "text/csv")
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {"Rows read": "3", "Counts to record": "2", "Rows rejected": "1"}
    button(at, "Import 2 counts").click().run()
    assert "Imported 2 counts from september.csv (flow import 1)." in [s.value for s in at.success]
    assert {m.label: m.value for m in at.metric}["Conversion"] == "30%"
    button(at, "Undo this flow import").click().run()
    assert "Undone: 2 counts removed." in [s.value for s in at.success]
    with Store(cycle_db) as store:
        assert flow_store.sums(store).empty


def test_a_strict_import_refuses_a_file_with_a_bad_row(cycle_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = flow_page(cycle_db, monkeypatch)
    at.toggle(key="flow_strict").set_value(True)
    at.file_uploader(key="flow_files").upload("september.csv", FLOW_FILE, "text/csv")
    at.run()
    assert [e.value for e in at.error] == [
        "Not imported: 1 row(s) were rejected and strict mode refuses the whole file."
    ]
    assert not [b for b in at.button if b.label.startswith("Import ")]


def test_a_month_entered_by_hand_is_recorded(cycle_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = flow_page(cycle_db, monkeypatch)
    at.number_input(key="flow_src_0").set_value(40)  # Web site
    at.number_input(key="flow_m_customers_won").set_value(10)
    at.number_input(key="flow_m_lost").set_value(3)
    at.date_input(key="flow_month").set_value(date(2026, 9, 12))
    button(at, "Record these counts").click().run()
    assert not at.exception
    assert "Recorded 3 counts for Repair job, September 2026." in [s.value for s in at.success]
    with Store(cycle_db) as store:
        assert flow_store.sums(store)[["measure", "source", "count"]].to_dict("split")["data"] == [
            ["customers_won", "", 10],
            ["lost", "", 3],
            ["prospects", "Web site", 40],
        ]


def test_a_month_by_hand_with_more_won_than_prospects_records_nothing(cycle_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = flow_page(cycle_db, monkeypatch)
    at.number_input(key="flow_src_0").set_value(4)
    at.number_input(key="flow_m_customers_won").set_value(10)
    at.date_input(key="flow_month").set_value(date(2026, 9, 12))
    button(at, "Record these counts").click().run()
    assert at.error[0].value.startswith("Nothing recorded: more customers won (10) than prospects (4) in Repair job")
    with Store(cycle_db) as store:
        assert flow_store.sums(store).empty


def test_the_flow_settings_are_saved_and_checked(cycle_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = flow_page(cycle_db, monkeypatch)
    next(n for n in at.number_input if n.label == "Target conversion, Make-or-Break").set_value(40.0)
    next(n for n in at.number_input if n.label == "Average value of a customer").set_value(900.0)
    button(at, "Save the flow settings").click().run()
    with Store(cycle_db) as store:
        saved = flow_store.settings(store)
    assert (saved.target_make_or_break, saved.customer_value, saved.win_cost) == (0.4, 900.0, 300.0)


def test_the_overview_shows_where_customers_are_lost_beside_weak_impressions(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = app(demo_store.path, monkeypatch).run()
    assert not at.exception
    lens = [m.value for m in at.markdown if m.value.startswith("Customers are lost most at")]
    assert lens == [
        "Customers are lost most at **Make-or-Break** (conversion 24%, target 25%); impressions are weakest "
        "against their target at the same moment (mean +0.43)."
    ]


def test_an_empty_workspace_opens_the_flow_page_with_nothing_to_show(store: Store, monkeypatch: pytest.MonkeyPatch):
    at = flow_page(store.path, monkeypatch)
    assert [i.value for i in at.info] == [
        "No customer flow recorded for these filters. Import a flow file or enter a month under Record flow.",
        "There are no service cycles yet. Map a cycle first.",
        "No flow files imported yet.",
    ]


def test_the_overview_without_flow_points_to_the_flow_page(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    with demo_store.transaction() as cur:
        cur.execute("delete from flow_count")
    at = app(demo_store.path, monkeypatch).run()
    assert not at.exception
    assert "No customer flow recorded for these filters" in " ".join(c.value for c in at.caption)


def test_filters_the_flow_has_no_use_for_are_kept_but_not_applied(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = flow_page(demo_store.path, monkeypatch, moment="keep_or_lose")
    assert at.query_params["moment"] == "keep_or_lose"
    assert not [m for m in at.multiselect if m.label == "Moment"]
    assert any(m.value.startswith("They rise and fall together") for m in at.markdown)  # Make-or-Break's months
