"""The page learns the server's address from one pinned line, allowed by the security policy."""

from __future__ import annotations

import base64
import gzip
import hashlib
from typing import Any

from dashboard.web import base_url
from tests import loops


def test_the_page_gets_the_servers_address_before_anything_else_in_its_head():
    html = b"<!doctype html><html><head><title>x</title></head></html>"
    assert base_url.pinned(html) == (
        b"<!doctype html><html><head><script>window.__streamlit=Object.assign(window.__streamlit||{},"
        b'{BACKEND_BASE_URL:location.origin+"/"});</script><title>x</title></head></html>'
    )


def test_under_a_base_path_the_address_ends_in_it_and_the_hash_matches_the_script():
    assert base_url.script("/tools/") == (
        'window.__streamlit=Object.assign(window.__streamlit||{},{BACKEND_BASE_URL:location.origin+"/tools/"});'
    )
    digest = base64.b64encode(hashlib.sha256(base_url.script("tools").encode()).digest()).decode()
    assert base_url.script_hash("tools") == f"sha256-{digest}"


def test_a_gzipped_page_goes_out_unzipped_with_the_line_and_other_answers_pass_untouched():
    page = b"<html><head></head></html>"

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        html = scope["path"] == "/map"
        headers = [(b"content-type", b"text/html" if html else b"text/javascript"), (b"content-encoding", b"gzip")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": gzip.compress(page)})

    def call(path: str) -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        loops.run(base_url.PinBaseUrl(app)({"type": "http", "path": path}, None, send))  # type: ignore[arg-type]
        return sent

    start, body = call("/map")
    assert (dict(start["headers"]), body["body"]) == (
        {b"content-type": b"text/html", b"content-length": str(len(base_url.pinned(page))).encode()},
        base_url.pinned(page),
    )
    start, body = call("/static/app.js")
    assert (dict(start["headers"])[b"content-encoding"], gzip.decompress(body["body"])) == (b"gzip", page)
