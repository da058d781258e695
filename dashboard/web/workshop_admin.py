"""The facilitator's workshop API (a facilitator's or an admin's token): start a session, step
through it, read its results, take an idea off the wall. The same functions as the Workshop page.
A session on a cycle outside the token's scope reads as unknown (404)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from starlette.routing import BaseRoute, Route

from dashboard import access
from dashboard import workshop as ws
from dashboard.store import Store, cycles
from dashboard.store import workshop as sql
from dashboard.web import scope
from dashboard.web.endpoint import ApiError, Call, NotFoundError, endpoint
from dashboard.web.service import Service

BODY_LIMIT = 64 * 1024


def _session(store: Store, typed: str) -> ws.Session:
    code = ws.normalise_code(typed)
    found = sql.session_by_code(store, code) if code else None
    if found is None or not access.current().sees(found.cycle_id):
        raise NotFoundError(f"no workshop session has the code {typed[:20]!r}")
    return found


def _named(frame: pd.DataFrame, wanted: object, what: str) -> int:
    """The id of the row ``wanted`` names (by id or by name, case aside)."""
    if isinstance(wanted, int) and not isinstance(wanted, bool):
        hit = frame.loc[frame["id"] == wanted, "id"]
    elif isinstance(wanted, str) and wanted.strip():
        hit = frame.loc[frame["name"].str.casefold() == wanted.strip().casefold(), "id"]
    else:
        raise ApiError(422, f"name the {what} by its name or id")
    if hit.empty:
        raise NotFoundError(f"there is no {what} {wanted!r}")
    return int(hit.iloc[0])


def _start(store: Store, body: dict[str, Any]) -> ws.Session:
    title = body.get("title", "")
    if not isinstance(title, str):
        raise ApiError(422, "title must be text")
    if body.get("from") is not None:
        return ws.start_from(store, _session(store, str(body["from"])).id, title)
    cycle_id = _named(scope.cycles(store, access.current()), body.get("cycle"), "service cycle")
    points = cycles.touchpoints(store, cycle_id)
    wanted = body.get("touchpoints")
    if wanted is None:
        chosen = [int(i) for i in points["id"]]
    elif isinstance(wanted, list) and wanted:
        chosen = [_named(points, item, "touchpoint in that cycle") for item in wanted]
    else:
        raise ApiError(422, "touchpoints must be a non-empty list of names or ids (or left out for all)")
    scale = body.get("scale", "1-5")
    if not isinstance(scale, str):
        raise ApiError(422, 'scale must be text such as "1-5"')
    phone_url = body.get("phone_url", "")
    return ws.start(store, cycle_id, chosen, scale, title, phone_url if isinstance(phone_url, str) else "")


def summary(session: ws.Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "code": session.code,
        "title": session.title,
        "cycle": session.cycle,
        "scale": session.scale,
        "status": session.status,
        "revealed": session.revealed,
        "current_touchpoint_id": session.current_touchpoint_id,
        "join_path": f"/{ws.PARTICIPANT_PATH}/{session.code}",
        "presenter_path": f"/{ws.PRESENT_PATH}?key={session.presenter_key}",
    }


async def start(call: Call) -> dict[str, Any]:
    """Starts a session: ``cycle``, optional ``touchpoints``, ``scale``, ``title``; or ``from`` an earlier code."""
    body = await call.json(BODY_LIMIT)
    if not isinstance(body, dict):
        raise ApiError(422, "send a JSON object")
    return summary(await call.blocking(_start, call.service.store, body))


def _step(store: Store, code: str, action: object) -> ws.Session:
    if not isinstance(action, str):
        raise ApiError(422, f"action must be one of: {', '.join(ws.STEPS)}")
    session = _session(store, code)
    ws.apply_step(store, session, action)
    found = sql.session(store, session.id)
    assert found is not None
    return found


async def step(call: Call) -> dict[str, Any]:
    """One of the facilitator's steps: open, close, next, previous, open_all, close_all, reveal, hide, end."""
    body = await call.json(BODY_LIMIT)
    action = body.get("action") if isinstance(body, dict) else None
    return summary(await call.blocking(_step, call.service.store, call.request.path_params["code"], action))


def _results(store: Store, code: str) -> dict[str, Any]:
    session = _session(store, code)
    items = sql.session_touchpoints(store, session.id)
    tallies = sql.session_tallies(store, session.id)
    table = items[["touchpoint_id", "position", "name", "is_open", "votes", "mean"]].assign(
        votes=items["votes"].astype(int), mean=items["mean"].astype(object).where(items["mean"].notna(), None)
    )
    answers = tallies.rename(columns={"raw_value": "answer"})[["touchpoint_id", "answer", "votes"]]
    ideas = sql.session_ideas(store, session.id)[["id", "touchpoint_id", "text", "votes", "hidden"]]
    return {
        "session": summary(session),
        "totals": sql.totals(store, session.id),
        "touchpoints": table.to_dict("records"),
        "answers": answers.to_dict("records"),
        "ideas": ideas.to_dict("records"),
    }


async def results(call: Call) -> dict[str, Any]:
    """The session's totals, each touchpoint's votes per scale point and mean, and its ideas."""
    return await call.blocking(_results, call.service.store, call.request.path_params["code"])


def hiding(hidden: bool) -> Any:
    async def hide(call: Call) -> dict[str, Any]:
        """Takes an idea off the wall (PUT) or puts it back (DELETE)."""
        store = call.service.store
        session = await call.blocking(_session, store, call.request.path_params["code"])
        idea_id = int(call.request.path_params["idea_id"])
        await call.blocking(ws.hide_idea, store, session.id, idea_id, hidden)
        return {"idea_id": idea_id, "hidden": hidden}

    hide.__name__ = "hide" if hidden else "unhide"
    return hide


def routes(service: Service) -> list[BaseRoute]:
    base = "/api/v1/workshops"
    idea = f"{base}/{{code}}/ideas/{{idea_id:int}}/hidden"
    return [
        Route(base, endpoint(service, "workshop", start, 201), methods=["POST"]),
        Route(f"{base}/{{code}}/steps", endpoint(service, "workshop", step), methods=["POST"]),
        Route(f"{base}/{{code}}/results", endpoint(service, "workshop", results), methods=["GET"]),
        Route(idea, endpoint(service, "workshop", hiding(True)), methods=["PUT"]),
        Route(
            idea,
            endpoint(service, "workshop", hiding(False)),
            methods=["DELETE"],
        ),
    ]
