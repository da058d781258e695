"""Benchmark: importing a wide Qualtrics export (100,000 responses x 20 touchpoints = 2 million
impressions) against DuckDB's bare read_csv of the same file, in the same run.

Run: /work/main/.venv/bin/python bench/import_wide.py [--responses 100000] [--repeat 3] [--postgres URL]

The import goes through exactly what `python -m dashboard survey import FILE --cycle NAME`
runs (``dashboard.cli.main`` in this process: raw grid read by pyarrow, tool and layout
detected, reshaped to one row per answer, every row checked, one transaction into a
workspace file). The baseline is DuckDB reading the CSV into an in-memory table
(``read_csv`` with the three header rows skipped) and nothing else. Target (issue 5): at most
3x the baseline. Peak memory is measured on a separate run of the command line in a child
process (its maximum resident set size).

With ``--postgres URL`` (a server's database to connect to for administration, e.g.
``postgresql://postgres@127.0.0.1:5432/postgres``) each round also imports the same file into a
new PostgreSQL database ``bench_wide`` on that server (dropped and created afresh, then given
the cycle), through the store's import job as the command line runs it, and the
PostgreSQL/DuckDB ratio of the import's wall time is printed per round.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import import_timing as timing  # the sibling module; it also puts the project on the path
import numpy as np
import pandas as pd
import psycopg

from dashboard import import_jobs
from dashboard.store import Store, cycles, workspace
from dashboard.touchpoints import TouchpointFields

CYCLE = "Clinic visit"
TOUCHPOINTS = tuple(f"Step {chr(ord('A') + i)}" for i in range(20))
IDS = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "RecordedDate", "ResponseId"]
TEXTS = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Recorded Date", "Response ID"]


def write_export(path: Path, responses: int, seed: int = 5) -> None:
    """Three header rows (ids, texts, ImportId JSON), then one respondent per row, answers 1-5."""
    rng = np.random.default_rng(seed)
    question = "How satisfied were you with each step of your visit?"
    ids = [*IDS, *(f"Q1_{i + 1}" for i in range(len(TOUCHPOINTS))), "Q2_TEXT"]
    texts = [*TEXTS, *(f"{question} - {t}" for t in TOUCHPOINTS), "Anything else?"]
    zone = ',"timeZone":"Europe/Berlin"'
    json_row = [f'{{"ImportId":"{i}"{zone if "Date" in i else ""}}}' for i in ids]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([ids, texts, json_row])
    stamps = pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 480 * 86400, responses), unit="s")
    recorded = stamps.strftime("%Y-%m-%d %H:%M:%S")
    frame = pd.DataFrame(
        {
            "StartDate": recorded,
            "EndDate": recorded,
            "Status": "IP Address",
            "IPAddress": "203.0.113.7",
            "Progress": "100",
            "RecordedDate": recorded,
            "ResponseId": [f"R_{n:010d}" for n in range(responses)],
        }
    )
    answers = np.array(["1", "2", "3", "4", "5"])[rng.integers(0, 5, (responses, len(TOUCHPOINTS)))]
    for i in range(len(TOUCHPOINTS)):
        frame[f"Q1_{i + 1}"] = answers[:, i]
    frame["Q2_TEXT"] = np.array(["", "", "", "Lovely staff", 'Waited "ages"'])[rng.integers(0, 5, responses)]
    frame.to_csv(out, header=False, index=False)
    path.write_text(out.getvalue(), encoding="utf-8")


def fresh_workspace(path: Path) -> None:
    timing.fresh_workspace(path, CYCLE, TOUCHPOINTS)


def bare_read_csv(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of DuckDB reading the file into an in-memory table."""
    con = duckdb.connect()
    started, cpu = time.perf_counter(), time.process_time()
    con.execute(
        "create table survey as select * from read_csv(?, skip = 3, header = false)",
        [str(path)],
    )
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return seconds, cpu_seconds


def write_floor(workspace_db: Path, db: Path) -> tuple[float, float]:
    """The floor of persisting the result, for context: DuckDB copying the imported impressions
    (already reshaped, checked and scored) into a new table of another database file. No
    import can write its rows faster than this, whatever it does before."""
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("attach ? as done (read_only)", [str(workspace_db)])
    started, cpu = time.perf_counter(), time.process_time()
    con.execute("create table impression as select * from done.impression")
    con.execute("checkpoint")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return seconds, cpu_seconds


ANSWER_COLUMNS = [f"column{7 + i:02d}" for i in range(len(TOUCHPOINTS))]
"""read_csv's names for the 20 answer columns of a file read without its header."""
FLOOR = (
    "insert into impression select c.touchpoint_id, u.recorded::timestamp::date, u.answer, '1-5',"
    " (u.answer::double - 3) / 2, null, 'survey', null from (unpivot (select column05 as recorded, "
    + ", ".join(ANSWER_COLUMNS)
    + " from read_csv(?, skip = 3, header = false, all_varchar = true)) on columns(* exclude (recorded))"
    " into name col value answer) u join answer_column c on c.name = u.col where u.answer <> ''"
)
"""The all-DuckDB floor of the wide import: read_csv, UNPIVOT, a join to the touchpoints, the insert."""


