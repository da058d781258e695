"""The Overview's figures for a scope, as one plain value: what the briefing and the digest report.

The same functions the Overview calls (``analytics`` for the roll-ups, ``metrics.summarise``,
``leadership.changes`` / ``alerts`` / ``movers`` / ``seconds``, ``flow.service.plan_evidence``)
compute every figure here, so a deck shows what the Overview shows for the same filters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from dashboard import access, evidence, flow, leadership, metrics, text
from dashboard.briefing import BriefingError
from dashboard.flow import service as flow_service
from dashboard.store import Store, analytics, reports
from dashboard.store import flow as flow_store
from dashboard.store.scope import EVERYTHING, Scope


@dataclass(frozen=True)
class CycleMap:
    """One service cycle's touchpoints in the period, in order, and where its chain breaks."""

    name: str
    touchpoints: pd.DataFrame
    break_at: str | None


@dataclass(frozen=True)
class Figures:
    """Everything a briefing shows, for one scope."""

    scope: Scope
    cycles: tuple[str, ...]
    periods: leadership.Periods
    total: pd.Series
    change: pd.Series
    moments: pd.DataFrame
    break_at: str | None
    touchpoints: pd.DataFrame
    changes: pd.DataFrame
    alerts: pd.DataFrame
    movers: pd.DataFrame
    seconds: pd.DataFrame
    plan: pd.DataFrame
    flow_sums: pd.DataFrame
    flow_settings: flow.Settings
    cycle_maps: tuple[CycleMap, ...]
    ideas: pd.DataFrame


def scope_for(store: Store, start: date | None, end: date | None, cycle: str | None) -> tuple[Scope, tuple[str, ...]]:
    """The scope of a briefing and the cycles it covers; BriefingError for an unknown cycle or bad dates."""
    if start and end and start > end:
        raise BriefingError(f"The period starts ({start}) after it ends ({end}).")
    cycles = flow_store.cycles(store)
    if cycle is None:
        return Scope(start=start, end=end), tuple(cycles["name"])
    match = cycles[cycles["name"].map(text.key) == text.key(cycle)]
    if match.empty:
        known = ", ".join(cycles["name"]) or "none yet"
        raise BriefingError(f"There is no service cycle “{cycle}”. Service cycles: {known}.")
    return Scope(start=start, end=end, cycle_ids=(int(match["id"].iloc[0]),)), (str(match["name"].iloc[0]),)


def cycle_names(store: Store, scope: Scope) -> tuple[str, ...]:
    """The names of the cycles a scope covers (all of them when it names none)."""
    cycles = flow_store.cycles(store)
    if scope.cycle_ids:
        cycles = cycles[cycles["id"].isin(scope.cycle_ids)]
    return tuple(cycles["name"])


def _cycle_maps(store: Store, scope: Scope, touchpoints: pd.DataFrame) -> tuple[CycleMap, ...]:
    maps = []
    for cycle_id in touchpoints["cycle_id"].unique().tolist():
        moments = metrics.summarise(analytics.moment_stats(store, replace(scope, cycle_ids=(int(cycle_id),))))
        rows = touchpoints[touchpoints["cycle_id"] == cycle_id]
        ordered = rows.sort_values("position").reset_index(drop=True)
        maps.append(CycleMap(str(ordered["cycle"].iloc[0]), ordered, metrics.chain_break(moments)))
    return tuple(sorted(maps, key=lambda m: m.name))


def gather(store: Store, scope: Scope, cycles: tuple[str, ...], as_of: date) -> Figures:
    """The Overview's figures for ``scope``; BriefingError when there is nothing to brief on."""
    if analytics.total_stats(store, EVERYTHING)["n"].fillna(0).sum() == 0:
        raise BriefingError("The workspace holds no impressions yet: import a survey or run a workshop first.")
    total = metrics.summarise(analytics.total_stats(store, scope)).iloc[0]
    if total["n"] == 0:
        within = f" from {scope.start or 'the start'} to {scope.end or 'today'}" if scope.start or scope.end else ""
        raise BriefingError(f"No impressions{within} for {', '.join(cycles)}: choose another period or cycle.")
    last_day = analytics.date_range(store, scope)[1]
    assert last_day is not None
    periods = leadership.periods(scope, last_day)
    period_stats = analytics.period_stats(store, scope, periods.current, periods.previous, by_touchpoint=True)
    changes = leadership.changes(period_stats, by_touchpoint=True)
    touchpoints = metrics.summarise(analytics.touchpoint_stats(store, scope))
    names = touchpoints[["touchpoint_id", "touchpoint", "cycle"]]
    up, down = leadership.movers(changes)
    moments = metrics.summarise(analytics.moment_stats(store, scope))
    return Figures(
        scope=scope,
        cycles=cycles,
        periods=periods,
        total=total,
        change=leadership.changes(period_stats).iloc[0],
        moments=moments,
        break_at=metrics.chain_break(moments),
        touchpoints=touchpoints,
        changes=changes,
        alerts=leadership.alerts(changes).merge(names, on="touchpoint_id", how="left"),
        movers=pd.concat([up, down]).merge(names, on="touchpoint_id", how="left"),
        seconds=leadership.seconds(touchpoints),
        # The plan judged on the data the acting person may see, whatever the filters say.
        plan=evidence.grid_frame(flow_service.plan_evidence(store, as_of, access.current().cycle_filter)),
        flow_sums=flow_store.sums(store, scope.start, scope.end, scope.cycle_ids, ()),
        flow_settings=flow_store.settings(store),
        cycle_maps=_cycle_maps(store, scope, touchpoints),
        ideas=reports.open_ideas(store, scope.cycle_ids),
    )
