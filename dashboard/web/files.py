"""API endpoints that move files: map files in and out, and a backup of the whole workspace.

Uploaded files arrive as ``multipart/form-data`` with a ``file`` part, held to the same size
limit as the pages' uploads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from dashboard import access, exports, maps
from dashboard.store import Store, map_files, operations
from dashboard.web import multipart, scope
from dashboard.web.endpoint import ApiError, Call, read_limited

UPLOAD_LIMIT = 200 * 1024 * 1024
"""The pages' upload limit (``server.maxUploadSize`` = 200 MB), for the API's files too."""
FORM_OVERHEAD = 64 * 1024
"""Room for the form's boundaries and text fields around the file."""
MAP_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def form(call: Call) -> tuple[str, bytes, dict[str, str]]:
    """The uploaded file's name and bytes, and the other (text) fields of a multipart form."""
    content_type = call.request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        raise ApiError(415, "send the file as multipart/form-data with a part named file")
    # The whole body is read under the limit first: a chunked upload declares no length.
    body = await read_limited(call.request, UPLOAD_LIMIT + FORM_OVERHEAD)
    try:
        parsed = await call.blocking(multipart.parse, body, content_type)  # 0.3 s for 200 MB: off the loop
    except multipart.FormError as problem:
        raise ApiError(400, f"the form could not be read: {problem}") from problem
    if parsed.file_name is None:
        raise ApiError(422, "the form has no file (a part named file)")
    if len(parsed.data) > UPLOAD_LIMIT:
        raise ApiError(413, f"the upload is larger than {UPLOAD_LIMIT // (1024 * 1024)} MB")
    return Path(parsed.file_name).name or "upload", parsed.data, parsed.fields


async def map_import(call: Call) -> Any:
    """Adds or updates the cycles a map file lists; answers what changed."""
    name, data, _fields = await form(call)
    if Path(name).suffix.lower() not in MAP_TYPES:
        raise ApiError(415, "a map file is .csv or .xlsx")
    changes = await call.blocking(_import, call.service.store, call.principal, name, data)
    return {"file": name, "changes": changes}


def _import(store: Store, principal: access.Principal, name: str, data: bytes) -> list[str]:
    """Checks every cycle the file names before anything is written: one the principal may not
    see reads as unknown (404), one it may not change is refused (403), a new one needs a
    principal that sees every cycle."""
    planned = maps.plan_import(store, name, data)
    scope.may_write(store, principal, "map", planned.rows["service_cycle"])
    map_files.apply_map(store, planned.rows, planned.present)
    return planned.changes


def _export(store: Store, principal: access.Principal, cycle: str | None, suffix: str) -> bytes:
    cycle_id = scope.cycle_id(store, principal, cycle) if cycle else None
    frame = maps.export_frame(store, cycle_id)
    if cycle_id is None and principal.cycles is not None:
        frame = frame[frame["service_cycle"].isin(scope.cycles(store, principal)["name"])]
    return exports.to_csv_bytes(frame) if suffix == ".csv" else exports.to_xlsx_bytes(frame, sheet="map")


async def map_export(call: Call) -> Response:
    """The map file of one cycle (``cycle``) or of all, as CSV or XLSX (``format``)."""
    suffix = "." + call.request.query_params.get("format", "csv").lower()
    if suffix not in MAP_TYPES:
        raise ApiError(422, "format is csv or xlsx")
    cycle = call.request.query_params.get("cycle")
    data = await call.blocking(_export, call.service.store, call.principal, cycle, suffix)
    return Response(
        data, media_type=MAP_TYPES[suffix], headers={"content-disposition": f'attachment; filename="map{suffix}"'}
    )


async def backup(call: Call) -> Response:
    """A consistent copy of the workspace as a DuckDB file, taken while the app keeps serving."""
    scope.refuse_if_scoped(call.principal, "a backup")
    folder = Path(tempfile.mkdtemp(prefix="dashboard-backup-"))
    target = folder / "backup.duckdb"
    counts = await call.blocking(operations.backup, call.service.store, target)

    def clean_up() -> None:
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()

    return FileResponse(
        target,
        media_type="application/octet-stream",
        filename=operations.BACKUP_FILE_NAME,
        headers={"x-impressions": str(counts.get("impression", 0))},
        background=BackgroundTask(clean_up),
    )


async def read_body(call: Call, limit: int) -> bytes:
    """The raw body (webhooks verify a signature over exactly these bytes)."""
    return await read_limited(call.request, limit)
