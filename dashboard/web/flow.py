"""The customer flow over the API: ``POST /api/v1/flow`` records counts (a flow file as
multipart, or rows as JSON) and ``GET /api/v1/flow/summary`` answers ``flow stats --json``.

Both call the flow's plain functions (``dashboard.flow.service``), as the command line and the
Flow page do, so the checks and the figures are the same everywhere.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
from starlette.responses import JSONResponse

from dashboard import access
from dashboard.flow import files as flow_files
from dashboard.flow import measures, service
from dashboard.store import Store
from dashboard.store import flow as flow_store
from dashboard.web import scope
from dashboard.web.api import JSON_LIMIT
from dashboard.web.endpoint import ApiError, Call
from dashboard.web.files import form


def json_ready(value: Any) -> Any:
    """The value with NaN and infinities as null: JSON has no such numbers (an empty rate is NaN)."""
    return json.loads(json.dumps(value, default=str), parse_constant=lambda _constant: None)


def _month(text: str | None, name: str) -> date | None:
    if not text:
        return None
    parsed = flow_files.parse_periods(pd.Series([text]))[0]
    if pd.isna(parsed):
        raise ApiError(422, f"{name} must be a month written YYYY-MM, not {text!r}")
    return date(parsed.year, parsed.month, 1)


async def record(call: Call) -> Any:
    """A flow file (multipart: ``file``, ``strict``, ``sheet``) or JSON rows (``{"rows": [...]}``)."""
    kind = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    who = f"api:{call.principal.name}"
    if kind == "application/json":
        body = await call.json(JSON_LIMIT)
        rows = body.get("rows") if isinstance(body, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ApiError(422, 'send {"rows": [{"period", "service_cycle", "measure", "source", "count"}, ...]}')
        strict = body.get("strict", False) is True
        names = [str(r.get("service_cycle") or "") for r in rows]
        await call.blocking(scope.may_write, call.service.store, call.principal, "flow", [n for n in names if n])
        outcome = await call.blocking(
            lambda: service.record_rows(call.service.store, rows, strict=strict, entered_by=who)
        )
    else:
        name, data, fields = await form(call)
        strict = fields.get("strict", "").strip().lower() in ("1", "true", "yes", "on")
        sheet = fields.get("sheet") or None
        preview = await call.blocking(lambda: service.preview(call.service.store, data, name, sheet=sheet))
        await call.blocking(scope.may_write, call.service.store, call.principal, "flow", preview.counts["cycle"])
        outcome = await call.blocking(
            lambda: service.import_file(call.service.store, data, name, strict=strict, sheet=sheet, imported_by=who)
        )
    return JSONResponse(json_ready(outcome), status_code=201)


async def summary(call: Call) -> Any:
    """``flow stats --json``: per cycle and in total, counts and rates with intervals, sources."""
    params = call.request.query_params
    start, end = _month(params.get("start"), "start"), _month(params.get("end"), "end")
    figures = await call.blocking(_summary, call.service.store, call.principal, params.get("cycle") or None, start, end)
    return json_ready(figures)


def _summary(
    store: Store, principal: access.Principal, cycle: str | None, start: date | None, end: date | None
) -> dict[str, Any]:
    """``flow stats`` of one cycle, or of every cycle the principal sees."""
    if principal.cycles is None:
        return service.stats(store, cycle=cycle, start=start, end=end)
    cycle_ids = (scope.cycle_id(store, principal, cycle),) if cycle else scope.ids(principal) or ()
    return measures.summary(flow_store.sums(store, start, end, cycle_ids))
