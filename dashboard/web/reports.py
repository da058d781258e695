"""Briefings, session reports and digests over the API, so the command line can hand them to the
server that holds the workspace:

- ``GET /api/v1/briefing?format=pptx|pdf[&start=DAY&end=DAY&cycle=NAME]`` (read): the file;
- ``GET /api/v1/workshop/{code}/report?format=pdf|xlsx`` (read): the session report;
- ``POST /api/v1/digest?period=week|month[&to=A,B&as_of=DAY&dry_run=true]`` (settings): sends with
  the server's SMTP settings and answers ``{"sent": [...]}``, or with ``dry_run`` answers the
  messages (``{"messages": [{"to", "eml"}]}``, ``eml`` in base64) for the caller to write.

Each calls the same plain functions as the command line (``dashboard.briefing``).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dashboard import access
from dashboard.briefing import digest, service, session_report
from dashboard.store import Store
from dashboard.store.scope import Scope
from dashboard.web import scope
from dashboard.web.endpoint import ApiError, Call, NotFoundError


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(422, f"{name} must be a day written YYYY-MM-DD, not {text!r}") from None


def _file(data: bytes, kind: str, name: str) -> Response:
    return Response(
        data, media_type=service.MEDIA_TYPES[kind], headers={"content-disposition": f'attachment; filename="{name}"'}
    )


async def briefing(call: Call) -> Response:
    """The leadership briefing of the period and cycle asked for."""
    params = call.request.query_params
    kind = params.get("format", "pdf")
    if kind not in service.FORMATS:
        raise ApiError(422, "format is pptx or pdf")
    start, end = _day(params.get("start"), "start"), _day(params.get("end"), "end")
    data = await call.blocking(_briefing, call.service.store, call.principal, kind, start, end, params.get("cycle"))
    return _file(data, kind, service.file_name(kind))


def _briefing(
    store: Store, principal: access.Principal, kind: str, start: date | None, end: date | None, cycle: str | None
) -> bytes:
    """One cycle's briefing, or that of every cycle the principal sees."""
    if principal.cycles is None:
        return service.briefing(store, kind, start=start, end=end, cycle=cycle or None)
    if start and end and start > end:
        raise ApiError(422, f"The period starts ({start}) after it ends ({end}).")
    seen = scope.cycles(store, principal)
    ids = (scope.cycle_id(store, principal, cycle),) if cycle else tuple(int(i) for i in seen["id"])
    names = tuple(seen.loc[seen["id"].isin(ids), "name"])
    return service.briefing_of(store, kind, Scope(start=start, end=end, cycle_ids=ids), names)


def _report(store: Store, principal: access.Principal, code: str) -> session_report.SessionReport:
    """A session's report; a session on a cycle outside the scope reads as unknown."""
    report = session_report.gather(store, code)
    if not principal.sees(report.session.cycle_id):
        raise NotFoundError(f"No workshop session has the code “{code}”.")
    return report


async def workshop_report(call: Call) -> Response:
    """A workshop session's report by its join code."""
    kind = call.request.query_params.get("format", "pdf")
    if kind not in ("pdf", "xlsx"):
        raise ApiError(422, "format is pdf or xlsx")
    code = str(call.request.path_params["code"])
    report = await call.blocking(_report, call.service.store, call.principal, code)
    make = session_report.pdf_bytes if kind == "pdf" else session_report.xlsx_bytes
    return _file(await call.blocking(make, report), kind, f"workshop-{report.session.code}.{kind}")


async def send_digest(call: Call) -> Any:
    """Builds the digest; sends it (remembering what was sent), or answers the messages on a dry run."""
    scope.refuse_if_scoped(call.principal, "the digest")
    params = call.request.query_params
    period = params.get("period", "week")
    to = [a for a in params.get("to", "").split(",") if a.strip()]
    dry = params.get("dry_run", "").lower() in ("1", "true", "yes")
    as_of = _day(params.get("as_of"), "as_of") or date.today()
    smtp = None if dry else digest.smtp_settings()
    sender = smtp.sender if smtp else digest.DRY_RUN_SENDER
    mail = await call.blocking(lambda: digest.letters(call.service.store, period, to, sender, as_of=as_of))
    if smtp is None:
        return {"messages": [{"to": to, "eml": base64.b64encode(data).decode()} for to, data in digest.eml(mail)]}
    return {"sent": await call.blocking(digest.send, call.service.store, mail, smtp, as_of)}


def routes(guarded: Callable[[str, Any], Any], prefix: str) -> list[BaseRoute]:
    """This module's routes, for ``dashboard.web.routes`` (one line there)."""
    return [
        Route(f"{prefix}/briefing", guarded("read", briefing), methods=["GET"]),
        Route(f"{prefix}/workshop/{{code}}/report", guarded("read", workshop_report), methods=["GET"]),
        Route(f"{prefix}/digest", guarded("settings", send_digest), methods=["POST"]),
    ]
