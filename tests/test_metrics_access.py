"""Who may read ``/metrics``: it needs no sign-in, so only this machine (a Prometheus agent beside
the server) reads it, not a request through a reverse proxy, unless ``DASHBOARD_METRICS_PUBLIC=1``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard import web
from dashboard.store import Store
from dashboard.web.security import Policy

REFUSED = {
    "error": "the metrics are served to this machine only; set DASHBOARD_METRICS_PUBLIC=1 to serve them to others"
}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Starlette]:
    """The project's routes in local-accounts mode over an empty workspace."""
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    monkeypatch.delenv("DASHBOARD_METRICS_PUBLIC", raising=False)
    db = tmp_path / "metrics.duckdb"
    Store(db).close()
    service = web.Service(db, lambda: "http://testserver")
    service.open()
    try:
        yield Starlette(
            routes=web.routes(service), middleware=web.middleware(Policy(hosts=("testserver",)), service=service)
        )
    finally:
        service.close()


def metrics_from(app: Starlette, address: str, headers: dict[str, str] | None = None) -> tuple[int, object]:
    with TestClient(app, client=(address, 50000)) as client:
        answer = client.get("/metrics", headers=headers or {})
    return answer.status_code, answer.json() if answer.status_code != 200 else "metrics"


def test_this_machine_reads_the_metrics(app: Starlette):
    assert metrics_from(app, "127.0.0.1") == (200, "metrics")
    assert metrics_from(app, "::1") == (200, "metrics")


@pytest.mark.parametrize(
    ("address", "headers"),
    [("203.0.113.5", None), ("127.0.0.1", {"x-forwarded-for": "203.0.113.5"}), ("127.0.0.1", {"forwarded": "for=x"})],
    ids=["another-address", "through-a-proxy", "through-a-proxy-forwarded"],
)
def test_another_address_or_a_proxied_request_is_refused(app: Starlette, address: str, headers: dict[str, str] | None):
    assert metrics_from(app, address, headers) == (403, REFUSED)


def test_the_setting_serves_the_metrics_to_any_address(app: Starlette, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DASHBOARD_METRICS_PUBLIC", "1")
    assert metrics_from(app, "203.0.113.5") == (200, "metrics")
