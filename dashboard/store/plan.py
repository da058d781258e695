"""SQL for the reputation plan: cell history, desired reputation, review cadence, settings, and
the figures the evidence rules judge.

A plan cell is written by ``set_plan_cell`` (``write_plan_cell`` inside the caller's
transaction), which also keeps its history; owners and notes are cleaned by ``text``.
Everything the data can prove about a cell is counted here in one query per question;
``dashboard.evidence`` decides what the counts mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

import pandas as pd

from dashboard import domain, text
from dashboard.store import Store, audit
from dashboard.store.dialect import Cursor


def write_plan_cell(
    cur: Cursor,
    step: str,
    moment: str,
    *,
    status: str,
    owner: str = "",
    due_on: date | None = None,
    notes: str = "",
    changed_by: str = "",
    changed_at: datetime | None = None,
) -> None:
    """Creates or replaces the plan cell for one reputation step at one moment, in the caller's
    transaction.

    Every change is also kept in the cell's history, with who made it and when (``changed_at``
    defaults to now; the demo passes earlier times to give the plan a past). Saving a cell
    unchanged adds nothing to the history.
    """
    if step not in domain.STEP_KEYS or moment not in domain.MOMENT_KEYS:
        raise ValueError(f"unknown plan cell {step!r} x {moment!r}")
    if status not in domain.PLAN_STATUS_KEYS:
        raise ValueError(f"unknown plan status {status!r}")
    owner, notes = text.clean_label(owner, "owner"), text.clean_text(notes, "notes")
    changed_by = text.clean_label(changed_by, "name")
    before = cur.execute(
        "select status, owner, due_on, notes from plan_cell where step = ? and moment = ?", [step, moment]
    ).fetchone()
    if before == (status, owner, due_on, notes):
        return
    cur.execute(
        "insert into plan_cell (step, moment, status, owner, due_on, notes, updated_at)"
        " values (?, ?, ?, ?, ?, ?, coalesce(?, current_timestamp)) on conflict (step, moment) do update"
        " set status = excluded.status, owner = excluded.owner, due_on = excluded.due_on, notes = excluded.notes,"
        " updated_at = excluded.updated_at",
        [step, moment, status, owner, due_on, notes, changed_at],
    )
    cur.execute(
        "insert into plan_cell_history (step, moment, status, owner, due_on, notes, changed_by, changed_at)"
        " values (?, ?, ?, ?, ?, ?, ?, coalesce(?, current_timestamp))",
        [step, moment, status, owner, due_on, notes, changed_by, changed_at],
    )


def set_plan_cell(
    store: Store,
    step: str,
    moment: str,
    *,
    status: str,
    owner: str = "",
    due_on: date | None = None,
    notes: str = "",
    changed_by: str = "",
    changed_at: datetime | None = None,
) -> None:
    """Creates or replaces one plan cell (see ``write_plan_cell``), as one transaction.

    The history names the acting principal, as the audit log does: a signed-in user or token by
    their own name; ``changed_by`` (a typed name) only when nobody signed in (open mode, the
    command line).
    """
    with store.transaction() as cur:
        who = audit.write(cur, "plan", f"plan cell {step} x {moment} set", detail=status, by=changed_by)
        changed_by = audit.history_name(who, changed_by)
        write_plan_cell(
            cur,
            step,
            moment,
            status=status,
            owner=owner,
            due_on=due_on,
            notes=notes,
            changed_by=changed_by,
            changed_at=changed_at,
        )


def plan_cells(store: Store) -> pd.DataFrame:
    """Every recorded plan cell; cells never touched are simply absent."""
    with store.cursor() as cur:
        return cur.execute("select step, moment, status, owner, due_on, notes, updated_at from plan_cell").df()


def cell_history(store: Store, step: str | None = None, moment: str | None = None) -> pd.DataFrame:
    """Every recorded change of the plan (or of one cell), newest first."""
    with store.cursor() as cur:
        return cur.execute(
            "select step, moment, status, owner, due_on, notes, changed_by, changed_at from plan_cell_history"
            " where (?::varchar is null or step = ?) and (?::varchar is null or moment = ?)"
            " order by changed_at desc, id desc",
            [step, step, moment, moment],
        ).df()


# Fixed fragments only: which column progress is counted by.
_PROGRESS_BY = {"moment": "moment", "step": "step"}


def progress_over_time(store: Store, by: str) -> pd.DataFrame:
    """How many cells were done on each day the plan changed, per moment or per step.

    Returns ``day, <by>, done`` with one row per change day and per key that had any cell by
    then; a cell counts with its latest status as of the end of that day.
    """
    column = _PROGRESS_BY[by]
    with store.cursor() as cur:
        return cur.execute(
            "with days as (select distinct cast(changed_at as date) as day from plan_cell_history),"  # noqa: S608 column from _PROGRESS_BY
            " latest as ("
            "  select day, step, moment, status from (select d.day, h.step, h.moment, h.status, row_number() over"
            "   (partition by d.day, h.step, h.moment order by h.changed_at desc, h.id desc) as newest"
            "  from days d join plan_cell_history h on cast(h.changed_at as date) <= d.day) ranked where newest = 1)"
            f" select day, {column}, count(*) filter (where status = 'done') as done"
            f" from latest group by day, {column} order by day, {column}"
        ).df()


def statements(store: Store) -> pd.DataFrame:
    """Desired-reputation statements with their group's name; ``moment`` empty = every moment."""
    with store.cursor() as cur:
        return cur.execute(
            "select s.id, s.group_id, g.name as group_name, coalesce(s.moment, '') as moment, s.text, s.updated_at"
            " from reputation_statement s join stakeholder_group g on g.id = s.group_id"
            " order by g.name, s.moment nulls first"
        ).df()


