"""Impression metrics with their 95% confidence intervals, as plain functions.

Definitions (scores are normalised to -1..+1):
- mean impression: the average score; t-interval.
- positive / negative share: share of scores above / below 0; Wilson score interval.
- net impression: positive share minus negative share; normal interval with the variance of
  a difference of two multinomial shares, ``(p+ + p- - (p+ - p-)^2) / n``.
- perfection rate: share of impressions meeting their touchpoint's standard, i.e. scoring at
  or above its target; Wilson interval.
- gap to target: mean score minus mean target; below zero the group falls short. A moment
  or touchpoint "is weak" when its gap is negative; the first weak moment in journey order is
  where the chain breaks.

The vectorised ``summarise`` works on the statistics the store returns per group; the scalar
functions take raw scores and are there for tests and small calculations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from dashboard import domain

Z = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Estimate:
    """A value with its 95% confidence interval (NaN bounds when there is too little data)."""

    value: float
    low: float
    high: float


def wilson_interval(successes: ArrayLike, n: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval for proportions; NaN where ``n`` is 0."""
    k = np.asarray(successes, dtype=float)
    total = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / total
        denominator = 1 + Z**2 / total
        centre = (p + Z**2 / (2 * total)) / denominator
        half = Z * np.sqrt(p * (1 - p) / total + Z**2 / (4 * total**2)) / denominator
    return centre - half, centre + half


