"""The reputation plan's evidence rules, claimed versus proven, and the plan's history, judged
against small workspaces built by hand so every figure can be checked by eye."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard import evidence
from dashboard.store import Store, cycles, groups, ideas, impressions, plan, rollup
from dashboard.thresholds import SETTING_KEYS, Thresholds, check_settings
from dashboard.touchpoints import TouchpointFields
from tests.conftest import DEMO_END

AS_OF = date(2026, 6, 30)


def judge(store: Store, step: str, moment: str, **thresholds: float) -> list[tuple[str, str, bool]]:
    """The evidence of one cell on AS_OF as (label, figure, passed)."""
    t = Thresholds.from_settings(thresholds)
    cells = evidence.assess(plan.evidence_figures(store, AS_OF, t.recent_days), plan.plan_cells(store), t)
    return [(e.label, e.figure, e.passed) for e in evidence.find(cells, step, moment).evidence]


def cell(store: Store, step: str, moment: str) -> evidence.CellEvidence:
    t = Thresholds()
    cells = evidence.assess(plan.evidence_figures(store, AS_OF, t.recent_days), plan.plan_cells(store), t)
    return evidence.find(cells, step, moment)


def record(store: Store, touchpoint_id: int, scores: list[float], days_ago: int = 1) -> None:
    observed = AS_OF - timedelta(days=days_ago)
    impressions.record_impressions(
        store,
        pd.DataFrame(
            {
                "touchpoint_id": touchpoint_id,
                "observed_on": observed,
                "raw_value": [str(s) for s in scores],
                "scale": "-1..1",
                "score": scores,
                "group_id": None,
                "source": "manual",
                "comment": None,
            }
        ),
    )


@pytest.fixture
def cycle(store: Store) -> int:
    """One service cycle with nothing in it yet."""
    return cycles.create_cycle(store, "Repair job")


def test_step_1_needs_groups_and_a_touchpoint_of_the_moment_that_reaches_one(store: Store, cycle: int):
    assert judge(store, "identify_groups", "keep_or_lose") == [
        ("Stakeholder groups defined", "0 groups", False),
        ("Groups reached by this moment's touchpoints", "0 of 0 groups", False),
    ]
    homeowners = groups.add_group(store, "Homeowners")
    groups.add_group(store, "Landlords")
    cycles.add_touchpoint(store, cycle, TouchpointFields("Repair", "keep_or_lose", group_ids=(homeowners,)))
    assert judge(store, "identify_groups", "keep_or_lose") == [
        ("Stakeholder groups defined", "2 groups", True),
        ("Groups reached by this moment's touchpoints", "1 of 2 groups (50%)", True),
    ]
    assert judge(store, "identify_groups", "multiplier")[1] == (
        "Groups reached by this moment's touchpoints",
        "0 of 2 groups (0%)",
        False,
    )


def test_step_2_needs_a_desired_reputation_for_every_group_at_the_moment(store: Store):
    homeowners = groups.add_group(store, "Homeowners")
    landlords = groups.add_group(store, "Landlords")
    plan.set_statement(store, homeowners, None, "On time, every time.")
    assert judge(store, "decide_reputation", "make_or_break") == [
        ("Groups with a desired reputation written", "1 of 2 groups (50%)", False)
    ]
    plan.set_statement(store, landlords, "make_or_break", "Clear prices, no chasing.")
    assert judge(store, "decide_reputation", "make_or_break") == [
        ("Groups with a desired reputation written", "2 of 2 groups (100%)", True)
    ]
    assert judge(store, "decide_reputation", "multiplier")[0][2] is False
    assert judge(store, "decide_reputation", "multiplier", min_statement_share=0.5)[0][2] is True


def test_a_statement_can_be_replaced_and_removed(store: Store):
    group = groups.add_group(store, "Homeowners")
    plan.set_statement(store, group, None, "First draft")
    plan.set_statement(store, group, None, "  Second draft ")
    plan.set_statement(store, group, "multiplier", "They tell their neighbours.")
    assert plan.statements(store)[["group_name", "moment", "text"]].to_dict("records") == [
        {"group_name": "Homeowners", "moment": "", "text": "Second draft"},
        {"group_name": "Homeowners", "moment": "multiplier", "text": "They tell their neighbours."},
    ]
    assert plan.statement_text(store, group, "multiplier") == "They tell their neighbours."
    plan.set_statement(store, group, "multiplier", "")
    assert plan.statement_text(store, group, "multiplier") == ""
    with pytest.raises(ValueError, match="no stakeholder group"):
        plan.set_statement(store, 99, None, "Nobody")


def test_step_3_needs_a_mapped_touchpoint_at_the_moment(store: Store, cycle: int):
    assert judge(store, "isolate_contacts", "now_or_never") == [("Touchpoints mapped", "0 touchpoints", False)]
    cycles.add_touchpoint(store, cycle, TouchpointFields("Phone enquiry", "now_or_never"))
    assert judge(store, "isolate_contacts", "now_or_never") == [("Touchpoints mapped", "1 touchpoints", True)]


def test_step_4_needs_a_written_standard_at_every_touchpoint_of_the_moment(store: Store, cycle: int):
    cycles.add_touchpoint(
        store, cycle, TouchpointFields("Quote", "make_or_break", standard="Itemised, within 48 hours.")
    )
    arrival = cycles.add_touchpoint(store, cycle, TouchpointFields("Arrival", "make_or_break"))
    assert judge(store, "specify_behaviours", "make_or_break") == [
        ("Touchpoints with a written standard", "1 of 2 touchpoints (50%)", False)
    ]
    plan.set_standard(store, arrival, "Inside the slot, or a call before it ends.")
    assert judge(store, "specify_behaviours", "make_or_break") == [
        ("Touchpoints with a written standard", "2 of 2 touchpoints (100%)", True)
    ]


def test_step_5_needs_enough_recent_impressions_at_or_above_target(store: Store, cycle: int):
    tp = cycles.add_touchpoint(store, cycle, TouchpointFields("Repair", "keep_or_lose", target=0.5))
    label = "Impressions at or above target, last 90 days"
    assert judge(store, "perform", "keep_or_lose") == [(label, "0 of 0 impressions", False)]
    record(store, tp, [0.5, 1.0, 0.75, 0.0])
    record(store, tp, [1.0, 1.0, 1.0, 1.0, 1.0], days_ago=120)  # too old to count
    assert judge(store, "perform", "keep_or_lose") == [(label, "3 of 4 impressions (75%)", False)]
    assert judge(store, "perform", "keep_or_lose", min_meeting_share=0.75) == [
        (label, "3 of 4 impressions (75%)", True)
    ]
    assert judge(store, "perform", "keep_or_lose", recent_days=365) == [
        ("Impressions at or above target, last 365 days", "8 of 9 impressions (89%)", True)
    ]


def test_step_6_needs_recent_impressions_from_most_touchpoints_so_old_surveys_go_stale(store: Store, cycle: int):
    repair = cycles.add_touchpoint(store, cycle, TouchpointFields("Repair", "keep_or_lose"))
    cycles.add_touchpoint(store, cycle, TouchpointFields("Invoice", "keep_or_lose"))
    record(store, repair, [0.5] * 40, days_ago=95)
    assert judge(store, "measure", "keep_or_lose") == [
        ("Impressions in the last 90 days", "0", False),
        ("Touchpoints heard from in the last 90 days", "0 of 2 touchpoints (0%)", False),
    ]
    record(store, repair, [0.5] * 30, days_ago=89)
    assert judge(store, "measure", "keep_or_lose") == [
        ("Impressions in the last 90 days", "30", True),
        ("Touchpoints heard from in the last 90 days", "1 of 2 touchpoints (50%)", False),
    ]
    assert judge(store, "measure", "keep_or_lose", min_recent_coverage=0.5)[1][2] is True


def test_step_7_needs_an_idea_made_a_standard_and_every_standard_reviewed_on_time(store: Store, cycle: int):
    quote = cycles.add_touchpoint(store, cycle, TouchpointFields("Quote", "make_or_break", standard="Itemised."))
    cycles.add_touchpoint(store, cycle, TouchpointFields("Deposit", "make_or_break"))  # no standard: nothing to review
    ideas.set_idea_status(store, ideas.add_idea(store, quote, "Itemise parts and labour"), "adopted")
    assert judge(store, "institute", "make_or_break") == [
        ("Enhancement ideas made a standard", "0 ideas", False),
        ("Standards reviewed on time", "0 of 1 standards (0%)", False),
    ]
    ideas.set_idea_status(store, ideas.add_idea(store, quote, "Quote within 48 hours"), "standard")
    plan.set_review(store, quote, 30, AS_OF - timedelta(days=30))  # due today: still on time
    assert judge(store, "institute", "make_or_break") == [
        ("Enhancement ideas made a standard", "1 ideas", True),
        ("Standards reviewed on time", "1 of 1 standards (100%)", True),
    ]
    plan.set_review(store, quote, 30, AS_OF - timedelta(days=31))
    assert judge(store, "institute", "make_or_break")[1] == (
        "Standards reviewed on time",
        "0 of 1 standards (0%)",
        False,
    )


def test_overdue_reviews_are_flagged_and_a_standard_without_cadence_is_not(store: Store, cycle: int):
    on_time = cycles.add_touchpoint(store, cycle, TouchpointFields("Quote", "make_or_break", standard="Itemised."))
    late = cycles.add_touchpoint(store, cycle, TouchpointFields("Arrival", "make_or_break", standard="In the slot."))
    never = cycles.add_touchpoint(store, cycle, TouchpointFields("Invoice", "keep_or_lose", standard="One page."))
    cycles.add_touchpoint(store, cycle, TouchpointFields("Deposit", "make_or_break", standard="Card or transfer."))
    plan.set_review(store, on_time, 90, AS_OF - timedelta(days=10))
    plan.set_review(store, late, 30, AS_OF - timedelta(days=40))
    plan.set_review(store, never, 30, None)
    frame = plan.reviews(store, AS_OF)
    assert dict(zip(frame["name"], frame["overdue"], strict=True)) == {
        "Quote": False,
        "Arrival": True,
        "Invoice": True,
        "Deposit": False,
    }
    assert plan.touchpoint_review(store, late) == ("In the slot.", 30, AS_OF - timedelta(days=40))
    with pytest.raises(ValueError, match="positive"):
        plan.set_review(store, late, 0, None)


def test_a_cell_marked_done_without_evidence_is_a_claim_the_data_does_not_back(store: Store, cycle: int):
    plan.set_plan_cell(store, "isolate_contacts", "multiplier", status="in_progress")
    assert (
        cell(store, "isolate_contacts", "multiplier").proven,
        cell(store, "isolate_contacts", "multiplier").unproven_claim,
    ) == (False, False)
    plan.set_plan_cell(store, "isolate_contacts", "multiplier", status="done", owner="Customer care")
    claimed = cell(store, "isolate_contacts", "multiplier")
    assert (claimed.status, claimed.owner, claimed.proven, claimed.unproven_claim) == (
        "done",
        "Customer care",
        False,
        True,
    )
    cycles.add_touchpoint(store, cycle, TouchpointFields("Follow-up mail", "multiplier"))
    backed = cell(store, "isolate_contacts", "multiplier")
    assert (backed.proven, backed.unproven_claim) == (True, False)


def test_every_one_of_the_28_cells_is_judged_in_step_then_moment_order(store: Store):
    plan.set_plan_cell(store, "measure", "keep_or_lose", status="at_risk", owner="Care", due_on=AS_OF)
    grid = evidence.grid_frame(
        evidence.assess(plan.evidence_figures(store, AS_OF, 90), plan.plan_cells(store), Thresholds())
    )
    assert len(grid) == 28
    assert list(grid["step"].drop_duplicates()) == [
        "identify_groups",
        "decide_reputation",
        "isolate_contacts",
        "specify_behaviours",
        "perform",
        "measure",
        "institute",
    ]
    assert list(grid["moment"][:4]) == ["now_or_never", "make_or_break", "keep_or_lose", "multiplier"]
    row = grid[(grid["step"] == "measure") & (grid["moment"] == "keep_or_lose")].iloc[0]
    assert (row["status_label"], row["owner"], row["due_on"], row["evidence_passed"], row["evidence_total"]) == (
        "At risk",
        "Care",
        AS_OF,
        0,
        2,
    )
    assert set(grid["status"]) == {"not_started", "at_risk"}


def test_thresholds_default_sensibly_read_stored_values_and_refuse_bad_ones(store: Store):
    assert Thresholds.from_settings(plan.settings(store)) == Thresholds()
    plan.set_settings(store, check_settings({"recent_days": 30, "min_meeting_share": 0.7}))
    stored = Thresholds.from_settings(plan.settings(store))
    assert (stored.recent_days, stored.min_meeting_share, stored.min_standard_share) == (30, 0.7, 1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        check_settings({"min_meeting_share": 1.5})
    with pytest.raises(ValueError, match="whole number"):
        check_settings({"recent_days": 7.5})
    with pytest.raises(ValueError, match="unknown setting"):
        check_settings({"colour": 1})
    assert set(SETTING_KEYS) == set(Thresholds().as_dict())


def test_every_change_of_a_cell_is_kept_with_who_and_when_and_counted_as_progress(store: Store):
    monday = datetime(2026, 6, 1, 9)
    plan.set_plan_cell(store, "measure", "multiplier", status="in_progress", changed_by="Ann", changed_at=monday)
    plan.set_plan_cell(
        store, "measure", "multiplier", status="in_progress", changed_by="Ann", changed_at=monday
    )  # unchanged: nothing new
    plan.set_plan_cell(
        store, "measure", "multiplier", status="done", changed_by="Bob", changed_at=monday + timedelta(days=2)
    )
    plan.set_plan_cell(
        store, "perform", "multiplier", status="done", changed_by="Cy", changed_at=monday + timedelta(days=3)
    )
    history = plan.cell_history(store, "measure", "multiplier")
    assert history[["status", "changed_by", "changed_at"]].to_dict("records") == [
        {"status": "done", "changed_by": "Bob", "changed_at": pd.Timestamp(monday + timedelta(days=2))},
        {"status": "in_progress", "changed_by": "Ann", "changed_at": pd.Timestamp(monday)},
    ]
    by_moment = plan.progress_over_time(store, "moment")
    assert [(str(pd.Timestamp(d).date()), m, n) for d, m, n in by_moment.itertuples(index=False)] == [
        ("2026-06-01", "multiplier", 0),
        ("2026-06-03", "multiplier", 1),
        ("2026-06-04", "multiplier", 2),
    ]
    by_step = plan.progress_over_time(store, "step")
    assert by_step[pd.to_datetime(by_step["day"]) == "2026-06-04"][["step", "done"]].to_dict("records") == [
        {"step": "measure", "done": 1},
        {"step": "perform", "done": 1},
    ]
    with pytest.raises(ValueError, match="unknown plan status"):
        plan.set_plan_cell(store, "measure", "multiplier", status="finished")


def test_the_demo_plan_has_proven_cells_unproven_claims_cells_at_risk_and_a_history(demo_store: Store):
    t = Thresholds()
    cells = evidence.assess(plan.evidence_figures(demo_store, DEMO_END, t.recent_days), plan.plan_cells(demo_store), t)
    claimed = sorted((c.step, c.moment) for c in cells if c.unproven_claim)
    assert claimed == [
        ("specify_behaviours", "make_or_break"),
        ("specify_behaviours", "multiplier"),
        ("specify_behaviours", "now_or_never"),
    ]
    assert sum(c.status == "done" and c.proven for c in cells) == 10
    assert sorted((c.step, c.moment) for c in cells if c.status == "at_risk") == [
        ("institute", "multiplier"),
        ("perform", "make_or_break"),
    ]
    assert len(plan.statements(demo_store)) == 3
    overdue = plan.reviews(demo_store, DEMO_END)
    assert list(overdue[overdue["overdue"]]["name"]) == ["Renewal offer"]
    assert len(plan.cell_history(demo_store)) > len(plan.plan_cells(demo_store))


def test_recent_figures_come_from_the_roll_up_and_forget_impressions_taken_back(store: Store, cycle: int):
    """The recent window is read from the daily roll-up, where a deletion is a negative count:
    a touchpoint whose impressions were all taken back is no longer "heard from"."""
    kept = cycles.add_touchpoint(store, cycle, TouchpointFields("Repair visit", "make_or_break"))
    dropped = cycles.add_touchpoint(store, cycle, TouchpointFields("Invoice", "make_or_break"))
    record(store, kept, [0.5, 0.9, -0.5])
    record(store, dropped, [1.0, 1.0], days_ago=3)
    record(store, kept, [1.0], days_ago=200)  # outside the 90-day window
    with store.transaction() as cur:
        rollup.retract(cur, "touchpoint_id = ?", [dropped])
        cur.execute("delete from impression where touchpoint_id = ?", [dropped])
    row = plan.evidence_figures(store, AS_OF, 90).set_index("moment").loc["make_or_break"]
    # A new touchpoint's target is +0.5: 0.5 and 0.9 meet it, -0.5 does not.
    assert (row["recent_impressions"], row["recent_meeting"]) == (3, 2)
    assert (row["touchpoints_recent"], row["touchpoints"]) == (1, 2)


def _cell(status: str, passed: tuple[bool, ...]) -> evidence.CellEvidence:
    items = tuple(evidence.Evidence(f"item {i}", "1 of 1", ok, "map") for i, ok in enumerate(passed))
    return evidence.CellEvidence("perform", "keep_or_lose", status, "", None, "", items)


@pytest.mark.parametrize(
    ("status", "passed", "verdict"),
    [
        (
            "done",
            (True, False),
            ("warning", "Marked done, but the data does not back it yet. Record what is missing below."),
        ),
        ("in_progress", (True, True), ("info", "The data already backs this cell; it could be marked done.")),
        ("done", (True, True), ("success", "Done, and the data proves it.")),
        ("in_progress", (False,), None),
    ],
    ids=["claimed-not-proven", "proven-not-claimed", "claimed-and-proven", "neither"],
)
def test_a_cell_tells_whether_its_claim_and_the_data_agree(
    status: str, passed: tuple[bool, ...], verdict: tuple[str, str] | None
):
    assert _cell(status, passed).verdict() == verdict
