"""The participant API of a workshop: join, follow the session, vote, propose and back ideas.

The light participant page (``participant_page.py``) uses exactly these routes. A participant
is known by a token: sent as ``Authorization: Bearer TOKEN`` by a program, or held by the
browser in an HttpOnly cookie (``workshop_CODE``) that no script and no address can read.
Cookie-authenticated writes also carry ``X-CSRF-Token`` (``room.csrf_value``), which only a
page of this origin can learn. A token opens its own session's participant routes and nothing
else.

Refusals: 404 unknown code, 410 ended session, 409 touchpoint not open, 401 bad participant
token, 403 missing CSRF value, 413 body too large, 429 past a rate limit.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from dashboard import access
from dashboard import workshop as ws
from dashboard.room import Room, csrf_value
from dashboard.store import groups
from dashboard.web.endpoint import ApiError, error, read_limited

T = TypeVar("T")
log = logging.getLogger("dashboard.server")

PREFIX = "/api/v1/workshops/{code}"
BODY_LIMIT = 4096
"""The largest body a participant may send (an idea is 280 characters)."""
WAIT_SECONDS = 25.0
EVENT_KEEPALIVE_SECONDS = 15.0
COOKIE_PREFIX = "workshop_"
COOKIE_SECONDS = 12 * 3600


@dataclass
class Visit:
    """One participant request after its code (and, for most routes, its participant) was accepted."""

    request: Request
    room: Room
    session: ws.Session
    participant: ws.Participant | None
    token: str

    @property
    def me(self) -> ws.Participant:
        if self.participant is None:  # only routes that need no participant leave it empty: a bug
            raise RuntimeError("this route has no participant")
        return self.participant

    async def blocking(self, work: Callable[..., T], *args: Any) -> T:
        return await run_in_threadpool(work, *args)

    async def body(self) -> dict[str, Any]:
        """The JSON object sent (415, 413, 400 and 422 as fits); an empty body reads as ``{}``."""
        raw = await read_limited(self.request, BODY_LIMIT)
        if not raw.strip():
            return {}
        kind = self.request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise ApiError(415, "send the body as application/json")
        try:
            found = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as problem:
            raise ApiError(400, f"the body is not valid JSON: {problem}") from problem
        if not isinstance(found, dict):
            raise ApiError(422, "send a JSON object")
        return found

    def client(self) -> str:
        return self.request.client.host if self.request.client else ""


def cookie_name(code: str) -> str:
    return COOKIE_PREFIX + code


def _token(request: Request, code: str) -> tuple[str, bool]:
    """The participant token sent, and whether it came in the cookie (then writes need CSRF)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    return request.cookies.get(cookie_name(code), ""), True


async def find_session(room: Room, request: Request) -> ws.Session:
    """The session the path's code opens: 429 after too many wrong codes from one address, 404, 410."""
    client = request.client.host if request.client else ""
    if room.limits.wrong_codes.blocked(client):
        raise ApiError(429, "too many wrong workshop codes from your address; wait a minute and try again")
    typed = str(request.path_params.get("code", ""))
    code = ws.normalise_code(typed)
    found = await room.session_async(code) if code else None
    if found is None:
        room.limits.wrong_codes.take(client)
        raise ApiError(404, f"No workshop session has the code {typed[:20]!r}. Check the code on the screen.")
    if not found.is_live:
        raise ApiError(410, f"The workshop session {ws.display_code(found.code)} has ended. Thank you for taking part!")
    return found


async def _visit(room: Room, request: Request, joined: bool) -> Visit:
    session = await find_session(room, request)
    token, by_cookie = _token(request, session.code)
    participant = (room.peek_participant(token) or await run_in_threadpool(room.participant, token)) if token else None
    if participant is not None and participant.session_id != session.id:
        participant = None
    if not joined:
        return Visit(request, room, session, participant, token if participant else "")
    if participant is None:
        raise ApiError(401, "join the session first: this browser or token is not one of its participants")
    if by_cookie and request.method not in ("GET", "HEAD") and request.headers.get("x-csrf-token") != csrf_value(token):
        raise ApiError(403, "send the X-CSRF-Token value from the session's state with each change")
    return Visit(request, room, session, participant, token)