def mean_interval(total: ArrayLike, total_sq: ArrayLike, n: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and its 95% t-interval from sums; bounds are NaN below two observations."""
    count = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.asarray(total, dtype=float) / count
        variance = (np.asarray(total_sq, dtype=float) - count * mean**2) / (count - 1)
        sd = np.sqrt(np.clip(variance, 0, None))
        t = stats.t.ppf(0.975, np.where(count > 1, count - 1, np.nan))
        half = t * sd / np.sqrt(count)
    # Scores live in -1..+1, so an interval reaching past either end is cut there.
    return mean, np.clip(mean - half, -1, 1), np.clip(mean + half, -1, 1)


def net_interval(
    n_positive: ArrayLike, n_negative: ArrayLike, n: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Net impression (positive minus negative share) and its 95% normal interval."""
    count = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = np.asarray(n_positive, dtype=float) / count
        neg = np.asarray(n_negative, dtype=float) / count
        net = pos - neg
        half = Z * np.sqrt(np.clip(pos + neg - net**2, 0, None) / count)
    return net, np.clip(net - half, -1, 1), np.clip(net + half, -1, 1)


def summarise(stats_frame: pd.DataFrame) -> pd.DataFrame:
    """Adds every metric and interval to a frame of per-group statistics from the store.

    Expects the columns ``n, total, total_sq, n_positive, n_negative, n_meeting,
    target_total``; returns a copy with ``mean, mean_low, mean_high, positive_share,
    negative_share, net, net_low, net_high, perfection, perfection_low, perfection_high,
    target, gap`` and ``weak`` added.
    """
    n = stats_frame["n"].to_numpy(dtype=float)
    # Every new column computed first and joined once: adding columns one at a time makes
    # pandas rebuild its blocks each time (a third of this function's cost on a page).
    new: dict[str, ArrayLike] = {}
    new["mean"], new["mean_low"], new["mean_high"] = mean_interval(stats_frame["total"], stats_frame["total_sq"], n)
    with np.errstate(invalid="ignore", divide="ignore"):
        new["positive_share"] = stats_frame["n_positive"].to_numpy(dtype=float) / n
        new["negative_share"] = stats_frame["n_negative"].to_numpy(dtype=float) / n
        new["perfection"] = stats_frame["n_meeting"].to_numpy(dtype=float) / n
        mean_target = stats_frame["target_total"].to_numpy(dtype=float) / n
    new["net"], new["net_low"], new["net_high"] = net_interval(stats_frame["n_positive"], stats_frame["n_negative"], n)
    new["perfection_low"], new["perfection_high"] = wilson_interval(stats_frame["n_meeting"], n)
    if "target" not in stats_frame.columns:
        new["target"] = mean_target
    gap = np.asarray(new["mean"]) - mean_target
    new["gap"], new["weak"] = gap, gap < 0
    return pd.concat([stats_frame, pd.DataFrame(new, index=stats_frame.index)], axis=1)


def _raw_stats(scores: ArrayLike, targets: ArrayLike = domain.DEFAULT_TARGET) -> pd.DataFrame:
    s = np.asarray(scores, dtype=float)
    target = np.broadcast_to(np.asarray(targets, dtype=float), s.shape)
    return pd.DataFrame(
        {
            "n": [s.size],
            "total": [s.sum()],
            "total_sq": [(s * s).sum()],
            "n_positive": [(s > 0).sum()],
            "n_negative": [(s < 0).sum()],
            "n_meeting": [(s >= target).sum()],
            "target_total": [target.sum()],
        }
    )


def _estimate(row: pd.Series, name: str) -> Estimate:
    return Estimate(float(row[name]), float(row[f"{name}_low"]), float(row[f"{name}_high"]))


def mean_impression(scores: ArrayLike) -> Estimate:
    return _estimate(summarise(_raw_stats(scores)).iloc[0], "mean")


def share_positive(scores: ArrayLike) -> Estimate:
    s = np.asarray(scores, dtype=float)
    low, high = wilson_interval(np.array([(s > 0).sum()]), np.array([s.size]))
    return Estimate(float((s > 0).mean()), float(low[0]), float(high[0]))


def share_negative(scores: ArrayLike) -> Estimate:
    s = np.asarray(scores, dtype=float)
    low, high = wilson_interval(np.array([(s < 0).sum()]), np.array([s.size]))
    return Estimate(float((s < 0).mean()), float(low[0]), float(high[0]))


def net_impression(scores: ArrayLike) -> Estimate:
    return _estimate(summarise(_raw_stats(scores)).iloc[0], "net")


def perfection_rate(scores: ArrayLike, targets: ArrayLike = domain.DEFAULT_TARGET) -> Estimate:
    return _estimate(summarise(_raw_stats(scores, targets)).iloc[0], "perfection")


def chain_break(moment_summary: pd.DataFrame) -> str | None:
    """The first moment, in journey order, that is weak; None when the chain holds.

    ``moment_summary`` is ``summarise`` output with a ``moment`` column; moments without
    impressions cannot be judged and are skipped.
    """
    weak = set(moment_summary.loc[moment_summary["weak"], "moment"])
    return next((key for key in domain.MOMENT_KEYS if key in weak), None)


# --- issue 6: significance of changes and gaps ---
# A change is called significant only when its 95% confidence interval excludes zero. The
# functions take the same sufficient statistics as ``summarise`` (for two groups, "a" minus
# "b") and work on arrays, so one call compares every touchpoint at once.


def mean_difference(
    a_total: ArrayLike,
    a_total_sq: ArrayLike,
    a_n: ArrayLike,
    b_total: ArrayLike,
    b_total_sq: ArrayLike,
    b_n: ArrayLike,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean of a minus mean of b, with Welch's t-interval (unequal variances).

    Bounds are NaN when either side has fewer than two observations.
    """
    na, nb = np.asarray(a_n, dtype=float), np.asarray(b_n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_a = np.asarray(a_total, dtype=float) / na
        mean_b = np.asarray(b_total, dtype=float) / nb
        var_a = np.clip((np.asarray(a_total_sq, dtype=float) - na * mean_a**2) / (na - 1), 0, None)
        var_b = np.clip((np.asarray(b_total_sq, dtype=float) - nb * mean_b**2) / (nb - 1), 0, None)
        se_a, se_b = var_a / na, var_b / nb
        se = np.sqrt(se_a + se_b)
        # Welch-Satterthwaite degrees of freedom; when both variances are 0 any df will do.
        df = (se_a + se_b) ** 2 / (se_a**2 / (na - 1) + se_b**2 / (nb - 1))
        df = np.where(np.isnan(df) & (se == 0), np.minimum(na, nb) - 1, df)
        df = np.where((na > 1) & (nb > 1), df, np.nan)
        half = stats.t.ppf(0.5 + confidence / 2, df) * se
    diff = mean_a - mean_b
    return diff, diff - half, diff + half


def share_difference(
    a_k: ArrayLike, a_n: ArrayLike, b_k: ArrayLike, b_n: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Share of a minus share of b, with the unpooled normal (Wald) interval."""
    na, nb = np.asarray(a_n, dtype=float), np.asarray(b_n, dtype=float)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        pa = np.asarray(a_k, dtype=float) / na
        pb = np.asarray(b_k, dtype=float) / nb
        half = z * np.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    diff = pa - pb
    return diff, diff - half, diff + half


def net_difference(
    a_positive: ArrayLike,
    a_negative: ArrayLike,
    a_n: ArrayLike,
    b_positive: ArrayLike,
    b_negative: ArrayLike,
    b_n: ArrayLike,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Net impression of a minus that of b; the variances of the two nets add up."""
    na, nb = np.asarray(a_n, dtype=float), np.asarray(b_n, dtype=float)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        pos_a, neg_a = np.asarray(a_positive, dtype=float) / na, np.asarray(a_negative, dtype=float) / na
        pos_b, neg_b = np.asarray(b_positive, dtype=float) / nb, np.asarray(b_negative, dtype=float) / nb
        net_a, net_b = pos_a - neg_a, pos_b - neg_b
        var = (pos_a + neg_a - net_a**2) / na + (pos_b + neg_b - net_b**2) / nb
        half = z * np.sqrt(np.clip(var, 0, None))
    diff = net_a - net_b
    return diff, diff - half, diff + half


def significant(low: ArrayLike, high: ArrayLike) -> np.ndarray:
    """True where an interval excludes zero; False where it is unknown (NaN) or straddles zero."""
    lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.asarray((lo > 0) | (hi < 0), dtype=bool)


def family_confidence(tests: int, confidence: float = 0.95) -> float:
    """Per-test confidence that keeps the chance of any false alarm among ``tests`` at 1 - confidence.

    Bonferroni: scanning 27 touchpoints at 95% each would flag about one by chance alone.
    """
    return 1 - (1 - confidence) / max(tests, 1)


STAT_COLUMNS = ("n", "total", "total_sq", "n_positive", "n_negative", "n_meeting", "target_total")


def compare(current: pd.DataFrame, previous: pd.DataFrame, on: list[str], confidence: float = 0.95) -> pd.DataFrame:
    """Joins two frames of statistics on ``on`` and adds each metric's change with its interval.

    Returns ``summarise`` of the current side, plus ``previous_mean``, ``previous_n`` and, for
    ``mean``, ``net`` and ``perfection``: ``<metric>_change``, ``_change_low``,
    ``_change_high`` and ``_significant``. Groups missing on one side get NaN changes.
    """
    stats_cols = list(STAT_COLUMNS)
    merged = current.merge(
        previous[[*on, *stats_cols]].rename(columns={c: f"prev_{c}" for c in stats_cols}), on=on, how="outer"
    )
    both = [*stats_cols, *(f"prev_{c}" for c in stats_cols)]
    merged[both] = merged[both].fillna(0)
    out = summarise(merged)
    p = {c: out[f"prev_{c}"] for c in stats_cols}
    new: dict[str, ArrayLike] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        new["previous_mean"] = p["total"] / p["n"].replace(0, np.nan)
    new["previous_n"] = p["n"]
    changes = {
        "mean": mean_difference(out["total"], out["total_sq"], out["n"], p["total"], p["total_sq"], p["n"], confidence),
        "net": net_difference(
            out["n_positive"], out["n_negative"], out["n"], p["n_positive"], p["n_negative"], p["n"], confidence
        ),
        "perfection": share_difference(out["n_meeting"], out["n"], p["n_meeting"], p["n"], confidence),
    }
    for name, (value, low, high) in changes.items():
        new[f"{name}_change"], new[f"{name}_change_low"], new[f"{name}_change_high"] = value, low, high
        new[f"{name}_significant"] = significant(low, high)
    out = pd.concat([out, pd.DataFrame(new, index=out.index)], axis=1)
    return out.drop(columns=[f"prev_{c}" for c in stats_cols])
