"""The JSON schemas of the API's bodies and answers, and the refusals every route may give
(the parts of the OpenAPI document in ``openapi.py``)."""

from __future__ import annotations

from typing import Any

ERROR_STATUSES = {
    "400": "Malformed request (a body that is not JSON, a form that cannot be read).",
    "401": "No token, or a wrong or revoked one (or its user is disabled, or it is a workshop participant's).",
    "403": "The token's role is too low for this action, the cycle belongs to another team, or the answer would cover"
    " cycles outside the token's scope.",
    "404": "Unknown cycle, touchpoint, import or route.",
    "409": "Conflicts with the workspace (a file imported before, an import undone already).",
    "413": "The body is larger than the upload limit (200 MB).",
    "415": "Wrong content type.",
    "422": "Well-formed but refused; the message says why.",
    "429": "Too many failed token checks from this client; wait a minute.",
}
NUMBER_OR_NULL = {"type": ["number", "null"]}
FLOW_FIELDS = ("period", "service_cycle", "measure", "source", "count")
METRIC_FIELDS = (
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
)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def responses(ok: dict[str, dict[str, Any]], errors: tuple[str, ...]) -> dict[str, Any]:
    answers = dict(ok)
    for status in errors:
        answers[status] = json_body(ref("Error"), ERROR_STATUSES[status])
    return answers


AUTH = ("401", "403", "429")
READ = (*AUTH, "404", "422")
UPLOAD = (*AUTH, "400", "404", "409", "413", "415", "422")


def array_param(name: str, about: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": about,
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": {"type": "string"}},
    }


def summary_parameters() -> list[dict[str, Any]]:
    return [
        {
            "name": "by",
            "in": "query",
            "schema": {"type": "string", "enum": ["touchpoint", "moment", "month"], "default": "touchpoint"},
        },
        {"name": "start", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "end", "in": "query", "schema": {"type": "string", "format": "date"}},
        array_param("cycle", "service cycle names"),
        array_param("moment", "moment keys: now_or_never, make_or_break, keep_or_lose, multiplier"),
        array_param("channel", "channels"),
        array_param("group", "stakeholder group names"),
        array_param("team", "team names"),
        array_param("source", "sources: survey, workshop, manual"),
    ]


