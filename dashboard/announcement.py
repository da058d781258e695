"""The running server's announcement: a file beside the workspace saying where it serves.

DuckDB lets one process hold a database file. While the app server holds the workspace, the
command line reads this file to hand its job to the server instead of failing on the lock.
The file holds the server's URL, its process id and a token that lives only as long as the
server (never stored in the database); only its owner may read it. A server that died leaves
a stale file behind: its process is gone, or nothing answers at its URL, so it is ignored.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".server.json"


@dataclass(frozen=True)
class Announcement:
    url: str
    token: str
    pid: int


def path_for(db: Path) -> Path:
    """``data/dashboard.duckdb`` -> ``data/dashboard.duckdb.server.json``."""
    return db.with_name(db.name + SUFFIX)


def write(db: Path, announcement: Announcement) -> Path:
    """Writes the announcement, readable and writable by its owner only (the token is a secret)."""
    target = path_for(db)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"url": announcement.url, "token": announcement.token, "pid": announcement.pid}, handle)
    partial.replace(target)  # a reader never sees half a file
    return target


def remove(db: Path, pid: int) -> None:
    """Removes the announcement, if it is still this process's own."""
    found = read(db)
    if found is not None and found.pid == pid:
        path_for(db).unlink(missing_ok=True)


def read(db: Path) -> Announcement | None:
    """The announcement as written, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads(path_for(db).read_text(encoding="utf-8"))
        return Announcement(str(data["url"]), str(data["token"]), int(data["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310 - our own URL, http(s)
            return int(response.status) in (200, 503)
    except OSError as error:
        code = getattr(error, "code", None)  # an HTTPError is an OSError that did get an answer
        return code in (200, 503)


def live(db: Path) -> Announcement | None:
    """The announcement of a server that is running now, or None (no file, or a stale one)."""
    found = read(db)
    if found is None or not found.url.startswith(("http://", "https://")):
        return None
    if not _process_alive(found.pid) or not _answers(found.url):
        return None
    return found
