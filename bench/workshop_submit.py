"""Submit latency of workshop votes with many participants voting at once (storage layer).

usage: python bench/workshop_submit.py [--participants 300] [--rounds 3] [--impressions 20000]

Builds a demo workspace in a temporary folder, starts a session over one cycle with every
touchpoint open, lets N threads join, then in each round releases them all at once (a
barrier: the worst case, the whole room pressing "vote" in the same instant) to vote on a
touchpoint; each round after the first changes votes already cast. Prints the median and
95th percentile of one submit's latency, and checks the totals afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from dashboard import demo
from dashboard.store import Store, cycles
from dashboard.store import workshop as sql
from dashboard.workshop import new_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--impressions", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.duckdb") as store:
        demo.build(store, impressions=args.impressions)
        cycle_id = int(cycles.cycles(store)["id"].iloc[0])
        touchpoints = [int(t) for t in cycles.touchpoints(store, cycle_id)["id"]]
        session = sql.create_session(store, cycle_id, touchpoints, "1-5", new_code)
        sql.set_open(store, session.id, True)
        people = [sql.join(store, session.id, f"bench-{i}").id for i in range(args.participants)]
        latencies: list[float] = []
        lock = threading.Lock()
        for round_no in range(args.rounds):
            barrier = threading.Barrier(len(people))

            def submit(person: int, index: int, round_no: int = round_no, barrier: threading.Barrier = barrier) -> None:
                point = (index + round_no) % 5 + 1
                barrier.wait()
                started = time.perf_counter()
                sql.record_vote(store, person, touchpoints[0], str(point), (point - 3) / 2)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)

            threads = [threading.Thread(target=submit, args=(p, i)) for i, p in enumerate(people)]
            wall = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            print(f"round {round_no + 1}: {len(people)} votes in {time.perf_counter() - wall:.2f} s")
        counted = sql.totals(store, session.id)["votes"]
        assert counted == len(people), counted
        ordered = sorted(latencies)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"{len(latencies)} submits by {len(people)} concurrent participants:"
            f" median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms,"
            f" max {ordered[-1] * 1000:.1f} ms; votes counted {counted} (expected {len(people)})"
        )


if __name__ == "__main__":
    main()
