"""Server time of a full, uncached rerun of the Overview and Impressions pages, with the bare
SQL aggregates as the baseline, and the size of every chart's figure JSON.

    python -m dashboard demo --db /tmp/issue6/big.duckdb --impressions 10000000
    python bench/leadership_pages.py /tmp/issue6/big.duckdb [--runs 7]

Each page run clears Streamlit's data caches first (as after a filter change or a write),
keeps the opened store (as a running server does), and is timed by AppTest end to end. The
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
from streamlit.testing.v1 import AppTest  # noqa: E402

from dashboard.store import DB_ENV_VAR, Store, analytics, impressions  # noqa: E402


def _median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


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

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.run()  # opens the store once, as a running server would have
    for page in ("pages/overview.py", "pages/impressions.py"):
        at.switch_page(page)
        at.run()

        def rerun(at=at) -> None:
            st.cache_data.clear()
            at.run()

        ms = _median_ms(rerun, args.runs)
        assert not at.exception, at.exception
        sizes = [len(chart.proto.spec) for chart in at.get("plotly_chart")]
        print(
            f"{page:<22} uncached rerun median {ms:6.0f} ms; {len(sizes)} charts, figure JSON "
            + ", ".join(f"{s / 1024:.0f} KB" for s in sizes)
            + f" (largest {max(sizes) / 1024:.0f} KB)"
        )


if __name__ == "__main__":
    main()
