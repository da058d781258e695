"""Server time of a full, uncached rerun of the Flow page on the 10-million-impression demo with
three years of monthly flow for every cycle, with the bare flow query as the baseline.

    python -m dashboard demo --db /tmp/flow-bench/big10.duckdb --impressions 10000000
    python bench/flow_page.py /tmp/flow-bench/big10.duckdb [--runs 7]

The demo holds fifteen months of flow; the script first adds the 21 months before them (once;
a second run finds them there), so every cycle has 36 months. Each page run clears Streamlit's
data caches first (as after a filter change or a write) and keeps the opened store, as a running
server does. Server time is the script thread's wall time per run (AppTest's polling left out),
with its CPU time beside it, measured as in ``bench/leadership_pages.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

# Importing the leadership bench times every script run (its RUNS) and lends its median helper.
from bench.leadership_pages import RUNS, _median_ms  # noqa: E402
from dashboard.flow import demo as flow_demo  # noqa: E402
from dashboard.flow import measures  # noqa: E402
from dashboard.store import DB_ENV_VAR, Store, analytics  # noqa: E402
from dashboard.store import flow as flow_store  # noqa: E402

MONTHS = 36


def _three_years(store: Store) -> None:
    """Adds the months before the demo's flow until every cycle has ``MONTHS`` of them."""
    first, last = flow_store.months(store)
    assert first is not None and last is not None, "run this on a demo workspace"
    held = (last.year - first.year) * 12 + last.month - first.month + 1
    if held < MONTHS:
        before = first - timedelta(days=1)
        flow_demo.add_flow(store, before, adopted=before, months=MONTHS - held, seed=99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ[DB_ENV_VAR] = str(args.db)

    with Store(args.db) as store:
        _three_years(store)
        sums = flow_store.sums(store)
        n = analytics.total_stats(store)["n"].iloc[0]
        print(
            f"workspace: {args.db} ({n:,} impressions; flow: {sums['period'].nunique()} months x "
            f"{sums['cycle'].nunique()} cycles, {len(sums):,} summed counts)"
        )
        query_ms = _median_ms(lambda: flow_store.sums(store), args.runs)
        math_ms = _median_ms(lambda: measures.summary(sums), args.runs)
        print(f"bare SQL flow sums {query_ms:6.1f} ms; measures.summary on them {math_ms:6.1f} ms")

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.run()  # opens the store once, as a running server would have
    at.switch_page("pages/flow.py")
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
        f"pages/flow.py uncached rerun median {wall:5.0f} ms server time ({cpu:4.0f} ms CPU);"
        f" {len(sizes)} charts, figure JSON " + ", ".join(f"{s / 1024:.0f} KB" for s in sizes)
    )
    print("each run (ms): " + ", ".join(f"{w:.0f}" for w, _ in RUNS))


if __name__ == "__main__":
    main()
