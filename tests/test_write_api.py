"""One write API per entity: every name cleaned and every clash judged the same way, whichever
way the name arrives (the map page, a map file, a survey import, the settings page)."""

from __future__ import annotations

import pytest

from dashboard import cells, maps
from dashboard.imports import pipeline
from dashboard.imports.reading import SurveyError
from dashboard.scales import Scale
from dashboard.store import Store, cycles, groups, ideas, imports, map_files, plan, workspace
from dashboard.store import workshop as workshop_sql
from dashboard.touchpoints import TouchpointFields
from tests.survey_files import csv_bytes, small_workspace

pytestmark = pytest.mark.both_backends

HEADER = "service_cycle,touchpoint,moment,channel,owner\n"
TEN_MB = "x" * 10_000_000


@pytest.fixture
def repair(store: Store) -> dict[str, int]:
    """ "Repair job" with Front desk, Café visit and Repair; the group Homeowners; "Renewal", empty."""
    return small_workspace(store)


def names(store: Store, cycle_id: int) -> list[str]:
    return list(cycles.touchpoints(store, cycle_id)["name"])


def archived_names(store: Store, cycle_id: int) -> list[str]:
    return list(cycles.archived_touchpoints(store, cycle_id)["name"])


# --- the map page -----------------------------------------------------------------------------


def test_front_desk_then_front_desk_in_lower_case_is_refused_on_the_map_page(store: Store, repair: dict[str, int]):
    for clash in ("front desk", "FRONT-DESK", " Front  desk. ", "Frönt desk"):
        with pytest.raises(ValueError) as refused:
            cycles.add_touchpoint(store, repair["cycle"], TouchpointFields(clash, "now_or_never"))
        assert str(refused.value) == "This cycle already has a touchpoint called “Front desk”."
    with pytest.raises(ValueError, match="already has a touchpoint called “Front desk”"):
        cycles.update_touchpoint(store, repair["Repair"], TouchpointFields("front desk", "keep_or_lose"))
    assert names(store, repair["cycle"]) == ["Front desk", "Café visit", "Repair"]


def test_an_archived_namesake_is_to_be_restored_not_added_again(store: Store, repair: dict[str, int]):
    cycles.archive_touchpoint(store, repair["Front desk"])
    with pytest.raises(ValueError) as refused:
        cycles.add_touchpoint(store, repair["cycle"], TouchpointFields("front-desk", "now_or_never"))
    assert (
        str(refused.value) == "An archived touchpoint in this cycle is already called “Front desk”: restore it instead."
    )


def test_cycle_names_clash_across_cycles_ignoring_case_spacing_and_punctuation(store: Store, repair: dict[str, int]):
    with pytest.raises(ValueError, match="A service cycle called “Repair job” already exists."):
        cycles.create_cycle(store, "repair-job")
    with pytest.raises(ValueError, match="Another service cycle is already called “Repair job”."):
        cycles.rename_cycle(
            store, cells.whole(cycles.cycles(store).set_index("name").at["Renewal", "id"]), "REPAIR JOB"
        )
    assert list(cycles.cycles(store)["name"]) == ["Renewal", "Repair job"]


@pytest.mark.parametrize("kind", ["group", "team"])
def test_group_and_team_names_clash_ignoring_case_spacing_and_punctuation(store: Store, kind: str):
    first = groups.add_named(store, kind, "Home owners")
    other = groups.add_named(store, kind, "Landlords")
    what = "stakeholder group" if kind == "group" else "team"
    with pytest.raises(ValueError, match=f"^A {what} called “Home owners” already exists.$"):
        groups.add_named(store, kind, "home-owners")
    with pytest.raises(ValueError, match=f"^Another {what} is already called “Home owners”.$"):
        groups.rename_named(store, kind, other, "HOMEOWNERS", "")
    groups.rename_named(store, kind, first, "Homeowners", "")  # its own name, spelled anew
    assert list(groups.named_usage(store, kind)["name"]) == ["Homeowners", "Landlords"]


