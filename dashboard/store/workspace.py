"""SQL for the workspace's structure: groups, teams, service cycles, touchpoints, ideas, plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd

from dashboard import domain
from dashboard.store import Store


def add_group(store: Store, name: str, description: str = "") -> int:
    with store.transaction() as cur:
        row = cur.execute(
            "insert into stakeholder_group (name, description) values (?, ?) returning id", [name, description]
        ).fetchone()
    assert row is not None
    return int(row[0])


def add_team(store: Store, name: str, description: str = "") -> int:
    with store.transaction() as cur:
        row = cur.execute(
            "insert into team (name, description) values (?, ?) returning id", [name, description]
        ).fetchone()
    assert row is not None
    return int(row[0])


def add_cycle(store: Store, name: str, description: str = "") -> int:
    with store.transaction() as cur:
        row = cur.execute(
            "insert into service_cycle (name, description) values (?, ?) returning id", [name, description]
        ).fetchone()
    assert row is not None
    return int(row[0])


def add_touchpoint(
    store: Store,
    cycle_id: int,
    name: str,
    moment: str,
    *,
    channel: str = "",
    owner_team_id: int | None = None,
    group_ids: Sequence[int] = (),
    description: str = "",
    standard: str = "",
    target: float = domain.DEFAULT_TARGET,
    situation: str | None = None,
    recovery_plan: str = "",
) -> int:
    """Adds a touchpoint at the end of its cycle and returns its id."""
    if moment not in domain.MOMENT_KEYS:
        raise ValueError(f"unknown moment {moment!r}")
    with store.transaction() as cur:
        row = cur.execute(
            "insert into touchpoint (cycle_id, position, name, moment, channel, owner_team_id, description,"
            " standard, target, situation, recovery_plan)"
            " values (?, (select coalesce(max(position), 0) + 1 from touchpoint where cycle_id = ?),"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
            [
                cycle_id,
                cycle_id,
                name,
                moment,
                channel,
                owner_team_id,
                description,
                standard,
                target,
                situation,
                recovery_plan,
            ],
        ).fetchone()
        assert row is not None
        touchpoint_id = int(row[0])
        for group_id in group_ids:
            cur.execute("insert into touchpoint_group values (?, ?)", [touchpoint_id, group_id])
    return touchpoint_id


def add_idea(
    store: Store,
    touchpoint_id: int,
    text: str,
    *,
    status: str = "proposed",
    votes: int = 0,
    author: str = "",
    adopted_on: date | None = None,
) -> int:
    with store.transaction() as cur:
        row = cur.execute(
            "insert into enhancement_idea (touchpoint_id, text, status, votes, author, adopted_on)"
            " values (?, ?, ?, ?, ?, ?) returning id",
            [touchpoint_id, text, status, votes, author, adopted_on],
        ).fetchone()
    assert row is not None
    return int(row[0])


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
    """Creates or replaces the plan cell for one reputation step at one moment.

    Every change is also kept in the cell's history, with who made it and when (``changed_at``
    defaults to now; the demo passes earlier times to give the plan a past). Saving a cell
    unchanged adds nothing to the history.
    """
    if step not in domain.STEP_KEYS or moment not in domain.MOMENT_KEYS:
        raise ValueError(f"unknown plan cell {step!r} x {moment!r}")
    if status not in domain.PLAN_STATUS_KEYS:
        raise ValueError(f"unknown plan status {status!r}")
    with store.transaction() as cur:
        before = cur.execute(
            "select status, owner, due_on, notes from plan_cell where step = ? and moment = ?", [step, moment]
        ).fetchone()
        if before == (status, owner, due_on, notes):
            return
        cur.execute(
            "insert or replace into plan_cell (step, moment, status, owner, due_on, notes, updated_at)"
            " values (?, ?, ?, ?, ?, ?, coalesce(?, current_timestamp))",
            [step, moment, status, owner, due_on, notes, changed_at],
        )
        cur.execute(
            "insert into plan_cell_history (step, moment, status, owner, due_on, notes, changed_by, changed_at)"
            " values (?, ?, ?, ?, ?, ?, ?, coalesce(?, current_timestamp))",
            [step, moment, status, owner, due_on, notes, changed_by, changed_at],
        )


def groups(store: Store) -> pd.DataFrame:
    with store.cursor() as cur:
        return cur.execute("select id, name, description from stakeholder_group order by name").df()


def teams(store: Store) -> pd.DataFrame:
    with store.cursor() as cur:
        return cur.execute("select id, name, description from team order by name").df()


def cycles(store: Store) -> pd.DataFrame:
    """Service cycles with how many active touchpoints each has."""
    with store.cursor() as cur:
        return cur.execute(
            "select c.id, c.name, c.description, count(t.id) as touchpoints"
            " from service_cycle c left join touchpoint t on t.cycle_id = c.id and t.archived_at is null"
            " group by all order by c.name"
        ).df()


def touchpoints(store: Store, cycle_id: int | None = None) -> pd.DataFrame:
    """Active touchpoints in cycle order, with their owner team's name."""
    with store.cursor() as cur:
        return cur.execute(
            "select t.id, t.cycle_id, c.name as cycle, t.position, t.name, t.moment, t.channel,"
            " coalesce(tm.name, '') as owner, t.standard, t.target, t.situation, t.recovery_plan"
            " from touchpoint t join service_cycle c on c.id = t.cycle_id"
            " left join team tm on tm.id = t.owner_team_id"
            " where t.archived_at is null and (? is null or t.cycle_id = ?)"
            " order by c.name, t.position",
            [cycle_id, cycle_id],
        ).df()


def ideas(store: Store, touchpoint_id: int | None = None) -> pd.DataFrame:
    with store.cursor() as cur:
        return cur.execute(
            "select id, touchpoint_id, text, status, votes, author, created_at, adopted_on from enhancement_idea"
            " where ? is null or touchpoint_id = ? order by votes desc, id",
            [touchpoint_id, touchpoint_id],
        ).df()


def plan_cells(store: Store) -> pd.DataFrame:
    """Every recorded plan cell; cells never touched are simply absent."""
    with store.cursor() as cur:
        return cur.execute("select step, moment, status, owner, due_on, notes, updated_at from plan_cell").df()


def counts(store: Store) -> dict[str, int]:
    """How many of each thing the workspace holds (for status lines and tests)."""
    with store.cursor() as cur:
        row = cur.execute(
            "select (select count(*) from service_cycle), (select count(*) from touchpoint where archived_at is null),"
            " (select count(*) from stakeholder_group), (select count(*) from team),"
            " (select count(*) from impression), (select count(*) from enhancement_idea),"
            " (select count(*) from plan_cell)"
        ).fetchone()
    assert row is not None
    keys = ("cycles", "touchpoints", "groups", "teams", "impressions", "ideas", "plan_cells")
    return dict(zip(keys, (int(v) for v in row), strict=True))