# The schemas as module constants: one table read top to bottom, not a 180-line function.
_ROW_METRICS = {name: NUMBER_OR_NULL for name in METRIC_FIELDS}
_SUMMARY_ROW = {
    "type": "object",
    "properties": {
        "touchpoint_id": {"type": "integer"},
        "touchpoint": {"type": "string"},
        "cycle": {"type": "string"},
        "moment": {"type": "string"},
        "month": {"type": "string"},
        "n": {"type": "integer"},
        "weak": {"type": ["boolean", "null"]},
        **_ROW_METRICS,
    },
    "required": ["n", "weak", *METRIC_FIELDS],
}
_TOUCHPOINT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "position": {"type": "integer"},
        "name": {"type": "string"},
        "moment": {"type": "string"},
        "channel": {"type": ["string", "null"]},
        "owner": {"type": ["string", "null"]},
        "standard": {"type": ["string", "null"]},
        "target": NUMBER_OR_NULL,
        "situation": {"type": ["string", "null"]},
    },
    "required": ["id", "position", "name", "moment", "target"],
}
_IMPRESSION_ITEM = {
    "type": "object",
    "properties": {
        "touchpoint": {"type": ["integer", "string"], "description": "a touchpoint id, or its name"},
        "cycle": {"type": "string", "description": "the touchpoint's cycle, when named (default: the batch's)"},
        "date": {"type": "string", "format": "date"},
        "answer": {"type": ["string", "number"]},
        "scale": {"type": "string", "description": "e.g. 1-5, 0-10, -2..2, labels:Poor|Fair|Good"},
        "group": {"type": ["string", "null"]},
        "comment": {"type": ["string", "null"]},
    },
    "required": ["touchpoint", "date", "answer", "scale"],
}
_PER_TOUCHPOINT = {"type": "object", "additionalProperties": {"type": "integer"}}
_OUTCOME = {
    "type": "object",
    "properties": {
        "import": {"type": "integer"},
        "file": {"type": "string"},
        "cycle": {"type": "string"},
        "impressions": {"type": "integer"},
        "rejected": {"type": "integer"},
        "missing_answers": {"type": "integer"},
        "per_touchpoint": _PER_TOUCHPOINT,
        "detected": {"type": "object"},
    },
    "required": ["import", "file", "cycle", "impressions", "rejected", "missing_answers", "per_touchpoint"],
}
_REJECTED = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"index": {"type": "integer"}, "reason": {"type": "string"}},
        "required": ["index", "reason"],
    },
}
SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]},
    "Stats": {
        "type": "object",
        "properties": {
            "impressions": {"type": "integer"},
            "touchpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "cycle": {"type": "string"},
                        "touchpoint": {"type": "string"},
                        "moment": {"type": "string"},
                        "impressions": {"type": "integer"},
                        "mean_score": {"type": "number"},
                    },
                    "required": ["cycle", "touchpoint", "moment", "impressions", "mean_score"],
                },
            },
        },
        "required": ["impressions", "touchpoints"],
    },
    "Cycles": {
        "type": "object",
        "properties": {
            "cycles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "description": {"type": ["string", "null"]},
                        "touchpoints": {"type": "array", "items": _TOUCHPOINT},
                    },
                    "required": ["id", "name", "touchpoints"],
                },
            },
            "moments": {"type": "array", "items": {"type": "object"}},
            "default_target": {"type": "number"},
        },
        "required": ["cycles", "moments", "default_target"],
    },
    "Summary": {
        "type": "object",
        "properties": {
            "by": {"type": "string", "enum": ["touchpoint", "moment", "month"]},
            "rows": {"type": "array", "items": _SUMMARY_ROW},
        },
        "required": ["by", "rows"],
    },
    "ImpressionBatch": {
        "type": "object",
        "properties": {
            "cycle": {"type": "string", "description": "the cycle of items that name their touchpoint"},
            "source": {"type": "string", "enum": ["survey", "manual"], "default": "survey"},
            "impressions": {"type": "array", "items": _IMPRESSION_ITEM},
        },
        "required": ["impressions"],
    },
    "Recorded": {
        "type": "object",
        "properties": {"recorded": {"type": "integer"}, "rejected": _REJECTED},
        "required": ["recorded", "rejected"],
    },
    "Refused": {
        "type": "object",
        "properties": {"error": {"type": "string"}, "recorded": {"type": "integer"}, "rejected": _REJECTED},
        "required": ["error"],
    },
    "ImportOutcome": _OUTCOME,
    "ImportPreview": {
        "type": "object",
        "properties": {
            "file": {"type": "string"},
            "cycle": {"type": "string"},
            "detected": {"type": "object"},
            "impressions": {"type": "integer"},
            "per_touchpoint": _PER_TOUCHPOINT,
            "rejected": {"type": "integer"},
            "rejected_rows": {"type": "array", "items": {"type": "object"}},
            "missing_answers": {"type": "integer"},
            "new_touchpoints": {"type": "array", "items": {"type": "string"}},
            "refusal": {"type": ["string", "null"]},
        },
        "required": ["file", "cycle", "impressions", "per_touchpoint", "rejected", "rejected_rows"],
    },
    "Imports": {
        "type": "object",
        "properties": {"imports": {"type": "array", "items": {"type": "object"}}},
        "required": ["imports"],
    },
    "Undone": {
        "type": "object",
        "properties": {"import": {"type": "integer"}, "removed": {"type": "integer"}},
        "required": ["import", "removed"],
    },
    "MapImport": {
        "type": "object",
        "properties": {"file": {"type": "string"}, "changes": {"type": "array", "items": {"type": "string"}}},
        "required": ["file", "changes"],
    },
    "ResponseRecorded": {
        "type": "object",
        "properties": {
            "recorded": {"type": "integer"},
            "survey": {"type": "string"},
            "import": {"type": "integer"},
            "duplicate": {"type": "boolean"},
            "note": {"type": "string"},
        },
        "required": ["recorded", "survey"],
    },
    "FlowRows": {
        "type": "object",
        "properties": {
            "strict": {"type": "boolean"},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {name: {"type": ["string", "integer"]} for name in FLOW_FIELDS},
                },
            },
        },
        "required": ["rows"],
    },
    "FlowRecorded": {
        "type": "object",
        "properties": {
            "import": {"type": "integer"},
            "file": {"type": "string"},
            "counts": {"type": "integer"},
            "rejected": {"type": "integer"},
            "rejected_rows": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["counts", "rejected", "rejected_rows"],
    },
    "FlowSummary": {
        "type": "object",
        "properties": {
            "from": {"type": ["string", "null"]},
            "to": {"type": ["string", "null"]},
            "months": {"type": "integer"},
            "total": {"type": "object"},
            "cycles": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["from", "to", "months", "total", "cycles"],
    },
}
