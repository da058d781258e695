"""The leadership views' logic: periods to compare, movers, alerts, "seconds", group gaps,
priorities and the chart selection that narrows a page. Plain functions over small frames
that the store has already aggregated; no Streamlit, no SQL.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd

from dashboard import domain, metrics, safe
from dashboard import formatting as fmt
from dashboard.store.scope import Scope

DEFAULT_PERIOD_DAYS = 90
"""Without a date range, the Overview compares the latest 90 days with the 90 days before."""
MATERIAL_GAP = 0.1
"""A gap between stakeholder groups smaller than this (on -1..+1) is not worth flagging."""
QUADRANTS = {
    (True, True): "Fix first",
    (True, False): "Keep it up",
    (False, True): "Watch",
    (False, False): "Maintain",
}
"""Priority quadrant names by (important, below target)."""


@dataclass(frozen=True)
class Periods:
    """The period a page reports on and the equally long period just before it."""

    current: tuple[date, date]
    previous: tuple[date, date]

    @property
    def days(self) -> int:
        return (self.current[1] - self.current[0]).days + 1

    def describe(self) -> str:
        """``"90 days to 30 Sep 2026 vs the 90 days before"``."""
        return f"{self.days} days to {self.current[1]:%d %b %Y} vs the {self.days} days before"


def periods(scope: Scope, last_day: date) -> Periods:
    """The scope's own date range, or the latest ``DEFAULT_PERIOD_DAYS`` up to ``last_day``."""
    end = scope.end or last_day
    start = scope.start or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    length = end - start + timedelta(days=1)
    return Periods((start, end), (start - length, start - timedelta(days=1)))


def changes(period_stats: pd.DataFrame, by_touchpoint: bool = False) -> pd.DataFrame:
    """The current period against the previous one (``metrics.compare``), from
    ``analytics.period_stats(..., by_touchpoint=True)``: per touchpoint at a family-wide
    confidence, or in total (the statistics add up, so one query serves both views)."""
    stats = period_stats
    if not by_touchpoint:
        stats = stats.groupby("period", as_index=False)[list(metrics.STAT_COLUMNS)].sum()
    current = stats[stats["period"] == "current"].drop(columns="period")
    previous = stats[stats["period"] == "previous"].drop(columns="period")
    if not by_touchpoint:
        return metrics.compare(current.assign(all=1), previous.assign(all=1), ["all"], metrics.family_confidence(1))
    tests = max(len(current), 1)
    return metrics.compare(current, previous, ["touchpoint_id"], metrics.family_confidence(tests))


