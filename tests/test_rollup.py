"""The roll-up tables that the leadership views read always agree with the raw impressions."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.store import Store, analytics, cycles, groups, impressions, rollup
from dashboard.store.scope import EVERYTHING, Scope

pytestmark = pytest.mark.both_backends

STATS = ["n", "total", "total_sq", "n_positive", "n_negative", "n_meeting"]


def _agree(store: Store, scope: Scope = EVERYTHING) -> None:
    raw = impressions.moment_stats(store, scope).set_index("moment").sort_index()[STATS]
    rolled = analytics.moment_stats(store, scope).set_index("moment").sort_index()[STATS]
    rolled = rolled[rolled["n"] > 0]
    pd.testing.assert_frame_equal(raw.astype(float), rolled.astype(float), check_exact=False, rtol=1e-9)
    # Row for row as well: every (touchpoint, day or month, group, source, score) nets to the raw count.
    for table, day in (("impression_daily", "observed_on"), ("impression_monthly", "date_trunc('month', observed_on)")):
        raw_rows = (
            f"select touchpoint_id, {day}::date, group_id, source, score, count(*)"
            " from impression group by 1, 2, 3, 4, 5"
        )
        rolled_rows = (
            "select touchpoint_id, observed_on, group_id, source, score, sum(n)::bigint"
            f" from {table} group by 1, 2, 3, 4, 5 having sum(n) <> 0"
        )
        with store.cursor() as cur:
            differences = cur.execute(
                f"({raw_rows} except all {rolled_rows}) union all ({rolled_rows} except all {raw_rows})"
            ).fetchall()
        assert differences == [], table


@pytest.fixture
def no_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails the test if the roll-up is recounted from scratch.

    The count check in ``rollup.catch_up`` rebuilds whatever a writer forgot to retract, so a
    test of ``retract`` that allowed a rebuild would pass even with ``retract`` doing nothing.
    """

    def refuse(cur: object) -> None:
        raise AssertionError("the roll-up was rebuilt: a retract or restore did not keep it exact")

    monkeypatch.setattr(rollup, "rebuild", refuse)


@pytest.mark.usefixtures("no_rebuild")
def test_retracting_before_a_delete_keeps_the_roll_up_exact_without_a_rebuild(demo_store: Store):
    with demo_store.cursor() as cur:
        before = cur.execute("select count(*) from impression_daily").fetchone()
    with demo_store.transaction() as cur:
        gone = rollup.retract(cur, "source = ?", ["workshop"])
        cur.execute("delete from impression where source = ?", ["workshop"])
    assert gone > 0
    _agree(demo_store)
    _agree(demo_store, Scope(start=date(2026, 3, 14), end=date(2026, 8, 2)))
    with demo_store.cursor() as cur:
        state = cur.execute("select covered from impression_daily_state").fetchone()
        total = cur.execute("select count(*) from impression").fetchone()
        after = cur.execute("select count(*) from impression_daily").fetchone()
    assert state == total
    assert after is not None and before is not None
    assert after[0] > before[0]  # negative rows appended: no rebuild happened


@pytest.mark.usefixtures("no_rebuild")
def test_an_in_place_edit_between_retract_and_restore_is_counted_with_its_new_value(demo_store: Store):
    with demo_store.transaction() as cur:
        rollup.retract(cur, "source = ?", ["manual"])
        response = cur.execute("insert into response values (nextval('response_id'), 'changed', null) returning id")
        changed = response.fetchone()[0]  # type: ignore[index]
        cur.execute("update impression set score = -1.0, response_id = ? where source = ?", [changed, "manual"])
        rollup.restore(cur, "source = ?", ["manual"])
    _agree(demo_store)
    with demo_store.cursor() as cur:
        comments = cur.execute(
            "select count(*) from impression_comment c join impression i using (id) where i.source = 'manual'"
        ).fetchone()
        manual = cur.execute("select count(*) from impression where source = 'manual'").fetchone()
    assert comments == manual


