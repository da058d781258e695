"""Benchmark: importing a 1,000,000-row long-format survey CSV, against DuckDB's bare read_csv.

Run: /work/main/.venv/bin/python bench/import_long.py [--rows 1000000] [--repeat 3]

The import goes through exactly what `python -m dashboard survey import FILE --cycle NAME`
runs (``dashboard.cli.main`` in this process: read, detect, check every row, one transaction
into a workspace file). The baseline, timed in the same run on the same file, is DuckDB
reading the CSV into an in-memory table with nothing else. Targets (issue 4): at most 2x the
baseline, peak memory under 1 GB. Peak memory is measured on a separate run of the command
line in a child process (its maximum resident set size), so the baseline does not count.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb
import import_timing as timing  # the sibling module; it also puts the project on the path
import numpy as np
import pandas as pd

CYCLE = "Repair job"
TOUCHPOINTS = (
    "Breakdown call",
    "Online booking",
    "Engineer arrival",
    "Diagnosis and price",
    "Repair",
    "Repair invoice",
)
GROUPS = ("Homeowners", "Landlords")
COMMENTS = ("", "", "", "", "Quick and friendly", 'Had to call twice, "no one" answered', "Café was closed; shame")


def write_survey(path: Path, rows: int, seed: int = 4) -> None:
    """A long-format file as teams export it: ISO dates, names in mixed case, some missing answers."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2025-06-01", periods=480).strftime("%Y-%m-%d").to_numpy()
    names = np.array([*TOUCHPOINTS, *(t.lower() for t in TOUCHPOINTS)])
    scores = np.array(["1", "2", "3", "4", "5", "5", "4", "N/A"])
    frame = pd.DataFrame(
        {
            "date": days[rng.integers(0, len(days), rows)],
            "service_cycle": CYCLE,
            "touchpoint": names[rng.integers(0, len(names), rows)],
            "group": np.array(["", *GROUPS])[rng.integers(0, 3, rows)],
            "answer": scores[rng.integers(0, len(scores), rows)],
            "scale": "",
            "comment": np.array(COMMENTS)[rng.integers(0, len(COMMENTS), rows)],
        }
    )
    frame.to_csv(path, index=False)


def fresh_workspace(path: Path) -> None:
    timing.fresh_workspace(path, CYCLE, TOUCHPOINTS, GROUPS)


def bare_read_csv(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds (all threads) of DuckDB reading the file into an in-memory table."""
    con = duckdb.connect()
    started, cpu = time.perf_counter(), time.process_time()
    con.execute("create table survey as select * from read_csv(?)", [str(path)])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return seconds, cpu_seconds


def read_csv_into_file(path: Path, db: Path) -> tuple[float, float]:
    """The floor of any import that persists: DuckDB reading the file into a table of a database
    file and checkpointing it, with no checks at all (reported for context, not the target)."""
    db.unlink(missing_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect(str(db))
    con.execute("create table survey as select * from read_csv(?)", [str(path)])
    con.close()
    return time.perf_counter() - started, time.process_time() - cpu


FLOOR = (
    "insert into impression select t.id, s.date::date, s.answer, '1-5', (s.answer::double - 3) / 2, null, 'survey',"
    " nullif(s.comment, '') from read_csv(?, all_varchar = true) s"
    " join touchpoint t on lower(t.name) = lower(s.touchpoint) where s.answer <> 'N/A'"
)
"""The all-DuckDB floor of the long import: read_csv, a join to the touchpoints, the insert."""


def duckdb_floor(path: Path, db: Path) -> tuple[float, float]:
    """One SQL statement writing the same rows into a table of a new file (see ``timing.duckdb_floor``)."""
    return timing.duckdb_floor(db, [timing.IMPRESSION_TABLE, *timing.touchpoint_table(TOUCHPOINTS)], FLOOR, [str(path)])


def our_import(path: Path, db: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the command line's import, committed into a fresh workspace file."""
    fresh_workspace(db)
    return timing.timed_import(path, db, CYCLE)


def peak_memory_mb(path: Path, db: Path) -> tuple[float, float]:
    fresh_workspace(db)
    return timing.peak_memory_mb(path, db, CYCLE)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv_path, db = Path(folder) / "survey.csv", Path(folder) / "bench.duckdb"
        write_survey(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        ours, bare, persisted, floor = [], [], [], []
        for _ in range(args.repeat):  # interleaved, so a busy moment on the machine hits all alike
            bare.append(bare_read_csv(csv_path))
            persisted.append(read_csv_into_file(csv_path, Path(folder) / "copy.duckdb"))
            floor.append(duckdb_floor(csv_path, Path(folder) / "floor.duckdb"))
            ours.append(our_import(csv_path, db))
        recorded = timing.recorded_impressions(db)
        peak, cli_seconds = peak_memory_mb(csv_path, db)
    best_ours, best_bare = min(ours), min(bare)
    runs = lambda pairs: ", ".join(f"{w:.2f} s ({c:.2f} s CPU)" for w, c in pairs)  # noqa: E731
    print(f"file: {args.rows:,} rows, {size_mb:.0f} MB; impressions recorded: {recorded:,}")
    print(f"DuckDB read_csv (bare):     runs {runs(bare)}")
    print(f"read_csv into a file (copy): runs {runs(persisted)}")
    print(f"all-DuckDB floor (read_csv, join, insert into a new file): runs {runs(floor)}")
    print(f"survey import (CLI path):   runs {runs(ours)}")
    print(f"ratio, best wall time:      {best_ours[0] / best_bare[0]:.2f}x   (target <= 2x)")
    print(f"ratio, best CPU time:       {min(c for _, c in ours) / min(c for _, c in bare):.2f}x")
    print(f"ratio to the copy into a file: {best_ours[0] / min(persisted)[0]:.2f}x wall")
    print(f"ratio to the all-DuckDB floor: {best_ours[0] / min(floor)[0]:.2f}x wall (issue 11: aim for 2x)")
    print(f"peak memory, CLI subprocess:  {peak:.0f} MB (target < 1024 MB); its wall time {cli_seconds:.2f} s")


if __name__ == "__main__":
    main()
