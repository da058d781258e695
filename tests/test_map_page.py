"""AppTest: a team builds and edits a service cycle map, and manages groups and teams."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cells, maps
from dashboard.store import Store, cycle_stats, cycles, groups, ideas, workspace
from dashboard.touchpoints import TouchpointFields
from tests import apptest
from tests.apptest import click, texts, widget


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, page: str = "pages/map.py") -> AppTest:
    return apptest.open_page(db, monkeypatch, page)


def cycle_id(store: Store, name: str) -> int:
    return cells.whole(cycles.cycles(store).set_index("name").at[name, "id"])


def pick_cycle(at: AppTest, name: str) -> AppTest:
    """Chooses a cycle by its name in the map's picker (whose options are cycle ids)."""
    picker = widget(at.selectbox, "Service cycle")
    names = dict(zip(picker.options, range(len(picker.options)), strict=True))
    picked: AppTest = picker.select_index(names[name]).run()
    return picked


def add_touchpoint(at: AppTest, name: str, moment: str | None) -> AppTest:
    widget(at.text_input, "Name").set_value(name)
    widget(at.selectbox, "Moment").set_value(moment)
    return click(at, "Add the touchpoint")


def test_a_team_creates_a_cycle_and_fills_it_with_touchpoints(store: Store, monkeypatch: pytest.MonkeyPatch):
    at = open_page(store.path, monkeypatch)
    assert "No service cycles yet" in at.info[0].value
    widget(at.text_input, "Name of the cycle").set_value("First visit")
    click(at, "Create the cycle")
    assert texts(at, "success") == ["Created the service cycle “First visit”."]

    for name, moment in (("Website", "now_or_never"), ("Showroom visit", "make_or_break"), ("Invoice", "keep_or_lose")):
        add_touchpoint(at, name, moment)
    cycle_id = int(cycles.cycles(store)["id"].iloc[0])
    assert list(cycles.touchpoints(store, cycle_id)["name"]) == ["Website", "Showroom visit", "Invoice"]
    assert len(at.get("plotly_chart")) >= 2


