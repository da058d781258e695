"""The room's short way through the server (``dashboard.web.lane``): the workshop API skips the
layers inside it, keeps those outside it (security headers), and still gzips and answers 405."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.web.lane import RoomLane
from dashboard.web.security import Policy, SecurityMiddleware


class Inner:
    """Stands for the layers the room skips: marks every answer it sees."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def mark(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"x-inner", b"1")]
            await send(message)

        await self.app(scope, receive, mark)


async def state(_request: Request) -> Response:
    return JSONResponse({"ideas": ["an idea worth backing"] * 100})


async def page(_request: Request) -> Response:
    return JSONResponse({"page": True})


def _client() -> TestClient:
    routes = [Route("/api/v1/workshops/{code}/state", state, methods=["GET"]), Route("/map", page)]
    middleware = [
        Middleware(SecurityMiddleware, policy=Policy(hosts=("testserver",))),
        Middleware(RoomLane, routes=routes),
        Middleware(Inner),
    ]
    return TestClient(Starlette(routes=routes, middleware=middleware))


def test_the_room_api_skips_the_inner_layers_but_keeps_the_security_headers_and_gzip():
    answer = _client().get("/api/v1/workshops/K7QMX2PA/state", headers={"accept-encoding": "gzip"})
    assert (answer.status_code, answer.json()) == (200, {"ideas": ["an idea worth backing"] * 100})
    assert "x-inner" not in answer.headers
    assert (answer.headers["content-encoding"], answer.headers["x-frame-options"]) == ("gzip", "DENY")


def test_other_paths_take_the_ordinary_way():
    answer = _client().get("/map")
    assert (answer.status_code, answer.json(), answer.headers["x-inner"]) == (200, {"page": True}, "1")


def test_a_method_no_room_route_takes_is_answered_405_not_a_server_error():
    answer = _client().request("TRACE", "/api/v1/workshops/K7QMX2PA/state")
    # Starlette builds the Allow header from a set: its order changes from run to run.
    assert (answer.status_code, set(answer.headers["allow"].split(", "))) == (405, {"GET", "HEAD"})
