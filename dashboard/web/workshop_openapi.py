"""The workshop routes' part of the OpenAPI document: the participant API (a participant token,
as a bearer token or the page's cookie) and the facilitator's API (a facilitator's or an admin's token)."""

from __future__ import annotations

from typing import Any

from dashboard.web.schemas import json_body, ref

STATUSES = {
    "400": "The body is not valid JSON.",
    "401": "No participant (or API) token, or one that is not valid here.",
    "403": "A cookie-authenticated change without its X-CSRF-Token value, or a token of too low a role.",
    "404": "No session has this code, or no such touchpoint or idea in it.",
    "409": "The touchpoint is not open for votes.",
    "410": "The session has ended.",
    "413": "The body is too large.",
    "415": "Send application/json.",
    "422": "Well-formed but refused; the message says why.",
    "429": "Past a rate limit (wrong codes per address, votes or ideas per participant); wait a little.",
    "503": "The database failed to save the vote (nothing was saved); try again.",
}
CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}, "description": "join code"}
PARTICIPANT: list[dict[str, list[str]]] = [{"participant": []}]
NULLABLE_TEXT = {"type": ["string", "null"]}
TEXT = {"type": "string"}
EVENTS = {"description": "The event stream.", "content": {"text/event-stream": {"schema": TEXT}}}


def _answers(ok: dict[str, Any], errors: str) -> dict[str, Any]:
    found = dict(ok)
    for status in errors.split():
        found[status] = json_body(ref("Error"), STATUSES[status])
    return found


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


def _int_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


# The bodies and answers, as module constants read top to bottom.
_IDEA = _object(
    {
        "id": {"type": "integer"},
        "touchpoint_id": {"type": "integer"},
        "touchpoint": {"type": "string"},
        "text": {"type": "string"},
        "votes": {"type": "integer"},
        "hidden": {"type": "boolean"},
        "mine": {"type": "boolean"},
        "backed": {"type": "boolean"},
    }
)
_OPEN_TOUCHPOINT = _object(
    {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "standard": {"type": "string"},
        "your_score": NULLABLE_TEXT,
    }
)
_SESSION = _object(
    {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "title": {"type": "string"},
        "cycle": {"type": "string"},
        "scale": {"type": "string"},
        "status": {"type": "string", "enum": ["live", "ended"]},
        "revealed": {"type": "boolean"},
        "current_touchpoint_id": {"type": ["integer", "null"]},
        "join_path": {"type": "string"},
        "presenter_path": {"type": "string"},
    }
)
SCHEMAS: dict[str, Any] = {
    "WorkshopState": _object(
        {
            "version": {"type": "integer"},
            "code": {"type": "string"},
            "title": {"type": "string"},
            "live": {"type": "boolean"},
            "scale": {"type": "array", "items": {"type": "string"}},
            "touchpoints": {"type": "array", "items": _OPEN_TOUCHPOINT},
            "scores": {"type": "object", "additionalProperties": {"type": "string"}},
            "session_touchpoints": {
                "type": "array",
                "items": _object({"id": {"type": "integer"}, "name": {"type": "string"}}),
            },
            "ideas": {"type": "array", "items": _IDEA},
            "you": _object({"name": {"type": "string"}}),
            "csrf": {"type": "string"},
        }
    ),
    "WorkshopJoined": _object({"token": {"type": "string"}, "name": {"type": "string"}, "csrf": {"type": "string"}}),
    "WorkshopVote": _object({"touchpoint_id": {"type": "integer"}, "answer": NULLABLE_TEXT}),
    "WorkshopIdea": _object({"id": {"type": "integer"}, "touchpoint_id": {"type": "integer"}}),
    "WorkshopBacking": _object({"idea_id": {"type": "integer"}, "backed": {"type": "boolean"}}),
    "WorkshopHidden": _object({"idea_id": {"type": "integer"}, "hidden": {"type": "boolean"}}),
    "WorkshopSession": _SESSION,
    "WorkshopResults": _object(
        {
            "session": _SESSION,
            "totals": _object(
                {"participants": {"type": "integer"}, "votes": {"type": "integer"}, "ideas": {"type": "integer"}}
            ),
            "touchpoints": {"type": "array", "items": {"type": "object"}},
            "ideas": {"type": "array", "items": {"type": "object"}},
        }
    ),
}


def schemas() -> dict[str, Any]:
    return SCHEMAS


