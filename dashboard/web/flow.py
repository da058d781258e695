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

from dashboard.flow import files as flow_files
from dashboard.flow import service
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
    who = f"api:{call.holder.name}"
    if kind == "application/json":
        body = await call.json(JSON_LIMIT)
        rows = body.get("rows") if isinstance(body, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ApiError(422, 'send {"rows": [{"period", "service_cycle", "measure", "source", "count"}, ...]}')
        strict = body.get("strict", False) is True
        outcome = await call.blocking(
            lambda: service.record_rows(call.service.store, rows, strict=strict, entered_by=who)
        )
    else:
        name, data, fields = await form(call)
        strict = fields.get("strict", "").strip().lower() in ("1", "true", "yes", "on")
        sheet = fields.get("sheet") or None
        outcome = await call.blocking(
            lambda: service.import_file(call.service.store, data, name, strict=strict, sheet=sheet, imported_by=who)
        )
    return JSONResponse(json_ready(outcome), status_code=201)


async def summary(call: Call) -> Any:
    """``flow stats --json``: per cycle and in total, counts and rates with intervals, sources."""
    params = call.request.query_params
    start, end = _month(params.get("start"), "start"), _month(params.get("end"), "end")
    figures = await call.blocking(
        lambda: service.stats(call.service.store, cycle=params.get("cycle") or None, start=start, end=end)
    )
    return json_ready(figures)
