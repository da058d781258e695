"""The JSON API's read endpoints and the impressions batch: stats, cycles, summaries, impressions.

Each handler parses its request on the event loop and hands every store call to the thread
pool (``Call.blocking``). Filters are named as on the pages: cycles, groups and teams by
name, moments and sources by key, dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
from starlette.responses import JSONResponse

from dashboard import access, batches, domain, metrics, text
from dashboard.store import Store, analytics, scoped
from dashboard.store import cycles as store_cycles
from dashboard.store import groups as store_groups
from dashboard.store.impressions import record_impressions
from dashboard.store.scope import Scope
from dashboard.web import scope as visible
from dashboard.web.endpoint import ApiError, Call, NotFoundError

JSON_LIMIT = 200 * 1024 * 1024
"""The largest JSON body, the same as the pages' upload limit (``server.maxUploadSize``, 200 MB)."""
SUMMARY_BY = ("touchpoint", "moment", "month")
SUMMARY_COLUMNS = (
    "n",
    "mean",
    "mean_low",
    "mean_high",
    "net",
    "net_low",
    "net_high",
    "perfection",
    "perfection_low",
    "perfection_high",
    "target",
    "weak",
)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON objects; NaN and NaT become null, dates ISO text (pandas writes them in one pass)."""
    return list(json.loads(frame.to_json(orient="records", date_format="iso", date_unit="s")))


async def stats(call: Call) -> Any:
    """The figures of ``python -m dashboard stats --json``, over the cycles the token sees."""
    return await call.blocking(scoped.stats, call.service.store, visible.ids(call.principal))


def _cycles(store: Store, principal: access.Principal) -> dict[str, Any]:
    cycles = visible.cycles(store, principal)
    touchpoints = visible.narrowed(store_cycles.touchpoints(store), principal, "cycle_id")
    touchpoints = touchpoints.rename(columns={"name": "touchpoint"})
    fields = ["id", "position", "touchpoint", "moment", "channel", "owner", "standard", "target", "situation"]
    listed = touchpoints[[*fields, "cycle_id"]].rename(columns={"touchpoint": "name"})
    by_cycle = {int(str(k)): records(v.drop(columns="cycle_id")) for k, v in listed.groupby("cycle_id", sort=False)}
    cycle_rows = records(cycles[["id", "name", "description"]])
    for row in cycle_rows:  # one per cycle (a handful), joining the already grouped touchpoints
        row["touchpoints"] = by_cycle.get(int(row["id"]), [])
    moments = [{"key": m.key, "label": m.label, "about": m.help} for m in domain.MOMENTS]
    return {"cycles": cycle_rows, "moments": moments, "default_target": domain.DEFAULT_TARGET}


async def cycles(call: Call) -> Any:
    """Service cycles with their touchpoints (moment, channel, owner, standard, target), and the moments."""
    return await call.blocking(_cycles, call.service.store, call.principal)


def _day(value: str | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as problem:
        raise ApiError(422, f"{name} must be a date written YYYY-MM-DD, not {value!r}") from problem


def _ids(frame: pd.DataFrame, wanted: list[str], what: str) -> tuple[int, ...]:
    """Ids of the named rows (names matched as the pages match them); 404 naming any unknown one."""
    keys = frame["name"].map(text.key)
    found = frame.loc[keys.isin([text.key(w) for w in wanted]), "id"].astype(int)
    missing = sorted(set(map(text.key, wanted)) - set(keys))
    if missing:
        raise NotFoundError(f"no {what} called {', '.join(repr(w) for w in wanted if text.key(w) in missing)}")
    return tuple(found)


def _scope(store: Store, params: Any, principal: access.Principal) -> Scope:
    moments = params.getlist("moment")
    sources = params.getlist("source")
    for key, values, known in (("moment", moments, domain.MOMENT_KEYS), ("source", sources, domain.SOURCE_KEYS)):
        unknown = [v for v in values if v not in known]
        if unknown:
            raise ApiError(422, f"unknown {key} {unknown[0]!r}; one of {', '.join(known)}")
    # No cycle asked: every cycle the principal sees (an empty tuple would mean every cycle).
    cycle_ids = _ids(visible.cycles(store, principal), params.getlist("cycle"), "service cycle")
    return Scope(
        start=_day(params.get("start"), "start"),
        end=_day(params.get("end"), "end"),
        cycle_ids=cycle_ids or visible.ids(principal) or (),
        moments=tuple(moments),
        channels=tuple(params.getlist("channel")),
        group_ids=_ids(store_groups.groups(store), params.getlist("group"), "stakeholder group"),
        team_ids=_ids(store_groups.teams(store), params.getlist("team"), "team"),
        sources=tuple(sources),
    )


def _summary(store: Store, params: Any, principal: access.Principal) -> dict[str, Any]:
    by = params.get("by", "touchpoint")
    if by not in SUMMARY_BY:
        raise ApiError(422, f"by must be one of {', '.join(SUMMARY_BY)}, not {by!r}")
    scope = _scope(store, params, principal)
    if by == "touchpoint":
        frame = analytics.touchpoint_stats(store, scope)
        keys = ["touchpoint_id", "touchpoint", "cycle", "moment"]
    elif by == "moment":
        frame = analytics.moment_stats(store, scope)
        keys = ["moment"]
    else:
        monthly = analytics.moment_month_stats(store, scope)
        sums = ["n", "total", "total_sq", "n_positive", "n_negative", "n_meeting", "target_total"]
        frame = monthly.groupby("month", as_index=False)[sums].sum()
        frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
        keys = ["month"]
    if frame.empty:
        return {"by": by, "rows": []}
    summary = metrics.summarise(frame)
    summary["n"] = summary["n"].astype("int64")
    return {"by": by, "rows": records(summary[[*keys, *SUMMARY_COLUMNS]])}


async def impressions_summary(call: Call) -> Any:
    """Metrics per touchpoint, moment or month, with the pages' filters."""
    return await call.blocking(_summary, call.service.store, call.request.query_params, call.principal)


