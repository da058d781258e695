"""A workshop room of N phones as HTTP clients (asyncio + aiohttp), from processes of their own,
against the real app server on a fresh workspace.

usage: python bench/workshop_load.py [--phones 300 1000] [--runs 3] [--touchpoints 6] [--every 5]
                                     [--clients K] [--db URL] [--servers N]

Each phone joins (with a participant token), follows the session by long-polling its state,
scores every touchpoint as it opens (after a human pause of 0.3-2.5 s), changes a quarter of
its scores a moment later, proposes an idea now and then and backs others' ideas. A facilitator
(with a write token) opens the first touchpoint, then presses "next" every ``--every`` seconds.

The phones are spread over ``--clients`` processes (one per 100 phones by default): one asyncio
process with 300 httpx clients used 0.95 of a core and answered late, so the room measured its
own client instead of the server. Each process reports its CPU, so a saturated client shows.
The clocks agree across processes (``time.monotonic`` is the system's monotonic clock).

With ``--db URL`` (a PostgreSQL server's URL, e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``)
each run's workspace is a new database ``bench_room`` on that server instead of a DuckDB file, and
``--servers N`` starts N app servers on it: phone n talks to server n mod N, the facilitator to
the first. Its "next" reaches the phones of the other servers through the store's cross-server
notices (PostgreSQL's LISTEN/NOTIFY), and is measured as for the first server's phones.
The server CPU and peak RSS are the servers' summed CPU and largest RSS.

Reported per run:
- tap to confirm: the time from a phone sending its score until the server's answer, median, p95;
- "next" reaches the phones: from the facilitator sending "next" until each phone holds the new
  state, p95;
- the server's CPU in cores over 10 s with every phone waiting and nothing happening (idle) and
  over the voting (busy), and its peak RSS; the phones' processes' CPU over the voting;
- votes lost or doubled: what the phones last sent per touchpoint, against the stored
  impressions (from the workspace file after the server stopped) and the results API.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from dashboard.store import Store, cycles, tokens  # noqa: E402
from dashboard.touchpoints import TouchpointFields  # noqa: E402
from tests.servers import start_server, stop_server  # noqa: E402

API = "/api/v1/workshops"
IDLE_SECONDS = 10.0
PHONES_PER_CLIENT = 100


@dataclass
class Crowd:
    """What one client process's phones saw and sent, for the figures."""

    code: str
    done: Any  # a multiprocessing Event: set once the facilitator ends the session
    listening: Any  # a multiprocessing Value: phones that hold their first state
    taps: list[float] = field(default_factory=list)
    seen: list[tuple[int, float]] = field(default_factory=list)
    """(touchpoint, when a phone first held it open)"""
    final: dict[tuple[int, int], str] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)


@dataclass
class Answer:
    status: int
    body: Any


async def _send(session: aiohttp.ClientSession, crowd: Crowd, method: str, path: str, **kwargs: Any) -> Answer | None:
    """A request as a phone sends it: tried again (three times at most) when the connection drops,
    as a keep-alive connection the server has just closed does now and then. PUT and DELETE are
    idempotent, so a retried vote cannot count twice."""
    for attempt in range(3):
        try:
            async with session.request(method, path, **kwargs) as reply:
                body = await reply.json() if reply.content_type == "application/json" else None
                return Answer(reply.status, body)
        except aiohttp.ClientConnectionError as problem:
            crowd.failures[f"{method} {type(problem).__name__} (tried again)" if attempt < 2 else f"{method} lost"] += 1
    return None


async def _vote(session: aiohttp.ClientSession, crowd: Crowd, me: int, headers: dict[str, str], tp: int) -> None:
    """One phone's taps on one open touchpoint: a score after a pause, sometimes a changed one."""
    await asyncio.sleep(random.uniform(0.3, 2.5))
    answers = [random.choice("12345")]
    if random.random() < 0.25:
        answers.append(random.choice("12345"))
    for answer in answers:
        started = time.monotonic()
        reply = await _send(
            session, crowd, "PUT", f"{API}/{crowd.code}/votes/{tp}", json={"answer": answer}, headers=headers
        )
        if reply is not None and reply.status == 200:
            crowd.taps.append(time.monotonic() - started)
            crowd.final[(me, tp)] = answer
        else:
            crowd.failures[f"vote {reply.status if reply is not None else 'lost'}"] += 1
        await asyncio.sleep(random.uniform(0.5, 1.5))


