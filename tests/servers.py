"""A real app server for tests: ``streamlit run server.py`` on a free port against a given
workspace file, waited for on its health route, its log dumped when it fails to start.

Shared by the browser journeys and the API tests, so both test the one server ``make run`` starts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dashboard.store import DB_ENV_VAR

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "server.py"


@dataclass
class Server:
    url: str
    db: str | Path
    """The workspace: a DuckDB file, or a PostgreSQL URL."""
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    db: str | Path, log: Path, env: dict[str, str] | None = None, port: int | None = None
) -> tuple[subprocess.Popen[bytes], Server]:
    """Starts the server and waits until its pages and its API both answer (60 s at most).

    ``port`` is for a test that must name the address before the server starts (single sign-on's
    redirect address); a free one otherwise."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ENTRY),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        # Nothing to watch in a test, and a full test run changes so many files under the
        # checkout (caches, compiled modules) that the watcher's inotify queue overflowed and
        # it reconciled the whole tree while a browser journey clicked.
        "--server.fileWatcherType",
        "none",
    ]
    environment = {**os.environ, DB_ENV_VAR: str(db), **(env or {})}
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process, Server(url, db, log)
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"the server did not start; its log:\n{log.read_text(errors='replace')}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)
