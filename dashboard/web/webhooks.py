"""Survey responses pushed by survey tools (placeholder until the import endpoints land)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dashboard.web.endpoint import ApiError
from dashboard.web.service import Service


async def receive(service: Service, request: Request) -> Response:
    raise ApiError(404, "no webhook is set up under this survey key")
