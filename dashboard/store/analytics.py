"""SQL for the leadership views: the questions the Overview and Impressions pages ask.

Aggregates read the roll-ups (``impression_monthly`` for whole months, ``impression_daily``
for the days at a range's edges; migration 0004) rather than the raw impressions: the same
answers from a few thousand rows instead of ten million. Each
returns *sufficient statistics* per group, the columns ``metrics.summarise`` expects, weighted
by the roll-up's counts; meeting the target is judged against each touchpoint's current target.
Comments come from ``impression_comment``, the few impressions that carry one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from dashboard.store import Store
from dashboard.store.scope import EVERYTHING, Scope

# Fixed SQL text (no values): weighted statistics over roll-up rows ``i`` joined to touchpoint ``t``.
ROLLUP_STATS = (
    "sum(i.n)::bigint as n, sum(i.n * i.score) as total, sum(i.n * i.score * i.score) as total_sq,"
    " coalesce(sum(i.n) filter (where i.score > 0), 0)::bigint as n_positive,"
    " coalesce(sum(i.n) filter (where i.score < 0), 0)::bigint as n_negative,"
    " coalesce(sum(i.n) filter (where i.score >= t.target), 0)::bigint as n_meeting,"
    " sum(i.n * t.target) as target_total"
)
_STATS = "s.n, s.total, s.total_sq, s.n_positive, s.n_negative, s.n_meeting, s.target_total"
"""The columns ``ROLLUP_STATS`` makes, read from a subquery ``s``."""
_COLUMNS = "touchpoint_id, observed_on, group_id, source, score, n"
_ROWS = (
    f"(select {_COLUMNS} from impression_monthly where observed_on >= ? and observed_on < ?"  # noqa: S608 fixed column list
    f" union all select {_COLUMNS} from impression_daily"
    " where observed_on between ? and ? and (observed_on < ? or observed_on >= ?))"
)
"""Roll-up rows for a date range: whole months from the monthly table, edge days from the daily one."""


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _rows(start: date | None, end: date | None) -> tuple[str, list[object]]:
    """``(sql, params)`` of a subquery with the roll-up rows from ``start`` to ``end`` (open ends allowed)."""
    first, last = start or date.min, end or date.max
    # The whole months inside the range: [full_start, full_end).
    full_start = first if first.day == 1 else _next_month(first)
    full_end = (
        date.max
        if end is None
        else (_next_month(last) if _next_month(last) == last + timedelta(1) else last.replace(day=1))
    )
    if full_end <= full_start:
        full_start = full_end = date.max
    return _ROWS, [full_start, full_end, first, last, full_start, full_end]


def _source(scope: Scope) -> tuple[str, list[object], str, list[object]]:
    """The FROM clause over the scope's dates and the WHERE condition for its other filters."""
    rows, row_params = _rows(scope.start, scope.end)
    condition, params = replace(scope, start=None, end=None).condition()
    return f" from {rows} i join touchpoint t on t.id = i.touchpoint_id", row_params, condition, params


def _grouped(store: Store, scope: Scope, keys: str, group_by: str, order_by: str) -> pd.DataFrame:
    source, source_params, condition, params = _source(scope)
    sql = f"select {keys}{', ' if keys else ''}{ROLLUP_STATS}{source} where {condition}"
    if group_by:
        sql += f" group by {group_by} order by {order_by}"
    with store.cursor() as cur:
        return cur.execute(sql, [*source_params, *params]).df()


