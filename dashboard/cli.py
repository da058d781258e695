"""The command line: ``python -m dashboard COMMAND ...``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from dashboard import demo
from dashboard.store import Store, database_path


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be zero or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Touchpoint and reputation dashboard.")
    commands = parser.add_subparsers(dest="command", required=True)

    demo_cmd = commands.add_parser("demo", help="(re)build the demo workspace")
    demo_cmd.add_argument("--db", type=Path, help="database file (default: $DASHBOARD_DB or data/dashboard.duckdb)")
    demo_cmd.add_argument(
        "--impressions",
        type=_positive,
        default=demo.DEFAULT_IMPRESSIONS,
        help=f"how many impressions to generate (default {demo.DEFAULT_IMPRESSIONS:,})",
    )
    demo_cmd.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="random seed (default %(default)s)")
    demo_cmd.set_defaults(run=run_demo)
    add_map_commands(commands)
    return parser


def run_demo(args: argparse.Namespace) -> int:
    path: Path = args.db or database_path()
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    with Store(path) as store:
        summary = demo.build(store, impressions=args.impressions, seed=args.seed)
    seconds = time.perf_counter() - started
    print(
        f"demo workspace written to {path}: {summary.cycles} service cycles, {summary.touchpoints} touchpoints, "
        f"{summary.impressions:,} impressions from {summary.first_day} to {summary.last_day} in {seconds:.1f} s"
    )
    return 0


# --- issue 3: map files ---


def add_map_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``map import FILE`` and ``map export [--cycle NAME] FILE``."""
    db_help = "database file (default: $DASHBOARD_DB or data/dashboard.duckdb)"
    map_cmd = commands.add_parser("map", help="import or export service cycle maps (CSV or XLSX)")
    actions = map_cmd.add_subparsers(dest="map_command", required=True)
    imp = actions.add_parser("import", help="add or update the cycles a map file lists")
    imp.add_argument("file", type=Path, help="a .csv or .xlsx map file")
    imp.add_argument("--db", type=Path, help=db_help)
    imp.set_defaults(run=run_map_import)
    exp = actions.add_parser("export", help="write cycles' touchpoints to a map file")
    exp.add_argument("--cycle", help="only this service cycle (default: every cycle)")
    exp.add_argument("file", type=Path, help="where to write; .csv or .xlsx")
    exp.add_argument("--db", type=Path, help=db_help)
    exp.set_defaults(run=run_map_export)


def run_map_import(args: argparse.Namespace) -> int:
    from dashboard import maps  # noqa: PLC0415 - keeps `demo` start-up light

    data = args.file.read_bytes()
    with Store(args.db or database_path()) as store:
        changes = maps.import_map(store, args.file.name, data)
    print(f"imported {args.file}:")
    for change in changes:
        print(f"  {change}")
    return 0


def run_map_export(args: argparse.Namespace) -> int:
    from dashboard import maps  # noqa: PLC0415
    from dashboard.store import workspace  # noqa: PLC0415

    with Store(args.db or database_path()) as store:
        cycle_id = None
        if args.cycle is not None:
            cycles = workspace.cycles(store)
            match = cycles[cycles["name"].str.casefold() == args.cycle.strip().casefold()]
            if match.empty:
                raise ValueError(f"no service cycle called {args.cycle!r}; there are: {', '.join(cycles['name'])}")
            cycle_id = int(match["id"].iloc[0])
        data = maps.export_bytes(store, args.file.name, cycle_id)
    args.file.write_bytes(data)
    print(f"wrote {args.file}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
