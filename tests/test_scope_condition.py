"""A scope's SQL condition: fixed text with one bound placeholder per value, the same on both databases."""

from __future__ import annotations

from datetime import date

from dashboard.store.scope import EVERYTHING, Scope


def test_an_empty_scope_only_leaves_archived_touchpoints_out():
    assert EVERYTHING.condition() == ("t.archived_at is null", [])


def test_each_filter_becomes_an_in_list_with_one_placeholder_per_value_in_a_fixed_order():
    scope = Scope(
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        cycle_ids=(2, 5),
        moments=("make_or_break",),
        channels=("web", "phone"),
        group_ids=(7,),
        team_ids=(3,),
        sources=("survey", "workshop", "manual"),
        touchpoint_ids=(11, 12),
    )
    assert scope.condition() == (
        "t.archived_at is null and i.observed_on >= ? and i.observed_on <= ? and t.cycle_id in (?, ?)"
        " and t.moment in (?) and t.channel in (?, ?) and i.group_id in (?) and t.owner_team_id in (?)"
        " and i.source in (?, ?, ?) and t.id in (?, ?)",
        [
            date(2026, 1, 1),
            date(2026, 3, 31),
            2,
            5,
            "make_or_break",
            "web",
            "phone",
            7,
            3,
            "survey",
            "workshop",
            "manual",
            11,
            12,
        ],
    )