_BASE = "/api/v1/workshops/{code}"
_BODY_ERRORS = "400 401 403 404 409 410 413 415 422 429"
PARTICIPANT_PATHS: dict[str, Any] = {
    f"{_BASE}/participants": {
        "post": {
            "summary": "Join a live session (optional name and group); the token also comes as an HttpOnly cookie",
            "security": [],
            "parameters": [CODE],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}, "group": {"type": "string"}},
                        }
                    }
                },
            },
            "responses": _answers(
                {
                    "201": json_body(ref("WorkshopJoined"), "Joined."),
                    "200": json_body(ref("WorkshopJoined"), "This browser had joined already: the same participant."),
                },
                "400 404 410 413 415 422 429",
            ),
        }
    },
    f"{_BASE}/state": {
        "get": {
            "summary": "The session as a phone shows it; with since=VERSION, waits up to 25 s for a newer version",
            "security": PARTICIPANT,
            "parameters": [CODE, {"name": "since", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
            "responses": _answers({"200": json_body(ref("WorkshopState"), "The state.")}, "401 404 410 422 429"),
        }
    },
    f"{_BASE}/events": {
        "get": {
            "summary": "Server-Sent Events: an event 'state' (the same JSON as /state) now and at each change",
            "security": PARTICIPANT,
            "parameters": [CODE],
            "responses": _answers(
                {
                    "200": {
                        "description": "The event stream.",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    }
                },
                "401 404 410 429",
            ),
        }
    },
    f"{_BASE}/votes/{{touchpoint_id}}": {
        "put": {
            "summary": "Score an open touchpoint; a second score replaces the first",
            "security": PARTICIPANT,
            "parameters": [CODE, _int_param("touchpoint_id")],
            "requestBody": _body(_object({"answer": {"type": "string"}})),
            "responses": _answers({"200": json_body(ref("WorkshopVote"), "Saved.")}, f"{_BODY_ERRORS} 503"),
        },
        "delete": {
            "summary": "Take a score back while the touchpoint is open",
            "security": PARTICIPANT,
            "parameters": [CODE, _int_param("touchpoint_id")],
            "responses": _answers(
                {"200": json_body(ref("WorkshopVote"), "Taken back.")}, "401 403 404 409 410 422 429 503"
            ),
        },
    },
    f"{_BASE}/ideas": {
        "post": {
            "summary": "Propose an enhancement idea for one of the session's touchpoints",
            "security": PARTICIPANT,
            "parameters": [CODE],
            "requestBody": _body(_object({"touchpoint_id": {"type": "integer"}, "text": {"type": "string"}})),
            "responses": _answers({"201": json_body(ref("WorkshopIdea"), "Proposed.")}, _BODY_ERRORS),
        }
    },
    f"{_BASE}/ideas/{{idea_id}}/backing": {
        method: {
            "summary": summary,
            "security": PARTICIPANT,
            "parameters": [CODE, _int_param("idea_id")],
            "responses": _answers({"200": json_body(ref("WorkshopBacking"), "Done.")}, "401 403 404 410 422 429"),
        }
        for method, summary in (("put", "Back another participant's idea"), ("delete", "Stop backing an idea"))
    },
}


def _facilitator_paths() -> dict[str, Any]:
    base = "/api/v1/workshops"
    session = {"200": json_body(ref("WorkshopSession"), "The session after the step.")}
    return {
        base: {
            "post": {
                "summary": "Start a session: cycle, touchpoints (all if left out), scale; or copy an earlier (from)",
                "requestBody": _body(
                    {
                        "type": "object",
                        "properties": {
                            "cycle": {"type": ["string", "integer"]},
                            "touchpoints": {"type": "array", "items": {"type": ["string", "integer"]}},
                            "scale": {"type": "string", "default": "1-5"},
                            "title": {"type": "string"},
                            "from": {"type": "string"},
                            "phone_url": {"type": "string"},
                        },
                    }
                ),
                "responses": _answers(
                    {"201": json_body(ref("WorkshopSession"), "Started.")}, "400 401 403 404 409 413 415 422 429"
                ),
            }
        },
        f"{base}/{{code}}/steps": {
            "post": {
                "summary": "A facilitator's step: open, close, next, previous, open_all, close_all, reveal, hide, end",
                "parameters": [CODE],
                "requestBody": _body(_object({"action": {"type": "string"}})),
                "responses": _answers(session, "400 401 403 404 409 413 415 422 429"),
            }
        },
        f"{base}/{{code}}/results": {
            "get": {
                "summary": "Totals, votes per scale point and mean per touchpoint, and ideas",
                "parameters": [CODE],
                "responses": _answers({"200": json_body(ref("WorkshopResults"), "The results.")}, "401 403 404 429"),
            }
        },
        f"{base}/{{code}}/ideas/{{idea_id}}/hidden": {
            method: {
                "summary": summary,
                "parameters": [CODE, _int_param("idea_id")],
                "responses": _answers({"200": json_body(ref("WorkshopHidden"), "Done.")}, "401 403 404 409 422 429"),
            }
            for method, summary in (("put", "Take an idea off the wall"), ("delete", "Put an idea back on the wall"))
        },
    }


def paths() -> dict[str, Any]:
    return {**_facilitator_paths(), **PARTICIPANT_PATHS}


SECURITY_SCHEMES = {
    "participant": {
        "type": "http",
        "scheme": "bearer",
        "description": "The participant token from POST .../participants. The page sends it as its HttpOnly "
        "cookie workshop_CODE instead, with X-CSRF-Token (the state's csrf) on every change.",
    }
}
