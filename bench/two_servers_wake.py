"""How soon a facilitator's step on server A reaches phones waiting on server B, both serving one
PostgreSQL database, against phones waiting on A itself.

usage: DASHBOARD_TEST_PG=postgresql://... python bench/two_servers_wake.py [--phones 100] [--steps 10]

(or ``./scripts/with-postgres.sh python bench/two_servers_wake.py``). A new database gets the
demo (built by A's first start); the phones join a session, half through each server, and
long-poll their state; the facilitator presses "next" and "previous" on A ``--steps`` times in
turn, a second apart. Reported: from sending the step until each phone holds the new state (median, p95, max), for the
phones on A and those on B, and how many phones missed a step.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.store import Store, tokens  # noqa: E402
from tests import pg  # noqa: E402
from tests.servers import start_server, stop_server  # noqa: E402

API = "/api/v1/workshops"


async def _phone(session: aiohttp.ClientSession, url: str, code: str, woken: list[float], stop: asyncio.Event) -> None:
    """Joins through ``url`` and follows the session, noting when each new version arrives."""
    async with session.post(f"{url}{API}/{code}/participants", json={}) as answer:
        token = (await answer.json())["token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with session.get(f"{url}{API}/{code}/state", headers=headers) as answer:
        version = (await answer.json())["version"]
    while not stop.is_set():
        async with session.get(f"{url}{API}/{code}/state", params={"since": version}, headers=headers) as answer:
            if answer.status != 200:
                continue
            state = await answer.json()
        if state["version"] != version:
            woken.append(time.monotonic())
            version = state["version"]


async def _room(a: str, b: str, token: str, phones: int, steps: int) -> dict[str, list[float]]:
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        async with session.post(f"{a}{API}", json={"cycle": "Repair job", "scale": "1-5"}, headers=headers) as answer:
            code = (await answer.json())["code"]
        stop = asyncio.Event()
        woken: dict[str, list[list[float]]] = {"A": [], "B": []}
        tasks = []
        for n in range(phones):
            side = "AB"[n % 2]
            woken[side].append([])
            tasks.append(asyncio.create_task(_phone(session, (a, b)[n % 2], code, woken[side][-1], stop)))
        await asyncio.sleep(3)  # every phone joined and waiting
        sent: list[float] = []
        for n in range(steps):
            started = time.monotonic()
            # Back and forth, so every step moves (a cycle has only so many touchpoints).
            action = "next" if n % 2 == 0 else "previous"
            async with session.post(f"{a}{API}/{code}/steps", json={"action": action}, headers=headers) as answer:
                if answer.status == 200:
                    sent.append(started)
            await asyncio.sleep(1.0)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {side: _delays(sent, lists) for side, lists in woken.items()}


def _delays(sent: list[float], phones: list[list[float]]) -> list[float]:
    """Per phone and step: the first wake after the step was sent (a step missed counts as NaN)."""
    found: list[float] = []
    for times in phones:
        for start in sent:
            later = [t - start for t in times if t >= start]
            found.append(min(later) if later and min(later) < 1.0 else float("nan"))
    return found


def _summary(delays: list[float]) -> str:
    seen = sorted(d for d in delays if d == d)
    if not seen:
        return "no wake at all"
    p95 = seen[max(0, round(0.95 * len(seen)) - 1)]
    missed = len(delays) - len(seen)
    return (
        f"median {statistics.median(seen) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {seen[-1] * 1000:.0f} ms,"
        f" {missed} of {len(delays)} missed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    url = pg.new_database()
    folder = Path(tempfile.mkdtemp(prefix="two-servers-"))
    try:
        first, a = start_server(url, folder / "a.log")
        second, b = start_server(url, folder / "b.log")
        try:
            with Store(url) as store:
                token = tokens.create(store, "bench", "facilitator")
            found: dict[str, Any] = asyncio.run(_room(a.url, b.url, token, args.phones, args.steps))
        finally:
            stop_server(second)
            stop_server(first)
    finally:
        pg.drop_database(url)
    print(f"{args.phones} phones, {args.steps} steps ('next', 'previous') on server A:")
    for side in ("A", "B"):
        print(f"  phones waiting on {side}: {_summary(found[side])}")


if __name__ == "__main__":
    main()
