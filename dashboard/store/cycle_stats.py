"""What the service cycle map and its touchpoint detail show: statistics per touchpoint, per
cycle and moment, per month, the spread of scores, the latest comments, and how many impressions
a whole cycle holds (the map page asks before it offers to delete one).

Each query returns per-group sums (``impressions.STATS``); ``metrics.summarise`` turns them into
means and intervals.
"""

from __future__ import annotations

import pandas as pd

from dashboard.store import Store
from dashboard.store.impressions import STATS


def cycle_touchpoint_stats(store: Store, cycle_id: int) -> pd.DataFrame:
    """Every active touchpoint of a cycle in order, with its impression statistics (zero when none)."""
    with store.cursor() as cur:
        return cur.execute(
            "with s as (select i.touchpoint_id, "  # noqa: S608 STATS is fixed SQL
            + STATS
            + " from impression i join touchpoint t on t.id = i.touchpoint_id"
            " where t.cycle_id = ? and t.archived_at is null group by i.touchpoint_id)"
            " select t.id as touchpoint_id, t.name as touchpoint, t.position, t.moment, t.channel,"
            " coalesce(tm.name, '') as owner, t.target,"
            " coalesce(s.n, 0) as n, coalesce(s.total, 0) as total, coalesce(s.total_sq, 0) as total_sq,"
            " coalesce(s.n_positive, 0) as n_positive, coalesce(s.n_negative, 0) as n_negative,"
            " coalesce(s.n_meeting, 0) as n_meeting, coalesce(s.target_total, 0) as target_total"
            " from touchpoint t left join s on s.touchpoint_id = t.id left join team tm on tm.id = t.owner_team_id"
            " where t.cycle_id = ? and t.archived_at is null order by t.position, t.id",
            [cycle_id, cycle_id],
        ).df()


def cycle_moment_stats(store: Store) -> pd.DataFrame:
    """Statistics per service cycle and moment, over active touchpoints."""
    with store.cursor() as cur:
        return cur.execute(
            "select c.name as cycle, t.cycle_id, t.moment, "  # noqa: S608 STATS is fixed SQL
            + STATS
            + " from impression i join touchpoint t on t.id = i.touchpoint_id join service_cycle c on c.id = t.cycle_id"
            " where t.archived_at is null group by c.name, t.cycle_id, t.moment order by c.name, t.moment"
        ).df()


def monthly_trend(store: Store, touchpoint_id: int) -> pd.DataFrame:
    """Statistics per calendar month for one touchpoint."""
    with store.cursor() as cur:
        return cur.execute(
            "select date_trunc('month', i.observed_on)::date as month, "  # noqa: S608 STATS is fixed SQL
            + STATS
            + " from impression i join touchpoint t on t.id = i.touchpoint_id where i.touchpoint_id = ?"
            " group by date_trunc('month', i.observed_on)::date order by month",
            [touchpoint_id],
        ).df()


def score_distribution(store: Store, touchpoint_id: int) -> pd.DataFrame:
    """Impressions per tenth of the common scale (``low``, ``high``, ``n``), all ten bands, lowest first."""
    with store.cursor() as cur:
        return cur.execute(
            "with bands as (select band from generate_series(0, 9) as g(band)),"
            " counted as (select least(floor((score + 1) * 5), 9)::integer as band, count(*) as n"
            " from impression where touchpoint_id = ? group by band)"
            " select -1 + b.band * 0.2 as low, -1 + (b.band + 1) * 0.2 as high, coalesce(c.n, 0) as n"
            " from bands b left join counted c on c.band = b.band"
            " where exists (select 1 from impression where touchpoint_id = ?) order by b.band",
            [touchpoint_id, touchpoint_id],
        ).df()


def recent_comments(store: Store, touchpoint_id: int, limit: int = 8) -> pd.DataFrame:
    """The latest comments of responses that rated one touchpoint, newest first, each once.

    A comment belongs to its response, which may have rated several touchpoints and spoken of
    any of them: ``rated`` names them all (map order), so a remark about the invoice shown on
    Reception reads as what it is. ``score`` and ``answer`` are this touchpoint's.
    """
    with store.cursor() as cur:
        return cur.execute(
            "with mine as (select i.response_id, i.id, i.observed_on, i.score, i.group_id from impression_comment i"
            " where i.touchpoint_id = ? order by i.observed_on desc, i.id desc limit ?)"
            # min: one value per group (the grouped impression's answer, group and response).
            " select m.observed_on, m.score, min(own.raw_value) as answer,"
            " coalesce(min(g.name), '') as stakeholder_group,"
            " string_agg(t.name, ', ' order by t.position) as rated, min(r.comment) as comment"
            " from mine m join impression own on own.id = m.id join response r on r.id = m.response_id"
            " join impression_comment o on o.response_id = m.response_id join touchpoint t on t.id = o.touchpoint_id"
            " left join stakeholder_group g on g.id = m.group_id"
            " group by m.response_id, m.id, m.observed_on, m.score order by m.observed_on desc, m.id desc",
            [touchpoint_id, limit],
        ).df()


def cycle_impression_count(store: Store, cycle_id: int) -> int:
    """Impressions recorded for any touchpoint of the cycle, archived ones included."""
    with store.cursor() as cur:
        row = cur.execute(
            "select count(*) from impression i join touchpoint t on t.id = i.touchpoint_id where t.cycle_id = ?",
            [cycle_id],
        ).fetchone()
    assert row is not None
    return int(row[0])