def movers(changes: pd.DataFrame, limit: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The touchpoints whose mean rose most and fell most, among those seen in both periods."""
    both = changes[(changes["n"] > 1) & (changes["previous_n"] > 1)].dropna(subset=["mean_change"])
    up = both[both["mean_change"] > 0].nlargest(limit, "mean_change")
    down = both[both["mean_change"] < 0].nsmallest(limit, "mean_change")
    return up, down


def alerts(changes: pd.DataFrame) -> pd.DataFrame:
    """Touchpoints whose mean impression fell significantly, steepest fall first.

    ``changes`` must come from ``metrics.compare`` at a family-wide confidence (see
    ``metrics.family_confidence``), so a long list of touchpoints does not raise false alarms.
    """
    fell = changes[changes["mean_significant"] & (changes["mean_change"] < 0)]
    return fell.sort_values("mean_change")


def alert_messages(alerts: pd.DataFrame, touchpoints: pd.DataFrame, window: str) -> list[str]:
    """One sentence per alert (``alerts`` output): which touchpoint fell, from what to what, how
    sure we are, over which ``window``. ``touchpoints`` names them (``touchpoint_id, touchpoint, cycle``)."""
    named = alerts.merge(touchpoints[["touchpoint_id", "touchpoint", "cycle"]], on="touchpoint_id", how="left")
    return [
        f"**{safe.md(name)} · {safe.md(cycle)}** fell from {fmt.signed(before)} to {fmt.signed(now)} "
        f"({fmt.signed(change)}; {fmt.interval(low, high)}) in the {window}."
        for name, cycle, before, now, change, low, high in zip(
            named["touchpoint"],
            named["cycle"],
            named["previous_mean"],
            named["mean"],
            named["mean_change"],
            named["mean_change_low"],
            named["mean_change_high"],
            strict=True,
        )
    ]


def change_delta(
    change: pd.Series, metric: str, formatter: Callable[[float], str]
) -> tuple[str | None, Literal["normal", "off"]]:
    """A metric's change as a KPI delta, and its colour: grey unless its 95% interval excludes zero.

    ``change`` is one row of ``metrics.compare``; ``metric`` is ``mean``, ``net`` or ``perfection``.
    """
    value = change[f"{metric}_change"]
    if pd.isna(value):  # one of the periods has no impressions
        return None, "off"
    # Streamlit reads the sign from a leading ASCII minus to pick the arrow and colour.
    text = formatter(value).replace("−", "-")
    if change[f"{metric}_significant"]:
        return f"{text} (significant)", "normal"
    return f"{text} (within noise)", "off"


def seconds(touchpoint_summary: pd.DataFrame) -> pd.DataFrame:
    """Touchpoints below their target, which make their cycle a "second"; worst first per cycle.

    Adds ``clearly``: even the top of the touchpoint's 95% interval stays below its target.
    """
    weak = touchpoint_summary[touchpoint_summary["weak"]].copy()
    weak["clearly"] = weak["mean_high"] < weak["target"]
    return weak.sort_values(["cycle", "gap"])


def ordered_touchpoints(touchpoint_summary: pd.DataFrame) -> pd.DataFrame:
    """Touchpoints ordered by cycle, then moment in journey order, then position; with a ``label``."""
    out = touchpoint_summary.copy()
    out["moment_order"] = out["moment"].map({key: i for i, key in enumerate(domain.MOMENT_KEYS)})
    out = out.sort_values(["cycle", "moment_order", "position"]).reset_index(drop=True)
    out["label"] = out["touchpoint"] + " · " + out["cycle"]
    return out.drop(columns="moment_order")


def heatmap_frame(month_summary: pd.DataFrame, touchpoints: pd.DataFrame) -> pd.DataFrame:
    """Mean impression per touchpoint and month, rows in journey order with readable labels."""
    ordered = ordered_touchpoints(touchpoints)[["touchpoint_id", "touchpoint", "label", "cycle", "moment"]]
    ordered = ordered.rename(columns={"touchpoint": "touchpoint_name"})
    ordered["row"] = np.arange(len(ordered))
    cells = month_summary[["touchpoint_id", "month", "mean", "n"]].merge(ordered, on="touchpoint_id")
    return cells.sort_values(["row", "month"]).reset_index(drop=True)


def shares(touchpoint_summary: pd.DataFrame) -> pd.DataFrame:
    """Negative, neutral and positive shares per touchpoint, in journey order."""
    out = ordered_touchpoints(touchpoint_summary)
    out["neutral_share"] = 1 - out["positive_share"] - out["negative_share"]
    return out[["touchpoint_id", "label", "moment", "n", "negative_share", "neutral_share", "positive_share"]]


def group_gaps(group_summary: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per touchpoint, the gap between its best- and worst-seen stakeholder group.

    A gap is ``flagged`` when it is at least ``MATERIAL_GAP`` and its interval (at the given,
    ideally family-wide, confidence) excludes zero. Touchpoints seen by one group are left out.
    """
    columns = ["touchpoint_id", "best_group", "worst_group", "gap", "gap_low", "gap_high", "flagged"]
    usable = group_summary[group_summary["n"] > 1]
    if usable.empty:
        return pd.DataFrame(columns=columns)
    ranked = usable.sort_values(["touchpoint_id", "mean"])
    worst = ranked.groupby("touchpoint_id").head(1).set_index("touchpoint_id")
    best = ranked.groupby("touchpoint_id").tail(1).set_index("touchpoint_id")
    keep = best.index[best["group_id"] != worst.loc[best.index, "group_id"]]
    best, worst = best.loc[keep], worst.loc[keep]
    gap, low, high = metrics.mean_difference(
        best["total"], best["total_sq"], best["n"], worst["total"], worst["total_sq"], worst["n"], confidence
    )
    out = pd.DataFrame(
        {
            "touchpoint_id": keep,
            "best_group": best["stakeholder_group"].to_numpy(),
            "worst_group": worst["stakeholder_group"].to_numpy(),
            "gap": gap,
            "gap_low": low,
            "gap_high": high,
        }
    )
    out["flagged"] = metrics.significant(out["gap_low"], out["gap_high"]) & (out["gap"] >= MATERIAL_GAP)
    return out.reset_index(drop=True)[columns]


def priorities(touchpoint_summary: pd.DataFrame) -> pd.DataFrame:
    """Importance against performance per touchpoint, with its quadrant.

    Importance would ideally be how strongly a touchpoint's impression moves with the same
    respondent's overall impression. Impressions carry no respondent yet, so importance falls
    back to volume: the touchpoint's share of all impressions in scope (``importance_basis``
    says which was used). Performance is the gap to target; "important" means at least the
    median importance.
    """
    out = ordered_touchpoints(touchpoint_summary)
    total = out["n"].sum()
    out["importance"] = out["n"] / total if total else np.nan
    out["importance_basis"] = "volume"
    important = (out["importance"] >= out["importance"].median()).to_numpy()
    weak = out["weak"].astype(bool).to_numpy()
    out["quadrant"] = np.select(
        [important & weak, important & ~weak, ~important & weak],
        [QUADRANTS[(True, True)], QUADRANTS[(True, False)], QUADRANTS[(False, True)]],
        QUADRANTS[(False, False)],
    ).astype(object)
    return out


@dataclass(frozen=True)
class Focus:
    """What a click on a chart narrowed the page to: a touchpoint, a month, or both."""

    touchpoint_id: int | None = None
    month: date | None = None

    def __bool__(self) -> bool:
        return self.touchpoint_id is not None or self.month is not None


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def narrowed(scope: Scope, focus: Focus, *, by_month: bool = True, by_touchpoint: bool = True) -> Scope:
    """The scope narrowed to the focus (the month intersects the scope's own date range)."""
    out = scope
    if by_touchpoint and focus.touchpoint_id is not None:
        out = replace(out, touchpoint_ids=(focus.touchpoint_id,))
    if by_month and focus.month is not None:
        start = max(focus.month, scope.start) if scope.start else focus.month
        end = min(month_end(focus.month), scope.end) if scope.end else month_end(focus.month)
        out = replace(out, start=start, end=end)
    return out


def parse_month(text: object) -> date | None:
    """A month from ``2026-03``, ``2026-03-01`` or a timestamp text; None when unreadable."""
    try:
        parsed = pd.Timestamp(str(text))
    except (ValueError, TypeError):
        return None
    if pd.isna(parsed):
        return None
    return date(parsed.year, parsed.month, 1)


def focus_from_points(points: Iterable[Mapping[str, Any]], current: Focus) -> Focus:
    """The focus a chart click asks for, from the clicked point's ``customdata``.

    Charts put ``[touchpoint_id, month]`` in their points' customdata, with null for a part
    the chart does not choose (a trend line picks a month, a bar a touchpoint); the other part
    of the current focus is kept. No point means the click cleared the selection.
    """
    chosen = next(iter(points), None)
    if chosen is None:
        return Focus()
    data = list(chosen.get("customdata") or [])
    touchpoint, month = ([*data, None, None])[:2]
    return Focus(
        int(touchpoint) if touchpoint is not None and str(touchpoint).lstrip("-").isdigit() else current.touchpoint_id,
        parse_month(month) if month else current.month,
    )


def moment_from_points(points: Iterable[Mapping[str, Any]]) -> str | None:
    """The moment a click on the moments chart chose: the bar's key (its ``customdata[0]``), or
    the moment named on the axis for a point without one (the target marks); None for none."""
    for point in points:
        data = list(point.get("customdata") or [])
        if data and data[0] in domain.MOMENT_KEYS:
            return str(data[0])
        try:
            return domain.moment_from_text(str(point.get("x", "")))
        except ValueError:
            continue
    return None


def group_frame(group_summary: pd.DataFrame, touchpoints: pd.DataFrame) -> pd.DataFrame:
    """Per-group statistics with each touchpoint's label, rows in journey order."""
    ordered = ordered_touchpoints(touchpoints)[["touchpoint_id", "label"]]
    ordered["row"] = np.arange(len(ordered))
    out = group_summary.merge(ordered, on="touchpoint_id")
    return out.sort_values(["row", "stakeholder_group"]).reset_index(drop=True)


def describe_focus(focus: Focus, touchpoints: pd.DataFrame) -> str:
    """``Invoice · Repair job, March 2026`` for the page's "narrowed to" line (Markdown: names escaped)."""
    parts = []
    if focus.touchpoint_id is not None:
        hit = touchpoints[touchpoints["touchpoint_id"] == focus.touchpoint_id]
        parts.append(
            f"{safe.md(hit['touchpoint'].iloc[0])} · {safe.md(hit['cycle'].iloc[0])}" if len(hit) else "a touchpoint"
        )
    if focus.month is not None:
        parts.append(focus.month.strftime("%B %Y"))
    return ", ".join(parts)
