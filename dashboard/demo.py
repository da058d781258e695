"""The demo workspace: a believable heating-services business, generated from a fixed seed.

"Northwind Heating" installs, repairs and services home heating. Its data hides patterns a
viewer should be able to find:

- one weak touchpoint that spoils its cycle: in *Repair job*, "Engineer arrival" (late or
  unannounced engineers) drags Make-or-Break down, so that is where the chain breaks;
- one touchpoint that improves after an enhancement idea was adopted: in *New installation*,
  the "Written quote" gets much better once itemised quotes within 48 hours became the rule;
- seasonal volume: repairs peak in winter, installations in autumn;
- groups that disagree: landlords rate invoices far lower than homeowners do, and business
  customers dislike the appointment confirmation.

The same seed, size and end date always give the same data. Generation is vectorised with
NumPy and the rows go to DuckDB in bulk, so ten million impressions take seconds. The business
itself, as data, is in ``dashboard.demo_business``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from dashboard.demo_business import (
    COMMENTS,
    CYCLES,
    GROUP_SHIFTS,
    GROUPS,
    IDEAS,
    IMPROVED_DAYS_BEFORE_END,
    IMPROVEMENT,
    IMPROVER,
    PLAN,
    REVIEWS,
    STATEMENTS,
    TEAMS,
    TouchpointSpec,
)
from dashboard.flow import demo as flow_demo
from dashboard.scales import Scale
from dashboard.store import Cursor, Store, cycles, groups, ideas, plan, workspace
from dashboard.store.impressions import insert_coded_impressions
from dashboard.touchpoints import TouchpointFields

DEFAULT_SEED = 7
DEFAULT_IMPRESSIONS = 30_000
HISTORY_DAYS = 15 * 30 + 5
CHUNK_ROWS = 2_000_000


@dataclass(frozen=True)
class DemoSummary:
    """What ``build`` made: counts and the first and last day of the impressions."""

    cycles: int
    touchpoints: int
    impressions: int
    first_day: date
    last_day: date


def build(
    store: Store,
    *,
    impressions: int = DEFAULT_IMPRESSIONS,
    seed: int = DEFAULT_SEED,
    end: date | None = None,
) -> DemoSummary:
    """Fills an empty workspace with the demo business; refuses a workspace that has data."""
    if workspace.counts(store)["cycles"]:
        raise ValueError("the workspace already has service cycles; the demo goes into an empty one")
    last_day = end or date.today()
    first_day = last_day - timedelta(days=HISTORY_DAYS - 1)
    # The whole map (groups, teams, cycles, touchpoints, ideas, plan) is one transaction: every
    # write through the one API, without paying a commit and a roll-up check for each of them.
    with store.transaction() as cur:
        group_ids = {name: groups.insert_named(cur, "group", name, text) for name, text, _ in GROUPS}
        team_ids = {name: groups.insert_named(cur, "team", name, text) for name, text in TEAMS}
        tp_rows = []
        for cycle_index, cycle in enumerate(CYCLES):
            cycle_id = cycles.insert_cycle(cur, cycle.name, cycle.description)
            for spec in cycle.touchpoints:
                tp_id = cycles.insert_touchpoint(cur, cycle_id, _fields(spec, team_ids, group_ids))
                tp_rows.append((tp_id, cycle_index, cycle.name, spec.name, spec.base, spec.volume))
        ids_by_name = {(cycle, name): tp_id for tp_id, _, cycle, name, _, _ in tp_rows}
        _add_ideas(cur, ids_by_name, last_day)
        _add_plan(cur, last_day)
    tps = pd.DataFrame(tp_rows, columns=["id", "cycle_index", "cycle", "name", "base", "volume"])
    _add_plan_content(store, ids_by_name, group_ids, last_day)
    _add_impressions(store, tps, group_ids, impressions, seed, first_day)
    flow_demo.add_flow(store, last_day, adopted=last_day - timedelta(days=IMPROVED_DAYS_BEFORE_END), seed=seed)
    return DemoSummary(len(CYCLES), len(tps), impressions, first_day, last_day)


def _fields(spec: TouchpointSpec, team_ids: dict[str, int], group_ids: dict[str, int]) -> TouchpointFields:
    return TouchpointFields(
        spec.name,
        spec.moment,
        channel=spec.channel,
        owner_team_id=team_ids[spec.owner],
        group_ids=tuple(group_ids[g] for g in spec.groups),
        standard=spec.standard,
        situation=spec.situation,
        recovery_plan=spec.recovery_plan,
    )


def _add_ideas(cur: Cursor, ids: dict[tuple[str, str], int], last_day: date) -> None:
    for cycle, touchpoint, text, status, votes in IDEAS:
        adopted_on = None
        if (cycle, touchpoint) == IMPROVER and status == "standard":
            adopted_on = last_day - timedelta(days=IMPROVED_DAYS_BEFORE_END)
        elif status != "proposed":
            adopted_on = last_day - timedelta(days=40)
        ideas.insert_idea(cur, ids[(cycle, touchpoint)], text, status=status, votes=votes, adopted_on=adopted_on)


def _add_plan(cur: Cursor, last_day: date) -> None:
    """The plan as it stands, reached through a little history: every cell that is done or at
    risk was first in progress; changes are spread over the months before the last day."""
    noon = datetime.combine(last_day, time(12))
    for index, (step, moment, status, owner, due_in, notes) in enumerate(PLAN):
        due_on = None if due_in is None else last_day + timedelta(days=due_in)
        if status != "in_progress":
            started = noon - timedelta(days=300 - 9 * index)
            plan.write_plan_cell(
                cur, step, moment, status="in_progress", owner=owner, changed_by=owner, changed_at=started
            )
        changed = noon - timedelta(days=200 - 8 * index)
        plan.write_plan_cell(
            cur,
            step,
            moment,
            status=status,
            owner=owner,
            due_on=due_on,
            notes=notes,
            changed_by=owner,
            changed_at=changed,
        )


def _scales() -> tuple[list[Scale], pd.DataFrame]:
    """Every scale the demo uses: one per cycle's survey, then workshop (-2..2) and manual (1-5)."""
    scales = [cycle.scale for cycle in CYCLES] + [Scale.numeric(-2, 2), Scale.numeric(1, 5)]
    frame = pd.DataFrame(
        {
            "scale_id": np.arange(len(scales), dtype=np.int32),
            "spec": [s.spec for s in scales],
            "low": [s.low for s in scales],
            "high": [s.high for s in scales],
            "labels": [list(s.labels) if s.labels else None for s in scales],
        }
    )
    return scales, frame


