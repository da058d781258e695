"""Delimited text (CSV, TSV, semicolons) to cells: the delimiter, and the rows in C or in Python.

The large path is vectorised: pyarrow parses the whole file in C. Only a file with ragged or
blank rows falls back to Python's csv reader, which knows every row's number; a reader with a
row cap (map files) streams rows and stops at the cap instead of parsing the rest.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from dashboard.imports.limits import Budget, SurveyError

SAMPLE_CHARS = 256 * 1024
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
CHUNK_ROWS = 4_096
"""Rows read between two looks at the clock."""


def sample_rows(text: str, delimiter: str, limit: int = 60) -> list[list[str]]:
    """The first ``limit`` whole rows of a text (only its first 256 K characters are parsed)."""
    sample = text[:SAMPLE_CHARS]
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample), delimiter=delimiter):
            rows.append(row)
            if len(rows) > limit:
                break
    except csv.Error:
        pass
    if len(sample) < len(text) and len(rows) <= limit and rows:
        rows.pop()  # the sample may end in the middle of a row
    return rows[:limit]


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon or tab) under which the rows are most consistent."""

    def quality(delimiter: str) -> tuple[bool, float, int]:
        widths = [len(row) for row in sample_rows(text, delimiter) if any(cell.strip() for cell in row)]
        if not widths:
            return (False, 0.0, 0)
        modal = max(set(widths), key=lambda w: (widths.count(w), w))
        return (modal > 1, widths.count(modal) / len(widths), modal)

    return max(DELIMITERS, key=quality)


def parse_fast(utf8: bytes, delimiter: str, skip: int, names: list[str], *, nulls: bool = False) -> pa.Table:
    """Every row at once, in C; raises ArrowInvalid at the first row of the wrong width.

    ``nulls``: blank cells come back as nulls instead of "".
    """
    return pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            null_values=[""] if nulls else None,
            strings_can_be_null=nulls,
            quoted_strings_can_be_null=nulls,
        ),
    )


def parse_slow(
    text: str, delimiter: str, header_index: int, names: list[str], budget: Budget
) -> tuple[pa.Table, np.ndarray, list[tuple[int, str]]]:
    """Row by row, for files with ragged or blank rows: keeps each row's number."""
    width = len(names)
    columns: list[list[str]] = [[] for _ in names]
    numbers: list[int] = []
    ragged: list[tuple[int, str]] = []
    for number, row in enumerate(_rows(text, delimiter, budget), start=1):
        if number <= header_index + 1 or not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            ragged.append((number, f"has {len(row)} fields where the header has {width}"))
            continue
        numbers.append(number)
        for column, cell in zip(columns, row, strict=True):
            column.append(cell)
    cells = pa.table({name: pa.array(column, pa.string()) for name, column in zip(names, columns, strict=True)})
    return cells, np.asarray(numbers, dtype=np.int64), ragged


def _rows(text: str, delimiter: str, budget: Budget) -> Iterator[list[str]]:
    """The csv module's rows, checked against the budget's clock and row cap as they stream."""
    cap = budget.limits.max_rows
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            if number % CHUNK_ROWS == 0:
                budget.check_time()
            if cap is not None and number > cap:
                budget.check_row(number)
            yield row
    except csv.Error as error:
        raise SurveyError(f"The file cannot be parsed as delimited text: {error}.") from None


def grid_frame(text: str, utf8: bytes, delimiter: str, width: int, budget: Budget) -> pd.DataFrame:
    """Every cell of a delimited file (blank cells None), columns 0..width-1, index the 0-based row.

    With a row cap the rows stream through the csv module and reading stops at the cap;
    without one pyarrow parses the file in C, falling back to the csv module for ragged rows.
    """
    if budget.limits.max_rows is None:
        names = [f"c{i}" for i in range(width)]
        try:
            frame: pd.DataFrame = parse_fast(utf8, delimiter, 0, names, nulls=True).to_pandas()
            frame.columns = pd.RangeIndex(width)
            return frame
        except pa.ArrowInvalid:
            pass  # ragged or blank rows: the csv module, row by row, padded to the widest row
    rows = list(_rows(text, delimiter, budget))
    width = max((len(row) for row in rows), default=0)
    return pd.DataFrame(
        [[cell if cell.strip() else None for cell in row] + [None] * (width - len(row)) for row in rows],
        dtype=object,
    )
