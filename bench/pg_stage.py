"""How fast a frame reaches PostgreSQL for staging: Arrow's CSV writer into COPY (what
store/pg_frames.py does) against psycopg's binary COPY row by row. 1M rows shaped like the
impressions a survey import stages (two ints, a date, a text, a double, a bigint).

    python bench/pg_stage.py postgresql://postgres@127.0.0.1:PORT/DB [ROWS]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import psycopg
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard.store import pg_frames

COLUMNS = "touchpoint_id integer, observed_on date, group_id integer, source varchar, score double precision, n bigint"


def sample(rows: int) -> pa.Table:
    rng = np.random.default_rng(7)
    days = np.array([date(2024, 1, 1) + timedelta(days=int(d)) for d in range(730)])
    return pa.table(
        {
            "touchpoint_id": pa.array(rng.integers(1, 30, rows), pa.int32()),
            "observed_on": pa.array(days[rng.integers(0, 730, rows)], pa.date32()),
            "group_id": pa.array(rng.integers(1, 4, rows), pa.int32()),
            "source": pa.array(np.array(["survey", "workshop", "manual"])[rng.integers(0, 3, rows)]),
            "score": pa.array(rng.random(rows) * 2 - 1),
            "n": pa.array(rng.integers(1, 9, rows), pa.int64()),
        }
    )


def by_csv(conn: psycopg.Connection, data: pa.Table) -> None:
    with conn.transaction(), conn.cursor() as cur:
        pg_frames.stage(cur, "staged", data)
        cur.execute("drop table staged")


def by_binary_rows(conn: psycopg.Connection, data: pa.Table) -> None:
    types = ["int4", "date", "int4", "text", "float8", "int8"]
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(f"create temporary table staged ({COLUMNS})")
        with cur.copy("copy staged from stdin (format binary)") as copy:
            copy.set_types(types)
            for row in zip(*(column.to_pylist() for column in data.columns), strict=True):
                copy.write_row(row)
        cur.execute("drop table staged")


def main() -> None:
    url, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    data = sample(rows)
    with psycopg.connect(url, autocommit=True) as conn:
        for name, way in (("arrow csv -> copy", by_csv), ("binary copy, rows", by_binary_rows)):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                way(conn, data)
                times.append(time.perf_counter() - started)
            print(
                f"{name:20s} {rows} rows: median {statistics.median(times):.2f} s  runs {[round(t, 2) for t in times]}"
            )


if __name__ == "__main__":
    main()