def test_a_touchpoint_without_a_moment_or_with_a_taken_name_is_refused_with_a_message(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    cycle_id = cycles.create_cycle(store, "First visit")
    cycles.add_touchpoint(store, cycle_id, TouchpointFields("Website", "now_or_never"))
    at = open_page(store.path, monkeypatch)

    add_touchpoint(at, "Brochure", None)
    assert "“Brochure” needs a moment" in at.error[0].value
    add_touchpoint(at, "WEBSITE", "multiplier")
    assert texts(at, "error") == ["This cycle already has a touchpoint called “Website”."]
    assert list(cycles.touchpoints(store, cycle_id)["name"]) == ["Website"]


def test_moving_a_touchpoint_later_changes_the_order_of_the_map(store: Store, monkeypatch: pytest.MonkeyPatch):
    cycle_id = cycles.create_cycle(store, "First visit")
    for name, moment in (("Advert", "now_or_never"), ("Website", "now_or_never"), ("Quote", "make_or_break")):
        cycles.add_touchpoint(store, cycle_id, TouchpointFields(name, moment))
    at = open_page(store.path, monkeypatch)
    widget(at.selectbox, "Touchpoint to move").select_index(0)
    click(at, "Move later")
    assert list(cycles.touchpoints(store, cycle_id)["name"]) == ["Website", "Advert", "Quote"]
    assert widget(at.selectbox, "Touchpoint").options == ["1. Website", "2. Advert", "3. Quote"]


def test_deleting_a_touchpoint_with_impressions_archives_it_after_confirmation_and_restore_brings_it_back(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    total = workspace.counts(demo_store)["impressions"]
    at = open_page(demo_store.path, monkeypatch)
    pick_cycle(at, "Repair job")
    widget(at.selectbox, "Touchpoint", 1).set_value(
        cells.whole(cycles.touchpoints(demo_store).set_index("name").at["Engineer arrival", "id"])
    ).run()
    click(at, "Delete “Engineer arrival”")
    assert "will be archived instead" in at.warning[-1].value
    assert "Engineer arrival" in set(cycles.touchpoints(demo_store)["name"])

    click(at, "Archive it")
    assert texts(at, "success") == [
        "Archived “Engineer arrival”.",
        "The chain holds: no moment of this cycle falls below its target on average.",
    ]
    assert "Engineer arrival" not in set(cycles.touchpoints(demo_store)["name"])
    assert workspace.counts(demo_store)["impressions"] == total

    click(at, "Restore")
    assert texts(at, "success") == ["Restored “Engineer arrival” at the end of the cycle."]
    assert at.warning[0].value.startswith("The chain breaks at Make-or-Break")
    assert "Engineer arrival" in set(cycles.touchpoints(demo_store)["name"])
    assert workspace.counts(demo_store)["impressions"] == total


def test_picking_a_touchpoint_from_the_list_opens_its_detail_and_ideas_move_to_a_standard(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = open_page(demo_store.path, monkeypatch)
    pick_cycle(at, "Repair job")
    arrival = cells.whole(cycles.touchpoints(demo_store).set_index("name").at["Engineer arrival", "id"])
    widget(at.selectbox, "Touchpoint").set_value(arrival).run()
    assert {m.label for m in at.metric} >= {"Mean impression", "Impressions", "Perfection rate", "Target"}

    widget(at.text_area, "A new idea").set_value("Text the customer when the engineer sets off")
    click(at, "Add the idea")
    idea = cells.whole(
        ideas.ideas(demo_store, arrival).set_index("text").at["Text the customer when the engineer sets off", "id"]
    )
    widget(at.selectbox, "Idea to work on").set_value(idea).run()
    click(at, "Vote for it")
    click(at, "Adopt it")
    click(at, "Make it a standard")
    row = ideas.ideas(demo_store, arrival).set_index("id").loc[[idea], ["status", "votes"]]
    assert row.values.tolist() == [["standard", 1]]
    assert str(cycles.touchpoint(demo_store, arrival)["standard"]).endswith(
        "Text the customer when the engineer sets off"
    )


def test_a_cycle_with_impressions_is_not_offered_for_deletion_and_the_page_says_why(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = open_page(demo_store.path, monkeypatch)
    pick_cycle(at, "Repair job")
    cycle_id = cells.whole(cycles.cycles(demo_store).set_index("name").at["Repair job", "id"])
    kept = cycle_stats.cycle_impression_count(demo_store, cycle_id)
    click(at, "Delete the cycle “Repair job”")
    assert texts(at, "warning")[-1] == (
        f"This cycle has {kept:,} recorded impressions, which are never deleted, so the cycle stays. "
        "Archive its touchpoints instead, or rename it."
    )
    assert "Yes, delete the cycle" not in [b.label for b in at.button]
    assert "Repair job" in set(cycles.cycles(demo_store)["name"])


def test_an_empty_cycle_is_deleted_after_confirmation(store: Store, monkeypatch: pytest.MonkeyPatch):
    cycles.create_cycle(store, "First visit")
    at = open_page(store.path, monkeypatch)
    click(at, "Delete the cycle “First visit”")
    assert texts(at, "warning") == ["Delete this cycle with all its touchpoints and ideas? This cannot be undone."]
    click(at, "Yes, delete the cycle")
    assert cycles.cycles(store).empty


def test_the_map_files_are_made_only_when_a_download_is_clicked(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    made: list[tuple[object, ...]] = []

    def export_bytes(*args: object) -> bytes:
        made.append(args)
        return b""

    monkeypatch.setattr(maps, "export_bytes", export_bytes)
    at = open_page(demo_store.path, monkeypatch)
    pick_cycle(at, "Repair job")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["This cycle as CSV", "This cycle as XLSX"]
    assert made == []


def test_a_map_file_with_bad_rows_is_refused_row_by_row_and_nothing_is_written(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    cycles.create_cycle(store, "First visit")
    version = store.data_version()
    at = open_page(store.path, monkeypatch)
    data = b"service_cycle,touchpoint,moment,channel,owner\nFirst visit,Advert,Sometime,,\nFirst visit,,Multiplier,,\n"
    at.file_uploader[0].upload("bad.csv", data, "text/csv").run()
    assert not at.exception
    assert "nothing was written" in at.error[0].value
    problems = at.dataframe[-1].value
    assert list(problems["Row"]) == [2, 3]
    assert store.data_version() == version


def test_a_good_map_file_shows_what_it_changes_and_imports_on_request(store: Store, monkeypatch: pytest.MonkeyPatch):
    cycles.create_cycle(store, "First visit")
    at = open_page(store.path, monkeypatch)
    data = b"service_cycle,touchpoint,moment,channel,owner\nRenewal,Reminder,now or never,Post,Billing\n"
    at.file_uploader[0].upload("renewal.csv", data, "text/csv").run()
    assert list(at.dataframe[-1].value["Change"]) == ["new service cycle “Renewal” with 1 touchpoints"]
    click(at, "Import the map")
    assert list(cycles.cycles(store)["name"]) == ["First visit", "Renewal"]
    assert widget(at.selectbox, "Service cycle").value == cycle_id(store, "Renewal")


def test_settings_add_groups_and_teams_and_refuse_deleting_what_is_in_use(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = open_page(demo_store.path, monkeypatch, "pages/settings.py")
    widget(at.text_input, "New stakeholder group").set_value("Installers")
    click(at, "Add the stakeholder group")
    assert "Installers" in set(groups.groups(demo_store)["name"])
    widget(at.text_input, "New team").set_value(" SALES. ")
    click(at, "Add the team")
    assert texts(at, "error") == ["A team called “Sales” already exists."]
    widget(at.selectbox, "Change a team").set_value(
        cells.whole(groups.teams(demo_store).set_index("name").at["Sales", "id"])
    ).run()
    click(at, "Delete “Sales”")
    # (Open mode's own warning heads the page.)
    assert [w for w in texts(at, "warning") if w.startswith("Delete")] == [
        "Delete the team “Sales”? This cannot be undone."
    ]
    click(at, "Delete it")
    assert "still used by" in at.error[0].value
    assert "Sales" in set(groups.teams(demo_store)["name"])
