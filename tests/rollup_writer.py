"""A writer process for tests/test_pg_concurrent_rollup.py: many small write transactions on one
workspace, through the store's public write functions.

``python -m tests.rollup_writer TARGET KIND SEED ROUNDS CYCLE TOUCHPOINT_ID...``: KIND ``record``
records impressions (some with comments); ``import`` imports tiny surveys and undoes every other one;
``vote`` joins workshop session CYCLE and votes on its open touchpoint: a new vote, changed votes
and every fourth round a withdrawal, ending on a "5".
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

import pandas as pd

from dashboard.imports import pipeline
from dashboard.scales import Scale
from dashboard.store import Store, imports, impressions
from dashboard.store import workshop as sessions


def _record(store: Store, seed: int, rounds: int, touchpoints: list[int]) -> None:
    for i in range(rounds):
        rows = 1 + (seed + i) % 3
        frame = pd.DataFrame(
            {
                "touchpoint_id": [touchpoints[(i + j) % len(touchpoints)] for j in range(rows)],
                "observed_on": [date(2026, 1, 1) + timedelta(days=(seed * 7 + i * 3 + j) % 70) for j in range(rows)],
                "score": [((seed + i + j) % 3) - 1.0 for j in range(rows)],
                "group_id": [None] * rows,
                "source": ["survey" if j % 2 else "manual" for j in range(rows)],
                "comment": [f"w{seed} r{i}" if j == 0 and i % 2 else None for j in range(rows)],
            }
        )
        frame["raw_value"] = frame["score"].astype(str)
        frame["scale"] = "-1..1"
        impressions.record_impressions(store, frame)


def _import(store: Store, seed: int, rounds: int, cycle: str, names: list[str]) -> None:
    context = imports.cycle_context(store, cycle)
    for i in range(rounds):
        day = date(2026, 1, 1) + timedelta(days=i % 60)
        data = f"date,touchpoint,score,comment\n{day},{names[0]},4,import {seed}.{i}\n{day},{names[1]},2,\n"
        preview = pipeline.prepare(
            data.encode(), f"s{seed}-{i}.csv", context, pipeline.Options(scale=Scale.parse("1-5"))
        )
        batch = imports.commit(store, preview, imported_by="writer").batch_id
        if i % 2:
            imports.undo(store, batch)


def _vote(store: Store, seed: int, rounds: int, session_id: int, touchpoint_id: int) -> None:
    participant = sessions.join(store, session_id, f"writer-{seed}", f"Writer {seed}")
    for i in range(rounds):
        value = None if i % 4 == 3 else 1 + i % 5
        score = None if value is None else (value - 3) / 2
        sessions.record_vote(store, participant.id, touchpoint_id, None if value is None else str(value), score)


def main(argv: list[str]) -> None:
    target, kind, seed, rounds, cycle, *rest = argv
    with Store(target) as store:
        if kind == "record":
            _record(store, int(seed), int(rounds), [int(t) for t in rest])
        elif kind == "vote":
            _vote(store, int(seed), int(rounds), int(cycle), int(rest[0]))
        else:
            _import(store, int(seed), int(rounds), cycle, rest)


if __name__ == "__main__":
    main(sys.argv[1:])
