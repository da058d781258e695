"""A workshop room of N phones as HTTP clients (asyncio + httpx), from a process of its own,
against the real app server on a fresh workspace.

usage: python bench/workshop_load.py [--phones 300 1000] [--runs 3] [--touchpoints 6] [--every 5]

Each phone joins (with a participant token), follows the session by long-polling its state,
scores every touchpoint as it opens (after a human pause of 0.3-2.5 s), changes a quarter of
its scores a moment later, proposes an idea now and then and backs others' ideas. A facilitator
(with a write token) opens the first touchpoint, then presses "next" every ``--every`` seconds.

Reported per run:
- tap to confirm: the time from a phone sending its score until the server's answer, median, p95;
- "next" reaches the phones: from the facilitator sending "next" until each phone holds the new
  state, p95;
- the server's CPU in cores over 10 s with every phone waiting and nothing happening (idle) and
  over the voting (busy), and its peak RSS;
- votes lost or doubled: what the phones last sent per touchpoint, against the stored
  impressions (from the workspace file after the server stopped) and the results API.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.store import Store, cycles, tokens  # noqa: E402
from dashboard.touchpoints import TouchpointFields  # noqa: E402
from tests.servers import start_server, stop_server  # noqa: E402

API = "/api/v1/workshops"
IDLE_SECONDS = 10.0


@dataclass
class Room:
    """What the phones saw and sent, for the figures."""

    code: str = ""
    taps: list[float] = field(default_factory=list)
    reached: list[float] = field(default_factory=list)
    next_sent: dict[int, float] = field(default_factory=dict)
    final: dict[tuple[int, int], str] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    done: bool = False


def _cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _workspace(folder: Path, touchpoints: int) -> tuple[Path, str]:
    db = folder / "room.duckdb"
    with Store(db) as store:
        cycle_id = cycles.create_cycle(store, "Room")
        for n in range(touchpoints):
            cycles.add_touchpoint(store, cycle_id, TouchpointFields(f"Touchpoint {n + 1}", "make_or_break"))
        token = tokens.create(store, "facilitator", "facilitator")
    return db, token


async def _send(
    client: httpx.AsyncClient, room: Room, method: str, path: str, **kwargs: object
) -> httpx.Response | None:
    """A request as a phone sends it: tried again (three times at most) when the connection drops,
    as a keep-alive connection the server has just closed does now and then. PUT and DELETE are
    idempotent, so a retried vote cannot count twice."""
    for attempt in range(3):
        try:
            return await client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError as problem:
            room.failures[f"{method} {type(problem).__name__} (tried again)" if attempt < 2 else f"{method} lost"] += 1
    return None


async def _vote(client: httpx.AsyncClient, room: Room, me: int, headers: dict[str, str], tp: int) -> None:
    """One phone's taps on one open touchpoint: a score after a pause, sometimes a changed one."""
    await asyncio.sleep(random.uniform(0.3, 2.5))
    answers = [random.choice("12345")]
    if random.random() < 0.25:
        answers.append(random.choice("12345"))
    for answer in answers:
        started = time.monotonic()
        reply = await _send(
            client, room, "PUT", f"{API}/{room.code}/votes/{tp}", json={"answer": answer}, headers=headers
        )
        if reply is not None and reply.status_code == 200:
            room.taps.append(time.monotonic() - started)
            room.final[(me, tp)] = answer
        else:
            room.failures[f"vote {reply.status_code if reply is not None else 'lost'}"] += 1
        await asyncio.sleep(random.uniform(0.5, 1.5))


async def _ideas(client: httpx.AsyncClient, room: Room, headers: dict[str, str], state: dict) -> None:  # type: ignore[type-arg]
    if random.random() < 0.05 and state["touchpoints"]:
        body = {"touchpoint_id": state["touchpoints"][0]["id"], "text": f"Idea {random.randint(1, 10**6)}"}
        reply = await _send(client, room, "POST", f"{API}/{room.code}/ideas", json=body, headers=headers)
        if reply is not None and reply.status_code != 201:
            room.failures[f"idea {reply.status_code}"] += 1
    others = [i for i in state["ideas"] if not i["mine"] and not i["backed"]]
    if others and random.random() < 0.1:
        reply = await _send(client, room, "PUT", f"{API}/{room.code}/ideas/{others[0]['id']}/backing", headers=headers)
        if reply is not None and reply.status_code != 200:
            room.failures[f"backing {reply.status_code}"] += 1


async def phone(client: httpx.AsyncClient, room: Room, me: int) -> None:
    joined = await _send(client, room, "POST", f"{API}/{room.code}/participants", json={"name": f"Phone {me}"})
    if joined is None or joined.status_code != 201:
        room.failures[f"join {joined.status_code if joined is not None else 'lost'}"] += 1
        return
    headers = {"Authorization": f"Bearer {joined.json()['token']}"}
    version, scored, tasks = None, set(), []
    while not room.done:
        params = {} if version is None else {"since": version}
        try:
            reply = await client.get(f"{API}/{room.code}/state", params=params, headers=headers)
        except httpx.HTTPError as problem:
            room.failures[f"state {type(problem).__name__}"] += 1
            await asyncio.sleep(1)
            continue
        if reply.status_code != 200:
            if not (room.done and reply.status_code == 410):  # 410 once the facilitator ended: the way out
                room.failures[f"state {reply.status_code}"] += 1
            break
        state = reply.json()
        version = state["version"]
        for item in state["touchpoints"]:
            if item["id"] not in scored:
                scored.add(item["id"])
                sent = room.next_sent.get(item["id"])
                if sent is not None:
                    room.reached.append(time.monotonic() - sent)
                tasks.append(asyncio.create_task(_vote(client, room, me, headers, item["id"])))
                tasks.append(asyncio.create_task(_ideas(client, room, headers, state)))
    await asyncio.gather(*tasks)


