"""Sign-in enforced on the server for the pages (``DASHBOARD_AUTH=local``): without a valid
``tpd_session`` cookie a page load is sent to the sign-in page and the pages' websocket
(``/_stcore/stream``) is refused, so no Streamlit script runs for a stranger. A forged or
expired cookie, an ended session or a disabled user count as no cookie.

Left open: the API (its own tokens), the sign-in routes, the participant page (``/w``, ``/join``),
health and metrics, and the static files every page loads before anyone signs in. In open mode
nothing is checked; under single sign-on (``oidc``) the pages ask ``st.login`` themselves.

Pure ASGI, like the security middleware: it sees the websocket too.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from dashboard import accounts
from dashboard import workshop as ws
from dashboard.store import users
from dashboard.web.service import Service
from dashboard.web.signin import sign_in_url

OPEN_PREFIXES = (
    "/api/",
    "/auth/",
    f"/{ws.PARTICIPANT_PATH}/",
    "/static/",
    "/app/static/",
    "/_stcore/health",
    "/_stcore/host-config",
    "/_stcore/script-health-check",
)
OPEN_PATHS = frozenset({f"/{ws.PARTICIPANT_PATH}", f"/{ws.JOIN_PATH}", "/healthz", "/metrics", "/oauth2callback"})
"""Paths anyone may reach. ``/static`` holds Streamlit's own scripts and styles (the same for
every installation); the data comes only over the websocket, the uploads and ``/media``."""


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES) or path == "/favicon.ico"


class SignInGate:
    """Refuses the pages to anyone not signed in, in local mode."""

    def __init__(self, app: ASGIApp, service: Service, base_path: str = "") -> None:
        self.app = app
        self.service = service
        self.base = "/" + base_path.strip("/") if base_path.strip("/") else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or accounts.mode() != "local":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        inner = path[len(self.base) :] or "/" if self.base and path.startswith(self.base) else path
        if is_open(inner) or await run_in_threadpool(self.signed_in, Headers(scope=scope)):
            await self.app(scope, receive, send)
            return
        await self._refuse(scope, send, inner)

    def signed_in(self, headers: Headers) -> bool:
        """Whether the request carries the cookie of a live session of an enabled user."""
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:
            return False
        morsel = cookie.get(accounts.COOKIE)
        if morsel is None or not morsel.value:
            return False
        store = self.service.store
        secret = accounts.unsign(morsel.value, users.signing_key(store))
        return secret is not None and users.session_principal(store, secret) is not None

    async def _refuse(self, scope: Scope, send: Send, inner: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": ""})  # answered 403
            return
        query = scope.get("query_string", b"").decode("latin-1")
        page_load = scope.get("method") == "GET" and not inner.startswith(("/_stcore/", "/media/", "/component/"))
        if page_load:
            target = self.base + sign_in_url(inner + (f"?{query}" if query else ""))
            await _answer(send, 303, b"", [(b"location", target.encode("latin-1", "replace"))])
            return
        body = json.dumps({"error": "sign in first"}).encode()
        await _answer(send, 401, body, [(b"content-type", b"application/json")])


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": body})