# --- the rules for every name and text ----------------------------------------------------------


def test_a_ten_megabyte_name_is_refused_everywhere_and_nothing_is_written(store: Store, repair: dict[str, int]):
    before = workspace.counts(store)
    message = r"can be at most 200 characters long \(this one has 10,000,000\)"
    with pytest.raises(ValueError, match=message):
        cycles.add_touchpoint(store, repair["cycle"], TouchpointFields(TEN_MB, "now_or_never"))
    with pytest.raises(ValueError, match=message):
        cycles.update_touchpoint(store, repair["Repair"], TouchpointFields(TEN_MB, "keep_or_lose"))
    with pytest.raises(ValueError, match=message):
        cycles.create_cycle(store, TEN_MB)
    with pytest.raises(ValueError, match=message):
        groups.add_group(store, TEN_MB)
    with pytest.raises(ValueError, match=message):
        groups.add_team(store, TEN_MB)
    with pytest.raises(ValueError, match=r"at most 5,000 characters long \(this one has 10,000,000\)"):
        ideas.add_idea(store, repair["Repair"], TEN_MB)
    with pytest.raises(ValueError, match=r"at most 5,000 characters"):
        cycles.add_touchpoint(store, repair["cycle"], TouchpointFields("Quote", "make_or_break", standard=TEN_MB))
    assert workspace.counts(store) == before
    assert names(store, repair["cycle"]) == ["Front desk", "Café visit", "Repair"]


def test_names_are_stored_in_nfc_without_bidirectional_overrides_or_zero_width_characters(
    store: Store, repair: dict[str, int]
):
    decomposed = "Cafe\u0301 counter"  # e + combining acute accent
    counter = cycles.add_touchpoint(store, repair["cycle"], TouchpointFields(decomposed, "make_or_break"))
    invoice = cycles.add_touchpoint(store, repair["cycle"], TouchpointFields("Invoice \u202egnp.exe", "keep_or_lose"))
    group = groups.add_group(store, "Land\u200blords\ufeff")
    assert cycles.touchpoint(store, counter)["name"] == "Café counter"
    assert cycles.touchpoint(store, invoice)["name"] == "Invoice gnp.exe"
    assert groups.groups(store).set_index("id").loc[group, "name"] == "Landlords"


def test_a_name_that_is_only_an_html_tag_is_refused(store: Store, repair: dict[str, int]):
    before = workspace.counts(store)
    with pytest.raises(ValueError, match="The touchpoint name “<b></b>” has no letters or digits"):
        cycles.add_touchpoint(store, repair["cycle"], TouchpointFields("<b></b>", "now_or_never"))
    with pytest.raises(ValueError, match="The service cycle name “<br>” has no letters or digits"):
        cycles.create_cycle(store, "<br>")
    with pytest.raises(ValueError, match="The stakeholder group name “<i>” has no letters or digits"):
        groups.add_group(store, "<i>")
    with pytest.raises(ValueError, match="The team name “<hr/>” has no letters or digits"):
        groups.add_team(store, "<hr/>")
    assert workspace.counts(store) == before


def test_texts_are_cleaned_like_names_but_keep_their_line_breaks(store: Store, repair: dict[str, int]):
    idea = ideas.add_idea(store, repair["Repair"], "  Call back\u200b within\none hour \r\n", author=" Sam\u202e ")
    stored = ideas.ideas(store, repair["Repair"]).set_index("id").loc[[idea], ["text", "author"]]
    assert stored.values.tolist() == [["Call back within\none hour", "Sam"]]
    plan.set_plan_cell(
        store, "measure", "multiplier", status="in_progress", owner="  Ann\u200d  Lee ", notes="a\u202eb"
    )
    assert plan.plan_cells(store)[["owner", "notes"]].values.tolist() == [["Ann Lee", "ab"]]


# --- cursor-level functions other code composes -------------------------------------------------


