"""How long the reputation plan's evidence takes on a large workspace.

Usage: PYTHONPATH=. .venv/bin/python bench/plan_evidence.py [IMPRESSIONS]   (default 1,000,000)

Builds a demo workspace of that size in a temporary file, then times the evidence figures
(one SQL pass over the impressions), judging the 28 cells, and the progress history.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dashboard import demo, evidence
from dashboard.store import Store, plan
from dashboard.thresholds import Thresholds


def timed(label: str, repeat: int, action) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    print(f"{label}: best of {repeat} {best * 1000:.1f} ms")


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    end = date(2026, 9, 30)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.duckdb") as store:
        start = time.perf_counter()
        demo.build(store, impressions=size, end=end)
        print(f"demo with {size:,} impressions built in {time.perf_counter() - start:.1f} s")
        t = Thresholds()
        timed("evidence_figures", 5, lambda: plan.evidence_figures(store, end, t.recent_days))
        figures = plan.evidence_figures(store, end, t.recent_days)
        cells = plan.plan_cells(store)
        timed("assess 28 cells", 5, lambda: evidence.assess(figures, cells, t))
        timed("progress_over_time by moment", 5, lambda: plan.progress_over_time(store, "moment"))


if __name__ == "__main__":
    main()
