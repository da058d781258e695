"""Schemathesis against the running server: requests generated from the OpenAPI document (its
coverage and fuzzing phases) must never get a 5xx, and every answer (status, content type, body)
must be one the document describes.

Run through schemathesis' own command line: its pytest plugin does not load under pytest 9.
An admin token is sent, so generated requests reach every handler, not only the token check.
The server has a workspace of its own: the generated writes stay there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.store import Store, tokens
from tests.servers import start_server, stop_server
from tests.survey_files import small_workspace

pytestmark = pytest.mark.server

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_every_generated_request_gets_a_documented_answer_and_never_a_server_error(tmp_path: Path):
    db = tmp_path / "schemathesis.duckdb"
    with Store(db) as store:
        small_workspace(store)
        token = tokens.create(store, "schemathesis", "admin")
    process, server = start_server(db, tmp_path / "server.log")
    try:
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{server.url}/api/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                CHECKS,
                "--max-examples",
                "20",
                "--workers",
                "1",
                "--seed",
                "14",
                "--no-color",
            ],
            cwd=tmp_path,  # schemathesis keeps a cache in its working directory
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    finally:
        stop_server(process)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " failed" not in run.stdout
