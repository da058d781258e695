"""Spike for issue 17: the Overview's roll-up reads on PostgreSQL against DuckDB at 10M impressions.

Copies the roll-up and small tables of a DuckDB workspace into a PostgreSQL database (by COPY,
with an index on ``observed_on`` and the tables clustered by it), then times each Overview
reader's SQL on both: the SQL of store/analytics.py in its write-once form by hand (explicit
group by lists, aliases, ``= any`` for ``list_contains``). With ``--two-ranges`` the edge days are
read as two ``observed_on`` ranges instead of one range and an OR (PostgreSQL can then use the
index for both; DuckDB does not care).

    python bench/pg_overview_spike.py /tmp/big10.duckdb postgresql://postgres@127.0.0.1:PORT/DB [--two-ranges]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard.store import analytics

TABLES = ("impression_daily", "impression_monthly", "touchpoint", "service_cycle", "stakeholder_group")
TYPES = {"DOUBLE": "double precision"}
_COLUMNS = analytics._COLUMNS
_TWO_RANGES = (
    f"(select {_COLUMNS} from impression_monthly where observed_on >= ? and observed_on < ?"
    f" union all select {_COLUMNS} from impression_daily"
    " where (observed_on >= ? and observed_on < ?) or (observed_on > ? and observed_on <= ?))"
)


def load(duck: duckdb.DuckDBPyConnection, url: str) -> None:
    """Copies TABLES into ``url`` (dropping them first), indexed and clustered by day."""
    folder = Path(tempfile.mkdtemp())
    with psycopg.connect(url, autocommit=True) as pg:
        for table in TABLES:
            cols = duck.execute(
                "select column_name, data_type from information_schema.columns where table_name = ?"
                " order by ordinal_position",
                [table],
            ).fetchall()
            pg.execute(f"drop table if exists {table}")
            pg.execute(f"create table {table} (" + ", ".join(f'"{c}" {TYPES.get(t, t)}' for c, t in cols) + ")")
            duck.execute(f"copy {table} to '{folder / table}.csv' (header false)")
            with pg.cursor() as cur, cur.copy(f"copy {table} from stdin (format csv)") as copy:
                copy.write((folder / f"{table}.csv").read_bytes())
            if table.startswith("impression_"):
                pg.execute(f"create index {table}_day on {table} (observed_on)")
                pg.execute(f"cluster {table} using {table}_day")
        pg.execute("vacuum analyze")
    shutil.rmtree(folder)


def rows(two_ranges: bool, start: date | None, end: date | None) -> tuple[str, list[object]]:
    sql, params = analytics._rows(start, end)
    if not two_ranges:
        return sql, params
    full_start, full_end, first, last = params[:4]
    # edge days: [first, full_start) and (full_end - 1 day, last]; no full months: one range.
    if full_start == date.max:
        return _TWO_RANGES, [full_start, full_end, first, last + timedelta(1), date.max, date.max]
    return _TWO_RANGES, [full_start, full_end, first, full_start, full_end - timedelta(1), last]


def queries(two_ranges: bool, start: date, last: date) -> dict[str, tuple[str, list[object]]]:
    stats, cond = analytics.ROLLUP_STATS, "t.archived_at is null"

    def src(s: date | None, e: date | None) -> tuple[str, list[object]]:
        sql, params = rows(two_ranges, s, e)
        return f" from {sql} i join touchpoint t on t.id = i.touchpoint_id", params

    def grouped(keys: str, by: str, s: date | None, e: date | None) -> tuple[str, list[object]]:
        f, p = src(s, e)
        return f"select {keys}, {stats}{f} where {cond} group by {by} order by {by}", p

    f90, p90 = src(start, last)
    cur_rows, cur_p = rows(two_ranges, start, last)
    prev_rows, prev_p = rows(two_ranges, start - timedelta(90), start - timedelta(1))
    tail = "s.n, s.total, s.total_sq, s.n_positive, s.n_negative, s.n_meeting, s.target_total"
    return {
        "total_stats(all)": (f"select {stats}{src(None, None)[0]} where {cond}", src(None, None)[1]),
        "total_stats(90d)": (f"select {stats}{f90} where {cond}", p90),
        "total_stats(90d, cycle)": (
            f"select {stats}{f90} where {cond} and t.cycle_id = any(?::integer[])",
            [*p90, [1]],
        ),
        "date_range(90d)": (
            "select min(i.observed_on), max(i.observed_on) from impression_daily i join touchpoint t"
            f" on t.id = i.touchpoint_id where {cond} and i.observed_on >= ? and i.observed_on <= ?",
            [start, last],
        ),
        "period_stats(by tp)": (
            f"select i.touchpoint_id, i.period, {stats} from (select 'current' as period, * from {cur_rows} c"
            f" union all select 'previous' as period, * from {prev_rows} p) i"
            f" join touchpoint t on t.id = i.touchpoint_id where {cond}"
            " group by i.touchpoint_id, i.period order by i.touchpoint_id, i.period",
            [*cur_p, *prev_p],
        ),
        "touchpoint_stats(90d)": (
            f"with s as (select i.touchpoint_id, {stats}{f90} where {cond} group by i.touchpoint_id)"
            " select t.id as touchpoint_id, t.name as touchpoint, c.name as cycle, t.cycle_id, t.position, t.moment,"
            f" t.channel, t.target, {tail} from s join touchpoint t on t.id = s.touchpoint_id"
            " join service_cycle c on c.id = t.cycle_id order by c.name, t.position",
            p90,
        ),
        "moment_stats(90d)": grouped("t.moment as moment", "t.moment", start, last),
        "touchpoint_month_stats(all)": grouped(
            "i.touchpoint_id, date_trunc('month', i.observed_on)::date as month", "i.touchpoint_id, month", None, None
        ),
        "moment_month_stats(all)": grouped(
            "t.moment as moment, date_trunc('month', i.observed_on)::date as month", "moment, month", None, None
        ),
        "group_touchpoint_stats(90d)": (
            f"with s as (select i.touchpoint_id, i.group_id, {stats}{f90} where {cond} and i.group_id is not null"
            f" group by i.touchpoint_id, i.group_id) select s.touchpoint_id, s.group_id, g.name, {tail}"
            " from s join stakeholder_group g on g.id = s.group_id order by s.touchpoint_id, g.name",
            p90,
        ),
    }


def _rounded(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Rows with numbers to 9 significant digits (the two sum doubles in different orders)."""
    return [tuple(float(f"{v:.9g}") if isinstance(v, (int, float, Decimal)) else v for v in r) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("duckdb_file")
    parser.add_argument("url")
    parser.add_argument("--two-ranges", action="store_true")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-load", action="store_true")
    args = parser.parse_args()
    copy = Path(tempfile.mkdtemp()) / "copy.duckdb"
    shutil.copy(args.duckdb_file, copy)
    duck = duckdb.connect(str(copy), read_only=True)
    if not args.no_load:
        load(duck, args.url)
    row = duck.execute("select max(observed_on) from impression_daily").fetchone()
    assert row is not None
    last = row[0]
    pg = psycopg.connect(args.url, autocommit=True)
    total_duck = total_pg = 0.0
    for name, (sql, params) in queries(args.two_ranges, last - timedelta(89), last).items():
        times: dict[str, list[float]] = {"duck": [], "pg": []}
        for _ in range(args.runs):
            started = time.perf_counter()
            on_duck = duck.cursor().execute(sql, params).fetchall()
            times["duck"].append(time.perf_counter() - started)
            started = time.perf_counter()
            on_pg = pg.execute(sql.replace("?", "%s"), params).fetchall()  # type: ignore[arg-type]
            times["pg"].append(time.perf_counter() - started)
        same = _rounded(on_duck) == _rounded(on_pg)
        d, p = (statistics.median(times[k]) * 1000 for k in ("duck", "pg"))
        total_duck, total_pg = total_duck + d, total_pg + p
        print(
            f"{name:28s} duckdb {d:6.1f} ms  postgresql {p:6.1f} ms  x{p / d:4.2f}  {'' if same else 'ANSWERS DIFFER'}"
        )
    ratio = total_pg / total_duck
    print(f"{'sum of medians':28s} duckdb {total_duck:6.1f} ms  postgresql {total_pg:6.1f} ms  x{ratio:4.2f}")
    shutil.rmtree(copy.parent)


if __name__ == "__main__":
    main()