async def _ideas(session: aiohttp.ClientSession, crowd: Crowd, headers: dict[str, str], state: dict) -> None:  # type: ignore[type-arg]
    if random.random() < 0.05 and state["touchpoints"]:
        body = {"touchpoint_id": state["touchpoints"][0]["id"], "text": f"Idea {random.randint(1, 10**6)}"}
        reply = await _send(session, crowd, "POST", f"{API}/{crowd.code}/ideas", json=body, headers=headers)
        if reply is not None and reply.status != 201:
            crowd.failures[f"idea {reply.status}"] += 1
    others = [i for i in state["ideas"] if not i["mine"] and not i["backed"]]
    if others and random.random() < 0.1:
        path = f"{API}/{crowd.code}/ideas/{others[0]['id']}/backing"
        reply = await _send(session, crowd, "PUT", path, headers=headers)
        if reply is not None and reply.status != 200:
            crowd.failures[f"backing {reply.status}"] += 1


async def phone(session: aiohttp.ClientSession, crowd: Crowd, me: int) -> None:
    joined = await _send(session, crowd, "POST", f"{API}/{crowd.code}/participants", json={"name": f"Phone {me}"})
    if joined is None or joined.status != 201:
        crowd.failures[f"join {joined.status if joined is not None else 'lost'}"] += 1
        return
    headers = {"Authorization": f"Bearer {joined.body['token']}"}
    version, scored, tasks = None, set(), []
    while not crowd.done.is_set():
        params = {} if version is None else {"since": str(version)}
        try:
            async with session.get(f"{API}/{crowd.code}/state", params=params, headers=headers) as reply:
                status, state = reply.status, (await reply.json() if reply.status == 200 else None)
        except (aiohttp.ClientError, TimeoutError) as problem:
            crowd.failures[f"state {type(problem).__name__}"] += 1
            await asyncio.sleep(1)
            continue
        if status != 200:
            if not (crowd.done.is_set() and status == 410):  # 410 once the facilitator ended: the way out
                crowd.failures[f"state {status}"] += 1
            break
        if version is None:
            with crowd.listening.get_lock():
                crowd.listening.value += 1
        version = state["version"]
        for item in state["touchpoints"]:
            if item["id"] not in scored:
                scored.add(item["id"])
                crowd.seen.append((item["id"], time.monotonic()))
                tasks.append(asyncio.create_task(_vote(session, crowd, me, headers, item["id"])))
                tasks.append(asyncio.create_task(_ideas(session, crowd, headers, state)))
    await asyncio.gather(*tasks)


def _connector(phones: int) -> aiohttp.TCPConnector:
    # Each phone holds its long poll and now and then a vote or an idea beside it.
    return aiohttp.TCPConnector(limit=phones * 2 + 20, limit_per_host=phones * 2 + 20)


async def _crowd(urls: list[str], crowd: Crowd, phones: range) -> None:
    """The phones of one process, phone n on server n mod len(urls) (a session per server)."""
    timeout = aiohttp.ClientTimeout(total=60)
    sessions = [aiohttp.ClientSession(base_url=url, connector=_connector(len(phones)), timeout=timeout) for url in urls]
    try:
        await asyncio.gather(*(phone(sessions[n % len(urls)], crowd, n) for n in phones))
    finally:
        for session in sessions:
            await session.close()


def client_process(urls: list[str], code: str, phones: range, done: Any, listening: Any, results: Any) -> None:
    """One client process: its share of the room's phones, then what they saw, on ``results``."""
    crowd = Crowd(code, done, listening)
    asyncio.run(_crowd(urls, crowd, phones))
    results.put((crowd.taps, crowd.seen, crowd.final, crowd.failures))


def _cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


PG_DATABASE = "bench_room"


def _target(folder: Path, server_url: str | None) -> str:
    """A new, empty workspace: a file in ``folder``, or a new database on a PostgreSQL server."""
    if server_url is None:
        return str(folder / "room.duckdb")
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"drop database if exists {PG_DATABASE} with (force)")
        admin.execute(f"create database {PG_DATABASE}")
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{PG_DATABASE}"))


def _workspace(db: str, touchpoints: int) -> str:
    with Store(db) as store:
        cycle_id = cycles.create_cycle(store, "Room")
        for n in range(touchpoints):
            cycles.add_touchpoint(store, cycle_id, TouchpointFields(f"Touchpoint {n + 1}", "make_or_break"))
        token = tokens.create(store, "facilitator", "facilitator")
    return token


