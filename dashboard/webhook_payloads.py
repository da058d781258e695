"""Survey tools' webhook payloads: their signatures, and one response turned into the export the
tool itself would download, so it goes through the same import pipeline as an uploaded file
(the survey's remembered column mapping included).

- **Typeform** signs the raw body with HMAC-SHA256 under the webhook's secret and sends
  ``Typeform-Signature: sha256=<base64 digest>``. A ``form_response`` carries the form's
  ``definition.fields`` (id, title) and the ``answers`` (each names its field id and holds its
  value under its ``type``: ``number``, ``choice``, ``text``...), plus ``hidden`` fields and
  ``submitted_at``. Its CSV export has ``#``, one column per question title, the hidden fields,
  then ``Start Date (UTC)``, ``Submit Date (UTC)`` and ``Network ID``.
- **SurveyMonkey** signs with HMAC-SHA1 under ``API_KEY&API_SECRET`` and sends the base64 digest
  in ``Sm-Signature`` (with ``Sm-Apikey``). Its ``response_completed`` event names the survey and
  respondent but holds no answers; a relay (or a poller with an access token) forwards the
  response's details (``GET /v3/surveys/{id}/responses/{id}/details?simple=true``: pages of
  questions, each with a ``heading`` and answers with ``simple_text``). The export's two header
  rows start ``Respondent ID, Collector ID, Start Date, End Date`` and put each question's
  heading over ``Response``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
from datetime import datetime
from typing import Any


class PayloadError(ValueError):
    """A payload that is not the shape its tool sends."""


def typeform_signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode("ascii")


def surveymonkey_signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signed(tool: str, secret: str, body: bytes, headers: dict[str, str]) -> bool:
    """Whether the request carries its tool's valid signature over exactly these bytes."""
    if tool == "typeform":
        expected, given = typeform_signature(secret, body), headers.get("typeform-signature", "")
    else:
        expected, given = surveymonkey_signature(secret, body), headers.get("sm-signature", "")
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _export_date(stamp: object) -> str:
    """``2026-03-02T10:11:12Z`` -> ``2026-03-02 10:11:12`` (how the exports write dates)."""
    try:
        return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError as error:
        raise PayloadError(f"the response's date {stamp!r} is not an ISO date and time") from error


def _typeform_value(answer: dict[str, Any]) -> str:
    value = answer.get(str(answer.get("type", "")))
    if isinstance(value, dict):
        value = value.get("label") or value.get("other") or ", ".join(map(str, value.get("labels", [])))
    return "" if value is None else str(value)


def typeform_export(payload: Any) -> tuple[str, bytes]:
    """A Typeform ``form_response`` as its one-row CSV export; returns the response token too."""
    response = payload.get("form_response") if isinstance(payload, dict) else None
    if not isinstance(response, dict) or not isinstance(response.get("definition"), dict):
        raise PayloadError("not a Typeform form_response (no form_response.definition)")
    fields = [f for f in response["definition"].get("fields", []) if isinstance(f, dict) and "id" in f]
    answers = {
        a["field"]["id"]: _typeform_value(a)
        for a in response.get("answers", [])
        if isinstance(a, dict) and isinstance(a.get("field"), dict) and "id" in a["field"]
    }
    given = response.get("hidden")
    hidden: dict[str, Any] = given if isinstance(given, dict) else {}
    token = str(response.get("token") or payload.get("event_id") or "")
    header = ["#", *(str(f.get("title", f["id"])) for f in fields), *map(str, hidden), "Start Date (UTC)"]
    row = [token, *(answers.get(f["id"], "") for f in fields), *map(str, hidden.values())]
    row.append(_export_date(response.get("landed_at") or response.get("submitted_at")))
    header += ["Submit Date (UTC)", "Network ID"]
    row += [_export_date(response.get("submitted_at")), ""]
    return token, _csv([header, row])


def surveymonkey_export(payload: Any) -> tuple[str, bytes] | None:
    """SurveyMonkey response details as its one-row export (two header rows); None for a bare event."""
    if not isinstance(payload, dict):
        raise PayloadError("not a SurveyMonkey payload (a JSON object)")
    if "pages" not in payload:
        if payload.get("event_type") or payload.get("object_type"):
            return None
        raise PayloadError("not a SurveyMonkey event or response details (no pages, no event_type)")
    questions = [q for page in payload.get("pages", []) if isinstance(page, dict) for q in page.get("questions", [])]
    headings = [str(q.get("heading", q.get("id", ""))) for q in questions if isinstance(q, dict)]
    values = [
        ", ".join(str(a.get("simple_text", a.get("text", ""))) for a in q.get("answers", []) if isinstance(a, dict))
        for q in questions
        if isinstance(q, dict)
    ]
    respondent = str(payload.get("id", ""))
    fixed = ["Respondent ID", "Collector ID", "Start Date", "End Date"]
    rows = [
        [*fixed, *headings],
        ["", "", "", "", *(["Response"] * len(headings))],
        [
            respondent,
            str(payload.get("collector_id", "")),
            _export_date(payload.get("date_created")),
            _export_date(payload.get("date_modified") or payload.get("date_created")),
            *values,
        ],
    ]
    return respondent, _csv(rows)