def test_add_groups_reuses_a_group_by_its_key_and_creates_the_others_once(store: Store, repair: dict[str, int]):
    with store.transaction() as cur:
        ids = groups.add_groups(cur, [" HOMEOWNERS ", "Parents", "parents.", "Homeowners"])
    parents = cells.whole(groups.groups(store).set_index("name").at["Parents", "id"])
    assert ids == {
        " HOMEOWNERS ": repair["Homeowners"],
        "Parents": parents,
        "parents.": parents,
        "Homeowners": repair["Homeowners"],
    }
    assert list(groups.groups(store)["name"]) == ["Homeowners", "Parents"]


def test_add_groups_refuses_an_invalid_name_and_the_transaction_writes_nothing(store: Store):
    with pytest.raises(ValueError, match="has no letters or digits"), store.transaction() as cur:
        groups.add_groups(cur, ["Parents", "<b></b>"])
    assert groups.groups(store).empty


def test_add_touchpoints_reuses_active_ones_and_appends_new_ones_in_the_order_given(
    store: Store, repair: dict[str, int]
):
    with store.transaction() as cur:
        ids = cycles.add_touchpoints(
            cur, repair["cycle"], ["front desk", "Parking", "Follow-up call", "PARKING"], "multiplier"
        )
    frame = cycles.touchpoints(store, repair["cycle"])
    added = dict(zip(frame["name"], frame["id"], strict=True))
    assert ids == {
        "front desk": repair["Front desk"],
        "Parking": added["Parking"],
        "Follow-up call": added["Follow-up call"],
        "PARKING": added["Parking"],
    }
    assert frame[["name", "position", "moment"]].values.tolist() == [
        ["Front desk", 1, "now_or_never"],
        ["Café visit", 2, "make_or_break"],
        ["Repair", 3, "keep_or_lose"],
        ["Parking", 4, "multiplier"],
        ["Follow-up call", 5, "multiplier"],
    ]


def test_add_touchpoints_refuses_an_archived_namesake_and_writes_nothing(store: Store, repair: dict[str, int]):
    cycles.archive_touchpoint(store, repair["Front desk"])
    with (
        pytest.raises(
            ValueError,
            match="^An archived touchpoint in this cycle is already called “Front desk”: restore it instead.$",
        ),
        store.transaction() as cur,
    ):
        cycles.add_touchpoints(cur, repair["cycle"], ["Parking", "FRONT DESK"], "now_or_never")
    assert names(store, repair["cycle"]) == ["Café visit", "Repair"]


# --- a survey import ----------------------------------------------------------------------------

ONE_TO_FIVE = Scale.numeric(1, 5)
"""Two answers inside 1..5 do not settle a scale: the person chose 1-5."""


def test_a_survey_import_creating_an_archived_touchpoint_again_is_refused(store: Store, repair: dict[str, int]):
    cycles.archive_touchpoint(store, repair["Front desk"])
    context = imports.cycle_context(store, "Repair job")
    data = csv_bytes(["2026-09-01,,front desk,,4,,", "2026-09-01,,Repair,,5,,"])
    preview = pipeline.prepare(
        data, "survey.csv", context, pipeline.Options(scale=ONE_TO_FIVE, name_map={"front desk": pipeline.CREATE})
    )
    assert preview.new_touchpoints == ["front desk"]
    version = store.data_version()
    with pytest.raises(SurveyError) as refused:
        imports.commit(store, preview)
    assert str(refused.value) == (
        "An archived touchpoint in this cycle is already called “Front desk”: restore it instead. Nothing was imported."
    )
    assert store.data_version() == version
    assert (names(store, repair["cycle"]), archived_names(store, repair["cycle"])) == (
        ["Café visit", "Repair"],
        ["Front desk"],
    )
    assert workspace.counts(store)["impressions"] == 0


