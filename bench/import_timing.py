"""What the survey-import benchmarks share: a fresh workspace with one cycle, and the command
line's import of a file into it, timed in this process or measured for peak memory in a child.
"""

from __future__ import annotations

import contextlib
import io
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from dashboard import cli  # noqa: E402
from dashboard.store import Store, cycles, workspace  # noqa: E402
from dashboard.store import groups as store_groups  # noqa: E402
from dashboard.touchpoints import TouchpointFields  # noqa: E402


def fresh_workspace(path: Path, cycle: str, touchpoints: Sequence[str], groups: Sequence[str] = ()) -> None:
    """A new workspace file holding one cycle with these touchpoints (and stakeholder groups)."""
    path.unlink(missing_ok=True)
    with Store(path) as store:
        cycle_id = cycles.create_cycle(store, cycle)
        for name in touchpoints:
            cycles.add_touchpoint(store, cycle_id, TouchpointFields(name, "keep_or_lose"))
        for group in groups:
            store_groups.add_group(store, group)


def timed_import(path: Path, db: Path, cycle: str) -> tuple[float, float]:
    """Wall and CPU seconds of the command line's import of ``path``, committed into ``db``."""
    started, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["survey", "import", str(path), "--cycle", cycle, "--db", str(db)])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    assert code == 0, "the import did not commit"
    return seconds, cpu_seconds


def peak_memory_mb(path: Path, db: Path, cycle: str) -> tuple[float, float]:
    """Maximum resident set size of the command line importing ``path`` in a child process
    (it must be the only child run so far), and its wall time."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dashboard", "survey", "import", str(path), "--cycle", cycle, "--db", str(db)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, seconds


def recorded_impressions(db: Path) -> int:
    """How many impressions the workspace file holds."""
    with Store(db) as store:
        return int(workspace.counts(store)["impressions"])


def duckdb_floor(db: Path, setup: Sequence[str], statement: str, parameters: Sequence[object]) -> tuple[float, float]:
    """Wall and CPU seconds of the all-DuckDB floor: one SQL statement writing the import's rows
    into a table of a new database file (``setup``, untimed, creates its tables), then closing
    the file (its checkpoint counts, as the import's commit does)."""
    db.unlink(missing_ok=True)
    Path(str(db) + ".wal").unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    for sql in setup:
        con.execute(sql)
    con.execute("checkpoint")
    started, cpu = time.perf_counter(), time.process_time()
    con.execute(statement, list(parameters))
    con.close()
    return time.perf_counter() - started, time.process_time() - cpu


IMPRESSION_TABLE = (
    "create table impression (touchpoint_id integer not null, observed_on date not null, raw_value varchar not null,"
    " scale varchar not null, score double not null, group_id integer, source varchar not null, comment varchar)"
)
"""The floor's target: the impression table's columns, without the workspace's sequences and roll-ups."""


def touchpoint_table(names: Sequence[str]) -> list[str]:
    """Set-up statements for the floor's touchpoint table (ids 1, 2, ...)."""
    values = ", ".join(f"({number}, '{name}')" for number, name in enumerate(names, start=1))
    return ["create table touchpoint (id integer, name varchar)", f"insert into touchpoint values {values}"]
