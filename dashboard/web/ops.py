"""Operations: ``/healthz`` for a process supervisor, ``/metrics`` for Prometheus, and the access log.

The access log and the request metrics come from one pure-ASGI middleware wrapped around
everything the server answers, Streamlit's own routes included. Each request is one JSON
line on the ``dashboard.access`` logger: easy to ship, easy to grep.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard import telemetry
from dashboard.store import operations
from dashboard.web.service import Service

access_log = logging.getLogger("dashboard.access")


def healthz(service: Service) -> Any:
    """200 when the database answers and its migrations are current, else 503 with the reason."""

    async def check(_request: Request) -> Response:
        try:
            health = await run_in_threadpool(operations.health, service.store)
        except RuntimeError as problem:  # the workspace is not open (yet, or any more)
            return JSONResponse({"status": "unavailable", "message": str(problem)}, status_code=503)
        body = {"status": "ok" if health.ok else "unavailable", "schema_version": health.schema_version}
        if not health.ok:
            body["message"] = health.message
        return JSONResponse(body, status_code=200 if health.ok else 503)

    return check


METRICS_PUBLIC_ENV = "DASHBOARD_METRICS_PUBLIC"
"""``1``: serve ``/metrics`` to any address. Otherwise only to this machine (a Prometheus agent
beside the server), since the figures (workspace totals, request counts) need no sign-in."""
FORWARDED = ("forwarded", "x-forwarded-for", "x-real-ip")
"""Headers a reverse proxy adds: a request through one on this machine comes from loopback too."""


def metrics_allowed(request: Request) -> bool:
    """Whether this request may read the metrics: from this machine and not through a proxy,
    unless ``DASHBOARD_METRICS_PUBLIC=1``."""
    if os.environ.get(METRICS_PUBLIC_ENV, "").strip() == "1":
        return True
    host = request.client.host if request.client else ""
    loopback = host == "::1" or host.startswith("127.")
    return loopback and not any(name in request.headers for name in FORWARDED)


async def metrics(request: Request) -> Response:
    """Every series in the Prometheus text format (reading the workspace totals off the event loop)."""
    if not metrics_allowed(request):
        message = f"the metrics are served to this machine only; set {METRICS_PUBLIC_ENV}=1 to serve them to others"
        return JSONResponse({"error": message}, status_code=403)
    payload = await run_in_threadpool(generate_latest, telemetry.REGISTRY)
    return Response(payload, media_type=CONTENT_TYPE_LATEST)


def route_label(scope: Scope) -> str:
    """A route template for the metrics: the API's own templates, Streamlit's routes by family.

    Never the raw path: ids and page names would grow the series without bound.
    """
    route = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str) and template.startswith(("/api/", "/healthz", "/metrics", "/w", "/join")):
        return template
    path = str(scope.get("path", ""))
    for prefix in ("/_stcore/", "/static/", "/media/", "/component/", "/api/"):
        if path.startswith(prefix):
            return prefix + "*"
    return "page"


class AccessLog:
    """Logs each HTTP request as one JSON line and counts it (with its time) by route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answer: dict[str, int] = {"status": 500, "bytes": 0}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = int(message["status"])
            elif message["type"] == "http.response.body":
                answer["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            seconds = time.perf_counter() - started
            route = route_label(scope)
            method = str(scope.get("method", ""))
            telemetry.REQUESTS.labels(method, route, str(answer["status"])).inc()
            telemetry.LATENCY.labels(method, route).observe(seconds)
            client = scope.get("client")
            access_log.info(
                json.dumps(
                    {
                        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        "method": method,
                        "path": scope.get("path", ""),
                        "route": route,
                        "status": answer["status"],
                        "bytes": answer["bytes"],
                        "ms": round(seconds * 1000, 1),
                        "client": client[0] if client else None,
                    }
                )
            )
