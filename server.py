"""The one server: the Streamlit pages and the project's HTTP API, in one ASGI app (``st.App``).

``make run`` starts it with ``streamlit run server.py``; any ASGI server can too
(``uvicorn server:app``). ``streamlit_app.py`` stays the pages' router.
"""

import base64
import hashlib
import os
import re
from pathlib import Path

import streamlit as st
from streamlit import config

from dashboard import web
from dashboard.store import database_target
from dashboard.web import base_url
from dashboard.web.security import allowed_hosts_from_env


def _url() -> str:
    """The address the command line reaches this server at (the port is final once it listens):
    the loopback address when the server listens on every interface, else the one it listens on.
    Under another ASGI server (uvicorn server:app --port N) Streamlit's config does not know the
    port: set DASHBOARD_SERVER_URL."""
    if os.environ.get("DASHBOARD_SERVER_URL"):
        return os.environ["DASHBOARD_SERVER_URL"].rstrip("/")
    scheme = "https" if config.get_option("server.sslCertFile") else "http"
    address = config.get_option("server.address") or ""
    host = "127.0.0.1" if address in ("", "0.0.0.0", "::") else address  # noqa: S104 - compared, not bound
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{config.get_option('server.port')}"


def _inline_script_hashes() -> tuple[str, ...]:
    """CSP hashes of the inline scripts in Streamlit's page (one today: ``window.prerenderReady``)."""
    page = (Path(st.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    return tuple("sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts)


_BASE_PATH = str(config.get_option("server.baseUrlPath") or "")
service = web.Service(database_target(), _url)
routes = web.routes(service)
app = st.App(
    "streamlit_app.py",
    routes=routes,
    middleware=web.middleware(
        web.Policy(
            hosts=allowed_hosts_from_env(),
            script_hashes=(*_inline_script_hashes(), base_url.script_hash(_BASE_PATH)),
        ),
        base_path=_BASE_PATH,
        service=service,
        lane=routes,
    ),
    lifespan=service.lifespan,
)