def duckdb_floor(path: Path, db: Path) -> tuple[float, float]:
    """One SQL statement writing the same rows into a table of a new file (see ``timing.duckdb_floor``)."""
    columns = ", ".join(f"('{name}', {number})" for number, name in enumerate(ANSWER_COLUMNS, start=1))
    setup = [
        timing.IMPRESSION_TABLE,
        *timing.touchpoint_table(TOUCHPOINTS),
        "create table answer_column (name varchar, touchpoint_id integer)",
        f"insert into answer_column values {columns}",
    ]
    return timing.duckdb_floor(db, setup, FLOOR, [str(path)])


def our_import(path: Path, db: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the command line's import, committed into a fresh workspace file."""
    fresh_workspace(db)
    return timing.timed_import(path, db, CYCLE)


PG_DATABASE = "bench_wide"


def fresh_pg_workspace(admin_url: str) -> str:
    """A new database ``bench_wide`` on the server of ``admin_url``, holding the cycle; its URL."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"drop database if exists {PG_DATABASE} with (force)")
        admin.execute(f"create database {PG_DATABASE}")
    url = urlunsplit(urlsplit(admin_url)._replace(path=f"/{PG_DATABASE}"))
    with Store(url) as store:
        cycle_id = cycles.create_cycle(store, CYCLE)
        for name in TOUCHPOINTS:
            cycles.add_touchpoint(store, cycle_id, TouchpointFields(name, "keep_or_lose"))
    return url


def pg_import(path: Path, url: str) -> tuple[float, float]:
    """Wall and CPU seconds of the command line's import job (the store opened, the file read,
    reshaped, checked and committed) into the PostgreSQL database ``url``. The job is called as
    the command line (``import --db URL``) calls it, so the figure leaves out its process start."""
    started, cpu = time.perf_counter(), time.process_time()
    job = import_jobs.Request(data=path.read_bytes(), file_name=path.name, cycle=CYCLE)
    with Store(url) as store:
        import_jobs.run(store, job)
    return time.perf_counter() - started, time.process_time() - cpu


def pg_recorded(url: str) -> int:
    with Store(url) as store:
        return int(workspace.counts(store)["impressions"])


def peak_memory_mb(path: Path, db: Path) -> tuple[float, float]:
    fresh_workspace(db)
    return timing.peak_memory_mb(path, db, CYCLE)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="also import into a new database on this server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv_path, db = Path(folder) / "export.csv", Path(folder) / "bench.duckdb"
        write_export(csv_path, args.responses)
        size_mb = csv_path.stat().st_size / 1e6
        ours, bare, floor, duck, pg = [], [], [], [], []
        for _ in range(args.repeat):  # interleaved, so a busy moment on the machine hits all alike
            bare.append(bare_read_csv(csv_path))
            duck.append(duckdb_floor(csv_path, Path(folder) / "duck.duckdb"))
            ours.append(our_import(csv_path, db))
            floor.append(write_floor(db, Path(folder) / "floor.duckdb"))
            if args.postgres:
                pg_url = fresh_pg_workspace(args.postgres)
                pg.append(pg_import(csv_path, pg_url))
        recorded = timing.recorded_impressions(db)
        pg_rows = pg_recorded(pg_url) if args.postgres else 0
        peak, cli_seconds = peak_memory_mb(csv_path, db)
    runs = lambda pairs: ", ".join(f"{w:.2f} s ({c:.2f} s CPU)" for w, c in pairs)  # noqa: E731
    print(f"file: {args.responses:,} responses x {len(TOUCHPOINTS)} touchpoints, {size_mb:.0f} MB")
    print(f"impressions recorded: {recorded:,}")
    print(f"DuckDB read_csv (bare):   runs {runs(bare)}")
    print(f"survey import (CLI path): runs {runs(ours)}")
    print(f"ratio, best wall time:    {min(ours)[0] / min(bare)[0]:.2f}x   (target <= 3x)")
    print(f"ratio, best CPU time:     {min(c for _, c in ours) / min(c for _, c in bare):.2f}x")
    print(f"writing the {recorded:,} finished rows into a file (floor, for context): runs {runs(floor)}")
    print(f"floor / bare read_csv:    {min(floor)[0] / min(bare)[0]:.2f}x wall")
    print(f"all-DuckDB floor (read_csv, UNPIVOT, join, insert into a new file): runs {runs(duck)}")
    print(f"ratio to the all-DuckDB floor: {min(ours)[0] / min(duck)[0]:.2f}x wall (issue 11: aim for 2x)")
    print(f"peak memory, CLI subprocess: {peak:.0f} MB; its wall time {cli_seconds:.2f} s")
    if args.postgres:
        print(f"PostgreSQL import job:    runs {runs(pg)}; {pg_rows:,} impressions recorded")
        ratios = ", ".join(f"{p[0] / o[0]:.2f}" for p, o in zip(pg, ours, strict=True))
        print(f"PostgreSQL / DuckDB import, wall time per round: {ratios}; best {min(pg)[0] / min(ours)[0]:.2f}x")


if __name__ == "__main__":
    main()
