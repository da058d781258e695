"""The OpenAPI 3.1 document of ``/api/v1``, written by hand next to the handlers it describes.

Hand-written rather than generated: the handlers are plain Starlette functions, and a small
document read in one place is easier to keep true than decorators spread over the code. The
test suite holds it to the truth: schemathesis sends generated requests and fails on any
answer (status, content type, body) the document does not describe.
"""

from __future__ import annotations

from typing import Any

from dashboard.web import accounts_openapi, schemas, workshop_openapi


def _multipart(fields: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}, **fields},
        "required": ["file", *required],
    }
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


# Every route, as one table read top to bottom (module constants, not a 150-line function).
_FLAG = {"type": "string", "enum": ["true", "false"], "default": "false"}
_BINARY = {"type": "string", "format": "binary"}
PATHS: dict[str, Any] = {
    "/api/v1/stats": {
        "get": {
            "summary": "Impressions in total and per touchpoint (as `python -m dashboard stats --json`)",
            "responses": schemas.responses(
                {"200": schemas.json_body(schemas.ref("Stats"), "The figures.")}, schemas.AUTH
            ),
        }
    },
    "/api/v1/cycles": {
        "get": {
            "summary": "Service cycles with touchpoints, moments, standards and targets",
            "responses": schemas.responses(
                {"200": schemas.json_body(schemas.ref("Cycles"), "Every cycle.")}, schemas.AUTH
            ),
        }
    },
    "/api/v1/impressions/summary": {
        "get": {
            "summary": "Metrics by touchpoint, moment or month, with the pages' filters",
            "parameters": schemas.summary_parameters(),
            "responses": schemas.responses(
                {"200": schemas.json_body(schemas.ref("Summary"), "One row per group.")}, schemas.READ
            ),
        }
    },
    "/api/v1/impressions": {
        "post": {
            "summary": "Record a batch of impressions in one transaction (all, or none and why)",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": schemas.ref("ImpressionBatch")}},
            },
            "responses": {
                **schemas.responses(
                    {"201": schemas.json_body(schemas.ref("Recorded"), "Every impression recorded.")},
                    (*schemas.AUTH, "400", "413", "415"),
                ),
                "422": schemas.json_body(
                    schemas.ref("Refused"), "Nothing recorded; each refused item with its reason."
                ),
            },
        }
    },
    "/api/v1/imports": {
        "get": {
            "summary": "Every survey import, newest first",
            "responses": schemas.responses(
                {"200": schemas.json_body(schemas.ref("Imports"), "The history.")}, schemas.AUTH
            ),
        },
        "post": {
            "summary": "Import a survey file through the upload page's pipeline, or preview it (dry_run)",
            "requestBody": _multipart(
                {
                    "cycle": {"type": "string"},
                    "strict": _FLAG,
                    "dry_run": _FLAG,
                    "scale": {"type": "string"},
                    "date_order": {"type": "string"},
                    "sheet": {"type": "string"},
                    "group": {
                        "type": "string",
                        "description": "NAME=GROUP decisions for groups the file names that do not exist, one a line",
                    },
                },
                ["cycle"],
            ),
            "responses": schemas.responses(
                {
                    "201": schemas.json_body(
                        schemas.ref("ImportOutcome"), "Committed; the same JSON as the CLI's --json."
                    ),
                    "200": schemas.json_body(
                        schemas.ref("ImportPreview"), "dry_run: what the preview shows; nothing written."
                    ),
                },
                schemas.UPLOAD,
            ),
        },
    },
    "/api/v1/imports/{import_id}": {
        "delete": {
            "summary": "Undo an import: every impression it recorded is removed",
            "parameters": [
                {"name": "import_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
            ],
            "responses": schemas.responses(
                {"200": schemas.json_body(schemas.ref("Undone"), "Undone.")}, (*schemas.AUTH, "404", "409")
            ),
        }
    },
    "/api/v1/maps": {
        "get": {
            "summary": "A map file of one cycle or all",
            "parameters": [
                {"name": "cycle", "in": "query", "schema": {"type": "string"}},
                {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["csv", "xlsx"]}},
            ],
            "responses": schemas.responses(
                {
                    "200": {
                        "description": "The map file.",
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": _BINARY},
                        },
                    }
                },
                schemas.READ,
            ),
        },
        "post": {
            "summary": "Add or update the cycles a map file lists",
            "requestBody": _multipart({}, []),
            "responses": schemas.responses(
                {"200": schemas.json_body(schemas.ref("MapImport"), "What changed.")}, schemas.UPLOAD
            ),
        },
    },
    "/api/v1/flow": {
        "post": {
            "summary": "Record customer flow counts: a flow file (multipart) or rows (JSON), one transaction",
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "file": _BINARY,
                                "strict": _FLAG,
                                "sheet": {"type": "string"},
                            },
                            "required": ["file"],
                        }
                    },
                    "application/json": {"schema": schemas.ref("FlowRows")},
                },
            },
            "responses": schemas.responses(
                {"201": schemas.json_body(schemas.ref("FlowRecorded"), "Recorded.")}, schemas.UPLOAD
            ),
        }
    },
    "/api/v1/flow/summary": {
        "get": {
            "summary": "Flow figures (as `python -m dashboard flow stats --json`)",
            "parameters": [
                {"name": "cycle", "in": "query", "schema": {"type": "string"}},
                {"name": "start", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}},
                {"name": "end", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}},
            ],
            "responses": schemas.responses(
                {"200": schemas.json_body(schemas.ref("FlowSummary"), "The figures.")}, schemas.READ
            ),
        }
    },
    "/api/v1/backup": {
        "get": {
            "summary": "A consistent copy of the workspace (a DuckDB file), taken while the app serves",
            "responses": schemas.responses(
                {
                    "200": {
                        "description": "The backup.",
                        "content": {"application/octet-stream": {"schema": _BINARY}},
                    }
                },
                schemas.AUTH,
            ),
        }
    },
    "/api/v1/responses/{survey_key}": {
        "post": {
            "summary": "A response pushed by a survey tool's webhook (Typeform, SurveyMonkey), signature checked",
            "security": [],
            "parameters": [{"name": "survey_key", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": schemas.responses(
                {
                    "201": schemas.json_body(schemas.ref("ResponseRecorded"), "Recorded."),
                    "200": schemas.json_body(schemas.ref("ResponseRecorded"), "Delivered again: recorded once."),
                    "202": schemas.json_body(schemas.ref("ResponseRecorded"), "An event without answers."),
                },
                ("400", "401", "404", "409", "413", "415", "422"),
            ),
        }
    },
}


def document() -> dict[str, Any]:
    """The whole document, as served at ``/api/v1/openapi.json``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Touchpoint dashboard API",
            "version": "1",
            "description": "Send `Authorization: Bearer TOKEN` (python -m dashboard token create --user EMAIL). "
            "A token acts as its user, at most at its own role, and sees only the user's service cycles. "
            'Every refusal is JSON: {"error": message}.',
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, **workshop_openapi.SECURITY_SCHEMES},
            "schemas": {**schemas.SCHEMAS, **workshop_openapi.schemas(), **accounts_openapi.SCHEMAS},
        },
        "paths": {**PATHS, **workshop_openapi.paths(), **accounts_openapi.PATHS},
    }
