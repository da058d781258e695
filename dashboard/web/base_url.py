"""Streamlit's page told where its server is, so a page opened by its own URL asks nothing twice.

Streamlit's page does not know whether the app lives at the root or under a path, so on
``/map`` it first asks ``/map/_stcore/health`` and ``/map/_stcore/host-config`` (404s in every
log) before trying ``/``. A page that finds ``window.__streamlit.BACKEND_BASE_URL`` set uses it
directly. ``PinBaseUrl`` adds that one line to the page's HTML; its hash goes into the
Content-Security-Policy like Streamlit's own inline script.
"""

from __future__ import annotations

import base64
import gzip
import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def script(base_path: str = "") -> str:
    """The inline script that pins the server's address: the page's origin, then ``base_path``."""
    path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    return f'window.__streamlit=Object.assign(window.__streamlit||{{}},{{BACKEND_BASE_URL:location.origin+"{path}"}});'


def script_hash(base_path: str = "") -> str:
    """The CSP source that lets ``script(base_path)`` run (``sha256-…``)."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script(base_path).encode()).digest()).decode()


def pinned(html: bytes, base_path: str = "") -> bytes:
    """``html`` with the script as the first thing in its head (unchanged without a ``<head>``)."""
    return html.replace(b"<head>", b"<head><script>" + script(base_path).encode() + b"</script>", 1)


class PinBaseUrl:
    """Adds ``script`` to every HTML page the app sends (a gzipped page is sent unzipped: it is
    8 KB); everything else passes untouched."""

    def __init__(self, app: ASGIApp, base_path: str = "") -> None:
        self.app = app
        self.base_path = base_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []  # the response start of an HTML page, then its body parts

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                is_page = headers.get("content-type", "").startswith("text/html")
                if is_page and headers.get("content-encoding", "gzip") == "gzip":
                    held.append(message)
                    return
            if not held:
                await send(message)
                return
            held.append(message)
            if message.get("more_body"):
                return
            start, *parts = held
            body = b"".join(part.get("body", b"") for part in parts)
            headers = MutableHeaders(scope=start)
            if "content-encoding" in headers:
                body = gzip.decompress(body)
                del headers["content-encoding"]
            body = pinned(body, self.base_path)
            headers["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
