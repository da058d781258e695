"""AppTest: on the Reputation page a leader edits a plan cell, sees whether the data backs it,
records the missing evidence, and changes the thresholds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import exports
from dashboard.store import Store, groups, plan
from dashboard.ui import navigation
from tests import apptest
from tests.apptest import texts, widget

PAGE = "pages/reputation.py"
CELL = "decide_reputation:keep_or_lose"


def open_page(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Reputation page on the given workspace."""
    return apptest.open_page(demo_store.path, monkeypatch, PAGE)


def test_the_page_shows_the_grid_the_counts_and_the_first_cell(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = open_page(demo_store, monkeypatch)
    assert at.title[0].value == "Reputation plan"
    kpis = {m.label: m.value for m in at.metric}
    assert kpis["Cells done"] == "13 of 28"
    assert kpis["At risk"] == "2"
    assert at.subheader[0].value == "1. Identify groups · Now-or-Never"
    assert len(at.get("plotly_chart")) == 3  # the grid and two progress charts


def test_a_leader_marks_a_cell_done_sees_it_unproven_and_clears_the_flag_by_recording_the_evidence(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = open_page(demo_store, monkeypatch)
    at.selectbox(key="plan_cell").set_value(CELL).run()
    assert at.subheader[0].value == "2. Decide the reputation · Keep-or-Lose"
    widget(at.selectbox, "Status").set_value("done")
    widget(at.text_input, "Owner").input("Customer care")
    widget(at.text_area, "Notes").input("Agreed at the board meeting.")
    at.text_input(key="plan_changed_by").input("Dana")
    widget(at.button, "Save cell").click().run()
    assert not at.exception
    assert "Marked done, but the data does not back it yet" in at.warning[0].value
    cells = plan.plan_cells(demo_store)
    cell = cells[(cells["step"] == "decide_reputation") & (cells["moment"] == "keep_or_lose")]
    assert cell[["status", "owner", "notes"]].values.tolist() == [
        ["done", "Customer care", "Agreed at the board meeting."]
    ]
    assert plan.cell_history(demo_store, "decide_reputation", "keep_or_lose")[["status", "changed_by"]].to_dict(
        "records"
    ) == [{"status": "done", "changed_by": "Dana"}]

    at.selectbox(key="statement_group").set_value("Business customers")
    at.selectbox(key="statement_moment").set_value("keep_or_lose").run()
    widget(at.text_area, "Desired reputation").input("They fix it first time and say so plainly.")
    at.button(key="save_statement").click().run()
    assert not at.exception
    assert [w.value for w in at.warning if "Marked done" in w.value] == []
    assert at.success[0].value == "Done, and the data proves it."


def test_thresholds_out_of_bounds_are_refused_with_a_message_and_nothing_is_stored(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = open_page(demo_store, monkeypatch)
    at.number_input(key="threshold_min_meeting_share").set_value(1.5)
    widget(at.button, "Save thresholds").click().run()
    assert not at.exception
    assert at.error[0].value == "Share of recent impressions at or above target must be between 0 and 1"
    assert plan.settings(demo_store) == {}
    at.number_input(key="threshold_min_meeting_share").set_value(0.5)
    widget(at.button, "Save thresholds").click().run()
    assert plan.settings(demo_store)["min_meeting_share"] == 0.5


def test_evidence_links_to_pages_the_app_has_and_names_those_it_lacks(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    # Pretend the app has only the pages of this branch, whatever other pages exist by now.
    monkeypatch.setattr(navigation, "page_exists", lambda url_path: url_path in {"overview", "reputation"})
    at = open_page(demo_store, monkeypatch)
    at.selectbox(key="plan_cell").set_value("perform:make_or_break").run()
    links = at.get("page_link")
    assert [(link.proto.label, link.proto.page) for link in links] == [("Where this comes from: Overview", "overview")]
    at.selectbox(key="plan_cell").set_value("isolate_contacts:multiplier").run()
    assert at.get("page_link") == []
    assert "Where this comes from: Map (that page is not part of this app yet)" in [c.value for c in at.caption]


def test_the_plan_export_files_are_made_only_when_a_download_is_clicked(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    made: list[str] = []

    def maker(kind: str) -> Callable[..., bytes]:
        """A stand-in for the export function that makes ``kind`` files: it only notes that it ran."""

        def make(*args: object) -> bytes:
            made.append(kind)
            return b""

        return make

    monkeypatch.setattr(exports, "to_csv_bytes", maker("csv"))
    monkeypatch.setattr(exports, "to_xlsx_bytes", maker("xlsx"))
    at = open_page(demo_store, monkeypatch)
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV", "Download XLSX"]
    assert made == []


def test_without_a_settings_page_a_group_is_added_here_and_a_taken_name_is_refused_by_the_store(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(navigation, "page_exists", lambda url_path: url_path != "settings")
    at = open_page(demo_store, monkeypatch)
    widget(at.text_input, "New group").input("homeowners")
    widget(at.button, "Add group").click().run()
    assert texts(at, "error") == ["A stakeholder group called “Homeowners” already exists."]
    widget(at.text_input, "New group").input("Tenants")
    widget(at.button, "Add group").click().run()
    assert texts(at, "success") == ["Added the stakeholder group “Tenants”.", "Done, and the data proves it."]
    assert "Tenants" in set(groups.groups(demo_store)["name"])
