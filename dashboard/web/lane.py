"""A short way through the server for the room's API: ``/api/v1/workshops/...`` goes straight to
the workshop routes, past the layers that only Streamlit's pages need.

``st.App`` puts Streamlit's own middleware (path security, its session cookie, gzip) and its
router between ours and every route. Profiled under a room of 1,000 phones (py-spy on the
server, ``bench/workshop_load.py``), those layers and the scan of fifty routes took about as
much of the event loop as the room's handlers themselves. The room's answers still leave
through the access log and the security headers (this lane sits inside them), and still gzip
(Starlette's middleware, at Streamlit's level and size).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

ROOM_PREFIX = "/api/v1/workshops"
GZIP_MINIMUM_SIZE = 1000
GZIP_LEVEL = 5
"""As Streamlit's own gzip (``starlette_server_config``): the phones' bytes stay the same."""


class RoomLane:
    """Sends HTTP requests under ``ROOM_PREFIX`` to a router of the workshop API routes alone."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        room = [r for r in routes if isinstance(r, Route) and r.path.startswith(ROOM_PREFIX + "/")]
        # ExceptionMiddleware answers a method no route takes (405) as the ordinary way does.
        self.room: ASGIApp = GZipMiddleware(ExceptionMiddleware(Router(routes=room)), GZIP_MINIMUM_SIZE, GZIP_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # ``path`` is the full path: under a base path (or a mount) the room's requests do not
        # start with the prefix and take the ordinary way, which routes them as before.
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(ROOM_PREFIX + "/"):
            await self.room(scope, receive, send)
            return
        await self.app(scope, receive, send)
