"""Server time of a full, uncached rerun of the Overview and Impressions pages, with the bare
SQL aggregates as the baseline, and the size of every chart's figure JSON.

    python -m dashboard demo --db /tmp/issue6/big.duckdb --impressions 10000000
    python bench/leadership_pages.py /tmp/issue6/big.duckdb [--runs 7]
    python bench/leadership_pages.py /tmp/bench10.duckdb --postgres postgresql://postgres@HOST:PORT/DB

``db`` is a DuckDB file or a PostgreSQL URL. With ``--postgres URL`` the same figures are taken
on the file, then on the PostgreSQL database (a copy of it: ``python -m dashboard copy``), in one
process, and the PostgreSQL/DuckDB ratios of the page medians are printed: on a shared machine
that drifts, ratios from one invocation compare like with like.

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


class _UndoError(Exception):
    """Raised inside a write transaction to roll it back after timing it."""


def _upkeep_ms(store: Store, new_rows: int) -> float:
    """Time to fold one new impression into the roll-ups (new_rows=1) or rebuild them (0); rolled back."""
    elapsed = 0.0
    try:
        with store.transaction() as cur:
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
            raise _UndoError
    except _UndoError:
        pass
    return elapsed


def _baseline(target: str, runs: int) -> None:
    """The bare SQL aggregates, the comment search and the roll-up upkeep on ``target``."""
    with Store(target) as store:
        n = analytics.total_stats(store)["n"].iloc[0]
        print(f"workspace: {target} ({n:,} impressions)")
        for name, raw, rolled in (
            ("total", impressions.total_stats, analytics.total_stats),
            ("per moment", impressions.moment_stats, analytics.moment_stats),
            ("per touchpoint", impressions.touchpoint_stats, analytics.touchpoint_stats),
        ):
            raw_ms = _median_ms(lambda raw=raw: raw(store), runs)
            rolled_ms = _median_ms(lambda rolled=rolled: rolled(store), runs)
            print(f"bare SQL {name:<15} raw impressions {raw_ms:7.1f} ms   roll-up {rolled_ms:6.1f} ms")
        month_ms = _median_ms(lambda: analytics.touchpoint_month_stats(store), runs)
        print(f"bare SQL touchpoint x month  roll-up {month_ms:6.1f} ms")
        comments_ms = _median_ms(lambda: analytics.comments(store, search="late"), runs)
        print(f"comment search 'late'        comment table {comments_ms:6.1f} ms")
        one, full = _upkeep_ms(store, 1), _upkeep_ms(store, 0)
        print(f"roll-up upkeep: one new impression {one:.0f} ms, full rebuild {full:.0f} ms")


def _pages(target: str, runs: int) -> dict[str, float]:
    """Uncached reruns of the two pages on ``target``; the median server time of each page."""
    os.environ[DB_ENV_VAR] = target
    st.cache_resource.clear()  # the app's store opens on this target
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.run()  # opens the store once, as a running server would have
    medians = {}
    for page in ("pages/overview.py", "pages/impressions.py"):
        at.switch_page(page)
        at.run()

        RUNS.clear()
        for _ in range(runs):
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
        medians[page] = wall
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a DuckDB file or a PostgreSQL URL")
    parser.add_argument("--postgres", metavar="URL", help="also measure this PostgreSQL copy of db")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pages-only", action="store_true", help="leave out the bare SQL and the roll-up upkeep")
    args = parser.parse_args()

    targets = [args.db, *([args.postgres] if args.postgres else [])]
    medians = []
    for target in targets:
        if not args.pages_only:
            _baseline(target, args.runs)
        medians.append(_pages(target, args.runs))
    if args.postgres:
        duck, pg = medians
        for page in duck:
            print(f"{page:<22} PostgreSQL / DuckDB = {pg[page] / duck[page]:.2f}")


if __name__ == "__main__":
    main()
