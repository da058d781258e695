"""The command line's reports: ``briefing``, ``workshop report`` and ``digest`` (issue 18).

Each writes its file whole or not at all (``service.write_whole``) and fails with one line on
stderr (``cli.main`` prints a ``ValueError``'s message), leaving nothing behind.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from dashboard.cli_server import DB_HELP, opened, workspace_arg


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-09-30") from None


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``briefing``, ``workshop report`` and ``digest``."""
    brief = commands.add_parser("briefing", help="the leadership briefing of the Overview's view, as PPTX or PDF")
    brief.add_argument("out", type=Path, help="the file to write")
    brief.add_argument("--format", dest="kind", choices=("pptx", "pdf"), help="default: the file's extension")
    brief.add_argument("--from", dest="start", type=_day, help="first day, e.g. 2026-07-01 (default: 90 days back)")
    brief.add_argument("--to", dest="end", type=_day, help="last day (default: the last day with impressions)")
    brief.add_argument("--cycle", help="only this service cycle")
    brief.add_argument("--db", type=workspace_arg, help=DB_HELP)
    brief.set_defaults(run=run_briefing)

    room = commands.add_parser("workshop", help="workshop sessions")
    actions = room.add_subparsers(dest="workshop_command", required=True)
    report = actions.add_parser("report", help="a session's report as PDF or XLSX (by the file's extension)")
    report.add_argument("code", help="the session's join code")
    report.add_argument("out", type=Path, help="a .pdf or .xlsx file")
    report.add_argument("--db", type=workspace_arg, help=DB_HELP)
    report.set_defaults(run=run_workshop_report)

    digest = commands.add_parser("digest", help="email the week's or month's figures and alerts (SMTP: README)")
    digest.add_argument("--period", choices=("week", "month"), default="week")
    digest.add_argument("--to", nargs="+", default=[], metavar="ADDRESS", help="leadership addresses (default: rules')")
    digest.add_argument("--dry-run", type=Path, metavar="DIR", help="write .eml files to DIR instead of sending")
    digest.add_argument("--as-of", type=_day, help="the period's last day (default: today)")
    digest.add_argument("--db", type=workspace_arg, help=DB_HELP)
    digest.set_defaults(run=run_digest)


def run_briefing(args: argparse.Namespace) -> int:
    from dashboard.briefing import BriefingError, service  # noqa: PLC0415 - keeps other commands' start-up light

    kind = args.kind or args.out.suffix.lower().lstrip(".")
    if kind not in service.FORMATS:
        raise BriefingError(f"Say --format pptx or --format pdf (the file {args.out.name} does not tell).")
    with opened(args) as store:
        data = service.briefing(store, kind, start=args.start, end=args.end, cycle=args.cycle)
    service.write_whole(args.out, data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


def run_workshop_report(args: argparse.Namespace) -> int:
    from dashboard.briefing import BriefingError, service, session_report  # noqa: PLC0415

    kind = args.out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "xlsx"):
        raise BriefingError(f"Name the report .pdf or .xlsx (not {args.out.name}).")
    with opened(args) as store:
        report = session_report.gather(store, args.code)
    data = session_report.pdf_bytes(report) if kind == "pdf" else session_report.xlsx_bytes(report)
    service.write_whole(args.out, data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


def run_digest(args: argparse.Namespace) -> int:
    from dashboard.briefing import digest  # noqa: PLC0415

    smtp = None if args.dry_run else digest.smtp_settings()
    sender = smtp.sender if smtp else digest.DRY_RUN_SENDER
    with opened(args) as store:
        mail = digest.letters(store, args.period, args.to, sender, as_of=args.as_of)
        if not mail:
            print("nothing to send: no recipients (give --to, or add an alert rule with addresses on Settings)")
            return 0
        if args.dry_run:
            for path in digest.write_eml(digest.eml(mail), args.dry_run):
                print(f"wrote {path}")
            return 0
        assert smtp is not None
        sent = digest.send(store, mail, smtp, args.as_of or date.today())
    print(f"sent {len(sent)} emails: {', '.join(sent)}")
    return 0