@pytest.mark.usefixtures("no_rebuild")
@pytest.mark.parametrize("source", ["survey", "manual"])
def test_sources_retracted_one_by_one_leave_the_others_exact(demo_store: Store, source: str):
    with demo_store.transaction() as cur:
        rollup.retract(cur, "source = ?", [source])
        cur.execute("delete from impression where source = ?", [source])
    _agree(demo_store)


@pytest.mark.usefixtures("no_rebuild")
def test_changed_withdrawn_and_regrouped_workshop_votes_reach_the_leadership_roll_up(demo_store: Store):
    from dashboard.store import workshop

    touchpoints = cycles.touchpoints(demo_store)
    cycle_id = int(touchpoints["cycle_id"].iloc[0])
    ids = [int(t) for t in touchpoints.loc[touchpoints["cycle_id"] == cycle_id, "id"].head(2)]
    group = int(groups.groups(demo_store)["id"].iloc[0])
    only_group = Scope(touchpoint_ids=(ids[0],), sources=("workshop",), group_ids=(group,))
    before = analytics.total_stats(demo_store, only_group)[["n", "total"]].iloc[0]
    session = workshop.create_session(demo_store, cycle_id, ids, "1-5", iter(["WXYZ"]).__next__)
    workshop.set_open(demo_store, session.id, True)
    ann = workshop.join(demo_store, session.id, "token-ann")
    workshop.record_vote(demo_store, ann.id, ids[0], "1", -1.0)
    workshop.record_vote(demo_store, ann.id, ids[1], "2", -0.5)
    _agree(demo_store)
    workshop.record_vote(demo_store, ann.id, ids[0], "5", 1.0)  # changed
    workshop.record_vote(demo_store, ann.id, ids[1], None, None)  # withdrawn
    workshop.update_participant(demo_store, ann.id, "Ann", group)  # regrouped
    _agree(demo_store)
    after = analytics.total_stats(demo_store, only_group)[["n", "total"]].iloc[0]
    assert (after - before).tolist() == pytest.approx([1, 1.0])  # Ann's changed vote, in her new group


@pytest.mark.usefixtures("no_rebuild")
def test_new_impressions_are_folded_in_row_for_row_by_day_month_and_comment(demo_store: Store):
    touchpoint = int(cycles.touchpoints(demo_store)["id"].iloc[0])
    group = int(groups.groups(demo_store)["id"].iloc[0])
    incoming = pd.DataFrame(
        {
            "touchpoint_id": [touchpoint] * 4,
            "observed_on": [date(2027, 1, 31), date(2027, 1, 31), date(2027, 2, 1), date(2027, 2, 1)],
            "raw_value": ["5", "5", "1", "3"],
            "scale": ["1-5"] * 4,
            "score": [1.0, 1.0, -1.0, 0.0],
            "group_id": pd.array([group, group, None, None], dtype="Int64"),
            "source": ["survey"] * 4,
            "comment": [None, "Quick", "", "Slow"],
        }
    )
    impressions.record_impressions(demo_store, incoming)
    _agree(demo_store)
    new_rows = "select {} from {} where observed_on >= '2027-01-01' order by 1, 2, 3, 4"
    with demo_store.cursor() as cur:
        daily = cur.execute(new_rows.format("observed_on, group_id, score, n", "impression_daily")).fetchall()
        monthly = cur.execute(new_rows.format("observed_on, group_id, score, n", "impression_monthly")).fetchall()
        comments = cur.execute(
            "select c.observed_on, r.comment from impression_comment c join response r on r.id = c.response_id"
            " where c.observed_on >= '2027-01-01' order by 1, 2"
        ).fetchall()
    february = [(date(2027, 2, 1), None, -1.0, 1), (date(2027, 2, 1), None, 0.0, 1)]
    assert daily == [(date(2027, 1, 31), group, 1.0, 2), *february]
    assert monthly == [(date(2027, 1, 1), group, 1.0, 2), *february]
    assert comments == [(date(2027, 1, 31), "Quick"), (date(2027, 2, 1), "Slow")]