def set_statement(store: Store, group_id: int, moment: str | None, wanted: str) -> None:
    """Writes what a group should think and say of us (at one moment, or at all when ``moment`` is
    None). Empty text removes the statement."""
    if moment is not None and moment not in domain.MOMENT_KEYS:
        raise ValueError(f"unknown moment {moment!r}")
    statement = text.clean_text(wanted, "statement")
    with store.transaction() as cur:
        audit.write(cur, "plan", "desired reputation written", detail=f"group {group_id}, {moment or 'every moment'}")
        if cur.execute("select count(*) from stakeholder_group where id = ?", [group_id]).fetchone() == (0,):
            raise ValueError(f"no stakeholder group with id {group_id}")
        cur.execute(
            "delete from reputation_statement where group_id = ? and moment is not distinct from ?", [group_id, moment]
        )
        if statement:
            cur.execute(
                "insert into reputation_statement (group_id, moment, text) values (?, ?, ?)",
                [group_id, moment, statement],
            )


def settings(store: Store) -> dict[str, float]:
    """The thresholds people have changed; keys not stored keep their defaults."""
    with store.cursor() as cur:
        return {str(k): float(v) for k, v in cur.execute("select key, value from plan_setting").fetchall()}


def set_settings(store: Store, values: Mapping[str, float]) -> None:
    """Stores several thresholds at once, in one transaction."""
    with store.transaction() as cur:
        audit.write(
            cur, "settings", "evidence thresholds changed", detail=", ".join(f"{k}={v}" for k, v in values.items())
        )
        for key, value in values.items():
            cur.execute(
                "insert into plan_setting (key, value) values (?, ?)"
                " on conflict (key) do update set value = excluded.value",
                [key, float(value)],
            )


def set_standard(store: Store, touchpoint_id: int, standard: str) -> None:
    """Writes the behaviour expected at one touchpoint."""
    cleaned = text.clean_text(standard, "standard")
    with store.transaction() as cur:
        audit.write(
            cur,
            "map",
            "standard written",
            audit.touchpoint_cycles(cur, [touchpoint_id]),
            detail=f"touchpoint {touchpoint_id}",
        )
        cur.execute("update touchpoint set standard = ? where id = ?", [cleaned, touchpoint_id])


def set_review(store: Store, touchpoint_id: int, every_days: int | None, last_reviewed_on: date | None) -> None:
    """Sets how often a touchpoint's standard is reviewed and when it last was."""
    if every_days is not None and every_days <= 0:
        raise ValueError("the review cadence must be a positive number of days")
    with store.transaction() as cur:
        audit.write(
            cur,
            "map",
            "review cadence set",
            audit.touchpoint_cycles(cur, [touchpoint_id]),
            detail=f"touchpoint {touchpoint_id}",
        )
        cur.execute(
            "update touchpoint set review_every_days = ?, last_reviewed_on = ? where id = ?",
            [every_days, last_reviewed_on, touchpoint_id],
        )


def reviews(store: Store, as_of: date) -> pd.DataFrame:
    """Active touchpoints with their standard, review cadence, last and next review, and whether
    the review is overdue on ``as_of`` (a cadence set but never reviewed counts as overdue)."""
    with store.cursor() as cur:
        return cur.execute(
            "select t.id, c.name as cycle, t.name, t.moment, t.standard, t.review_every_days, t.last_reviewed_on,"
            " cast(t.last_reviewed_on + t.review_every_days * interval '1 day' as date) as next_review_on,"
            " t.standard <> '' and t.review_every_days is not null"
            "  and coalesce(t.last_reviewed_on + t.review_every_days * interval '1 day' < ?, true) as overdue"
            " from touchpoint t join service_cycle c on c.id = t.cycle_id"
            " where t.archived_at is null order by c.name, t.position",
            [as_of],
        ).df()