def _record(store: Store, body: dict[str, Any], principal: access.Principal) -> tuple[int, dict[str, Any]]:
    """Touchpoints outside the principal's scope read as unknown; writing to a cycle the
    principal may read but not change is refused whole (403)."""
    touchpoints = visible.narrowed(store_cycles.touchpoints(store), principal, "cycle_id")
    checked = batches.check(
        body["impressions"],
        body.get("cycle"),
        touchpoints[["id", "cycle", "name"]],
        store_groups.groups(store)[["id", "name"]],
        body.get("source", "survey"),
    )
    if checked.rejected:
        return 422, {
            "error": f"{len(checked.rejected):,} of {len(body['impressions']):,} impressions were refused;"
            " nothing was recorded",
            "recorded": 0,
            "rejected": checked.rejected,
        }
    written_to = touchpoints.loc[touchpoints["id"].isin(checked.impressions["touchpoint_id"]), "cycle_id"]
    for cycle_id in sorted(set(written_to.astype(int))):  # the few cycles a batch names
        access.require("import", cycle_id, principal)
    written = record_impressions(store, checked.impressions)
    return 201, {"recorded": written, "rejected": []}


async def record(call: Call) -> Any:
    """Records a JSON batch of impressions in one transaction: all of them, or none and why."""
    body = await call.json(JSON_LIMIT)
    if not isinstance(body, dict) or not isinstance(body.get("impressions"), list):
        raise ApiError(422, 'send {"impressions": [...]} with one object per impression')
    for name in ("cycle", "source"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise ApiError(422, f"{name} must be text")
    status, outcome = await call.blocking(_record, call.service.store, body, call.principal)
    return JSONResponse(outcome, status_code=status)