async def facilitator(client: httpx.AsyncClient, room: Room, token: str, order: list[int], every: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    for index, tp in enumerate(order):
        room.next_sent[tp] = time.monotonic()
        action = "open" if index == 0 else "next"
        reply = await client.post(f"{API}/{room.code}/steps", json={"action": action}, headers=headers)
        assert reply.status_code == 200, reply.text
        await asyncio.sleep(every)


def _pct(values: list[float], q: int) -> float:
    """The ``q``-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] if ordered else float("nan")


async def run_room(url: str, pid: int, token: str, phones: int, every: float) -> tuple[Room, dict[str, float]]:
    limits = httpx.Limits(max_connections=phones * 2 + 20, max_keepalive_connections=phones * 2 + 20)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        headers = {"Authorization": f"Bearer {token}"}
        started = await client.post(API, json={"cycle": "Room", "scale": "1-5"}, headers=headers)
        room = Room(code=started.json()["code"])
        order = [
            t["touchpoint_id"]
            for t in (await client.get(f"{API}/{room.code}/results", headers=headers)).json()["touchpoints"]
        ]
        crowd = [asyncio.create_task(phone(client, room, n)) for n in range(phones)]
        await asyncio.sleep(max(5.0, phones / 60))  # everyone joined and waiting
        cpu, clock = _cpu_seconds(pid), time.monotonic()
        await asyncio.sleep(IDLE_SECONDS)
        idle = (_cpu_seconds(pid) - cpu) / (time.monotonic() - clock)
        cpu, clock, own = _cpu_seconds(pid), time.monotonic(), time.process_time()
        await facilitator(client, room, token, order, every)
        await asyncio.sleep(4)  # the last touchpoint's taps and changes
        busy = (_cpu_seconds(pid) - cpu) / (time.monotonic() - clock)
        phones_cpu = (time.process_time() - own) / (time.monotonic() - clock)
        room.done = True
        await client.post(f"{API}/{room.code}/steps", json={"action": "end"}, headers=headers)  # wakes every phone
        await asyncio.gather(*crowd)
        results = (await client.get(f"{API}/{room.code}/results", headers=headers)).json()
    served = Counter({(a["touchpoint_id"], a["answer"]): a["votes"] for a in results["answers"]})
    return room, {"idle": idle, "busy": busy, "phones": phones_cpu, "results_diff": _diff(room, served)}


def _diff(room: Room, stored: Counter[tuple[int, str]]) -> int:
    """Votes lost plus votes doubled: the phones' last answers against what was stored."""
    sent = Counter((tp, answer) for (_, tp), answer in room.final.items())
    return sum((sent - stored).values()) + sum((stored - sent).values())


def _stored(db: Path, code: str) -> Counter[tuple[int, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select i.touchpoint_id, i.raw_value, count(*) from impression i join workshop_session s"
            " on s.id = i.workshop_session_id where s.code = ? and i.source = 'workshop' group by all",
            [code],
        ).fetchall()
    return Counter({(int(tp), str(answer)): int(n) for tp, answer, n in rows})


def once(phones: int, touchpoints: int, every: float) -> None:
    folder = Path(tempfile.mkdtemp(prefix="workshop-load-"))
    db, token = _workspace(folder, touchpoints)
    process, server = start_server(db, folder / "server.log")
    try:
        room, cores = asyncio.run(run_room(server.url, process.pid, token, phones, every))
        rss = _peak_rss_mb(process.pid)
    finally:
        stop_server(process)
    lost_or_doubled = _diff(room, _stored(db, room.code))
    taps = sorted(room.taps)
    print(
        f"{phones} phones, {touchpoints} touchpoints, next every {every:g} s: "
        f"tap to confirm median {statistics.median(taps) * 1000:.0f} ms, p95 {_pct(taps, 95) * 1000:.0f} ms "
        f"({len(taps)} taps); next reaches phones p95 {_pct(room.reached, 95):.2f} s "
        f"(median {statistics.median(room.reached):.2f} s, {len(room.reached)} arrivals); "
        f"server CPU idle {cores['idle']:.3f} cores, busy {cores['busy']:.2f} cores "
        f"(the phones' process: {cores['phones']:.2f}); peak RSS {rss:.0f} MB; "
        f"votes lost or doubled: {lost_or_doubled} in the workspace, {cores['results_diff']:.0f} in the results "
        f"({len(room.final)} votes); failures: {dict(room.failures) or 'none'}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--touchpoints", type=int, default=6)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between the facilitator's steps")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    for phones in args.phones:
        for _ in range(args.runs):
            once(phones, args.touchpoints, args.every)
    print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