def evidence_figures(store: Store, as_of: date, recent_days: int, cycle_ids: Sequence[int] = ()) -> pd.DataFrame:
    """What the data holds for each moment, counted in one pass; one row per moment in order.

    Columns: ``moment, groups, groups_at_moment, groups_with_statement, touchpoints,
    with_standard, recent_impressions, recent_meeting, touchpoints_recent, ideas_standard,
    standards_with_cadence, reviews_on_time``. "Recent" is the ``recent_days`` days up to and
    including ``as_of``; a review is on time while ``last_reviewed_on + cadence >= as_of``.
    ``cycle_ids`` narrows the touchpoint figures to those cycles (none: every cycle).
    """
    since = as_of - timedelta(days=recent_days - 1)
    with store.cursor() as cur:
        return cur.execute(
            "with m as (select unnest(?::varchar[]) as moment, generate_subscripts(?::varchar[], 1) as ord),"
            " tp as (select * from touchpoint where archived_at is null"
            "  and (cardinality(?::integer[]) = 0 or cycle_id = any(?::integer[]))),"
            # Recent impressions come from the daily roll-up (counts per touchpoint, day and
            # score; retractions are negative counts, so a touchpoint counts once its net is > 0).
            " recent_tp as ("
            "  select t.moment, i.touchpoint_id, sum(i.n) as n,"
            "   coalesce(sum(i.n) filter (where i.score >= t.target), 0) as meeting"
            "  from impression_daily i join tp t on t.id = i.touchpoint_id"
            "  where i.observed_on between ? and ? group by t.moment, i.touchpoint_id),"
            " recent as ("
            "  select moment, sum(n)::bigint as n, sum(meeting)::bigint as meeting,"
            "   count(*) filter (where n > 0) as tps"
            "  from recent_tp group by moment),"
            " per_tp as ("
            "  select moment, count(*) as touchpoints, count(*) filter (where standard <> '') as with_standard,"
            "   count(*) filter (where standard <> '' and review_every_days is not null) as with_cadence,"
            "   count(*) filter (where standard <> '' and last_reviewed_on + review_every_days * interval '1 day' >= ?)"
            "    as on_time"
            "  from tp group by moment),"
            # Per-moment counts as grouped tables joined once (correlated subqueries per moment
            # cost five times as much).
            " reached as (select t.moment, count(distinct tg.group_id) as n from touchpoint_group tg"
            "  join tp t on t.id = tg.touchpoint_id join stakeholder_group g on g.id = tg.group_id group by t.moment),"
            " stated as (select m.moment, count(distinct s.group_id) as n from m join reputation_statement s"
            "  on s.moment is null or s.moment = m.moment join stakeholder_group g on g.id = s.group_id"
            "  group by m.moment),"
            " adopted as (select t.moment, count(*) as n from enhancement_idea e join tp t on t.id = e.touchpoint_id"
            "  where e.status = 'standard' group by t.moment)"
            " select m.moment,"
            " (select count(*) from stakeholder_group) as groups,"
            " coalesce(reached.n, 0) as groups_at_moment,"
            " coalesce(stated.n, 0) as groups_with_statement,"
            " coalesce(p.touchpoints, 0) as touchpoints, coalesce(p.with_standard, 0) as with_standard,"
            " coalesce(r.n, 0) as recent_impressions, coalesce(r.meeting, 0) as recent_meeting,"
            " coalesce(r.tps, 0) as touchpoints_recent,"
            " coalesce(adopted.n, 0) as ideas_standard,"
            " coalesce(p.with_cadence, 0) as standards_with_cadence, coalesce(p.on_time, 0) as reviews_on_time"
            " from m left join per_tp p on p.moment = m.moment left join recent r on r.moment = m.moment"
            " left join reached on reached.moment = m.moment left join stated on stated.moment = m.moment"
            " left join adopted on adopted.moment = m.moment"
            " order by m.ord",
            [list(domain.MOMENT_KEYS), list(domain.MOMENT_KEYS), list(cycle_ids), list(cycle_ids), since, as_of, as_of],
        ).df()


def statement_text(store: Store, group_id: int, moment: str | None) -> str:
    """The statement for one group at one moment (None = every moment), or empty text."""
    with store.cursor() as cur:
        row = cur.execute(
            "select text from reputation_statement where group_id = ? and moment is not distinct from ?",
            [group_id, moment],
        ).fetchone()
    return str(row[0]) if row else ""


def touchpoint_review(store: Store, touchpoint_id: int) -> tuple[str, int | None, date | None]:
    """One touchpoint's standard, review cadence in days and last review date, as plain values."""
    with store.cursor() as cur:
        row = cur.execute(
            "select standard, review_every_days, last_reviewed_on from touchpoint where id = ?", [touchpoint_id]
        ).fetchone()
    if row is None:
        raise ValueError(f"no touchpoint with id {touchpoint_id}")
    return str(row[0]), row[1], row[2]