def _refusal(problem: ValueError) -> Response:
    message = " ".join(str(problem).split())
    if isinstance(problem, ws.SessionEndedError):
        return error(410, message)
    if isinstance(problem, ws.TouchpointClosedError):
        return error(409, message)
    if isinstance(problem, ws.VoteNotSavedError):  # the database failed, not the request
        return error(503, f"{message}; please try again")
    return error(404 if message.startswith("that ") else 422, message)


def participant_route(
    room: Room, handler: Callable[[Visit], Awaitable[Any]], *, joined: bool = True, status: int = 200
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint for a participant route: the session, the participant, the refusals."""

    async def run(request: Request) -> Response:
        try:
            visit = await _visit(room, request, joined)
            # A participant acts only as the anonymous member of this one session: any audited
            # write the handler reached would be refused, never made as the server.
            with access.acting_as(access.participant(visit.session.id)):
                result = await handler(visit)
        except ApiError as refusal:
            return error(refusal.status, refusal.message)
        except access.ForbiddenError as refusal:
            return error(403, str(refusal))
        except ValueError as refusal:  # WorkshopError and the text rules' messages
            return _refusal(refusal)
        except Exception:
            log.exception("unexpected error in %s %s", request.method, request.url.path)
            return error(500, "the server failed to answer; the details are in its log")
        return result if isinstance(result, Response) else JSONResponse(result, status_code=status)

    run.__name__ = handler.__name__
    return run


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(422, f"{name} must be text")
    return value


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise ApiError(422, f"{name} must be a whole number")
    return value


async def join(visit: Visit) -> Response:
    """Joins the session (or, from a browser that already joined it, stays the same participant)."""
    body = await visit.body()
    if visit.participant is not None:
        participant, token, status = visit.participant, visit.token, 200
    else:
        group_id = await visit.blocking(_group_id, visit, _text(body, "group"))
        participant, token = await ws.join_async(visit.room.store(), visit.session, _text(body, "name"), group_id)
        visit.room.remember(token, participant)
        status = 201
    answer = JSONResponse(
        {"token": token, "name": participant.name, "csrf": csrf_value(token)},
        status_code=status,
        headers={"cache-control": "no-store"},
    )
    answer.set_cookie(
        cookie_name(visit.session.code),
        token,
        max_age=COOKIE_SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=visit.request.url.scheme == "https",
    )
    return answer


def _group_id(visit: Visit, name: str) -> int | None:
    if not name.strip():
        return None
    known = groups.groups(visit.room.store())
    found = known.loc[known["name"].str.casefold() == name.strip().casefold(), "id"]
    if found.empty:
        raise ApiError(422, f"there is no stakeholder group named {name.strip()[:60]!r}")
    return int(found.iloc[0])


async def state(visit: Visit) -> Response:
    """The session as this phone shows it; with ``?since=VERSION``, waits (25 s at most) for a newer one."""
    since_text = visit.request.query_params.get("since")
    if since_text is not None:
        if not since_text.isdigit() or len(since_text) > 18:
            raise ApiError(422, "since must be a version number from an earlier state")
        waiting = visit.room.notifier.wait_for_change(visit.session.id, int(since_text), WAIT_SECONDS)
        if not await _unless_gone(visit.request, waiting):
            return Response(status_code=204)  # nobody is listening any more
        await find_session(visit.room, visit.request)  # the wait may have ended the session: 410
    found = await visit.room.state_async(visit.session.id, visit.me, visit.token)
    return JSONResponse(found, headers={"cache-control": "no-store"})


async def _unless_gone(request: Request, waiting: Awaitable[int]) -> bool:
    """Waits for ``waiting``; False as soon as the phone hangs up instead (a closed tab frees its
    wait at once, and a stopping server is not held up by phones that left)."""

    async def gone() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    change, leaving = asyncio.ensure_future(waiting), asyncio.ensure_future(gone())
    done, pending = await asyncio.wait({change, leaving}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return change in done


async def events(visit: Visit) -> Response:
    """Server-Sent Events: the state now, then again at each change (a comment keeps the line open)."""
    room, session_id, me, token = visit.room, visit.session.id, visit.me, visit.token

    async def stream() -> AsyncIterator[str]:
        found = await room.state_async(session_id, me, token)
        yield f"event: state\ndata: {json.dumps(found)}\n\n"
        while found["live"]:
            version = await room.notifier.wait_for_change(session_id, found["version"], EVENT_KEEPALIVE_SECONDS)
            if version == found["version"]:
                yield ": still here\n\n"
                continue
            found = await room.state_async(session_id, me, token)
            yield f"event: state\ndata: {json.dumps(found)}\n\n"

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"cache-control": "no-store", "x-accel-buffering": "no"}
    )


def _limit(allowed: bool, what: str) -> None:
    if not allowed:
        raise ApiError(429, f"too many {what} at once; wait a few seconds")


async def put_vote(visit: Visit) -> dict[str, Any]:
    """Scores one open touchpoint (a second score replaces the first)."""
    body = await visit.body()
    answer = body.get("answer")
    if isinstance(answer, bool) or not isinstance(answer, str | int | float):
        raise ApiError(422, 'send the score as {"answer": "4"}, a point of the session\'s scale')
    touchpoint_id = _whole(visit.request.path_params["touchpoint_id"], "touchpoint_id")
    _limit(visit.room.limits.votes.take(str(visit.me.id)), "votes")
    try:
        stored = await ws.vote_async(visit.room.store(), visit.session, visit.me, touchpoint_id, str(answer))
    finally:
        visit.room.wrote(visit.me.id)
    return {"touchpoint_id": touchpoint_id, "answer": stored}


async def delete_vote(visit: Visit) -> dict[str, Any]:
    """Takes a score back while the touchpoint is open."""
    touchpoint_id = _whole(visit.request.path_params["touchpoint_id"], "touchpoint_id")
    _limit(visit.room.limits.votes.take(str(visit.me.id)), "votes")
    try:
        await ws.vote_async(visit.room.store(), visit.session, visit.me, touchpoint_id, None)
    finally:
        visit.room.wrote(visit.me.id)
    return {"touchpoint_id": touchpoint_id, "answer": None}


async def post_idea(visit: Visit) -> dict[str, Any]:
    """Proposes an enhancement idea for one of the session's touchpoints."""
    body = await visit.body()
    touchpoint_id = _whole(body.get("touchpoint_id"), "touchpoint_id")
    idea = _text(body, "text")
    _limit(visit.room.limits.ideas.take(str(visit.me.id)), "ideas")
    found = await ws.propose_async(visit.room.store(), visit.me, touchpoint_id, idea)
    return {"id": found, "touchpoint_id": touchpoint_id}


def backing(in_favour: bool) -> Callable[[Visit], Awaitable[dict[str, Any]]]:
    async def back(visit: Visit) -> dict[str, Any]:
        """Backs another participant's idea, or takes the backing back."""
        idea_id = _whole(visit.request.path_params["idea_id"], "idea_id")
        _limit(visit.room.limits.votes.take(str(visit.me.id)), "changes")
        try:
            await ws.back_async(visit.room.store(), visit.me, idea_id, in_favour)
        finally:
            visit.room.wrote(visit.me.id)
        return {"idea_id": idea_id, "backed": in_favour}

    back.__name__ = "back" if in_favour else "unback"
    return back


def routes(room: Room) -> list[BaseRoute]:
    """The participant routes, under ``/api/v1/workshops/{code}``."""
    return [
        Route(f"{PREFIX}/participants", participant_route(room, join, joined=False, status=201), methods=["POST"]),
        Route(f"{PREFIX}/state", participant_route(room, state), methods=["GET"]),
        Route(f"{PREFIX}/events", participant_route(room, events), methods=["GET"]),
        Route(f"{PREFIX}/votes/{{touchpoint_id:int}}", participant_route(room, put_vote), methods=["PUT"]),
        Route(f"{PREFIX}/votes/{{touchpoint_id:int}}", participant_route(room, delete_vote), methods=["DELETE"]),
        Route(f"{PREFIX}/ideas", participant_route(room, post_idea, status=201), methods=["POST"]),
        Route(f"{PREFIX}/ideas/{{idea_id:int}}/backing", participant_route(room, backing(True)), methods=["PUT"]),
        Route(f"{PREFIX}/ideas/{{idea_id:int}}/backing", participant_route(room, backing(False)), methods=["DELETE"]),
    ]
