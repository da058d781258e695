"""The command line: ``python -m dashboard COMMAND ...``."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import cli_reports, cli_server, cli_users, demo, import_jobs, remote
from dashboard.cli_server import DB_HELP, opened, workspace, workspace_arg
from dashboard.imports import dates
from dashboard.imports.reading import MAX_BYTES, SurveyError
from dashboard.store import copy, imports, operations
from dashboard.store.pg import is_url


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be zero or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Touchpoint and reputation dashboard.",
        epilog="While the app server holds a workspace file, data commands go through it with the server's own"
        " token, or with $DASHBOARD_TOKEN when set: then they see and change only what that token's user may."
        " A PostgreSQL workspace (--db or $DASHBOARD_DB as postgresql://...) is opened by the command itself.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo_cmd = commands.add_parser("demo", help="(re)build the demo workspace")
    demo_cmd.add_argument("--db", type=workspace_arg, help=DB_HELP + "; a database must be empty")
    demo_cmd.add_argument(
        "--impressions",
        type=_positive,
        default=demo.DEFAULT_IMPRESSIONS,
        help=f"how many impressions to generate (default {demo.DEFAULT_IMPRESSIONS:,})",
    )
    demo_cmd.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="random seed (default %(default)s)")
    demo_cmd.set_defaults(run=run_demo)
    _add_survey_commands(commands)
    add_map_commands(commands)
    add_flow_commands(commands)
    cli_reports.add_commands(commands)
    cli_server.add_commands(commands)
    cli_users.add_commands(commands)
    return parser


def run_demo(args: argparse.Namespace) -> int:
    """A file is replaced; a PostgreSQL database (shared, perhaps served) must hold no workspace yet."""
    target = workspace(args)
    if isinstance(target, Path):
        for leftover in (target, target.with_name(target.name + ".wal")):
            leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    with opened(args) as store:
        if store.is_postgres and not operations.is_empty(store):
            raise ValueError(
                f"{copy.shown(target)} already holds a workspace; the demo is built only on an empty database"
                " (create a new one, or empty it yourself)"
            )
        summary = demo.build(store, impressions=args.impressions, seed=args.seed)
    seconds = time.perf_counter() - started
    print(
        f"demo workspace written to {copy.shown(target)}: {summary.cycles} service cycles,"
        f" {summary.touchpoints} touchpoints, "
        f"{summary.impressions:,} impressions from {summary.first_day} to {summary.last_day} in {seconds:.1f} s"
    )
    return 0


# --- issue 4: survey import ---


def _add_survey_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    survey = commands.add_parser("survey", help="import survey files")
    survey_commands = survey.add_subparsers(dest="survey_command", required=True)
    imp = survey_commands.add_parser(
        "import", help="import a survey file (CSV, TSV or XLSX): the long format or a survey tool's export"
    )
    imp.add_argument("file", type=Path, help="the survey file")
    imp.add_argument("--cycle", required=True, help="the service cycle the impressions belong to")
    imp.add_argument("--db", type=workspace_arg, help=DB_HELP)
    imp.add_argument(
        "--strict",
        action="store_true",
        help="refuse the whole file if any row is rejected or it would create stakeholder groups",
    )
    imp.add_argument(
        "--scale",
        help="the scale of the answers, when they do not settle it (remembered for the survey), "
        "e.g. 1-5, 0-10, labels:Bad|OK|Good; with '=' for a scale below zero: --scale=-2..2",
    )
    imp.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="NAME=GROUP",
        help="a group the file names that does not exist yet: record its rows under GROUP instead of creating it, "
        "or with no group when GROUP is empty (repeatable)",
    )
    imp.add_argument("--date-order", choices=dates.ORDERS, default=dates.AUTO, help="for dates such as 03/04/2026")
    imp.add_argument("--sheet", help="the sheet of an XLSX workbook (default: the first)")
    imp.add_argument("--json", action="store_true", help="print the outcome as JSON")
    imp.set_defaults(run=run_survey_import)

    stats_cmd = commands.add_parser("stats", help="impressions recorded, in total and per touchpoint")
    stats_cmd.add_argument("--db", type=workspace_arg, help=DB_HELP)
    stats_cmd.add_argument("--json", action="store_true", help="print JSON (the only format so far)")
    stats_cmd.set_defaults(run=run_stats)


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def run_survey_import(args: argparse.Namespace) -> int:
    """Imports one file; exit 0 only when the import committed, else one line on stderr."""
    path: Path = args.file
    if path.stat().st_size > MAX_BYTES:
        raise SurveyError(f"{path.name} is larger than {MAX_BYTES / 1e6:.0f} MB; split it")
    job = import_jobs.Request(
        data=path.read_bytes(),
        file_name=path.name,
        cycle=args.cycle,
        strict=args.strict,
        scale=args.scale,
        date_order=args.date_order,
        sheet=args.sheet,
        imported_by=_who(),
        groups=tuple(args.group),
    )
    with opened(args) as store:
        outcome = import_jobs.run(store, job)
    print(json.dumps(outcome, indent=2, default=str) if args.json else import_jobs.summary_line(outcome))
    return 0


def run_stats(args: argparse.Namespace) -> int:
    with opened(args) as store:
        print(json.dumps(imports.stats(store), indent=2))
    return 0


# --- issue 3: map files ---


def add_map_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``map import FILE`` and ``map export [--cycle NAME] FILE``."""
    map_cmd = commands.add_parser("map", help="import or export service cycle maps (CSV or XLSX)")
    actions = map_cmd.add_subparsers(dest="map_command", required=True)
    imp = actions.add_parser("import", help="add or update the cycles a map file lists")
    imp.add_argument("file", type=Path, help="a .csv or .xlsx map file")
    imp.add_argument("--db", type=workspace_arg, help=DB_HELP)
    imp.set_defaults(run=run_map_import)
    exp = actions.add_parser("export", help="write cycles' touchpoints to a map file")
    exp.add_argument("--cycle", help="only this service cycle (default: every cycle)")
    exp.add_argument("file", type=Path, help="where to write; .csv or .xlsx")
    exp.add_argument("--db", type=workspace_arg, help=DB_HELP)
    exp.set_defaults(run=run_map_export)


