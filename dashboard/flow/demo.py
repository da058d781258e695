"""The demo workspace's customer flow: monthly counts for every service cycle, from a fixed seed.

The story matches the demo's impressions (``dashboard.demo``):

- *New installation* converts few prospects until itemised quotes within 48 hours became the
  standard (the "Written quote" touchpoint improves then), and clearly more afterwards;
- *Repair job* converts below its target all along: late engineers ("Engineer arrival") are
  where its chain breaks;
- word of mouth and referrals convert far better than advertising; trade articles bring too
  few prospects to rank;
- churn rises every winter (December to February), when breakdowns test the service;
- each month's referrals come back as the next month's prospects from the source "Referral".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard import flow
from dashboard.store import Store
from dashboard.store import flow as flow_store

SOURCE_MIX = np.array([0.31, 0.21, 0.15, 0.10, 0.035, 0.13, 0.004, 0.06])
"""Share of prospects per source, in the order of ``flow.SOURCES``."""
SOURCE_LIFT = np.array([1.0, 1.6, 1.1, 0.8, 0.9, 0.45, 1.0, 1.7])
"""How much better (or worse) than the cycle's conversion each source converts."""


@dataclass(frozen=True)
class CycleFlow:
    prospects: int  # a typical month
    peak_month: int
    conversion: float
    conversion_after: float  # from the adoption day on
    active: int  # customers when the data begins
    churn: float


STORIES = {
    "New installation": CycleFlow(260, 10, 0.16, 0.30, 900, 0.012),
    "Repair job": CycleFlow(420, 1, 0.17, 0.17, 1500, 0.02),
    "Annual service renewal": CycleFlow(160, 9, 0.3, 0.3, 2500, 0.01),
}
OTHER = CycleFlow(200, 6, 0.3, 0.3, 1000, 0.015)


def month_starts(last_day: date, months: int) -> pd.DatetimeIndex:
    """The first days of the ``months`` months ending with ``last_day``'s month."""
    return pd.date_range(end=pd.Timestamp(last_day).to_period("M").to_timestamp(), periods=months, freq="MS")


def cycle_counts(story: CycleFlow, periods: pd.DatetimeIndex, adopted: date, rng: np.random.Generator) -> pd.DataFrame:
    """One cycle's counts, ``period, measure, source, count`` (months simulated in order: each
    month's customers depend on the month before)."""
    season = 1 + 0.35 * np.cos((periods.month.to_numpy() - story.peak_month) / 12 * 2 * np.pi)
    expected = story.prospects * season[:, None] * SOURCE_MIX[None, :]
    prospects = rng.poisson(expected)
    after = np.asarray(periods >= pd.Timestamp(adopted))  # the first whole month under the standard on
    rate = np.where(after, story.conversion_after, story.conversion)[:, None] * SOURCE_LIFT[None, :]
    winter = np.isin(periods.month.to_numpy(), [12, 1, 2])
    churn = story.churn * np.where(winter, 2.6, 1.0)
    active = np.empty(len(periods), dtype=np.int64)
    columns: dict[str, np.ndarray] = {m: np.zeros(len(periods), dtype=np.int64) for m in flow.MEASURE_KEYS[2:]}
    won = np.zeros_like(prospects)
    current = story.active
    referral = flow.SOURCES.index("Referral")
    for month in range(len(periods)):
        if month:
            prospects[month, referral] = columns["referrals"][month - 1]  # referrals come back as prospects
        won[month] = rng.binomial(prospects[month], np.clip(rate[month], 0, 1))
        active[month] = current
        columns["lost"][month] = rng.binomial(current, churn[month])
        columns["retained"][month] = current - columns["lost"][month]
        columns["repeat_purchases"][month] = rng.binomial(columns["retained"][month], 0.056)
        columns["referrals"][month] = rng.binomial(columns["retained"][month], 0.012)
        current = int(columns["retained"][month] + won[month].sum())
    columns["active_customers"] = active
    by_source = [
        pd.DataFrame(
            {
                "period": periods.repeat(len(flow.SOURCES)),
                "measure": measure,
                "source": np.tile(flow.SOURCES, len(periods)),
                "count": values.ravel(),
            }
        )
        for measure, values in (("prospects", prospects), ("customers_won", won))
    ]
    plain = [pd.DataFrame({"period": periods, "measure": m, "source": "", "count": v}) for m, v in columns.items()]
    return pd.concat([*by_source, *plain], ignore_index=True)


def add_flow(store: Store, last_day: date, *, adopted: date, months: int = 15, seed: int = 7) -> int:
    """Writes ``months`` months of flow for every service cycle (one transaction); returns the
    number of counts. ``adopted`` is the day the written-quote standard was adopted."""
    rng = np.random.default_rng(seed + 13)
    periods = month_starts(last_day, months)
    frames = [
        cycle_counts(STORIES.get(str(name), OTHER), periods, adopted, rng).assign(cycle_id=int(cycle_id))
        for cycle_id, name in flow_store.cycles(store)[["id", "name"]].itertuples(index=False)
    ]
    if not frames:
        return 0
    return flow_store.record(store, pd.concat(frames, ignore_index=True), entered_by="demo")