async def _post(session: aiohttp.ClientSession, path: str, token: str, body: dict[str, Any]) -> Any:
    async with session.post(path, json=body, headers={"Authorization": f"Bearer {token}"}) as reply:
        assert reply.status in (200, 201), await reply.text()
        return await reply.json()


async def _get(session: aiohttp.ClientSession, path: str, token: str) -> Any:
    async with session.get(path, headers={"Authorization": f"Bearer {token}"}) as reply:
        assert reply.status == 200, await reply.text()
        return await reply.json()


async def facilitator(
    session: aiohttp.ClientSession, code: str, token: str, order: list[int], every: float
) -> dict[int, float]:
    """Opens the first touchpoint, then presses "next" every ``every`` seconds; when each was sent."""
    sent: dict[int, float] = {}
    for index, tp in enumerate(order):
        sent[tp] = time.monotonic()
        await _post(session, f"{API}/{code}/steps", token, {"action": "open" if index == 0 else "next"})
        await asyncio.sleep(every)
    return sent


def _pct(values: list[float], q: int) -> float:
    """The ``q``-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] if ordered else float("nan")


@dataclass
class Run:
    """One run's figures as measured in the main process."""

    code: str = ""
    sent: dict[int, float] = field(default_factory=dict)
    cores: dict[str, float] = field(default_factory=dict)
    served: Counter[tuple[int, str]] = field(default_factory=Counter)
    crowds: list[tuple[list[float], list[tuple[int, float]], dict[tuple[int, int], str], Counter[str]]] = field(
        default_factory=list
    )


def _start_clients(urls: list[str], code: str, phones: int, clients: int) -> tuple[list[Any], Any, Any, Any]:
    context = mp.get_context("spawn")  # not fork: this process runs an event loop
    done, listening, results = context.Event(), context.Value("i", 0), context.Queue()
    share = math.ceil(phones / clients)
    workers = [
        context.Process(
            target=client_process,
            args=(urls, code, range(k * share, min(phones, (k + 1) * share)), done, listening, results),
            daemon=True,
        )
        for k in range(clients)
    ]
    for worker in workers:
        worker.start()
    return workers, done, listening, results


async def _wait_listening(listening: Any, phones: int) -> None:
    """Until every phone holds its first state (a minute at most), and a moment for their long polls."""
    deadline = time.monotonic() + 60
    while listening.value < phones and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)


@dataclass
class Room:
    """The servers of one run (the facilitator talks to the first) and how the room is driven."""

    urls: list[str]
    pids: list[int]
    token: str
    phones: int
    every: float
    clients: int


async def run_room(room: Room) -> Run:
    run, url, token = Run(), room.urls[0], room.token
    # A connection per request for the facilitator: pressing "next" every 5 s on a kept-alive
    # connection met uvicorn closing it after 5 s idle now and then ("connection reset by peer",
    # and the run was lost), and a step cannot simply be sent again (it might skip a touchpoint).
    fresh = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(base_url=url, connector=fresh, timeout=aiohttp.ClientTimeout(total=60)) as session:
        run.code = (await _post(session, API, token, {"cycle": "Room", "scale": "1-5"}))["code"]
        order = [t["touchpoint_id"] for t in (await _get(session, f"{API}/{run.code}/results", token))["touchpoints"]]
        workers, done, listening, results = _start_clients(room.urls, run.code, room.phones, room.clients)
        try:
            await _wait_listening(listening, room.phones)
            await _measure(session, run, room, order, workers)
            done.set()
            await _post(session, f"{API}/{run.code}/steps", token, {"action": "end"})  # wakes every phone
            run.crowds = [await asyncio.to_thread(results.get, True, 120) for _ in workers]
        finally:
            done.set()  # a failed run stops its phones too
            for worker in workers:
                worker.join(timeout=30)
                if worker.is_alive():
                    worker.kill()
        results_body = await _get(session, f"{API}/{run.code}/results", token)
    run.served = Counter({(a["touchpoint_id"], a["answer"]): a["votes"] for a in results_body["answers"]})
    return run


