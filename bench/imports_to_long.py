"""Time detect and to_long on a wide export of 100,000 respondents x 20 touchpoints.

Run: /work/main/.venv/bin/python bench/imports_to_long.py [RESPONDENTS]
The grid is built in memory as a reader would hand it over (every cell a string), in the
Qualtrics layout: three header rows, metadata columns, a 20-row matrix, a comment column.
For scale, the same grid is written to a CSV file and read back by DuckDB's bare
``read_csv`` and by pandas (``header=None, dtype=str``), in the same run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dashboard.imports.detect import detect
from dashboard.imports.reshape import to_long

TOUCHPOINTS = [f"Touchpoint {number:02d}" for number in range(1, 21)]
LABELS = np.array(
    ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied", ""],
    dtype=object,
)


def build(respondents: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    ids = ["StartDate", "EndDate", "RecordedDate", "ResponseId"] + [f"Q1_{n}" for n in range(1, 21)] + ["Q2_TEXT"]
    texts = ["Start Date", "End Date", "Recorded Date", "Response ID"]
    texts += [f"How satisfied were you with each step? - {name}" for name in TOUCHPOINTS] + ["Anything else?"]
    imports = [f'{{"ImportId":"{i}"}}' for i in ids]
    header = pd.DataFrame([ids, texts, imports], dtype=object)
    stamps = (
        pd.date_range("2026-01-01", periods=respondents, freq="min")
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_numpy(dtype=object)
    )
    body = {0: stamps, 1: stamps, 2: stamps, 3: np.char.add("R_", np.arange(respondents).astype(str)).astype(object)}
    for offset in range(20):
        body[4 + offset] = LABELS[rng.integers(0, len(LABELS), respondents)]
    body[24] = np.full(respondents, "Fine, thanks for asking, it was a pleasant visit overall really", dtype=object)
    return pd.concat([header, pd.DataFrame(body)], ignore_index=True)


def main() -> None:
    respondents = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    grid = build(respondents)
    detect_times, long_times, long_cpu = [], [], []
    for _ in range(5):
        started = time.perf_counter()
        layout = detect(grid, TOUCHPOINTS)
        detected = time.perf_counter()
        cpu = time.process_time()
        impressions = to_long(grid, layout)
        long_cpu.append(time.process_time() - cpu)
        detect_times.append(detected - started)
        long_times.append(time.perf_counter() - detected)
    shape = f"{respondents:,} respondents x {grid.shape[1]} columns"
    print(f"grid {shape}; {layout.tool}, {len(layout.mapping)} touchpoints")
    print(f"detect  wall best {min(detect_times):.3f} s, median {sorted(detect_times)[2]:.3f} s (5 runs)")
    print(f"to_long wall best {min(long_times):.3f} s, median {sorted(long_times)[2]:.3f} s")
    print(f"to_long cpu  best {min(long_cpu):.3f} s (process time: less disturbed by other processes)")
    print(f"        -> {len(impressions):,} impressions")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        grid.to_csv(path, header=False, index=False)
        duck, pandas_read = [], []
        for _ in range(3):
            started = time.perf_counter()
            duckdb.sql(f"select count(*) from read_csv('{path}')").fetchall()
            duck.append(time.perf_counter() - started)
            started = time.perf_counter()
            pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
            pandas_read.append(time.perf_counter() - started)
        size = path.stat().st_size / 1e6
    print(f"file {size:.1f} MB: duckdb read_csv best {min(duck):.3f} s")
    print(f"pandas read_csv (header=None, dtype=str) best {min(pandas_read):.3f} s")


if __name__ == "__main__":
    main()
