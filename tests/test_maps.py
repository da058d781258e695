"""Service cycle maps: editing, ordering, archive and restore, map files, where the chain breaks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import cells, maps, metrics
from dashboard.charts import map as map_charts
from dashboard.store import Store, cycle_stats, cycles, groups, ideas, map_files, workspace
from dashboard.store.impressions import record_impressions
from dashboard.touchpoints import TouchpointFields
from tests.cli_db import cli_db

pytestmark = pytest.mark.both_backends

HEADER = "service_cycle,touchpoint,moment,channel,owner\n"


def names(store: Store, cycle_id: int) -> list[str]:
    return list(cycles.touchpoints(store, cycle_id)["name"])


@pytest.fixture
def cycle(store: Store) -> int:
    """A cycle with four touchpoints, one per moment, in journey order."""
    cycle_id = cycles.create_cycle(store, "Renewal")
    for name, moment in (
        ("Reminder letter", "now_or_never"),
        ("Price call", "make_or_break"),
        ("Direct debit", "keep_or_lose"),
        ("Thank-you card", "multiplier"),
    ):
        cycles.add_touchpoint(store, cycle_id, TouchpointFields(name, moment))
    return cycle_id


def repair_job(store: Store) -> int:
    return cells.whole(cycles.cycles(store).set_index("name").at["Repair job", "id"])


# --- editing and ordering ---------------------------------------------------------------------


def test_touchpoints_are_added_at_the_end_in_order(store: Store, cycle: int):
    assert names(store, cycle) == ["Reminder letter", "Price call", "Direct debit", "Thank-you card"]
    assert list(cycles.touchpoints(store, cycle)["position"]) == [1, 2, 3, 4]


def test_moving_a_touchpoint_earlier_or_later_reorders_the_cycle(store: Store, cycle: int):
    ids = list(cycles.touchpoints(store, cycle)["id"])
    cycles.set_order(store, cycle, maps.moved(ids, ids[3], -2))
    assert names(store, cycle) == ["Reminder letter", "Thank-you card", "Price call", "Direct debit"]
    assert maps.moved([1, 2, 3], 1, -1) == [1, 2, 3]
    assert maps.moved([1, 2, 3], 1, +5) == [2, 3, 1]


def test_an_order_that_leaves_a_touchpoint_out_is_refused(store: Store, cycle: int):
    ids = list(cycles.touchpoints(store, cycle)["id"])
    with pytest.raises(ValueError, match="every touchpoint"):
        cycles.set_order(store, cycle, ids[:3])


def test_touchpoint_names_are_unique_within_a_cycle_ignoring_case(store: Store, cycle: int):
    with pytest.raises(ValueError, match="already has a touchpoint called “Price call”"):
        cycles.add_touchpoint(store, cycle, TouchpointFields("  PRICE   call ", "make_or_break"))
    other = cycles.create_cycle(store, "First visit")
    cycles.add_touchpoint(store, other, TouchpointFields("Price call", "make_or_break"))
    assert names(store, other) == ["Price call"]


def test_a_touchpoint_needs_a_name_and_a_moment(store: Store, cycle: int):
    with pytest.raises(ValueError, match="needs a name"):
        cycles.add_touchpoint(store, cycle, TouchpointFields("  ", "multiplier"))
    with pytest.raises(ValueError, match="needs a moment"):
        cycles.add_touchpoint(store, cycle, TouchpointFields("Survey", ""))


def test_cycle_names_are_unique_ignoring_case_and_renames_are_checked(store: Store, cycle: int):
    with pytest.raises(ValueError, match="already exists"):
        cycles.create_cycle(store, "renewal")
    other = cycles.create_cycle(store, "Repair")
    with pytest.raises(ValueError, match="Another service cycle"):
        cycles.rename_cycle(store, other, "RENEWAL")
    cycles.rename_cycle(store, other, "Repair job")
    assert list(cycles.cycles(store)["name"]) == ["Renewal", "Repair job"]


def test_editing_a_touchpoint_changes_its_fields_and_groups(store: Store, cycle: int):
    team = groups.add_named(store, "team", "Billing")
    group = groups.add_named(store, "group", "Tenants")
    tp = int(cycles.touchpoints(store, cycle)["id"].iloc[2])
    cycles.update_touchpoint(
        store,
        tp,
        TouchpointFields(
            "Direct debit set-up", "keep_or_lose", "Post", team, (group,), standard="Confirm by letter", target=0.3
        ),
    )
    record = cycles.touchpoint(store, tp)
    assert (record["name"], record["channel"], record["owner"], record["standard"], record["target"]) == (
        "Direct debit set-up",
        "Post",
        "Billing",
        "Confirm by letter",
        0.3,
    )
    assert record["group_ids"] == [group]


def test_a_touchpoint_without_impressions_is_deleted_and_the_rest_close_up(store: Store, cycle: int):
    tp = int(cycles.touchpoints(store, cycle)["id"].iloc[1])
    cycles.delete_touchpoint(store, tp)
    assert names(store, cycle) == ["Reminder letter", "Direct debit", "Thank-you card"]
    assert list(cycles.touchpoints(store, cycle)["position"]) == [1, 2, 3]


# --- archive and restore ----------------------------------------------------------------------


def test_archiving_and_restoring_a_touchpoint_keeps_every_impression(demo_store: Store):
    cycle_id = repair_job(demo_store)
    before = cycles.touchpoints(demo_store, cycle_id)
    arrival = cells.whole(before.set_index("name").at["Engineer arrival", "id"])
    kept = cycles.impression_count(demo_store, arrival)
    total = workspace.counts(demo_store)["impressions"]
    assert kept > 0

    with pytest.raises(ValueError, match="never deleted: archive it instead"):
        cycles.delete_touchpoint(demo_store, arrival)
    cycles.archive_touchpoint(demo_store, arrival)
    assert "Engineer arrival" not in names(demo_store, cycle_id)
    assert list(cycles.archived_touchpoints(demo_store, cycle_id)[["name", "impressions"]].itertuples(index=False)) == [
        ("Engineer arrival", kept)
    ]
    assert workspace.counts(demo_store)["impressions"] == total

    cycles.restore_touchpoint(demo_store, arrival)
    assert names(demo_store, cycle_id)[-1] == "Engineer arrival"
    assert cycles.impression_count(demo_store, arrival) == kept
    assert workspace.counts(demo_store)["impressions"] == total
    assert cycles.archived_touchpoints(demo_store, cycle_id).empty


def test_a_cycle_with_impressions_cannot_be_deleted_but_an_empty_one_can(demo_store: Store):
    with pytest.raises(ValueError, match="never deleted"):
        cycles.delete_cycle(demo_store, repair_job(demo_store))
    empty = cycles.create_cycle(demo_store, "Spare")
    cycles.add_touchpoint(demo_store, empty, TouchpointFields("Leaflet", "now_or_never"))
    cycles.delete_cycle(demo_store, empty)
    assert "Spare" not in set(cycles.cycles(demo_store)["name"])


# --- enhancement ideas ------------------------------------------------------------------------


def test_an_idea_is_voted_adopted_and_made_the_standard(store: Store, cycle: int):
    tp = int(cycles.touchpoints(store, cycle)["id"].iloc[1])
    idea = ideas.add_idea(store, tp, "Call back within one hour", author="Sam")
    ideas.vote_idea(store, idea)
    ideas.vote_idea(store, idea)
    ideas.set_idea_status(store, idea, "adopted", on=date(2026, 5, 1), new_standard="Call back within one hour")
    ideas.set_idea_status(store, idea, "standard", on=date(2026, 6, 1))
    row = ideas.ideas(store, tp).iloc[0]
    assert (row["status"], row["votes"], row["adopted_on"].date()) == ("standard", 2, date(2026, 5, 1))
    assert cycles.touchpoint(store, tp)["standard"] == "Call back within one hour"
    with pytest.raises(ValueError, match="cannot go back"):
        ideas.set_idea_status(store, idea, "proposed")


# --- map files --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_into_an_empty_workspace_reproduces_the_same_map(
    demo_store: Store, store: Store, suffix: str
):
    data = maps.export_bytes(demo_store, "map" + suffix)
    changes = maps.import_map(store, "map" + suffix, data)
    assert map_files.map_rows(store).equals(map_files.map_rows(demo_store))
    assert changes == [
        "new service cycle “Annual service renewal” with 7 touchpoints",
        "new service cycle “New installation” with 11 touchpoints",
        "new service cycle “Repair job” with 9 touchpoints",
    ]


def test_exported_cells_that_look_like_formulas_are_escaped_and_read_back(store: Store):
    cycle_id = cycles.create_cycle(store, "=Cycle")
    cycles.add_touchpoint(store, cycle_id, TouchpointFields("+Plus", "multiplier", standard="@home"))
    data = maps.export_bytes(store, "m.csv")
    assert b"'=Cycle,'+Plus,Multiplier" in data
    assert maps.check_table(maps.read_table("m.csv", data)).rows[
        ["service_cycle", "touchpoint", "standard"]
    ].values.tolist() == [["=Cycle", "+Plus", "@home"]]


def test_importing_a_cycle_that_exists_updates_it_and_reports_what_changed(store: Store, cycle: int):
    file = (
        HEADER
        + "renewal,Price call,make or break,Phone,Sales\n"
        + "Renewal,Reminder letter,NOW-OR-NEVER,Post,\n"
        + "Renewal,Loyalty offer,Keep-or-Lose,Email,Sales\n"
    ).encode()
    changes = maps.import_map(store, "renewal.csv", file)
    assert changes == [
        "renewal: moved “Price call” from position 2 to 1",
        "renewal: edited “Price call” (channel, owner)",
        "renewal: moved “Reminder letter” from position 1 to 2",
        "renewal: edited “Reminder letter” (channel)",
        "renewal: added “Loyalty offer” at position 3",
        "renewal: kept, not in the file: Direct debit, Thank-you card",
    ]
    assert list(cycles.cycles(store)["name"]) == ["Renewal"]
    assert names(store, cycle) == ["Price call", "Reminder letter", "Loyalty offer", "Direct debit", "Thank-you card"]
    assert list(groups.teams(store)["name"]) == ["Sales"]
    assert maps.import_map(store, "renewal.csv", file) == [
        "renewal: kept, not in the file: Direct debit, Thank-you card"
    ]


def test_bad_rows_are_reported_by_row_number_and_nothing_is_written(store: Store, cycle: int):
    before = map_files.map_rows(store)
    version = store.data_version()
    file = (
        HEADER
        + "Renewal,Price call,make or break,Phone,Sales\n"
        + "Renewal,Survey,Sometime,Email,\n"
        + "Renewal,,Multiplier,Email,\n"
        + "Renewal,PRICE CALL,Multiplier,Email,\n"
    ).encode()
    with pytest.raises(maps.MapFileError) as caught:
        maps.import_map(store, "bad.csv", file)
    assert [row for row, _ in caught.value.problems] == [3, 4, 5]
    assert "unknown moment “Sometime”" in caught.value.problems[0][1]
    assert caught.value.problems[1][1] == "the touchpoint name is missing"
    assert caught.value.problems[2][1] == "“PRICE CALL” is listed twice in “Renewal” (row 2)"
    assert store.data_version() == version
    assert map_files.map_rows(store).equals(before)


def test_a_file_without_the_required_columns_is_refused(store: Store):
    with pytest.raises(maps.MapFileError, match="missing column"):
        maps.import_map(store, "x.csv", b"cycle,name\nA,B\n")
    with pytest.raises(maps.MapFileError, match=r"\.csv or \.xlsx"):
        maps.import_map(store, "x.txt", b"")


# --- the map's figures and the chain ----------------------------------------------------------


def test_the_chain_breaks_at_make_or_break_in_the_repair_job_only(demo_store: Store):
    summary = metrics.summarise(cycle_stats.cycle_moment_stats(demo_store))
    breaks = maps.chain_breaks(summary)
    assert breaks == {"Annual service renewal": None, "New installation": None, "Repair job": "make_or_break"}


def test_the_curve_marks_the_touchpoint_furthest_below_target_in_the_breaking_moment(demo_store: Store):
    stats = metrics.summarise(cycle_stats.cycle_touchpoint_stats(demo_store, repair_job(demo_store)))
    position = maps.break_position(stats, "make_or_break")
    assert position is not None
    assert stats.set_index("position").loc[position, "touchpoint"] == "Engineer arrival"


def test_the_journey_map_draws_touchpoints_in_their_order_in_their_moment_columns(demo_store: Store):
    cycle_id = repair_job(demo_store)
    stats = metrics.summarise(cycle_stats.cycle_touchpoint_stats(demo_store, cycle_id))
    figure = map_charts.journey_map(stats, "make_or_break")
    points = figure.data[1]
    assert list(points.y) == [
        "1. Breakdown call",
        "2. Online booking",
        "3. Appointment confirmation ▼ below target",
        "4. Engineer arrival ▼ below target",
        "5. Diagnosis and price",
        "6. Repair",
        "7. Clean-up",
        "8. Repair invoice ▼ below target",
        "9. Follow-up mail",
    ]
    assert list(points.x[:3]) == ["Now-or-Never", "Now-or-Never", "Make-or-Break"]
    assert [int(c[0]) for c in points.customdata] == list(stats["touchpoint_id"])
    assert figure.layout.annotations[0].text == "chain breaks here"


def test_the_score_distribution_counts_impressions_in_ten_bands_of_the_common_scale(store: Store, cycle: int):
    tp = int(cycles.touchpoints(store, cycle)["id"].iloc[0])
    frame = pd.DataFrame(
        {
            "touchpoint_id": tp,
            "observed_on": date(2026, 1, 5),
            "raw_value": ["1", "3", "5", "5"],
            "scale": "1-5",
            "score": [-1.0, 0.0, 1.0, 1.0],
            "group_id": None,
            "source": "survey",
            "comment": None,
        }
    )
    record_impressions(store, frame)
    bands = cycle_stats.score_distribution(store, tp)
    assert list(bands["n"]) == [1, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    assert (round(bands["low"].iloc[5], 6), round(bands["high"].iloc[9], 6)) == (0.0, 1.0)


def test_touchpoints_placed_after_a_later_moment_are_pointed_out():
    frame = pd.DataFrame({"touchpoint": ["A", "B", "C"], "moment": ["now_or_never", "keep_or_lose", "make_or_break"]})
    assert maps.moments_out_of_order(frame) == ["C"]


def test_every_touchpoint_placed_after_a_later_moment_is_pointed_out_not_only_the_first():
    frame = pd.DataFrame(
        {"touchpoint": ["A", "B", "C", "D"], "moment": ["multiplier", "now_or_never", "make_or_break", "multiplier"]}
    )
    assert maps.moments_out_of_order(frame) == ["B", "C"]


def _cycle_summary(n: list[int], weak: list[bool], gap: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "position": [1, 2, 3],
            "touchpoint": ["Advert", "Quote", "Invoice"],
            "moment": ["now_or_never", "make_or_break", "make_or_break"],
            "n": n,
            "weak": weak,
            "gap": gap,
        }
    )


def test_the_chain_verdict_says_a_cycle_without_impressions_is_grey():
    summary = _cycle_summary([0, 0, 0], [False] * 3, [0.0] * 3)
    assert maps.chain_verdict(summary, None) == (
        "info",
        "No impressions recorded for this cycle yet: the map shows its touchpoints in grey.",
    )


def test_the_chain_verdict_says_the_chain_holds_when_no_moment_breaks():
    summary = _cycle_summary([5, 5, 5], [False] * 3, [0.1] * 3)
    assert maps.chain_verdict(summary, None) == (
        "success",
        "The chain holds: no moment of this cycle falls below its target on average.",
    )


def test_the_chain_verdict_warns_where_it_breaks_and_names_the_touchpoint_furthest_short():
    summary = _cycle_summary([5, 5, 5], [False, True, True], [0.1, -0.2, -0.4])
    assert maps.chain_verdict(summary, "make_or_break") == (
        "warning",
        "The chain breaks at Make-or-Break, the first moment of this cycle below its target; "
        "“Invoice” is furthest short there.",
    )


# --- the command line -------------------------------------------------------------------------


def test_the_command_line_exports_one_cycle_and_imports_it_into_another_workspace(
    demo_store: Store, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from dashboard import cli

    file = tmp_path / "repair.xlsx"
    assert cli.main(["map", "export", "--cycle", "repair job", str(file), "--db", cli_db(demo_store)]) == 0
    assert cli.main(["map", "import", str(file), "--db", cli_db(store)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "  new service cycle “Repair job” with 9 touchpoints"


def test_the_command_line_refuses_a_bad_map_file_in_one_line_and_a_non_zero_exit(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from dashboard import cli

    file = tmp_path / "bad.csv"
    file.write_text(HEADER + "Renewal,Letter,Someday,Post,\n")
    assert cli.main(["map", "import", str(file), "--db", cli_db(store)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: the map file was not imported, nothing was written: row 2: unknown moment “Someday”")
