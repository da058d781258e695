"""The command line's way through a running server: when the app serves the workspace, commands
that would open the file hand their job to the server's API and print the same output.
On PostgreSQL nothing is handed off: the command opens the database itself, beside the servers.

Only the standard library (``urllib``): the command line must start fast and needs nothing
the server does not already ship.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard import announcement, import_jobs, remote_accounts, remote_reports
from dashboard.store import copy, database_target
from dashboard.store.pg import is_url

TOKEN_ENV_VAR = "DASHBOARD_TOKEN"  # noqa: S105 - the name of a variable, not a token
TIMEOUT_S = 3600
"""An import of a large file through the server may take minutes; a stuck server is rare."""


class RemoteError(Exception):
    """The server refused or failed; ``message`` is its own one-line explanation."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Remote:
    """A running server and the token to call it with."""

    url: str
    token: str

    def call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        upload: tuple[str, bytes] | None = None,
        fields: dict[str, str] | None = None,
        json_body: object = None,
    ) -> bytes:
        """The answer's body; raises ``RemoteError`` with the server's message for any refusal."""
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        headers = {"authorization": f"Bearer {self.token}"}
        body = None
        if upload is not None:
            body, headers["content-type"] = multipart(upload, fields or {})
        elif json_body is not None:
            body, headers["content-type"] = json.dumps(json_body).encode(), "application/json"
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - our URL
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
                return bytes(response.read())
        except urllib.error.HTTPError as refusal:
            raise RemoteError(refusal.code, _message(refusal.read())) from None
        except OSError as problem:
            raise RemoteError(0, f"the server at {self.url} did not answer: {problem}") from None


def _message(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"])
    except (ValueError, KeyError, TypeError):
        return body.decode("utf-8", "replace")[:300] or "the server refused without saying why"


def multipart(upload: tuple[str, bytes], fields: dict[str, str]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body with one file part (``file``) and text fields."""
    boundary = "----dashboard" + secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    name, data = upload
    safe_name = name.replace('"', "_").replace("\r", "_").replace("\n", "_")
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{safe_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body = b"".join([*parts, head, data, f"\r\n--{boundary}--\r\n".encode()])
    return body, f"multipart/form-data; boundary={boundary}"


def _survey_import(remote: Remote, args: argparse.Namespace) -> int:
    path: Path = args.file
    fields = {"cycle": args.cycle, "strict": str(bool(args.strict)).lower(), "date_order": args.date_order}
    for name in ("scale", "sheet"):
        if getattr(args, name):
            fields[name] = getattr(args, name)
    if getattr(args, "group", None):
        fields["group"] = "\n".join(args.group)  # one NAME=GROUP decision a line
    outcome = json.loads(remote.call("POST", "/api/v1/imports", upload=(path.name, path.read_bytes()), fields=fields))
    print(json.dumps(outcome, indent=2, default=str) if args.json else import_jobs.summary_line(outcome))
    return 0


def _stats(remote: Remote, _args: argparse.Namespace) -> int:
    print(json.dumps(json.loads(remote.call("GET", "/api/v1/stats")), indent=2))
    return 0


def _map_import(remote: Remote, args: argparse.Namespace) -> int:
    answer = json.loads(remote.call("POST", "/api/v1/maps", upload=(args.file.name, args.file.read_bytes())))
    print(f"imported {args.file}:")
    for change in answer["changes"]:
        print(f"  {change}")
    return 0


def _map_export(remote: Remote, args: argparse.Namespace) -> int:
    query = {"format": args.file.suffix.lower().lstrip(".") or "csv"}
    if args.cycle is not None:
        query["cycle"] = args.cycle
    args.file.write_bytes(remote.call("GET", "/api/v1/maps", query=query))
    print(f"wrote {args.file}")
    return 0


def _backup(remote: Remote, args: argparse.Namespace) -> int:
    target: Path = args.file
    if target.exists():
        raise ValueError(f"{target} already exists; choose a new file name")
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(remote.call("GET", "/api/v1/backup"))
    partial.rename(target)
    print(f"backup written to {target} ({target.stat().st_size:,} bytes) by the running server at {remote.url}")
    return 0


def _flow_import(remote: Remote, args: argparse.Namespace) -> int:
    from dashboard.flow import service  # noqa: PLC0415 - only this command needs the flow package

    fields = {"strict": str(bool(args.strict)).lower(), **({"sheet": args.sheet} if args.sheet else {})}
    outcome = json.loads(
        remote.call("POST", "/api/v1/flow", upload=(args.file.name, args.file.read_bytes()), fields=fields)
    )
    print(json.dumps(outcome, indent=2, default=str) if args.json else service.import_line(outcome, args.file.name))
    return 0


def _flow_stats(remote: Remote, args: argparse.Namespace) -> int:
    query = {"cycle": args.cycle or "", "start": f"{args.start:%Y-%m}" if args.start else ""}
    query["end"] = f"{args.end:%Y-%m}" if args.end else ""
    print(json.dumps(json.loads(remote.call("GET", "/api/v1/flow/summary", query=query)), indent=2))
    return 0


HANDLERS: dict[tuple[str, str | None], Callable[[Remote, argparse.Namespace], int]] = {
    ("survey", "import"): _survey_import,
    ("stats", None): _stats,
    ("map", "import"): _map_import,
    ("map", "export"): _map_export,
    ("backup", None): _backup,
    ("flow", "import"): _flow_import,
    ("flow", "stats"): _flow_stats,
}

HANDLERS |= remote_reports.HANDLERS
HANDLERS |= remote_accounts.HANDLERS


def hand_off(args: argparse.Namespace) -> int | None:
    """Runs the command through the server that holds its workspace; None when none does."""
    sub = getattr(args, f"{args.command}_command", None)
    handler = HANDLERS.get((args.command, sub))
    token = os.environ.get(TOKEN_ENV_VAR, "").strip()
    workspace = getattr(args, "db", None) or database_target()
    # A server announces itself beside a DuckDB file; on PostgreSQL the command opens it itself.
    served = handler is not None and not is_url(workspace)
    found = announcement.live(Path(workspace)) if served else None
    if found is None and token:
        # Working on the database itself would act as its owner (everything allowed), not as the
        # token's user: refuse rather than quietly ignore the token.
        command = " ".join(part for part in (args.command, sub) if part)
        shown = copy.shown(workspace)
        print(
            f"error: {TOKEN_ENV_VAR} is set, but the command line opens PostgreSQL ({shown}) itself and cannot"
            f" check a token; unset {TOKEN_ENV_VAR} to work on the database as its owner, or use the server's API"
            if is_url(workspace)
            else f"error: {TOKEN_ENV_VAR} is set, but no running server holds {shown} to check it"
            + ("" if handler is not None else f" and '{command}' does not go through a server")
            + f"; start the server, or unset {TOKEN_ENV_VAR} to work on the file as its owner",
            file=sys.stderr,
        )
        return _refused(args)
    if handler is None or found is None:
        return None
    try:
        # DASHBOARD_TOKEN: a user's token, so the answers cover only what that user may see and do.
        return handler(Remote(found.url, token or found.token), args)
    except RemoteError as refusal:
        print(f"error: {' '.join(str(refusal).split())}", file=sys.stderr)
        return _refused(args)


def _refused(args: argparse.Namespace) -> int:
    """The exit status of a refusal: 2 for the account commands (their rule), else 1."""
    return remote_accounts.REFUSED if args.command in remote_accounts.COMMANDS else 1
