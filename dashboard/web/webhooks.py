"""``POST /api/v1/responses/{survey key}``: one response pushed by a survey tool's webhook.

No bearer token (the tools cannot send one): the request must carry the tool's signature under
the secret set up for the survey key (``python -m dashboard webhook add``). The response is
turned into the tool's own one-row export and imported like an uploaded file: the survey's
remembered column mapping applies, the import is listed and can be undone, and a response
delivered twice is recognised and recorded once.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dashboard import access, import_jobs, webhook_payloads
from dashboard.store import webhooks
from dashboard.store.imports import DuplicateImportError
from dashboard.web.endpoint import ApiError, read_limited
from dashboard.web.service import Service

BODY_LIMIT = 1024 * 1024
"""One response; a megabyte is generous."""


async def receive(service: Service, request: Request) -> Response:
    """Checks the signature, reads the payload, and imports the response it holds."""
    key = request.path_params["survey_key"]
    hook = await run_in_threadpool(webhooks.find, service.store, key)
    if hook is None:
        raise ApiError(404, f"no webhook is set up under the survey key {key!r}")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not kind.endswith("json"):
        raise ApiError(415, "a webhook sends JSON")
    body = await read_limited(request, BODY_LIMIT)
    headers = {k.lower(): v for k, v in request.headers.items()}
    if not webhook_payloads.signed(hook.tool, hook.secret, body, headers):
        raise ApiError(401, f"the {hook.tool} signature is missing or does not match this survey's secret")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as problem:
        raise ApiError(400, f"the body is not valid JSON: {problem}") from problem
    if hook.tool == "typeform":
        found: tuple[str, bytes] | None = webhook_payloads.typeform_export(payload)
    else:
        found = webhook_payloads.surveymonkey_export(payload)
    if found is None:
        note = "SurveyMonkey's event holds no answers: forward the response's details (…/details?simple=true)"
        return JSONResponse({"recorded": 0, "survey": key, "note": note}, status_code=202)
    respondent, export = found
    job = import_jobs.Request(
        data=export,
        file_name=f"{hook.tool}-{key}-{respondent}.csv",
        cycle=hook.cycle_name,
        scale=hook.scale,
        imported_by=f"webhook:{key}",
    )
    try:
        # The signature is the permission: the hook imports into its own cycle, as an editor.
        with access.acting_as(access.Principal(job.imported_by, "editor", "system")):
            outcome = await run_in_threadpool(import_jobs.run, service.store, job)
    except DuplicateImportError:  # the tool delivered it again (a retry): recorded once already
        return JSONResponse({"recorded": 0, "survey": key, "duplicate": True})
    return JSONResponse(
        {"recorded": outcome["impressions"], "survey": key, "import": outcome["import"]}, status_code=201
    )
