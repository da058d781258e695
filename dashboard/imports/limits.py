"""The limits that keep hostile files out of the reader, and the error every refusal raises.

A file is read against one ``Limits``: surveys may be large (their CSV path is vectorised),
map files are small by nature. The caps are counted while rows stream in (``Budget``), so a
file that would blow past them is refused after reading its first N rows, not after all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

EXCEL_ROWS = 1_048_576
"""The last row a real Excel sheet can have; a row number past it is forged."""


class SurveyError(ValueError):
    """A file that cannot be imported, with a message that tells the person what to fix."""


@dataclass(frozen=True)
class Limits:
    """What one kind of upload may cost: bytes, rows, workbook cells, seconds of reading."""

    what: str
    """The kind of file, as messages name it ("survey", "map file")."""
    max_bytes: int | None
    """None: ``reading.MAX_BYTES`` (looked up at call time, so the CLI and tests share it)."""
    max_rows: int | None
    """Rows of the file (header included) a reader may take; None: no cap but the others."""
    max_cells: int
    """Cells a workbook sheet may hold (and shared strings it may declare)."""
    seconds: float
    """Time the reader may spend parsing one workbook sheet or the rows of a text file."""
    max_unpacked: int = 300 * 1024 * 1024
    """The size a workbook may unpack to (all its parts together)."""


SURVEY = Limits("survey", None, None, 2_000_000, 60.0)
"""2 million workbook cells take about 25 s to parse here; larger surveys go through CSV."""
MAP_FILE = Limits("map file", 20 * 1024 * 1024, 5_001, 200_000, 10.0, 50 * 1024 * 1024)
"""5,000 touchpoints (plus the header row) is far beyond any real service cycle map."""


@dataclass
class Budget:
    """The caps of one read, counted as rows stream in; raises SurveyError when one runs out."""

    limits: Limits
    deadline: float = field(init=False)
    cells: int = 0

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.limits.seconds

    def check_time(self) -> None:
        """Call once per chunk of rows: reading stops at the deadline, whatever the file."""
        if time.monotonic() > self.deadline:
            raise SurveyError(
                f"Reading the {self.limits.what} took longer than {self.limits.seconds:.0f} s, so it was stopped. "
                "Save it as CSV, or split it."
            )

    def check_row(self, number: int) -> None:
        """Refuses a row past the row cap (``number`` is the 1-based row of the file)."""
        cap = self.limits.max_rows
        if cap is not None and number > cap:
            raise SurveyError(
                f"The {self.limits.what} has more than {cap - 1:,} rows below its header; "
                f"at most {cap - 1:,} can be read."
            )

    def add_cells(self, count: int) -> None:
        """Counts cells read; refuses past the cell cap."""
        self.cells += count
        refuse_cells(self.cells, self.limits)


def refuse_cells(count: int, limits: Limits) -> None:
    """Raises SurveyError when a sheet holds (or declares) more cells than ``limits`` allow."""
    if count > limits.max_cells:
        raise SurveyError(
            f"The sheet has more than {limits.max_cells:,} cells; a {limits.what} workbook may hold at most "
            f"{limits.max_cells:,}. Save it as CSV, or split it."
        )
