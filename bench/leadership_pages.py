"""Server time of a full, uncached rerun of the Overview and Impressions pages, with the bare
SQL aggregates as the baseline, and the size of every chart's figure JSON.

    python -m dashboard demo --db /tmp/issue6/big.duckdb --impressions 10000000
    python bench/leadership_pages.py /tmp/issue6/big.duckdb [--runs 7]

Each page run clears Streamlit's data caches first (as after a filter change or a write) and
keeps the opened store (as a running server does). Server time is the script thread's wall time
per run (AppTest's own polling left out), with its CPU time beside it: on a shared, busy
machine the CPU time shows the work, the wall time also the waiting for a core. The
baseline times, in the same process, the three aggregates the foundation's Overview runs on
the raw impressions (total, per moment, per touchpoint) and the same three on the roll-up.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from dashboard.store import DB_ENV_VAR, Store, analytics, impressions, rollup  # noqa: E402


def _median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


RUNS: list[tuple[float, float]] = []
_run_script = ScriptRunner._run_script


def _timed_run_script(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    """The script thread's wall and CPU time per run: server time, without AppTest's polling."""
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        return _run_script(self, *args, **kwargs)
    finally:
        RUNS.append(((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000))


ScriptRunner._run_script = _timed_run_script


def _upkeep_ms(store: Store, new_rows: int) -> float:
    """Time to fold one new impression into the roll-ups (new_rows=1) or rebuild them (0); rolled back."""
    with store.cursor() as cur:
        cur.begin()
        if new_rows:
            cur.execute(
                "insert into impression (touchpoint_id, observed_on, raw_value, scale, score, source)"
                " select touchpoint_id, observed_on, raw_value, scale, score, source from impression limit 1"
            )
        start = time.perf_counter()
        if new_rows:
            rollup.catch_up(cur)
        else:
            rollup.rebuild(cur)
        elapsed = (time.perf_counter() - start) * 1000
        cur.rollback()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ[DB_ENV_VAR] = str(args.db)

    with Store(args.db) as store:
        n = analytics.total_stats(store)["n"].iloc[0]
        print(f"workspace: {args.db} ({n:,} impressions)")
        for name, raw, rolled in (
            ("total", impressions.total_stats, analytics.total_stats),
            ("per moment", impressions.moment_stats, analytics.moment_stats),
            ("per touchpoint", impressions.touchpoint_stats, analytics.touchpoint_stats),
        ):
            raw_ms = _median_ms(lambda raw=raw: raw(store), args.runs)
            rolled_ms = _median_ms(lambda rolled=rolled: rolled(store), args.runs)
            print(f"bare SQL {name:<15} raw impressions {raw_ms:7.1f} ms   roll-up {rolled_ms:6.1f} ms")
        month_ms = _median_ms(lambda: analytics.touchpoint_month_stats(store), args.runs)
        print(f"bare SQL touchpoint x month  roll-up {month_ms:6.1f} ms")
        comments_ms = _median_ms(lambda: analytics.comments(store, search="late"), args.runs)
        print(f"comment search 'late'        comment table {comments_ms:6.1f} ms")
        one, full = _upkeep_ms(store, 1), _upkeep_ms(store, 0)
        print(f"roll-up upkeep: one new impression {one:.0f} ms, full rebuild {full:.0f} ms")

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.run()  # opens the store once, as a running server would have
    for page in ("pages/overview.py", "pages/impressions.py"):
        at.switch_page(page)
        at.run()

        RUNS.clear()
        for _ in range(args.runs):
            st.cache_data.clear()
            at.run()
        assert not at.exception, at.exception
        wall = statistics.median(r[0] for r in RUNS)
        cpu = statistics.median(r[1] for r in RUNS)
        sizes = [len(chart.proto.spec) for chart in at.get("plotly_chart")]
        print(
            f"{page:<22} uncached rerun median {wall:5.0f} ms server time ({cpu:4.0f} ms CPU);"
            f" {len(sizes)} charts, figure JSON "
            + ", ".join(f"{s / 1024:.0f} KB" for s in sizes)
            + f" (largest {max(sizes) / 1024:.0f} KB)"
        )
        print(f"{'':<22} each run (ms): " + ", ".join(f"{w:.0f}" for w, _ in RUNS))


if __name__ == "__main__":
    main()
