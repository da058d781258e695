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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
