"""AppTest: destructive buttons ask first and are never the page's primary button; a new
service cycle is made beside the cycle picker and shown at once."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cells
from dashboard.store import Store, cycles, groups, plan
from dashboard.store import workshop as sql
from dashboard.touchpoints import TouchpointFields
from tests.apptest import click, open_page, texts, widget

DESTRUCTIVE = ("Delete", "End", "Archive", "Yes, delete")


def _primary_destructive(at: AppTest) -> list[str]:
    """Labels of destructive buttons drawn as primary buttons."""
    return [b.label for b in at.button if b.label.startswith(DESTRUCTIVE) and b.proto.type == "primary"]


def _blocks(node: object, kind: str) -> list[object]:
    """Every layout block of one kind (``"popover"``, ``"expandable"``, …) under ``node``, in page order."""
    found = []
    for child in getattr(node, "children", {}).values():
        proto = getattr(child, "proto", None)
        if proto is not None and hasattr(proto, "WhichOneof") and child.type == kind:
            found.append(child)
        found.extend(_blocks(child, kind))
    return found


def test_deleting_a_touchpoint_without_impressions_asks_first_and_cancel_keeps_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    cycle_id = cycles.create_cycle(store, "First visit")
    cycles.add_touchpoint(store, cycle_id, TouchpointFields("Website", "now_or_never"))
    at = open_page(store.path, monkeypatch, "pages/map.py")
    click(at, "Delete “Website”")
    assert texts(at, "warning") == ["Delete “Website” and its ideas? It has no impressions yet. This cannot be undone."]
    assert list(cycles.touchpoints(store, cycle_id)["name"]) == ["Website"]
    click(at, "Cancel")
    assert texts(at, "warning") == []
    click(at, "Delete “Website”")
    click(at, "Delete it")
    assert texts(at, "success")[0] == "Deleted “Website”."
    assert cycles.touchpoints(store, cycle_id).empty


def test_no_destructive_button_is_the_primary_one_even_while_it_asks(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    cycle_id = int(cycles.cycles(demo_store)["id"].iloc[0])
    points = [int(t) for t in cycles.touchpoints(demo_store, cycle_id)["id"]]
    sql.create_session(demo_store, cycle_id, points, "1-5", lambda: "K7QM")
    empty = cycles.create_cycle(demo_store, "Spare")
    cycles.add_touchpoint(demo_store, empty, TouchpointFields("Leaflet", "now_or_never"))
    at = open_page(demo_store.path, monkeypatch, "pages/map.py")
    widget(at.selectbox, "Service cycle").set_value(empty).run()
    click(at, "Delete “Leaflet”")
    assert _primary_destructive(at) == []
    click(at, "Delete the cycle “Spare”")
    assert "Yes, delete the cycle" in [b.label for b in at.button]
    assert _primary_destructive(at) == []
    at.switch_page("pages/settings.py").run()
    click(at, "Delete “Customer care”")
    assert _primary_destructive(at) == []
    at.switch_page("pages/workshop.py").run()
    click(at, "End session")
    assert "End the session" in [b.label for b in at.button]
    assert _primary_destructive(at) == []
    at.switch_page("pages/reputation.py").run()
    assert _primary_destructive(at) == []


def test_a_new_cycle_is_made_beside_the_picker_and_shown_at_once(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    at = open_page(demo_store.path, monkeypatch, "pages/map.py")
    popovers = _blocks(at._tree, "popover")
    assert [p.proto.popover.label for p in popovers] == ["New service cycle"]  # type: ignore[attr-defined]
    assert [b.label for b in popovers[0].button] == ["Create the cycle"]  # type: ignore[attr-defined]
    assert "Create the cycle" not in [b.label for b in at.tabs[1].button]  # no longer in "Edit the cycle"
    widget(at.text_input, "Name of the cycle").set_value("Boiler check")
    click(at, "Create the cycle")
    made = cells.whole(cycles.cycles(demo_store).set_index("name").at["Boiler check", "id"])
    assert widget(at.selectbox, "Service cycle").value == made
    assert at.query_params["cycle"] in (str(made), [str(made)])


def test_emptying_a_desired_reputation_statement_asks_before_it_removes_it(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    group = groups.groups(demo_store).iloc[0]
    plan.set_statement(demo_store, int(group["id"]), None, "Fair and on time")
    at = open_page(demo_store.path, monkeypatch, "pages/reputation.py")
    widget(at.selectbox, "Group").set_value(group["name"]).run()
    widget(at.text_area, "Desired reputation").set_value("").run()
    assert "Save statement" not in [b.label for b in at.button]
    click(at, "Remove the statement")
    assert f"Remove this statement for {group['name']}?" in texts(at, "warning")
    assert plan.statement_text(demo_store, int(group["id"]), None) == "Fair and on time"
    click(at, "Remove it")
    assert plan.statement_text(demo_store, int(group["id"]), None) == ""
