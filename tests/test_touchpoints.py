"""The service cycle map's rules for one touchpoint: delete or archive, its facts, a click."""

from __future__ import annotations

import pytest

from dashboard.touchpoints import facts, picked, removal

pytestmark = pytest.mark.both_backends


def test_a_touchpoint_or_cycle_without_impressions_is_deleted():
    assert removal(0) == "delete"


@pytest.mark.parametrize("impressions", [1, 12_000])
def test_one_with_impressions_is_archived_because_impressions_are_never_deleted(impressions: int):
    assert removal(impressions) == "archive"


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        removal(-1)


RECORD = {
    "moment": "make_or_break",
    "channel": "Phone",
    "owner": "",
    "group_ids": [2, 1, 9],
    "standard": "",
    "situation": "complaint",
    "recovery_plan": "Call back within the hour.",
    "description": None,
}


def test_the_facts_table_names_groups_labels_keys_and_shows_a_dash_for_what_is_empty():
    table = facts(RECORD, {1: "Patients", 2: "Parents"})
    assert table.to_dict("list") == {
        "": [
            "Moment",
            "Channel",
            "Owner team",
            "Stakeholder groups",
            "Standard",
            "Moment of truth",
            "Recovery plan",
            "Description",
        ],
        "Value": [
            "Make-or-Break",
            "Phone",
            "—",
            "Parents, Patients, ?",
            "not written yet",
            "A complaint",
            "Call back within the hour.",
            "—",
        ],
    }


def test_a_touchpoint_without_groups_or_situation_shows_dashes_there():
    table = facts({**RECORD, "group_ids": [], "situation": None}, {})
    assert table.set_index("")["Value"][["Stakeholder groups", "Moment of truth"]].tolist() == ["—", "—"]


def test_a_click_picks_the_first_point_that_carries_a_touchpoint_id():
    points: list[dict[str, object]] = [
        {"x": 1},
        {"customdata": []},
        {"customdata": [17.0, 230, 0.4, 0.5]},
        {"customdata": [3]},
    ]
    assert picked(points) == 17


def test_no_point_or_no_id_picks_nothing():
    assert (picked([]), picked([{"customdata": None}])) == (None, None)
