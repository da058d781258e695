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

from dashboard import cli  # noqa: E402
from dashboard.store import Store, cycles, workspace  # noqa: E402
from dashboard.store import groups as store_groups  # noqa: E402
from dashboard.store.cycles import TouchpointFields  # noqa: E402


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
