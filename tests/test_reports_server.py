"""While the app server holds the workspace, ``briefing``, ``workshop report`` and ``digest`` on the
command line hand their work to it (the file itself is locked) and write what it answers."""

from __future__ import annotations

import email
import email.policy
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from dashboard import cli
from tests.servers import start_server, stop_server

pytestmark = pytest.mark.server


def test_the_command_line_briefs_and_digests_through_the_running_server(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "served.duckdb"
    db.write_bytes(demo_db.read_bytes())
    process, server = start_server(db, tmp_path / "server.log")
    try:
        out = tmp_path / "briefing.pdf"
        assert cli.main(["briefing", str(out), "--db", str(db), "--cycle", "Repair job"]) == 0
        assert capsys.readouterr().out.endswith(f"through the running server at {server.url}\n")
        assert PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text().startswith("Leadership briefing")

        assert cli.main(["briefing", str(tmp_path / "b.pdf"), "--db", str(db), "--cycle", "Boiler"]) == 1
        assert "There is no service cycle “Boiler”" in capsys.readouterr().err
        assert not (tmp_path / "b.pdf").exists()

        folder = tmp_path / "eml"
        argv = [
            "digest",
            "--db",
            str(db),
            "--to",
            "boss@example.org",
            "--as-of",
            "2026-09-30",
            "--dry-run",
            str(folder),
        ]
        assert cli.main(argv) == 0
        written = sorted(folder.iterdir())
        assert [p.name for p in written] == ["01-boss-at-example.org.eml"]
        message = email.message_from_bytes(written[0].read_bytes(), policy=email.policy.default)
        assert message["Subject"] == "Touchpoint digest: week to 30 Sep 2026"
    finally:
        stop_server(process)