def test_a_survey_import_previewed_before_the_touchpoint_was_added_uses_it(store: Store, repair: dict[str, int]):
    context = imports.cycle_context(store, "Repair job")
    data = csv_bytes(["2026-09-01,,Parking,,4,,", "2026-09-01,,Parking,,2,,"])
    preview = pipeline.prepare(
        data, "survey.csv", context, pipeline.Options(scale=ONE_TO_FIVE, name_map={"Parking": pipeline.CREATE})
    )
    parking = cycles.add_touchpoint(store, repair["cycle"], TouchpointFields("parking", "make_or_break"))
    imports.commit(store, preview)
    assert names(store, repair["cycle"]) == ["Front desk", "Café visit", "Repair", "parking"]
    assert cycles.impression_count(store, parking) == 2


# --- a map file ---------------------------------------------------------------------------------


def test_a_map_file_row_for_front_desk_updates_the_stored_front_desk(store: Store, repair: dict[str, int]):
    maps.import_map(store, "map.csv", (HEADER + "repair-job,FRONT-DESK,Now or never,Phone,Reception\n").encode())
    assert names(store, repair["cycle"]) == ["FRONT-DESK", "Café visit", "Repair"]
    assert cycles.touchpoint(store, repair["Front desk"])["channel"] == "Phone"
    assert list(cycles.cycles(store)["name"]) == ["Renewal", "Repair job"]


def test_a_map_file_restores_an_archived_namesake_instead_of_adding_another(store: Store, repair: dict[str, int]):
    cycles.archive_touchpoint(store, repair["Front desk"])
    maps.import_map(store, "map.csv", (HEADER + "Repair job,front desk,Now or never,,\n").encode())
    assert names(store, repair["cycle"]) == ["front desk", "Café visit", "Repair"]
    assert archived_names(store, repair["cycle"]) == []


def test_a_map_file_listing_front_desk_twice_in_two_spellings_is_refused(store: Store, repair: dict[str, int]):
    version = store.data_version()
    file = HEADER + "Renewal,Front desk,Now or never,,\nrenewal,front-desk,Now or never,,\n"
    with pytest.raises(maps.MapFileError) as refused:
        maps.import_map(store, "map.csv", file.encode())
    assert refused.value.problems == [(3, "“front-desk” is listed twice in “renewal” (row 2)")]
    assert store.data_version() == version


def test_a_map_file_with_bad_names_is_refused_by_row_and_writes_nothing(store: Store, repair: dict[str, int]):
    version = store.data_version()
    file = HEADER + "Renewal,<b></b>,Now or never,,\nRenewal,Letter,Now or never,," + "y" * 201 + "\n"
    with pytest.raises(maps.MapFileError) as refused:
        maps.import_map(store, "map.csv", file.encode())
    assert refused.value.problems == [
        (2, "The touchpoint name “<b></b>” has no letters or digits to recognise it by."),
        (3, "A team name can be at most 200 characters long (this one has 201)."),
    ]
    assert store.data_version() == version


def test_a_map_file_stores_names_cleaned(store: Store):
    maps.import_map(
        store, "map.csv", (HEADER + "Renewal,Invoice \u202egnp.exe,Keep or lose,,Cafe\u0301 team\n").encode()
    )
    rows = map_files.map_rows(store)
    assert rows[["service_cycle", "touchpoint", "owner"]].values.tolist() == [
        ["Renewal", "Invoice gnp.exe", "Café team"]
    ]


# --- a workshop phone -----------------------------------------------------------------------------


def test_an_idea_from_a_workshop_phone_is_cleaned_like_every_idea(store: Store, repair: dict[str, int]):
    touchpoint = repair["Repair"]
    session = workshop_sql.create_session(store, repair["cycle"], [touchpoint], "1-5", iter(["ABCD"]).__next__)
    phone = workshop_sql.join(store, session.id, "token-a", "Alice")
    workshop_sql.propose_idea(store, phone.id, touchpoint, "Invoice \u202egnp.exe attached", "Ali\u200bce")
    assert ideas.ideas(store, touchpoint)[["text", "author"]].values.tolist() == [["Invoice gnp.exe attached", "Alice"]]
