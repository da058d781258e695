"""Accounts and tokens over the API, so ``python -m dashboard user ...`` and ``token create`` work
while the server holds the workspace (``dashboard/remote_accounts.py``). An admin's token that
sees every cycle only: a token limited to some cycles could otherwise make itself a wider one.

- ``GET /api/v1/users``: every user;
- ``POST /api/v1/users`` ``{email, role, name, teams, cycles, password}``: adds one; answers the
  set-password path (``/auth/set-password?link=...``) unless a password was given;
- ``PUT /api/v1/users/{email}/role`` ``{role}``, ``PUT /api/v1/users/{email}/scope``
  ``{teams, cycles}`` (``cycles: []``: every cycle), ``POST /api/v1/users/{email}/invite``,
  ``POST /api/v1/users/{email}/disable``;
- ``POST /api/v1/tokens`` ``{name, role, user}``: the new token, shown once.

Teams and cycles are named as on the pages. Documented in ``accounts_openapi.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from starlette.routing import BaseRoute, Route

from dashboard import access, accounts, text
from dashboard.store import Store, tokens, users
from dashboard.store import cycles as store_cycles
from dashboard.store import groups as store_groups
from dashboard.web import scope
from dashboard.web.api import records
from dashboard.web.endpoint import ApiError, Call

BODY_LIMIT = 16 * 1024
LINK_PATH = "/auth/set-password?link="


async def _body(call: Call) -> dict[str, Any]:
    scope.refuse_if_scoped(call.principal, "managing users and tokens")
    found = await call.json(BODY_LIMIT)
    if not isinstance(found, dict):
        raise ApiError(422, "send a JSON object")
    return found


def _role(body: dict[str, Any]) -> str:
    role = _text(body, "role")
    if role not in access.ROLES:
        raise ApiError(422, f"unknown role {role!r}; the roles are {', '.join(access.ROLES)}")
    return role


def _text(body: dict[str, Any], name: str, default: str | None = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise ApiError(422, f"{name} must be text")
    return value


def _names(body: dict[str, Any], name: str) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(422, f"{name} must be a list of names")
    return value


def _ids(frame: pd.DataFrame, names: list[str] | None, what: str) -> list[int] | None:
    """The ids of the named teams or cycles (None when none was given); 422 for an unknown name."""
    if names is None:
        return None
    keys = frame["name"].map(text.key)
    unknown = [n for n in names if text.key(n) not in set(keys)]
    if unknown:
        raise ApiError(422, f"there is no {what} {unknown[0]!r} ({what}s: {', '.join(frame['name']) or 'none yet'})")
    return [int(i) for i in frame.loc[keys.isin([text.key(n) for n in names]), "id"]]


def _create(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    email, role, password = _text(body, "email"), _role(body), body.get("password")
    if password is not None and not isinstance(password, str):
        raise ApiError(422, "password must be text")
    teams = _ids(store_groups.teams(store), _names(body, "teams"), "team") or []
    cycles = _ids(store_cycles.cycles(store), _names(body, "cycles"), "service cycle") or []
    if password is not None:
        accounts.hash_password(password)  # checked before the user exists: a refusal adds nobody
    users.create(store, email, role, _text(body, "name", ""), teams, cycles)
    if password is not None:
        users.set_password(store, email, password)
        return {"email": email.strip().casefold(), "role": role, "link": None}
    return {"email": email.strip().casefold(), "role": role, "link": LINK_PATH + users.invite(store, email)}


def _scope(store: Store, email: str, body: dict[str, Any]) -> dict[str, Any]:
    teams = _ids(store_groups.teams(store), _names(body, "teams"), "team")
    cycles = _ids(store_cycles.cycles(store), _names(body, "cycles"), "service cycle")
    users.set_scope(store, email, teams, cycles)
    return {"email": email.strip().casefold()}


def _token(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    owner = body.get("user")
    if owner is not None and not isinstance(owner, str):
        raise ApiError(422, "user must be an e-mail address")
    user_id = users.find(store, owner) if owner else None
    return {"token": tokens.create(store, _text(body, "name"), _role(body), user_id)}


async def listing(call: Call) -> Any:
    scope.refuse_if_scoped(call.principal, "managing users and tokens")
    frame = await call.blocking(users.listing, call.service.store)
    return {"users": records(frame.assign(teams=frame["teams"].map(list), cycles=frame["cycles"].map(list)))}


async def create(call: Call) -> Any:
    return await call.blocking(_create, call.service.store, await _body(call))


async def set_role(call: Call) -> Any:
    body, email = await _body(call), str(call.request.path_params["email"])
    role = _role(body)
    await call.blocking(users.set_role, call.service.store, email, role)
    return {"email": email.strip().casefold(), "role": role}


async def set_scope(call: Call) -> Any:
    body = await _body(call)
    return await call.blocking(_scope, call.service.store, str(call.request.path_params["email"]), body)


async def invite(call: Call) -> Any:
    scope.refuse_if_scoped(call.principal, "managing users and tokens")
    email = str(call.request.path_params["email"])
    return {
        "email": email.strip().casefold(),
        "link": LINK_PATH + await call.blocking(users.invite, call.service.store, email),
    }


async def disable(call: Call) -> Any:
    scope.refuse_if_scoped(call.principal, "managing users and tokens")
    email = str(call.request.path_params["email"])
    await call.blocking(users.disable, call.service.store, email)
    return {"email": email.strip().casefold(), "disabled": True}


async def token(call: Call) -> Any:
    return await call.blocking(_token, call.service.store, await _body(call))


def routes(guarded: Callable[..., Any], prefix: str) -> list[BaseRoute]:
    """This module's routes, for ``dashboard.web.routes`` (one line there)."""
    one = f"{prefix}/users/{{email}}"
    return [
        Route(f"{prefix}/users", guarded("users", listing), methods=["GET"]),
        Route(f"{prefix}/users", guarded("users", create, 201), methods=["POST"]),
        Route(f"{one}/role", guarded("users", set_role), methods=["PUT"]),
        Route(f"{one}/scope", guarded("users", set_scope), methods=["PUT"]),
        Route(f"{one}/invite", guarded("users", invite), methods=["POST"]),
        Route(f"{one}/disable", guarded("users", disable), methods=["POST"]),
        Route(f"{prefix}/tokens", guarded("tokens", token, 201), methods=["POST"]),
    ]