def _comments() -> tuple[dict[str, tuple[int, int]], pd.DataFrame]:
    """Comment texts with ids, and for each tone the (first id, count) of its texts."""
    texts: list[str] = []
    ranges: dict[str, tuple[int, int]] = {}
    for tone, pool in COMMENTS.items():
        ranges[tone] = (len(texts), len(pool))
        texts.extend(pool)
    return ranges, pd.DataFrame({"comment_id": np.arange(len(texts), dtype=np.int32), "text": texts})


def _add_impressions(
    store: Store, tps: pd.DataFrame, group_ids: dict[str, int], total: int, seed: int, first_day: date
) -> None:
    scales, scale_frame = _scales()
    comment_ranges, comment_frame = _comments()
    with store.transaction() as cur:
        for chunk_index, start in enumerate(range(0, total, CHUNK_ROWS)):
            rng = np.random.default_rng([seed, chunk_index])
            codes = _chunk(rng, min(CHUNK_ROWS, total - start), tps, group_ids, scales, comment_ranges, first_day)
            insert_coded_impressions(cur, codes, scale_frame, comment_frame, first_day)


def _chunk(
    rng: np.random.Generator,
    n: int,
    tps: pd.DataFrame,
    group_ids: dict[str, int],
    scales: list[Scale],
    comment_ranges: dict[str, tuple[int, int]],
    first_day: date,
) -> pd.DataFrame:
    tp_index = rng.choice(len(tps), size=n, p=(tps["volume"] / tps["volume"].sum()).to_numpy())
    cycle_index = tps["cycle_index"].to_numpy()[tp_index]

    # Days: each cycle has its own seasonal peak, and survey volume grows slowly over time.
    days = np.empty(n, dtype=np.int32)
    day_numbers = np.arange(HISTORY_DAYS)
    day_of_year = pd.date_range(first_day, periods=HISTORY_DAYS, freq="D").day_of_year.to_numpy()
    for index, cycle in enumerate(CYCLES):
        rows = np.flatnonzero(cycle_index == index)
        weight = (1 + 0.55 * np.cos(2 * np.pi * (day_of_year - cycle.peak_day_of_year) / 365.25)) * (
            1 + 0.4 * day_numbers / HISTORY_DAYS
        )
        days[rows] = rng.choice(HISTORY_DAYS, size=rows.size, p=weight / weight.sum())

    names = [name for name, _, _ in GROUPS]
    group_index = rng.choice(len(GROUPS), size=n, p=[share for _, _, share in GROUPS])
    source = rng.choice(3, size=n, p=[0.94, 0.04, 0.02]).astype(np.int8)

    latent = tps["base"].to_numpy()[tp_index] + rng.normal(0.0, 0.45, size=n)
    tp_names = tps["name"].to_numpy()[tp_index]
    for (touchpoint, group), shift in GROUP_SHIFTS.items():
        latent += np.where((tp_names == touchpoint) & (group_index == names.index(group)), shift, 0.0)
    improver = ids_match(tps, IMPROVER)
    improved_from = HISTORY_DAYS - IMPROVED_DAYS_BEFORE_END
    ramp = np.clip((days - improved_from) / 45.0, 0.0, 1.0)  # the change beds in over six weeks
    latent += np.where(tps["id"].to_numpy()[tp_index] == improver, IMPROVEMENT * ramp, 0.0)
    latent = np.clip(latent, -1.0, 1.0)

    scale_id = np.where(source == 0, cycle_index, np.where(source == 1, len(CYCLES), len(CYCLES) + 1))
    steps = np.array([s.high - s.low for s in scales])[scale_id]
    point = np.rint((latent + 1.0) / 2.0 * steps).astype(np.int16)
    score = point / steps * 2.0 - 1.0

    comment_id = np.full(n, -1, dtype=np.int32)
    commented = rng.random(n) < 0.08
    for tone, mask in (("positive", score > 0), ("neutral", score == 0), ("negative", score < 0)):
        first, count = comment_ranges[tone]
        chosen = commented & mask
        comment_id[chosen] = first + rng.integers(0, count, size=int(chosen.sum()))

    return pd.DataFrame(
        {
            "touchpoint_id": tps["id"].to_numpy()[tp_index].astype(np.int32),
            "day": days,
            "point": point,
            "scale_id": scale_id.astype(np.int32),
            "group_id": np.array([group_ids[name] for name in names], dtype=np.int32)[group_index],
            "source_id": source,
            "comment_id": comment_id,
        }
    )


def ids_match(tps: pd.DataFrame, key: tuple[str, str]) -> int:
    """The id of the touchpoint named ``key = (cycle, touchpoint)``."""
    hit = tps.loc[(tps["cycle"] == key[0]) & (tps["name"] == key[1]), "id"]
    return int(hit.iloc[0])


def _add_plan_content(store: Store, ids: dict[tuple[str, str], int], group_ids: dict[str, int], last_day: date) -> None:
    """What the plan's steps need beyond the map: desired reputation and standard reviews."""
    for group, moment, text in STATEMENTS:
        plan.set_statement(store, group_ids[group], moment, text)
    for cycle, touchpoint, every, ago in REVIEWS:
        plan.set_review(store, ids[(cycle, touchpoint)], every, last_day - timedelta(days=ago))
