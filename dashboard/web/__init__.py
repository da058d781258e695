"""The project's HTTP routes, beside the Streamlit pages in one server (Starlette only, no Streamlit).

``routes(service)`` and ``middleware(policy)`` are handed to ``st.App`` by the root entry file
``server.py``; ``service.lifespan`` opens the workspace and announces the server.
"""

from __future__ import annotations

from typing import Any

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from dashboard.web import accounts_api, api, files, flow, ops, reports, room_routes, signin, transfers
from dashboard.web.base_url import PinBaseUrl
from dashboard.web.endpoint import endpoint, error
from dashboard.web.gate import SignInGate
from dashboard.web.lane import RoomLane
from dashboard.web.openapi import document
from dashboard.web.security import Policy, SecurityMiddleware
from dashboard.web.service import Service

PREFIX = "/api/v1"


def routes(service: Service) -> list[BaseRoute]:
    """Every route of ours: the versioned API, its OpenAPI document, health and metrics."""

    def guarded(kind: str, handler: Any, status: int = 200) -> Any:
        return endpoint(service, kind, handler, status)

    async def openapi(_request: Request) -> Response:
        return JSONResponse(document())

    async def unknown(request: Request) -> Response:
        return error(404, f"there is no API route {request.method} {request.url.path}")

    return [
        Route(f"{PREFIX}/openapi.json", openapi, methods=["GET"]),
        Route(f"{PREFIX}/stats", guarded("read", api.stats), methods=["GET"]),
        Route(f"{PREFIX}/cycles", guarded("read", api.cycles), methods=["GET"]),
        Route(f"{PREFIX}/impressions/summary", guarded("read", api.impressions_summary), methods=["GET"]),
        Route(f"{PREFIX}/impressions", guarded("import", api.record), methods=["POST"]),
        Route(f"{PREFIX}/imports", guarded("read", transfers.history), methods=["GET"]),
        Route(f"{PREFIX}/imports", guarded("import", transfers.survey_import, 201), methods=["POST"]),
        Route(f"{PREFIX}/imports/{{import_id:int}}", guarded("undo", transfers.undo), methods=["DELETE"]),
        Route(f"{PREFIX}/responses/{{survey_key}}", transfers.webhook(service), methods=["POST"]),
        Route(f"{PREFIX}/maps", guarded("read", files.map_export), methods=["GET"]),
        Route(f"{PREFIX}/maps", guarded("map", files.map_import), methods=["POST"]),
        Route(f"{PREFIX}/flow", guarded("flow", flow.record), methods=["POST"]),
        Route(f"{PREFIX}/flow/summary", guarded("read", flow.summary), methods=["GET"]),
        Route(f"{PREFIX}/backup", guarded("backup", files.backup), methods=["GET"]),
        *reports.routes(guarded, PREFIX),
        *accounts_api.routes(guarded, PREFIX),
        Route("/healthz", ops.healthz(service), methods=["GET"]),
        Route("/metrics", ops.metrics, methods=["GET"]),
        *room_routes.routes(service),
        *signin.routes(service),
        Route(f"{PREFIX}/{{rest:path}}", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]


def middleware(
    policy: Policy, base_path: str = "", service: Service | None = None, lane: list[BaseRoute] | None = None
) -> list[Middleware]:
    """Outermost first: the access log sees every answer, refusals by the security check included;
    given the ``routes`` as ``lane``, the room's API goes straight to its routes from there
    (``lane.py``); with the workspace's ``service``, local mode's sign-in gate refuses the pages to
    strangers (under the security headers); pages leave with the server's address pinned (``base_url``)."""
    gate = [] if service is None else [Middleware(SignInGate, service=service, base_path=base_path)]
    short = [] if lane is None else [Middleware(RoomLane, routes=lane)]
    return [
        Middleware(ops.AccessLog),
        Middleware(SecurityMiddleware, policy=policy),
        *short,
        *gate,
        Middleware(PinBaseUrl, base_path=base_path),
    ]


__all__ = ["Policy", "Service", "middleware", "routes"]
