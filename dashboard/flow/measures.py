"""Rates from flow counts, each with its 95% interval: the funnel, conversion by month and by
source, churn, the repeat and referral rates, the link between impressions and conversion, and
what churn costs.

Input is the store's small aggregate (``store.flow.sums``: one row per cycle, month, measure and
source); everything here is vectorised pandas on those few rows. Proportions get Wilson score
intervals; a change between months is significant only when its (Newcombe) interval excludes
zero; a correlation gets Fisher's z interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dashboard import domain, flow, metrics

MIN_MONTHS = 6
"""Fewer months than this are too few to say whether impressions and conversion move together."""
UNCERTAIN_WIDTH = 0.15
"""A source whose conversion interval is wider than this (15 points) is shown, not ranked."""


def rate_frame(passed: Any, base: Any) -> pd.DataFrame:
    """``rate, low, high`` for counts passed out of base; no interval where base is 0 or passed
    exceeds it (a count that is not a share of its base)."""
    k = np.asarray(passed, dtype=float)
    n = np.asarray(base, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, k / n, np.nan)
    low, high = metrics.wilson_interval(k, n)
    proper = (n > 0) & (k <= n)
    return pd.DataFrame({"rate": rate, "low": np.where(proper, low, np.nan), "high": np.where(proper, high, np.nan)})


def totals(sums: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """One column per measure (zero when absent), summed over everything but ``by``."""
    if not by:
        summed = sums.groupby("measure")["count"].sum()
        return pd.DataFrame(
            [summed.reindex(list(flow.MEASURE_KEYS), fill_value=0).to_numpy()], columns=flow.MEASURE_KEYS
        )
    wide = sums.pivot_table(index=list(by), columns="measure", values="count", aggfunc="sum", fill_value=0)
    return wide.reindex(columns=list(flow.MEASURE_KEYS), fill_value=0).reset_index().rename_axis(columns=None)


def funnel(sums: pd.DataFrame, settings: flow.Settings) -> pd.DataFrame:
    """The four moments in order: how many reached each, its conversion with interval, the
    target conversion and the loss (the share that did not pass on). A moment whose two
    measures were never recorded has no conversion (not a conversion of zero)."""
    t = totals(sums).iloc[0]
    present = set(sums["measure"])
    rows = []
    for moment in domain.MOMENT_KEYS:
        conversion = flow.CONVERSIONS.get(moment)
        recorded = conversion is not None and {conversion[0], conversion[1]} <= present
        passed, base = (int(t[conversion[0]]), int(t[conversion[1]])) if recorded and conversion else (np.nan, np.nan)
        rows.append((moment, domain.moment_label(moment), passed, base, settings.target(moment)))
    frame = pd.DataFrame(rows, columns=["moment", "label", "passed", "base", "target"])
    frame.insert(
        2, "count", [int(t["prospects"]), int(t["customers_won"]), int(t["retained"]), int(t["repeat_purchases"])]
    )
    frame = pd.concat([frame, rate_frame(frame["passed"], frame["base"])], axis=1)
    frame["target"] = frame["target"].astype(float)
    frame["lost"] = frame["base"] - frame["passed"]
    frame["loss"] = 1 - frame["rate"]
    frame["target_loss"] = 1 - frame["target"]
    frame["below_target"] = frame["rate"] < frame["target"]
    frame["clearly_below"] = frame["high"] < frame["target"]
    return frame


def _newcombe(
    p1: pd.Series, l1: pd.Series, h1: pd.Series, p2: pd.Series, l2: pd.Series, h2: pd.Series
) -> tuple[Any, Any]:
    """The 95% interval of p2 - p1 from the two Wilson intervals (Newcombe's hybrid score)."""
    d = p2 - p1
    return d - np.sqrt((p2 - l2) ** 2 + (h1 - p1) ** 2), d + np.sqrt((h2 - p2) ** 2 + (p1 - l1) ** 2)


def monthly(sums: pd.DataFrame, passed: str, base: str) -> pd.DataFrame:
    """A rate month by month (``period, passed, base, rate, low, high``) with its change from the
    month before and whether that change holds (its interval excludes zero)."""
    t = totals(sums, ["period"]).sort_values("period").reset_index(drop=True)
    frame = pd.DataFrame({"period": t["period"], "passed": t[passed], "base": t[base]})
    frame = pd.concat([frame, rate_frame(frame["passed"], frame["base"])], axis=1)
    prev = frame[["rate", "low", "high"]].shift(1)
    frame["change"] = frame["rate"] - prev["rate"]
    frame["change_low"], frame["change_high"] = _newcombe(
        prev["rate"], prev["low"], prev["high"], frame["rate"], frame["low"], frame["high"]
    )
    frame["significant"] = metrics.significant(frame["change_low"], frame["change_high"])
    return frame


def by_source(sums: pd.DataFrame) -> pd.DataFrame:
    """Prospects and customers won per source with the conversion and its interval.

    Sources whose interval is wider than ``UNCERTAIN_WIDTH`` are marked uncertain: they come
    after the ranked ones, in name order, so a source with a handful of prospects is never
    placed first by luck.
    """
    named = sums[(sums["source"] != "") & sums["measure"].isin(["prospects", "customers_won"])]
    t = totals(named, ["source"])
    frame = pd.DataFrame({"source": t["source"], "prospects": t["prospects"], "customers_won": t["customers_won"]})
    frame = pd.concat([frame, rate_frame(frame["customers_won"], frame["prospects"])], axis=1)
    frame["uncertain"] = ~((frame["high"] - frame["low"]) <= UNCERTAIN_WIDTH)
    frame["share"] = frame["prospects"] / max(int(frame["prospects"].sum()), 1)
    ranked = frame[~frame["uncertain"]].sort_values(["rate", "source"], ascending=[False, True])
    return pd.concat([ranked, frame[frame["uncertain"]].sort_values("source")], ignore_index=True)


def correlation(x: Any, y: Any) -> dict[str, Any]:
    """Pearson's r between two monthly series with its 95% interval (Fisher's z), and a verdict
    in words. Months missing either value are left out."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    both = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[both], ys[both]
    n = int(xs.size)
    out: dict[str, Any] = {"n": n, "r": np.nan, "low": np.nan, "high": np.nan}
    if n < MIN_MONTHS or np.std(xs) == 0 or np.std(ys) == 0:
        out["verdict"] = f"Too few months to tell ({n}; at least {MIN_MONTHS} with both figures are needed)."
        return out
    r = float(np.corrcoef(xs, ys)[0, 1])
    z, se = np.arctanh(np.clip(r, -0.999999, 0.999999)), 1 / np.sqrt(n - 3)
    out.update(r=r, low=float(np.tanh(z - metrics.Z * se)), high=float(np.tanh(z + metrics.Z * se)))
    if out["low"] > 0:
        out["verdict"] = f"They rise and fall together (r = {r:+.2f}, 95% CI {out['low']:+.2f} to {out['high']:+.2f})."
    elif out["high"] < 0:
        out["verdict"] = (
            f"They move in opposite directions (r = {r:+.2f}, 95% CI {out['low']:+.2f} to {out['high']:+.2f})."
        )
    else:
        out["verdict"] = (
            f"No clear link over {n} months (r = {r:+.2f}, 95% CI {out['low']:+.2f} to {out['high']:+.2f} includes 0)."
        )
    return out


def churn_cost(lost: int, settings: flow.Settings) -> dict[str, float]:
    """What losing ``lost`` customers costs: the value they take with them and the cost of winning
    as many new ones, beside what keeping them would have cost (winning costs ``win_to_keep_ratio``
    times as much as keeping)."""
    value_lost = lost * settings.customer_value
    replacing = lost * settings.win_cost
    return {
        "lost": float(lost),
        "value_lost": value_lost,
        "replacing": replacing,
        "total": value_lost + replacing,
        "keeping": replacing / settings.win_to_keep_ratio,
    }


def overall(sums: pd.DataFrame) -> dict[str, Any]:
    """Each measure's count and the conversion, churn, repeat and referral rates (with
    ``*_interval``) over all of ``sums``: the total of ``summary`` without the breakdowns."""
    return _summary(totals(sums).iloc[0])


def _summary(t: pd.Series) -> dict[str, Any]:
    """Counts and rates of one total row (a cycle, or everything)."""
    out: dict[str, Any] = {m: int(t[m]) for m in flow.MEASURE_KEYS}
    names = ("conversion", "churn", "repeat_rate", "referral_rate")
    passed = ["customers_won", "lost", "repeat_purchases", "referrals"]
    base = ["prospects", "active_customers", "retained", "retained"]
    rates = rate_frame(t[passed].to_numpy(), t[base].to_numpy()).round(4).astype(object)
    rates = rates.where(rates.notna(), None)
    for name, rate, low, high in zip(names, rates["rate"], rates["low"], rates["high"], strict=True):
        out[name] = rate
        out[f"{name}_interval"] = None if low is None else [low, high]
    return out


def _sources(sums: pd.DataFrame) -> list[dict[str, Any]]:
    frame = by_source(sums)[["source", "prospects", "customers_won", "rate", "uncertain"]].rename(
        columns={"rate": "conversion"}
    )
    frame["conversion"] = frame["conversion"].round(4).astype(object).where(frame["conversion"].notna(), None)
    return [{str(k): v for k, v in record.items()} for record in frame.to_dict("records")]


def summary(sums: pd.DataFrame) -> dict[str, Any]:
    """The figures of ``flow stats --json`` (and the API's summary), ready for ``json.dumps``:
    per cycle and in total, each measure's count, conversion, churn, repeat and referral rates
    with intervals, and prospects and conversion per source."""
    cycles = []
    for (cycle,), part in sums.groupby(["cycle"], sort=True):
        cycles.append({"cycle": str(cycle), **_summary(totals(part).iloc[0]), "sources": _sources(part)})
    months = sorted(sums["period"].unique())
    return {
        "from": f"{pd.Timestamp(months[0]):%Y-%m}" if months else None,
        "to": f"{pd.Timestamp(months[-1]):%Y-%m}" if months else None,
        "months": len(months),
        "total": {**_summary(totals(sums).iloc[0]), "sources": _sources(sums)},
        "cycles": cycles,
    }


def evidence_columns(recent: pd.DataFrame, settings: flow.Settings, *, in_use: bool) -> pd.DataFrame:
    """The flow's figures for the reputation plan's evidence, one row per moment: ``flow_records``
    (counts recorded for the moment's measures in the recent window), ``flow_passed`` and
    ``flow_base`` (its conversion's two counts there), ``flow_target_bp`` (the target conversion
    in basis points; the evidence figures are whole numbers) and ``flow_in_use`` (1 when the
    workspace records flow at all). ``recent`` is ``store.flow.evidence_counts``."""
    records = recent.assign(moment=recent["measure"].map(flow.MEASURE_MOMENT)).groupby("moment")["records"].sum()
    count = recent.set_index("measure")["count"]
    rows = []
    for moment in domain.MOMENT_KEYS:
        passed, base = flow.CONVERSIONS.get(moment, ("", "", ""))[:2]
        target = settings.target(moment)
        rows.append(
            (
                moment,
                int(records.get(moment, 0)),
                int(count.get(passed, 0)) if passed in count.index and base in count.index else 0,
                int(count.get(base, 0)) if passed in count.index and base in count.index else 0,
                0 if target is None else round(target * 10_000),
                int(in_use),
            )
        )
    return pd.DataFrame(
        rows, columns=["moment", "flow_records", "flow_passed", "flow_base", "flow_target_bp", "flow_in_use"]
    )


def conversion_evidence(figures: Mapping[str, int], recent_days: int) -> tuple[str, str, bool, str]:
    """Step 5's evidence from the flow, for a moment with no recent impressions: its recent
    conversion against its target (label, figure, passed, page)."""
    base, target = figures["flow_base"], figures.get("flow_target_bp", 0) / 10_000
    rate = figures.get("flow_passed", 0) / base
    figure = f"{rate:.0%} of {base:,} (target {target:.0%})"
    return f"Conversion at or above target, last {recent_days} days", figure, rate >= target, "flow"


def monitoring_evidence(figures: Mapping[str, int], recent_days: int) -> list[tuple[str, str, bool, str]]:
    """Step 6's evidence from the flow: once a workspace records flow at all, monitoring a
    moment includes recent flow counts for it (none when the workspace records no flow)."""
    if not figures.get("flow_in_use", 0):
        return []
    records = figures.get("flow_records", 0)
    return [(f"Flow counts recorded in the last {recent_days} days", f"{records:,} counts", records > 0, "flow")]


def lens_months(impressions: pd.DataFrame, rates: pd.DataFrame, moment: str) -> pd.DataFrame:
    """One moment's months with both figures: ``month, mean`` (the mean impression, from the
    ``moment_month`` summary) and ``rate, passed, base`` (from ``monthly``)."""
    means = impressions.loc[impressions["moment"] == moment, ["month", "mean", "n"]]
    means = means.assign(month=pd.to_datetime(means["month"]))
    rates = rates.assign(month=pd.to_datetime(rates["period"]))[["month", "rate", "passed", "base"]]
    return means.merge(rates, on="month").dropna(subset=["mean", "rate"]).sort_values("month").reset_index(drop=True)
