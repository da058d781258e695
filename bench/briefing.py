"""Time and peak memory of the leadership briefing (PPTX and PDF) on the 10-million-impression demo.

    python -m dashboard demo --db /tmp/big10.duckdb --impressions 10000000
    python bench/briefing.py /tmp/big10.duckdb [--runs 3]

Each run is a fresh ``python -m dashboard briefing`` process, as cron or a person at the command
line starts it: the time includes start-up, the queries, drawing the charts in Chromium (kaleido)
and laying out the file. Peak memory is the process's own maximum resident set (``wait4``); the
Chromium that draws the charts is a process of its own and is not counted in it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(db: Path, kind: str, out: Path) -> tuple[float, float]:
    """Seconds and peak resident megabytes of one briefing process."""
    command = [sys.executable, "-m", "dashboard", "briefing", str(out), "--format", kind, "--db", str(db)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"briefing failed: {process.stderr.read().decode() if process.stderr else status}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("pptx", "pdf"):
            results = [one_run(args.db, kind, Path(folder) / f"briefing.{kind}") for _ in range(args.runs)]
            times = [t for t, _ in results]
            size = (Path(folder) / f"briefing.{kind}").stat().st_size
            print(
                f"{kind}: {', '.join(f'{t:.1f}' for t in times)} s (median {statistics.median(times):.1f} s); "
                f"peak memory {max(m for _, m in results):.0f} MB; {size / 1e6:.1f} MB file"
            )


if __name__ == "__main__":
    main()
