"""The accounts routes' part of the OpenAPI document (``accounts_api.py``): users and tokens, for
an admin's token that sees every cycle."""

from __future__ import annotations

from typing import Any

from dashboard import access
from dashboard.web.schemas import AUTH, json_body, ref, responses

TEXT = {"type": "string"}
NAMES = {"type": "array", "items": TEXT}
ROLE = {"type": "string", "enum": list(access.ROLES)}
EMAIL = {"name": "email", "in": "path", "required": True, "schema": TEXT, "description": "the user's e-mail"}
BODY_ERRORS = (*AUTH, "400", "404", "409", "413", "415", "422")


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties) if required is None else required}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


SCHEMAS: dict[str, Any] = {
    "User": _object(
        {
            "email": TEXT,
            "name": TEXT,
            "role": ROLE,
            "teams": NAMES,
            "cycles": NAMES,
            "has_password": {"type": "boolean"},
            "disabled_at": {"type": ["string", "null"]},
            "created_at": TEXT,
        }
    ),
    "Users": _object({"users": {"type": "array", "items": ref("User")}}),
    "NewUser": _object(
        {"email": TEXT, "role": ROLE, "name": TEXT, "teams": NAMES, "cycles": NAMES, "password": TEXT},
        ["email", "role"],
    ),
    "UserAdded": _object({"email": TEXT, "role": ROLE, "link": {"type": ["string", "null"]}}),
    "UserLink": _object({"email": TEXT, "link": TEXT}),
    "UserChanged": _object({"email": TEXT}),
    "NewToken": _object({"name": TEXT, "role": ROLE, "user": TEXT}, ["name", "role"]),
    "TokenMade": _object({"token": TEXT}),
}

_ONE = "/api/v1/users/{email}"
PATHS: dict[str, Any] = {
    "/api/v1/users": {
        "get": {
            "summary": "Every user: e-mail, name, role, teams, cycles, password set, disabled",
            "responses": responses({"200": json_body(ref("Users"), "Every user.")}, AUTH),
        },
        "post": {
            "summary": "Add a user; answers the set-password path, unless a password was given",
            "requestBody": _body(ref("NewUser")),
            "responses": responses({"201": json_body(ref("UserAdded"), "Added.")}, BODY_ERRORS),
        },
    },
    f"{_ONE}/role": {
        "put": {
            "summary": "Change a user's role (their tokens are capped at it)",
            "parameters": [EMAIL],
            "requestBody": _body(_object({"role": ROLE})),
            "responses": responses({"200": json_body(_object({"email": TEXT, "role": ROLE}), "Changed.")}, BODY_ERRORS),
        }
    },
    f"{_ONE}/scope": {
        "put": {
            "summary": "Set the teams a user writes for and the cycles they see (cycles: [] for every cycle)",
            "parameters": [EMAIL],
            "requestBody": _body(_object({"teams": NAMES, "cycles": NAMES}, [])),
            "responses": responses({"200": json_body(ref("UserChanged"), "Changed.")}, BODY_ERRORS),
        }
    },
    f"{_ONE}/invite": {
        "post": {
            "summary": "A new one-time set-password path (earlier links stop working)",
            "parameters": [EMAIL],
            "responses": responses({"200": json_body(ref("UserLink"), "The link's path.")}, (*AUTH, "404", "422")),
        }
    },
    f"{_ONE}/disable": {
        "post": {
            "summary": "Disable a user: their sessions end and their tokens are revoked",
            "parameters": [EMAIL],
            "responses": responses(
                {"200": json_body(_object({"email": TEXT, "disabled": {"type": "boolean"}}), "Disabled.")},
                (*AUTH, "404", "422"),
            ),
        }
    },
    "/api/v1/tokens": {
        "post": {
            "summary": "A token for a user (at most their role), shown once",
            "requestBody": _body(ref("NewToken")),
            "responses": responses({"201": json_body(ref("TokenMade"), "The token.")}, BODY_ERRORS),
        }
    },
}