async def _measure(session: aiohttp.ClientSession, run: Run, room: Room, order: list[int], workers: list[Any]) -> None:
    """The idle servers' CPU with every phone waiting, then the facilitator's steps and the voting."""
    servers_cpu = lambda: sum(_cpu_seconds(pid) for pid in room.pids)  # noqa: E731
    cpu, clock = servers_cpu(), time.monotonic()
    await asyncio.sleep(IDLE_SECONDS)
    run.cores["idle"] = (servers_cpu() - cpu) / (time.monotonic() - clock)
    cpu, clock = servers_cpu(), time.monotonic()
    own = [_cpu_seconds(w.pid) for w in workers]
    run.sent = await facilitator(session, run.code, room.token, order, room.every)
    await asyncio.sleep(4)  # the last touchpoint's taps and changes
    seconds = time.monotonic() - clock
    run.cores["busy"] = (servers_cpu() - cpu) / seconds
    run.cores["phones"] = sum(_cpu_seconds(w.pid) - c for w, c in zip(workers, own, strict=True)) / seconds


def _diff(final: dict[tuple[int, int], str], stored: Counter[tuple[int, str]]) -> int:
    """Votes lost plus votes doubled: the phones' last answers against what was stored."""
    sent = Counter((tp, answer) for (_, tp), answer in final.items())
    return sum((sent - stored).values()) + sum((stored - sent).values())


def _stored(db: str, code: str) -> Counter[tuple[int, str]]:
    with Store(db) as store, store.cursor() as cur:
        rows = cur.execute(
            "select i.touchpoint_id, i.raw_value, count(*) from impression i join workshop_session s"
            " on s.id = i.workshop_session_id where s.code = ? and i.source = 'workshop'"
            " group by i.touchpoint_id, i.raw_value",
            [code],
        ).fetchall()
    return Counter({(int(tp), str(answer)): int(n) for tp, answer, n in rows})


def once(args: argparse.Namespace, phones: int, clients: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="workshop-load-"))
    db = _target(folder, args.db)
    token = _workspace(db, args.touchpoints)
    started = [
        start_server(db, folder / f"server{n}.log", {"PYTHONFAULTHANDLER": "1"})  # a crash shows where
        for n in range(args.servers)
    ]
    processes = [process for process, _ in started]
    room = Room([s.url for _, s in started], [p.pid for p in processes], token, phones, args.every, clients)
    try:
        run = asyncio.run(run_room(room))
        rss = max(_peak_rss_mb(p.pid) for p in processes)
    finally:
        for n, process in enumerate(processes):
            if process.poll() is not None:  # died under the load: say how, and where its log is
                print(f"server {n} exited with {process.returncode} during the run; its log: {folder}/server{n}.log")
            stop_server(process)
    taps = sorted(t for crowd in run.crowds for t in crowd[0])
    reached = [when - run.sent[tp] for crowd in run.crowds for tp, when in crowd[1] if tp in run.sent]
    final = {key: answer for crowd in run.crowds for key, answer in crowd[2].items()}
    failures = sum((crowd[3] for crowd in run.crowds), Counter())
    print(
        f"{phones} phones ({clients} client processes, {args.servers} server(s)"
        f"), {args.touchpoints} touchpoints,"
        f" next every {args.every:g} s: "
        f"tap to confirm median {statistics.median(taps) * 1000:.0f} ms, p95 {_pct(taps, 95) * 1000:.0f} ms "
        f"({len(taps)} taps); next reaches phones p95 {_pct(reached, 95):.2f} s "
        f"(median {statistics.median(reached):.2f} s, {len(reached)} arrivals); "
        f"server CPU idle {run.cores['idle']:.3f} cores, busy {run.cores['busy']:.2f} cores "
        f"(the phones' processes: {run.cores['phones']:.2f}); peak RSS {rss:.0f} MB; "
        f"votes lost or doubled: {_diff(final, _stored(db, run.code))} in the workspace, "
        f"{_diff(final, run.served)} in the results ({len(final)} votes); failures: {dict(failures) or 'none'}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--touchpoints", type=int, default=6)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between the facilitator's steps")
    parser.add_argument("--clients", type=int, default=0, help="client processes (default: one per 100 phones)")
    parser.add_argument("--db", metavar="URL", help="a PostgreSQL server: each run on a new database there")
    parser.add_argument("--servers", type=int, default=1, help="app servers on the one workspace")
    args = parser.parse_args()
    if args.servers > 1 and not args.db:
        parser.error("--servers above 1 needs --db: a DuckDB file takes one server")
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    for phones in args.phones:
        clients = args.clients or math.ceil(phones / PHONES_PER_CLIENT)
        for _ in range(args.runs):
            once(args, phones, clients)
    print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
