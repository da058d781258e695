"""The journey the app server exists for: while it serves the workspace, the API imports, the
command line imports and reads stats through it, a backup is taken and restored elsewhere with
every count the same, and an import is undone through the API.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.remote import multipart
from dashboard.store import Store, operations, tokens
from tests.servers import ROOT, Server, start_server, stop_server
from tests.survey_files import csv_bytes, small_workspace
from tests.test_server import Answer, call

pytestmark = pytest.mark.server

API_FILE = csv_bytes(["2026-09-01,Repair job,Front desk,Homeowners,5,,", "2026-09-02,,Repair,,2,,fine"])
CLI_FILE = csv_bytes(["2026-09-03,,Repair,,4,,", "2026-09-04,,Front desk,,1,,", "2026-09-04,,Front desk,,x,,"])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    """A server on its own small workspace, and a write token for it."""
    db = tmp_path / "served.duckdb"
    with Store(db) as store:
        small_workspace(store)
        token = tokens.create(store, "integration", "facilitator")
    process, server = start_server(db, tmp_path / "server.log")
    try:
        yield server, token
    finally:
        stop_server(process)


def upload(server: Server, token: str, name: str, data: bytes, **fields: str) -> Answer:
    body, content_type = multipart((name, data), {"cycle": "Repair job", "scale": "1-5", **fields})
    return call(server.url + "/api/v1/imports", "POST", token=token, body=body, content_type=content_type)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_api_and_command_line_share_the_running_workspace(
    served: tuple[Server, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    server, token = served
    db = str(server.db)
    preview = upload(server, token, "api.csv", API_FILE, dry_run="true")
    assert (preview.status, preview.json()["impressions"], preview.json()["per_touchpoint"]) == (
        200,
        2,
        {"Front desk": 1, "Repair": 1},
    )
    imported = upload(server, token, "api.csv", API_FILE)
    assert (imported.status, imported.json()["impressions"], imported.json()["file"]) == (201, 2, "api.csv")
    api_import = imported.json()["import"]
    duplicate = upload(server, token, "renamed.csv", API_FILE)
    assert (duplicate.status, duplicate.json()) == (
        409,
        {"error": f"renamed.csv was already imported (import {api_import}, api.csv)"},
    )

    survey = tmp_path / "cli.csv"
    survey.write_bytes(CLI_FILE)
    code, out, err = run_cli(
        capsys, "survey", "import", str(survey), "--cycle", "repair job", "--scale", "1-5", "--db", db, "--json"
    )
    assert (code, err) == (0, "")
    assert {k: json.loads(out)[k] for k in ("file", "cycle", "impressions", "rejected")} == {
        "file": "cli.csv",
        "cycle": "Repair job",
        "impressions": 2,
        "rejected": 1,
    }
    again = run_cli(capsys, "survey", "import", str(survey), "--cycle", "Repair job", "--scale", "1-5", "--db", db)
    assert again[0] == 1 and again[1] == ""
    assert again[2].startswith("error: cli.csv was already imported (import ") and again[2].count("\n") == 1

    code, out, err = run_cli(capsys, "stats", "--db", db, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == call(server.url + "/api/v1/stats", token=token).json()
    assert json.loads(out)["impressions"] == 4

    undone = call(server.url + f"/api/v1/imports/{api_import}", "DELETE", token=token)
    assert (undone.status, undone.json()) == (200, {"import": api_import, "removed": 2})
    twice = call(server.url + f"/api/v1/imports/{api_import}", "DELETE", token=token)
    assert (twice.status, twice.json()) == (409, {"error": f"import {api_import} was already undone"})
    assert call(server.url + "/api/v1/stats", token=token).json()["impressions"] == 2


def test_a_backup_taken_while_the_server_writes_restores_with_every_count_equal(
    served: tuple[Server, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    server, token = served
    assert upload(server, token, "api.csv", API_FILE).status == 201
    backup = tmp_path / "copy.duckdb"
    code, out, err = run_cli(capsys, "backup", str(backup), "--db", str(server.db))
    assert (code, err) == (0, "")
    assert out.startswith(f"backup written to {backup} (")

    restored = tmp_path / "restored" / "workspace.duckdb"
    code, out, err = run_cli(capsys, "restore", str(backup), "--db", str(restored))
    assert (code, err) == (0, "")
    assert out == f"restored {backup} into {restored}: 2 impressions; every table's count matches\n"
    with Store(restored) as store:
        assert operations.table_counts(store) == operations.stored_counts(backup)
        assert operations.table_counts(store)["impression"] == 2
    stats = call(server.url + "/api/v1/stats", token=token).json()
    assert stats["impressions"] == 2


def test_map_files_and_restores_through_the_running_server(
    served: tuple[Server, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    server, _token = served
    exported = tmp_path / "repair.csv"
    code, out, err = run_cli(capsys, "map", "export", "--cycle", "Repair job", str(exported), "--db", str(server.db))
    assert (code, out, err) == (0, f"wrote {exported}\n", "")
    rows = exported.read_text(encoding="utf-8-sig").splitlines()
    assert [row.split(",")[1] for row in rows[1:]] == ["Front desk", "Café visit", "Repair"]
    exported.write_text("\n".join([*rows, rows[-1].replace("Repair", "Invoice", 1)]) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "map", "import", str(exported), "--db", str(server.db))
    assert (code, err) == (0, "")
    assert out.startswith(f"imported {exported}:\n") and "Invoice" in out
    code, out, err = run_cli(capsys, "restore", str(exported), "--db", str(server.db))
    assert (code, out, err) == (1, "", f"error: the app server is running on {server.db}; stop it to restore\n")


def test_flow_imports_and_stats_go_through_the_running_server(
    served: tuple[Server, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    server, token = served
    flow_file = tmp_path / "april.csv"
    flow_file.write_text(
        "period,service_cycle,measure,source,count\n2026-04,Renewal,prospects,Website,30\n"
        "2026-04,Renewal,customers_won,,12\n2026-04,Nowhere,prospects,Website,3\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(capsys, "flow", "import", str(flow_file), "--db", str(server.db))
    assert (code, err) == (0, "")
    assert out.startswith("imported 2 counts from april.csv (flow import ") and out.endswith("); 1 rows rejected\n")
    code, out, err = run_cli(capsys, "flow", "stats", "--json", "--cycle", "Renewal", "--db", str(server.db))
    assert (code, err) == (0, "")
    assert json.loads(out) == call(server.url + "/api/v1/flow/summary?cycle=Renewal", token=token).json()
    assert json.loads(out)["total"]["prospects"] == 30


def test_the_command_line_says_in_one_line_when_another_process_holds_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    db = tmp_path / "held.duckdb"
    with Store(db) as store:
        small_workspace(store)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from dashboard.store import Store; s = Store({str(db)!r}); print('open', flush=True); input()",
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"open\n"
        code, out, err = run_cli(capsys, "stats", "--db", str(db))
    finally:
        holder.kill()
        holder.wait()
    assert (code, out) == (1, "")
    assert err.startswith("error: the workspace is held by another process that announced no server (")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_command_line_in_its_own_process_hands_stats_to_the_server(served: tuple[Server, str]):
    server, token = served
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "stats", "--db", str(server.db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout) == call(server.url + "/api/v1/stats", token=token).json()
    assert time.monotonic() - started < 30
