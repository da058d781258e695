"""API endpoints for survey imports: import a file (or preview it), list imports, undo one, and
responses pushed by survey tools' webhooks.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dashboard import access, import_jobs
from dashboard.store import Store, imports, scoped
from dashboard.web import scope, webhooks
from dashboard.web.api import records
from dashboard.web.endpoint import ApiError, Call, NotFoundError, error
from dashboard.web.files import form
from dashboard.web.service import Service

TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


def _flag(fields: dict[str, str], name: str) -> bool:
    value = fields.get(name, "").strip().lower()
    if value not in TRUE + FALSE:
        raise ApiError(422, f"{name} is true or false, not {value!r}")
    return value in TRUE


async def survey_import(call: Call) -> Any:
    """A survey file through the upload page's pipeline: previewed (``dry_run``) or committed."""
    name, data, fields = await form(call)
    cycle = fields.get("cycle", "").strip()
    if not cycle:
        raise ApiError(422, "name the service cycle (a form field named cycle)")
    await call.blocking(scope.may_write, call.service.store, call.principal, "import", [cycle])
    job = import_jobs.Request(
        data=data,
        file_name=name,
        cycle=cycle,
        strict=_flag(fields, "strict"),
        scale=fields.get("scale") or None,
        date_order=fields.get("date_order") or "auto",
        sheet=fields.get("sheet") or None,
        imported_by=f"api:{call.principal.name}",
        groups=tuple(line for line in fields.get("group", "").splitlines() if line.strip()),
    )
    if _flag(fields, "dry_run"):  # 200, not the 201 of a committed import
        return JSONResponse(await call.blocking(import_jobs.preview, call.service.store, job))
    return await call.blocking(import_jobs.run, call.service.store, job)


async def history(call: Call) -> Any:
    """Every import into the cycles the token sees, newest first."""
    frame = await call.blocking(imports.history, call.service.store)
    if call.principal.cycles is not None:
        names = (await call.blocking(scope.cycles, call.service.store, call.principal))["name"]
        frame = frame[frame["cycle"].isin(names)]
    return {"imports": records(frame)}


def _undo(store: Store, principal: access.Principal, import_id: int) -> int:
    cycle_id = scoped.import_cycle(store, import_id)
    if cycle_id is not None and not principal.sees(cycle_id):
        raise NotFoundError(f"there is no import {import_id}")  # as for one that does not exist
    access.require("undo", cycle_id, principal)
    return imports.undo(store, import_id)


async def undo(call: Call) -> Any:
    """Takes back every impression an import recorded; the history keeps the import, marked undone."""
    import_id = int(call.request.path_params["import_id"])
    removed = await call.blocking(_undo, call.service.store, call.principal, import_id)
    return {"import": import_id, "removed": removed}


def webhook(service: Service) -> Any:
    """``POST /api/v1/responses/{survey key}``: one response pushed by a survey tool."""

    async def receive(request: Request) -> Response:
        try:
            return await webhooks.receive(service, request)
        except ApiError as refusal:
            return error(refusal.status, refusal.message)
        except ValueError as refusal:
            return error(422, " ".join(str(refusal).split()))

    return receive
