"""Security for every request the server answers, pages and API alike: allowed hosts, the
websocket's origin, and the response headers that stop framing, sniffing and foreign scripts.

Pure ASGI middleware rather than Starlette's ``BaseHTTPMiddleware``: it sees websocket
connections too (Streamlit's pages talk over one), and it never buffers a streamed body.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HOSTS_ENV_VAR = "DASHBOARD_ALLOWED_HOSTS"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def allowed_hosts_from_env() -> tuple[str, ...]:
    """``$DASHBOARD_ALLOWED_HOSTS`` (comma-separated names, ``*.example.org`` or ``*``) plus this machine."""
    extra = [h.strip().lower() for h in os.environ.get(HOSTS_ENV_VAR, "").split(",") if h.strip()]
    return (*LOCAL_HOSTS, *extra)


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """The policy the pages live with: the app's own origin, and inline code only where needed.

    - ``script-src``: Streamlit's page carries one inline script (``window.prerenderReady``), let
      in by its hash, not by ``'unsafe-inline'``.
    - ``style-src 'unsafe-inline'``: Streamlit's components and plotly write style attributes
      and ``<style>`` elements at run time (emotion, the chart's own CSS).
    - ``img-src data: blob:``: plotly's mode bar icons and downloaded chart images.
    - ``worker-src blob:``: Streamlit starts its web workers from blob URLs.
    """
    hashes = " ".join(f"'{h}'" for h in script_hashes)
    directives = (
        "default-src 'self'",
        f"script-src 'self' {hashes}".strip(),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
    return "; ".join(directives)


@dataclass(frozen=True)
class Policy:
    """What the middleware enforces: the allowed host names and the headers every response gets."""

    hosts: tuple[str, ...] = LOCAL_HOSTS
    script_hashes: tuple[str, ...] = ()
    headers: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "headers",
            {
                "content-security-policy": content_security_policy(self.script_hashes),
                "x-frame-options": "DENY",
                "x-content-type-options": "nosniff",
                "referrer-policy": "same-origin",
                "cross-origin-opener-policy": "same-origin",
            },
        )

    def allows(self, host: str | None) -> bool:
        """Whether a request naming ``host`` (a Host header or an Origin's host) is for this app."""
        if not host:
            return False
        name = host.lower()
        for pattern in self.hosts:
            if pattern in ("*", name) or (pattern.startswith("*.") and name.endswith(pattern[1:])):
                return True
        return False


def host_name(header: str | None) -> str | None:
    """The name in a Host header: ``example.org:8501`` -> ``example.org``, ``[::1]:8501`` -> ``::1``."""
    if not header:
        return None
    parsed = urlsplit("//" + header)
    try:
        return parsed.hostname
    except ValueError:
        return None


class SecurityMiddleware:
    """Refuses foreign hosts (and websockets from foreign origins); adds the security headers."""

    def __init__(self, app: ASGIApp, policy: Policy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = host_name(headers.get("host"))
        if not self.policy.allows(host):
            await self._refuse(scope, send, f"this server does not answer for the host {host or '(none)'!r}")
            return
        if scope["type"] == "websocket":
            origin = headers.get("origin")
            if origin is not None and not self.policy.allows(urlsplit(origin).hostname):
                await self._refuse(scope, send, "websocket from a foreign origin")
                return
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in self.policy.headers.items():
                    if name not in response_headers:
                        response_headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, message: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": ""})  # the server answers 403
            return
        body = json.dumps({"error": message}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
