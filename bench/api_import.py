"""Benchmark: the API's import against the command line's, and ``GET /api/v1/stats`` at scale.

Run: /work/main/.venv/bin/python bench/api_import.py [--responses 100000] [--repeat 3] [--big /tmp/big10.duckdb]

1. The wide Qualtrics export of ``import_wide.py`` (100,000 responses x 20 touchpoints = 2 million
   impressions) imported (a) by ``python -m dashboard survey import`` with no server (in this
   process, into a fresh workspace) and (b) by ``POST /api/v1/imports`` to the running server
   (``streamlit run server.py``, its own fresh workspace), alternating, in the same run. The API
   time is the whole HTTP call: upload, multipart parsing, the same pipeline, the answer.
   Target (issue 14): the API costs at most 10% more.
   Each API run gets a fresh workspace and a fresh server (started untimed), as each CLI run
   gets a fresh workspace.
2. ``GET /api/v1/stats`` on a 10-million-impression demo workspace (built with
   ``python -m dashboard demo --impressions 10000000`` when the file is missing): median and
   p95 of 50 calls after 3 warm-up calls.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import import_timing as timing  # the sibling module; it also puts the project on the path
from import_wide import CYCLE, TOUCHPOINTS, write_export

from dashboard.remote import multipart
from dashboard.store import DB_ENV_VAR, Store, tokens

ROOT = timing.ROOT


def start(db: Path, log: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "server.py"), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, DB_ENV_VAR: str(db)}, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(log.read_text())


def request(url: str, token: str, method: str = "GET", body: bytes | None = None, kind: str | None = None) -> bytes:
    headers = {"authorization": f"Bearer {token}", **({"content-type": kind} if kind else {})}
    with urllib.request.urlopen(
        urllib.request.Request(url, data=body, headers=headers, method=method), timeout=3600
    ) as r:
        return bytes(r.read())


def with_token(db: Path) -> str:
    with Store(db) as store:
        return tokens.create(store, f"bench-{time.time_ns()}", "admin")


def _api_import(folder: Path, export: Path, run: int, port: int, expected: int) -> float:
    """Seconds of one API import into a fresh workspace served by a fresh server (start untimed)."""
    db = folder / f"api-{run}.duckdb"
    timing.fresh_workspace(db, CYCLE, TOUCHPOINTS)
    token = with_token(db)
    server = start(db, folder / f"server-{run}.log", port)
    body, kind = multipart((export.name, export.read_bytes()), {"cycle": CYCLE})
    try:
        started = time.perf_counter()
        outcome = json.loads(request(f"http://127.0.0.1:{port}/api/v1/imports", token, "POST", body, kind))
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert outcome["impressions"] == expected, outcome
    return seconds


def import_comparison(folder: Path, responses: int, repeat: int, port: int) -> None:
    export = folder / "wide.csv"
    write_export(export, responses)
    cli_times, api_times = [], []
    for run in range(repeat):
        cli_db = folder / f"cli-{run}.duckdb"
        timing.fresh_workspace(cli_db, CYCLE, TOUCHPOINTS)
        cli_times.append(timing.timed_import(export, cli_db, CYCLE)[0])
        api_times.append(_api_import(folder, export, run, port, responses * len(TOUCHPOINTS)))
        print(f"run {run + 1}: CLI {cli_times[-1]:.2f} s, API {api_times[-1]:.2f} s", flush=True)
    cli, api = statistics.median(cli_times), statistics.median(api_times)
    pairs = statistics.median(a / c for a, c in zip(api_times, cli_times, strict=True))
    print(
        f"import of {responses:,} x {len(TOUCHPOINTS)}: CLI median {cli:.2f} s, API median {api:.2f} s,"
        f" API/CLI {api / cli:.3f} (median of the runs' own ratios {pairs:.3f})"
    )


def stats_latency(big: Path, folder: Path, port: int, calls: int = 50) -> None:
    if not big.exists():
        subprocess.run(
            [sys.executable, "-m", "dashboard", "demo", "--db", str(big), "--impressions", "10000000"],
            cwd=ROOT,
            check=True,
        )
    token = with_token(big)
    server = start(big, folder / "big.log", port)
    url = f"http://127.0.0.1:{port}/api/v1/stats"
    try:
        for _ in range(3):
            request(url, token)
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            total = json.loads(request(url, token))["impressions"]
            times.append((time.perf_counter() - started) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)
    times.sort()
    p95 = times[int(0.95 * len(times)) - 1]
    print(
        f"GET /api/v1/stats at {total:,} impressions: median {statistics.median(times):.1f} ms,"
        f" p95 {p95:.1f} ms ({calls} calls)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=Path, default=Path("/tmp/big10.duckdb"))
    parser.add_argument("--port", type=int, default=8591)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        import_comparison(Path(folder), args.responses, args.repeat, args.port)
        stats_latency(args.big, Path(folder), args.port + 1)


if __name__ == "__main__":
    main()