def total_stats(store: Store, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """One row of statistics over every impression in scope (``n`` is 0 when there are none)."""
    frame = _grouped(store, scope, "", "", "")
    return frame.fillna({"n": 0, "n_positive": 0, "n_negative": 0, "n_meeting": 0})


def moment_stats(store: Store, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """Statistics per moment (only moments with impressions in scope)."""
    return _grouped(store, scope, "t.moment as moment", "t.moment", "t.moment")


def touchpoint_stats(store: Store, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """Statistics per touchpoint with its name, cycle, position, moment, channel and target."""
    source, source_params, condition, params = _source(scope)
    sql = (
        f"with s as (select i.touchpoint_id, {ROLLUP_STATS}{source} where {condition} group by i.touchpoint_id)"  # noqa: S608 ROLLUP_STATS and scope SQL
        " select t.id as touchpoint_id, t.name as touchpoint, c.name as cycle, t.cycle_id, t.position, t.moment,"
        f" t.channel, t.target, {_STATS}"
        " from s join touchpoint t on t.id = s.touchpoint_id join service_cycle c on c.id = t.cycle_id"
        " order by c.name, t.position"
    )
    with store.cursor() as cur:
        return cur.execute(sql, [*source_params, *params]).df()


def touchpoint_month_stats(store: Store, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """Statistics per touchpoint and calendar month (``month`` is the month's first day)."""
    return _grouped(
        store,
        scope,
        "i.touchpoint_id, date_trunc('month', i.observed_on)::date as month",
        "i.touchpoint_id, date_trunc('month', i.observed_on)::date",
        "i.touchpoint_id, month",
    )


def moment_month_stats(store: Store, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """Statistics per moment and calendar month."""
    return _grouped(
        store,
        scope,
        "t.moment as moment, date_trunc('month', i.observed_on)::date as month",
        "t.moment, date_trunc('month', i.observed_on)::date",
        "moment, month",
    )


def group_touchpoint_stats(store: Store, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """Statistics per touchpoint and stakeholder group; impressions without a group are left out."""
    source, source_params, condition, params = _source(scope)
    sql = (
        f"with s as (select i.touchpoint_id, i.group_id, {ROLLUP_STATS}{source}"  # noqa: S608 ROLLUP_STATS and scope SQL
        f" where {condition} and i.group_id is not null group by i.touchpoint_id, i.group_id)"
        f" select s.touchpoint_id, s.group_id, g.name as stakeholder_group, {_STATS}"
        " from s join stakeholder_group g on g.id = s.group_id order by s.touchpoint_id, g.name"
    )
    with store.cursor() as cur:
        return cur.execute(sql, [*source_params, *params]).df()


def period_stats(
    store: Store,
    scope: Scope,
    current: tuple[date, date],
    previous: tuple[date, date],
    by_touchpoint: bool = False,
) -> pd.DataFrame:
    """Statistics for two date windows side by side: a ``period`` column says ``current`` or ``previous``.

    The windows replace the scope's own dates; every other filter applies. With
    ``by_touchpoint`` there is one row per touchpoint and period (column ``touchpoint_id``).
    """
    condition, params = replace(scope, start=None, end=None).condition()
    current_rows, current_params = _rows(*current)
    previous_rows, previous_params = _rows(*previous)
    key = "i.touchpoint_id, " if by_touchpoint else ""
    sql = (
        f"select {key}i.period, {ROLLUP_STATS}"  # noqa: S608 ROLLUP_STATS and scope SQL
        f" from (select 'current' as period, * from {current_rows} c union all"
        f" select 'previous' as period, * from {previous_rows} p) i join touchpoint t on t.id = i.touchpoint_id"
        f" where {condition} group by {key}i.period order by {key}i.period"
    )
    with store.cursor() as cur:
        return cur.execute(sql, [*current_params, *previous_params, *params]).df()


def date_range(store: Store, scope: Scope = EVERYTHING) -> tuple[date | None, date | None]:
    """The first and last day with impressions in scope, or ``(None, None)``."""
    condition, params = scope.condition()
    # The first and the last day in date order, LIMIT 1 each, not min() and max() over the join:
    # PostgreSQL then walks the day index from either end and stops at the first row in scope
    # (0.1 ms against a 60-110 ms scan of the 370,000 days at 10M impressions).
    day = f"select i.observed_on from impression_daily i join touchpoint t on t.id = i.touchpoint_id where {condition}"  # noqa: S608 scope condition, values bound
    with store.cursor() as cur:
        row = cur.execute(
            f"select ({day} order by i.observed_on limit 1), ({day} order by i.observed_on desc limit 1)",
            [*params, *params],
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def channels(store: Store) -> list[str]:
    """Channels of active touchpoints, alphabetical (for the filter bar)."""
    with store.cursor() as cur:
        rows = cur.execute(
            "select distinct channel from touchpoint where archived_at is null and channel <> '' order by channel"
        ).fetchall()
    return [str(r[0]) for r in rows]


def _like_pattern(search: str) -> str:
    """``%search%`` with the wildcard characters of the search itself taken literally."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def comments(store: Store, scope: Scope = EVERYTHING, search: str = "", limit: int = 200) -> pd.DataFrame:
    """The newest comments in scope, optionally only those containing ``search`` (any case).

    The newest comments are looked for among the scope's last days first, in the windows of
    ``RECENT_DAYS`` in turn (the table is in date order, so that reads a small part of it);
    only when the widest window holds fewer than ``limit`` is the whole scope searched.
    """
    last = scope.end or date_range(store, scope)[1]
    if last is not None:
        for days in RECENT_DAYS:
            recent = replace(scope, start=max(scope.start or date.min, last - timedelta(days=days)))
            found = _comments(store, recent, search, limit)
            if len(found) >= limit or recent.start == scope.start:
                return found
    return _comments(store, scope, search, limit)


RECENT_DAYS = (7, 45)
"""A week first: on PostgreSQL the read grows with the window's comments (71 ms for a week,
129 ms for 45 days at 10M impressions, against about 20 ms for either on DuckDB)."""


def _comments(store: Store, scope: Scope, search: str, limit: int) -> pd.DataFrame:
    """One row per response: a comment once, with every touchpoint its response rated (in map order),
    their moments, and the mean of its scores; a response is in scope when any of its impressions is."""
    condition, params = scope.condition()
    sql = (
        "with hit as (select i.response_id, max(i.observed_on) as day from impression_comment i"  # noqa: S608 scope condition, values bound
        " join touchpoint t on t.id = i.touchpoint_id join response r on r.id = i.response_id"
        f" where {condition} and (? = '' or r.comment ilike ? escape '\\')"
        " group by i.response_id order by day desc, i.response_id desc limit ?)"
        " select max(i.observed_on) as observed_on, string_agg(t.name, ', ' order by t.position) as touchpoint,"
        " string_agg(distinct c.name, ', ') as cycle, array_agg(distinct t.moment order by t.moment) as moment,"
        # min: every impression of a response has the same group, source and comment.
        " coalesce(min(g.name), '') as stakeholder_group, min(i.source) as source,"
        " avg(i.score) as score, min(r.comment) as comment"
        " from hit h join impression_comment i on i.response_id = h.response_id"
        " join response r on r.id = i.response_id join touchpoint t on t.id = i.touchpoint_id"
        " join service_cycle c on c.id = t.cycle_id left join stakeholder_group g on g.id = i.group_id"
        " group by i.response_id order by max(i.observed_on) desc, i.response_id desc"
    )
    with store.cursor() as cur:
        return cur.execute(sql, [*params, search, _like_pattern(search), limit]).df()
