"""``briefing``, ``workshop report`` and ``digest`` through a running server: the command line
asks the server's API (``dashboard/web/reports.py``) and writes what it answers, as
``dashboard.remote`` does for the other commands (registered there in one line)."""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from dashboard.briefing import BriefingError, digest, service

if TYPE_CHECKING:  # dashboard.remote imports this module to register the handlers
    from dashboard.remote import Remote


def _briefing(remote: Remote, args: argparse.Namespace) -> int:
    kind = args.kind or args.out.suffix.lower().lstrip(".")
    if kind not in service.FORMATS:
        raise BriefingError(f"Say --format pptx or --format pdf (the file {args.out.name} does not tell).")
    query = {"format": kind}
    for name in ("start", "end"):
        if getattr(args, name):
            query[name] = getattr(args, name).isoformat()
    if args.cycle:
        query["cycle"] = args.cycle
    data = remote.call("GET", "/api/v1/briefing", query=query)
    service.write_whole(args.out, data)
    print(f"wrote {args.out} ({len(data):,} bytes) through the running server at {remote.url}")
    return 0


def _workshop_report(remote: Remote, args: argparse.Namespace) -> int:
    kind = args.out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "xlsx"):
        raise BriefingError(f"Name the report .pdf or .xlsx (not {args.out.name}).")
    data = remote.call("GET", f"/api/v1/workshop/{args.code}/report", query={"format": kind})
    service.write_whole(args.out, data)
    print(f"wrote {args.out} ({len(data):,} bytes) through the running server at {remote.url}")
    return 0


def _digest(remote: Remote, args: argparse.Namespace) -> int:
    query = {"period": args.period, "to": ",".join(args.to), "dry_run": str(args.dry_run is not None).lower()}
    if args.as_of:
        query["as_of"] = args.as_of.isoformat()
    answer = json.loads(remote.call("POST", "/api/v1/digest", query=query))
    if args.dry_run is not None:
        messages = [(m["to"], base64.b64decode(m["eml"])) for m in answer["messages"]]
        for path in digest.write_eml(messages, args.dry_run):
            print(f"wrote {path}")
        return 0
    print(f"sent {len(answer['sent'])} emails: {', '.join(answer['sent'])}")
    return 0


HANDLERS: dict[tuple[str, str | None], Callable[[Remote, argparse.Namespace], int]] = {
    ("briefing", None): _briefing,
    ("workshop", "report"): _workshop_report,
    ("digest", None): _digest,
}
