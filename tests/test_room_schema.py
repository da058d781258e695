"""Schemathesis over the workshop routes with a live session: the generated requests carry the
session's real code and a real participant token (for the participant routes) or a write token
(for the facilitator's), so they reach the handlers instead of stopping at "no such code".
No 5xx, and every answer one the OpenAPI document describes.

The event stream is left out: with a valid participant it stays open by design.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from dashboard.store import Store, cycles, tokens
from dashboard.touchpoints import TouchpointFields
from tests.servers import start_server, stop_server

pytestmark = pytest.mark.server

PHONE_ROUTES = r"^/api/v1/workshops/\{code\}/(?!steps|results)"
FACILITATOR_ROUTES = r"^/api/v1/workshops(/\{code\}/(steps|results))?$"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def _post(url: str, body: dict[str, object], token: str) -> dict[str, object]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


def _schemathesis(tmp_path: Path, url: str, code: str, token: str, paths: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / f"schemathesis-{abs(hash(paths))}.toml"
    config.write_text(f'headers = {{ Authorization = "Bearer {token}" }}\n\n[parameters]\n"path.code" = "{code}"\n')
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "--config-file",
            str(config),
            "run",
            f"{url}/api/v1/openapi.json",
            "--include-path-regex",
            paths,
            "--exclude-path-regex",
            "/events$",
            "--checks",
            CHECKS,
            "--max-examples",
            "15",
            "--workers",
            "1",
            "--seed",
            "15",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_generated_requests_on_a_live_session_get_documented_answers_and_never_a_server_error(tmp_path: Path):
    db = tmp_path / "room.duckdb"
    with Store(db) as store:
        cycle_id = cycles.create_cycle(store, "Repair job")
        for name in ("Quote", "Visit"):
            cycles.add_touchpoint(store, cycle_id, TouchpointFields(name, "make_or_break"))
        writer = tokens.create(store, "facilitator", "facilitator")
    process, server = start_server(db, tmp_path / "server.log")
    try:
        code = str(_post(f"{server.url}/api/v1/workshops", {"cycle": "Repair job"}, writer)["code"])
        _post(f"{server.url}/api/v1/workshops/{code}/steps", {"action": "open_all"}, writer)
        participant = str(_post(f"{server.url}/api/v1/workshops/{code}/participants", {}, writer)["token"])
        phones = _schemathesis(tmp_path, server.url, code, participant, PHONE_ROUTES)
        facilitator = _schemathesis(tmp_path, server.url, code, writer, FACILITATOR_ROUTES)
    finally:
        stop_server(process)
    for run in (phones, facilitator):
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
        assert " passed" in run.stdout and " failed" not in run.stdout
