"""The leadership questions, the roll-up behind them, and the significance of changes,
checked against small hand-built workspaces and numbers worked out by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import leadership, metrics
from dashboard.store import Store, analytics, cycles, groups, impressions
from dashboard.store.scope import Scope
from dashboard.touchpoints import TouchpointFields

pytestmark = pytest.mark.both_backends


def _record(store: Store, rows: list[tuple]) -> None:
    """Impressions as ``(touchpoint_id, day, score, group_id, source, comment)``."""
    frame = pd.DataFrame(rows, columns=["touchpoint_id", "observed_on", "score", "group_id", "source", "comment"])
    frame["raw_value"] = frame["score"].astype(str)
    frame["scale"] = "-1..1"
    impressions.record_impressions(store, frame)


@pytest.fixture
def shop(store: Store) -> dict[str, int]:
    """Two touchpoints of one cycle, two stakeholder groups, and eight impressions over two months.

    Website (now-or-never, target 0.5): March 1.0, 0.5 (Owners), 0.0 (Tenants); April 0.5 (Owners).
    Invoice (keep-or-lose, target 0.0): March -1.0 (Tenants, "Late = again"), -0.5 (Owners);
    April 0.5 (Tenants, "100% fine"), 1.0 (no group, "late but polite").
    """
    owners = groups.add_group(store, "Owners")
    tenants = groups.add_group(store, "Tenants")
    cycle = cycles.create_cycle(store, "Repair job")
    website = cycles.add_touchpoint(store, cycle, TouchpointFields("Website", "now_or_never", channel="Website"))
    invoice = cycles.add_touchpoint(
        store, cycle, TouchpointFields("Invoice", "keep_or_lose", channel="Post", target=0.0)
    )
    march, april = date(2026, 3, 10), date(2026, 4, 20)
    _record(
        store,
        [
            (website, march, 1.0, None, "survey", None),
            (website, march, 0.5, owners, "survey", None),
            (website, march, 0.0, tenants, "workshop", None),
            (website, april, 0.5, owners, "survey", None),
            (invoice, march, -1.0, tenants, "survey", "Late = again"),
            (invoice, march, -0.5, owners, "manual", None),
            (invoice, april, 0.5, tenants, "survey", "100% fine"),
            (invoice, april, 1.0, None, "survey", "late but polite"),
        ],
    )
    return {"owners": owners, "tenants": tenants, "website": website, "invoice": invoice}


STATS = ["n", "total", "total_sq", "n_positive", "n_negative", "n_meeting", "target_total"]


def test_touchpoint_month_statistics_add_up_per_cell(store: Store, shop: dict[str, int]):
    got = analytics.touchpoint_month_stats(store)
    assert got[["touchpoint_id", "month", *STATS]].values.tolist() == [
        # Website March: 1.0, 0.5, 0.0 -> n 3, sum 1.5, squares 1.25, 2 positive, meeting 0.5: 2
        [shop["website"], pd.Timestamp(2026, 3, 1), 3, 1.5, 1.25, 2, 0, 2, 1.5],
        [shop["website"], pd.Timestamp(2026, 4, 1), 1, 0.5, 0.25, 1, 0, 1, 0.5],
        # Invoice March: -1.0, -0.5 -> sum -1.5, squares 1.25, 2 negative, none reach 0.0
        [shop["invoice"], pd.Timestamp(2026, 3, 1), 2, -1.5, 1.25, 0, 2, 0, 0.0],
        [shop["invoice"], pd.Timestamp(2026, 4, 1), 2, 1.5, 1.25, 2, 0, 2, 0.0],
    ]


def test_the_roll_up_answers_exactly_what_the_raw_impressions_answer(store: Store, shop: dict[str, int]):
    columns = ["touchpoint_id", *STATS]
    raw = impressions.touchpoint_stats(store)[columns]
    assert analytics.touchpoint_stats(store)[columns].values.tolist() == raw.values.tolist()
    assert analytics.total_stats(store)[STATS].values.tolist() == [[8, 2.0, 4.0, 5, 2, 5, 2.0]]


def test_the_roll_up_follows_new_impressions_deletions_and_target_changes(store: Store, shop: dict[str, int]):
    _record(store, [(shop["website"], date(2026, 4, 21), -1.0, None, "manual", None)])
    assert analytics.total_stats(store)["n"].tolist() == [9]
    with store.transaction() as cur:
        cur.execute("delete from impression where score = -1.0")
    assert analytics.total_stats(store)[["n", "total"]].values.tolist() == [[7, 3.0]]  # 2.0 + (-1.0) - (-1.0) - (-1.0)
    with store.transaction() as cur:
        cur.execute("update touchpoint set target = 1.0 where id = ?", [shop["website"]])
    website = analytics.touchpoint_stats(store).set_index("touchpoint_id").loc[shop["website"]]
    assert website["n_meeting"] == 1  # only the 1.0 reaches the new target


def test_moments_by_month_and_groups_by_touchpoint(store: Store, shop: dict[str, int]):
    trend = analytics.moment_month_stats(store)
    assert trend[["moment", "month", "n", "total"]].values.tolist() == [
        ["keep_or_lose", pd.Timestamp(2026, 3, 1), 2, -1.5],
        ["keep_or_lose", pd.Timestamp(2026, 4, 1), 2, 1.5],
        ["now_or_never", pd.Timestamp(2026, 3, 1), 3, 1.5],
        ["now_or_never", pd.Timestamp(2026, 4, 1), 1, 0.5],
    ]
    groups = analytics.group_touchpoint_stats(store)
    assert groups[["touchpoint_id", "stakeholder_group", "n", "total"]].values.tolist() == [
        [shop["website"], "Owners", 2, 1.0],
        [shop["website"], "Tenants", 1, 0.0],
        [shop["invoice"], "Owners", 1, -0.5],
        [shop["invoice"], "Tenants", 2, -0.5],
    ]


def test_filters_narrow_every_question(store: Store, shop: dict[str, int]):
    scope = Scope(group_ids=(shop["tenants"],), sources=("survey",), start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert analytics.total_stats(store, scope)[["n", "total"]].values.tolist() == [[1, -1.0]]
    assert analytics.total_stats(store, Scope(channels=("Post",)))["n"].tolist() == [4]
    assert analytics.total_stats(store, Scope(moments=("now_or_never",)))["n"].tolist() == [4]


def test_the_date_range_is_the_first_and_last_day_in_scope(store: Store, shop: dict[str, int]):
    march, april = date(2026, 3, 10), date(2026, 4, 20)
    assert analytics.date_range(store) == (march, april)
    assert analytics.date_range(store, Scope(sources=("workshop",))) == (march, march)
    assert analytics.date_range(store, Scope(group_ids=(shop["tenants"],), start=date(2026, 3, 11))) == (april, april)
    assert analytics.date_range(store, Scope(channels=("Fax",))) == (None, None)
    with store.transaction() as cur:
        cur.execute("update touchpoint set archived_at = current_timestamp where id = ?", [shop["invoice"]])
    assert analytics.date_range(store, Scope(group_ids=(shop["tenants"],))) == (march, march)


def test_period_statistics_put_two_equal_windows_side_by_side(store: Store, shop: dict[str, int]):
    got = analytics.period_stats(
        store, Scope(), current=(date(2026, 4, 1), date(2026, 4, 30)), previous=(date(2026, 3, 2), date(2026, 3, 31))
    )
    assert got[["period", "n", "total"]].values.tolist() == [["current", 3, 2.0], ["previous", 5, 0.0]]
    by_touchpoint = analytics.period_stats(
        store, Scope(), (date(2026, 4, 1), date(2026, 4, 30)), (date(2026, 3, 2), date(2026, 3, 31)), True
    )
    assert by_touchpoint[["touchpoint_id", "period", "n"]].values.tolist() == [
        [shop["website"], "current", 1],
        [shop["website"], "previous", 3],
        [shop["invoice"], "current", 2],
        [shop["invoice"], "previous", 2],
    ]


def test_comment_search_matches_any_case_and_takes_wildcards_literally(store: Store, shop: dict[str, int]):
    assert analytics.comments(store)["comment"].tolist() == ["late but polite", "100% fine", "Late = again"]
    assert analytics.comments(store, limit=1)["comment"].tolist() == ["late but polite"]  # found among recent days
    assert analytics.comments(store, search="LATE")["comment"].tolist() == ["late but polite", "Late = again"]
    assert analytics.comments(store, search="0%")["comment"].tolist() == ["100% fine"]
    assert analytics.comments(store, search="_")["comment"].tolist() == []
    assert analytics.comments(store, search="' or 1=1 --")["comment"].tolist() == []
    narrowed = analytics.comments(store, Scope(group_ids=(shop["tenants"],)), search="late")
    assert narrowed[["touchpoint", "stakeholder_group", "score"]].values.tolist() == [["Invoice", "Tenants", -1.0]]


def test_the_newest_comments_come_from_the_last_week_and_older_ones_only_when_it_holds_too_few(
    store: Store, shop: dict[str, int]
):
    assert analytics.comments(store, limit=2)["comment"].tolist() == ["late but polite", "100% fine"]
    everything = analytics.comments(store, limit=3)
    assert everything["comment"].tolist() == ["late but polite", "100% fine", "Late = again"]


def test_the_difference_of_two_means_uses_welchs_interval():
    # a = 1, 0.5, 0: mean 0.5, variance 0.25. b = 0, -0.5, -1, 0.5: mean -0.25, variance 1.25/3.
    # se^2 = 0.25/3 + 0.416667/4 = 0.1875, se = 0.433013; Welch df = 0.1875^2 / (0.083333^2/2
    # + 0.104167^2/3) = 4.959184; t(0.975, 4.959) = 2.576958; half-width 1.115856.
    diff, low, high = metrics.mean_difference([1.5], [1.25], [3], [-1.0], [1.5], [4])
    assert (diff[0], low[0], high[0]) == pytest.approx((0.75, 0.75 - 1.115856, 0.75 + 1.115856), abs=1e-5)
    assert metrics.significant(low, high).tolist() == [False]


def test_a_difference_is_significant_only_when_its_interval_excludes_zero():
    # 30 of 50 against 20 of 50: 0.2 +- 1.959964 * sqrt(0.24/50 + 0.24/50) = 0.2 +- 0.192036
    diff, low, high = metrics.share_difference([30], [50], [20], [50])
    assert (diff[0], low[0], high[0]) == pytest.approx((0.2, 0.007964, 0.392036), abs=1e-5)
    assert metrics.significant(low, high).tolist() == [True]
    assert metrics.significant([-0.3, -0.1, np.nan], [-0.1, 0.2, 0.5]).tolist() == [True, False, False]


def test_net_difference_adds_the_variances_of_both_nets():
    # a: 6 positive, 2 negative of 10 -> net 0.4, var (0.8 - 0.16)/10 = 0.064
    # b: 3 positive, 3 negative of 10 -> net 0.0, var 0.6/10 = 0.06; half 1.959964 * sqrt(0.124) = 0.690166
    diff, low, high = metrics.net_difference([6], [2], [10], [3], [3], [10])
    assert (diff[0], low[0], high[0]) == pytest.approx((0.4, 0.4 - 0.690166, 0.4 + 0.690166), abs=1e-5)


def test_family_confidence_spreads_the_error_rate_over_every_test():
    assert metrics.family_confidence(1) == pytest.approx(0.95)
    assert metrics.family_confidence(25) == pytest.approx(0.998)


def test_compare_reports_each_metrics_change_between_periods():
    current = pd.DataFrame({"k": [1], "n": [50], "total": [25.0], "total_sq": [20.0], "n_positive": [30],
                            "n_negative": [10], "n_meeting": [30], "target_total": [25.0]})  # fmt: skip
    previous = current.assign(total=[10.0], total_sq=[12.0], n_meeting=[20])
    out = metrics.compare(current, previous, ["k"]).iloc[0]
    assert (out["mean"], out["previous_mean"], out["mean_change"]) == pytest.approx((0.5, 0.2, 0.3))
    assert out["perfection_change"] == pytest.approx(0.2)
    assert bool(out["perfection_significant"]) is True
    assert out["net_change"] == pytest.approx(0.0)
    assert bool(out["net_significant"]) is False


def test_the_previous_period_is_as_long_as_the_current_one():
    got = leadership.periods(Scope(start=date(2026, 3, 1), end=date(2026, 3, 31)), date(2026, 9, 30))
    assert got == leadership.Periods((date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 1, 29), date(2026, 2, 28)))
    default = leadership.periods(Scope(), date(2026, 9, 30))
    assert default.current == (date(2026, 7, 3), date(2026, 9, 30))
    assert default.days == 90
    assert default.previous == (date(2026, 4, 4), date(2026, 7, 2))


def test_a_clicked_point_sets_the_focus_and_keeps_what_it_does_not_choose():
    before = leadership.Focus(7, date(2026, 3, 1))
    assert leadership.focus_from_points([{"customdata": [3, "2026-05-01"]}], before) == leadership.Focus(
        3, date(2026, 5, 1)
    )
    assert leadership.focus_from_points([{"customdata": [4, None]}], before) == leadership.Focus(4, date(2026, 3, 1))
    assert leadership.focus_from_points([{"customdata": [None, "2026-06-01"]}], before) == leadership.Focus(
        7, date(2026, 6, 1)
    )
    assert leadership.focus_from_points([], before) == leadership.Focus()


def test_a_focus_narrows_the_scope_within_its_own_dates():
    scope = Scope(start=date(2026, 3, 15), cycle_ids=(1,))
    got = leadership.narrowed(scope, leadership.Focus(9, date(2026, 3, 1)))
    assert got == Scope(start=date(2026, 3, 15), end=date(2026, 3, 31), cycle_ids=(1,), touchpoint_ids=(9,))
    assert leadership.narrowed(scope, leadership.Focus(9, date(2026, 3, 1)), by_month=False) == Scope(
        start=date(2026, 3, 15), cycle_ids=(1,), touchpoint_ids=(9,)
    )


def test_group_gaps_are_flagged_only_when_material_and_significant(store: Store, shop: dict[str, int]):
    rng = np.random.default_rng(1)
    owners = rng.choice([0.5, 1.0], size=60)
    tenants = rng.choice([-0.5, 0.0], size=60)
    day = date(2026, 5, 5)
    _record(
        store,
        [(shop["website"], day, float(s), shop["owners"], "survey", None) for s in owners]
        + [(shop["website"], day, float(s), shop["tenants"], "survey", None) for s in tenants],
    )
    groups = metrics.summarise(analytics.group_touchpoint_stats(store))
    gaps = leadership.group_gaps(groups).set_index("touchpoint_id")
    website = gaps.loc[shop["website"]]
    assert (website["best_group"], website["worst_group"], bool(website["flagged"])) == ("Owners", "Tenants", True)
    # Invoice: Owners has one impression (left out), so only Tenants remains: no gap to judge
    assert shop["invoice"] not in gaps.index


def test_importance_falls_back_to_volume_and_sorts_touchpoints_into_quadrants(store: Store, shop: dict[str, int]):
    out = leadership.priorities(metrics.summarise(analytics.touchpoint_stats(store)))
    # Website 4 of 8, mean 0.5 (target 0.5, not weak); Invoice 4 of 8, mean 0.0 (target 0.0, not weak)
    assert out[["touchpoint", "importance", "importance_basis", "quadrant"]].values.tolist() == [
        ["Website", 0.5, "volume", "Keep it up"],
        ["Invoice", 0.5, "volume", "Keep it up"],
    ]


def test_seconds_lists_touchpoints_below_target_by_cycle(store: Store, shop: dict[str, int]):
    with store.transaction() as cur:
        cur.execute("update touchpoint set target = 0.6 where id = ?", [shop["invoice"]])
    out = leadership.seconds(metrics.summarise(analytics.touchpoint_stats(store)))
    assert out[["cycle", "touchpoint", "gap"]].values.tolist() == [["Repair job", "Invoice", pytest.approx(-0.6)]]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (None, None),
        (date(2026, 3, 1), date(2026, 5, 31)),  # whole months only
        (date(2026, 3, 14), date(2026, 6, 2)),  # edge days on both sides
        (date(2026, 4, 3), date(2026, 4, 27)),  # inside one month
        (None, date(2026, 2, 10)),
        (date(2026, 7, 31), None),
    ],
)
def test_any_date_range_counts_the_same_from_the_roll_ups_as_from_the_raw_impressions(
    demo_store: Store, start: date | None, end: date | None
):
    scope = Scope(start=start, end=end)
    columns = ["touchpoint_id", "n", "n_positive", "n_negative", "n_meeting"]
    raw = impressions.touchpoint_stats(demo_store, scope)
    rolled = analytics.touchpoint_stats(demo_store, scope)
    assert rolled[columns].values.tolist() == raw[columns].values.tolist()
    assert rolled["total"].to_numpy() == pytest.approx(raw["total"].to_numpy())