def run_map_import(args: argparse.Namespace) -> int:
    from dashboard import maps  # noqa: PLC0415 - keeps `demo` start-up light

    data = args.file.read_bytes()
    with opened(args) as store:
        changes = maps.import_map(store, args.file.name, data)
    print(f"imported {args.file}:")
    for change in changes:
        print(f"  {change}")
    return 0


def run_map_export(args: argparse.Namespace) -> int:
    from dashboard import maps, text  # noqa: PLC0415
    from dashboard.store import cycles  # noqa: PLC0415

    with opened(args) as store:
        cycle_id = None
        if args.cycle is not None:
            known = cycles.cycles(store)
            match = known[[text.key(name) == text.key(args.cycle) for name in known["name"]]]
            if match.empty:
                raise ValueError(f"no service cycle called {args.cycle!r}; there are: {', '.join(known['name'])}")
            cycle_id = int(match["id"].iloc[0])
        data = maps.export_bytes(store, args.file.name, cycle_id)
    args.file.write_bytes(data)
    print(f"wrote {args.file}")
    return 0


# --- issue 13: customer flow ---


def add_flow_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``flow import FILE [--strict] [--json]`` and ``flow stats --json [--cycle] [--from --to]``."""
    flow_cmd = commands.add_parser("flow", help="customer flow: import flow files, print flow figures")
    actions = flow_cmd.add_subparsers(dest="flow_command", required=True)
    imp = actions.add_parser(
        "import", help="import a flow file (CSV or XLSX: period, service_cycle, measure, source, count)"
    )
    imp.add_argument("file", type=Path, help="the flow file")
    imp.add_argument("--db", type=workspace_arg, help=DB_HELP)
    imp.add_argument("--strict", action="store_true", help="refuse the whole file if any row is rejected")
    imp.add_argument("--sheet", help="the sheet of an XLSX workbook (default: the first)")
    imp.add_argument("--json", action="store_true", help="print the outcome as JSON")
    imp.set_defaults(run=run_flow_import)
    stats_cmd = actions.add_parser("stats", help="counts and rates per cycle and in total, prospects per source")
    stats_cmd.add_argument("--db", type=workspace_arg, help=DB_HELP)
    stats_cmd.add_argument("--json", action="store_true", help="print JSON (the only format so far)")
    stats_cmd.add_argument("--cycle", help="only this service cycle")
    stats_cmd.add_argument("--from", dest="start", type=_month, help="first month, e.g. 2026-01")
    stats_cmd.add_argument("--to", dest="end", type=_month, help="last month, e.g. 2026-09")
    stats_cmd.set_defaults(run=run_flow_stats)


def _month(text: str) -> date:
    from dashboard.flow import files  # noqa: PLC0415 - keeps `demo` start-up light

    parsed = files.parse_periods(pd.Series([text]))[0]
    if pd.isna(parsed):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-09")
    return date(parsed.year, parsed.month, 1)


def run_flow_import(args: argparse.Namespace) -> int:
    """Imports one flow file; exit 0 only when it committed, else one line on stderr."""
    from dashboard.flow import service  # noqa: PLC0415

    with opened(args) as store:
        outcome = service.import_file(
            store, args.file.read_bytes(), args.file.name, strict=args.strict, sheet=args.sheet, imported_by=_who()
        )
    print(json.dumps(outcome, indent=2, default=str) if args.json else service.import_line(outcome, args.file.name))
    return 0


def run_flow_stats(args: argparse.Namespace) -> int:
    from dashboard.flow import service  # noqa: PLC0415

    with opened(args) as store:
        print(json.dumps(service.stats(store, cycle=args.cycle, start=args.start, end=args.end), indent=2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        handed = remote.hand_off(args)  # a running server holds the workspace: it does the job
        return int(args.run(args)) if handed is None else handed
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # never a traceback on the command line; the message says what failed
        message = " ".join(str(error).split())
        if "lock" in message.casefold() and not is_url(workspace(args)):  # DuckDB's file lock
            message = f"the workspace is held by another process that announced no server ({message})"
        print(f"error: {message}", file=sys.stderr)
        return 1
