"""Benchmark: the service cycle map's questions on a large workspace.

Run: PYTHONPATH=. .venv/bin/python bench/map_queries.py [--impressions 10000000]
Times (best of three) the queries behind one map page view: the cycle's touchpoints with
their statistics, the chain per cycle, one touchpoint's monthly trend, score spread and
recent comments; and a map export followed by an import into an empty workspace.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dashboard import demo, maps, metrics
from dashboard.store import Store, cycle_stats, cycles


def best_of_three(work: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--impressions", type=int, default=10_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.duckdb") as store:
        demo.build(store, impressions=args.impressions)
        cycle = int(cycles.cycles(store).set_index("name").loc["Repair job", "id"])
        touchpoint = int(cycles.touchpoints(store, cycle)["id"].iloc[3])
        checks = {
            "cycle map (touchpoints + stats)": lambda: metrics.summarise(
                cycle_stats.cycle_touchpoint_stats(store, cycle)
            ),
            "chain per cycle": lambda: maps.chain_breaks(metrics.summarise(cycle_stats.cycle_moment_stats(store))),
            "monthly trend": lambda: cycle_stats.monthly_trend(store, touchpoint),
            "score spread": lambda: cycle_stats.score_distribution(store, touchpoint),
            "recent comments": lambda: cycle_stats.recent_comments(store, touchpoint),
        }
        print(f"{args.impressions:,} impressions")
        for name, work in checks.items():
            print(f"  {name:34s} {best_of_three(work) * 1000:8.1f} ms")
        data = maps.export_bytes(store, "map.xlsx")
        with Store(Path(folder) / "empty.duckdb") as empty:
            started = time.perf_counter()
            maps.import_map(empty, "map.xlsx", data)
            print(f"  {'export + import (xlsx, all cycles)':34s} {(time.perf_counter() - started) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
