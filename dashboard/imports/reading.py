"""Reading an uploaded file (survey or map file) into a table of text cells, safely.

Every cell comes back as text, exactly as written (comments stay verbatim); interpreting
dates, names and scores is the next stage's job. What this stage decides:

- the kind of file from its content (an XLSX is a zip; an old ``.xls`` is refused by name),
- the text encoding (``encoding``: BOMs and UTF-8 first, else charset-normalizer),
- the delimiter (``delimited``: comma, semicolon, tab) by which parse gives the most consistent rows,
- the header row: the first row that names known columns, else the first full row of
  distinct text cells (title rows above it are skipped, in CSV and XLSX alike),
- limits (``limits``): file size, rows, columns, workbook cells and seconds of reading, NUL
  bytes, and for XLSX the unpacked size, compression ratio, XML entity declarations and
  declared sheet sizes (``xlsx``). Survey files and map files are read against their own limits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard.imports import delimited, encoding, xlsx
from dashboard.imports.delimited import DELIMITER_NAMES, DELIMITERS, SAMPLE_CHARS, sniff_delimiter
from dashboard.imports.encoding import decode, detect_encoding
from dashboard.imports.limits import MAP_FILE, SURVEY, Budget, Limits, SurveyError
from dashboard.imports.xlsx import MAX_COLUMNS, cell_text, check_xlsx, list_sheets
from dashboard.text import key as fold_key

__all__ = [
    "DELIMITERS",
    "MAP_FILE",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "SURVEY",
    "Grid",
    "Limits",
    "SurveyError",
    "Table",
    "cell_text",
    "check_xlsx",
    "column_names",
    "decode",
    "detect_encoding",
    "find_header_row",
    "list_sheets",
    "peek_header",
    "read_grid",
    "read_table",
    "sheet_headers",
    "sniff_delimiter",
]

MAX_BYTES = 200 * 1024 * 1024
"""The largest survey file read (about 2.5 million long-format rows)."""
HEADER_SEARCH_ROWS = 30
TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
_NUMBERISH = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b")


@dataclass(frozen=True)
class Table:
    """A survey file's cells as text: one column per header cell, one row per data row."""

    cells: pa.Table
    row_numbers: np.ndarray
    """The row number of each data row as a spreadsheet shows it (header row counted)."""
    header_row: int
    """The 1-based row of the header (2 or more when title rows sit above it)."""
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheets: tuple[str, ...] = ()
    ragged: list[tuple[int, str]] = field(default_factory=list)
    """Rows refused while reading: (row number, reason)."""

    @property
    def columns(self) -> list[str]:
        return list(self.cells.column_names)

    def describe(self) -> dict[str, str]:
        """What was detected, in words, for the preview."""
        out = {"header row": str(self.header_row)}
        if self.sheet:
            out["sheet"] = self.sheet
        else:
            out["encoding"] = self.encoding
            out["delimiter"] = DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
        return out


@dataclass(frozen=True)
class Grid:
    """A file's cells with no header taken: strings or None, index = the 0-based file row."""

    frame: pd.DataFrame
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheets: tuple[str, ...] = ()

    def describe(self) -> dict[str, str]:
        if self.sheet:
            return {"sheet": self.sheet}
        return {"encoding": self.encoding, "delimiter": DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}


def _check_size(data: bytes, limits: Limits) -> None:
    cap = MAX_BYTES if limits.max_bytes is None else limits.max_bytes
    if len(data) > cap:
        raise SurveyError(
            f"The file is {len(data) / 1e6:.0f} MB; files up to {cap / 1e6:.0f} MB can be imported as a {limits.what}. "
            "Split it into smaller files."
        )
    blank = b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"
    if not data[:4096].strip(blank) and not data[4096:].strip(blank):  # no copy of a large file
        raise SurveyError("The file is empty.")


def _kind(data: bytes, file_name: str) -> str:
    """``xlsx`` or ``text``; raises SurveyError for anything else."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SurveyError("This is an old Excel (.xls) workbook. Save it as .xlsx or CSV and upload that.")
    lower = file_name.lower()
    if lower.endswith(XLSX_EXTENSIONS):
        raise SurveyError("The file is named .xlsx but is not an Excel workbook (it may be damaged).")
    if not lower.endswith(TEXT_EXTENSIONS):
        raise SurveyError("Only CSV, TSV (or .txt) and XLSX files can be imported.")
    return "text"


def _utf8(data: bytes, text: str, encoding_name: str) -> bytes:
    """The file as UTF-8 for pyarrow, without a copy when it already is."""
    if encoding_name == "utf-8-sig":
        return data[3:]
    return data if encoding_name == "utf-8" else text.encode("utf-8")


def read_table(
    data: bytes,
    file_name: str,
    *,
    sheet: str | None = None,
    header_names: Collection[str] = (),
    limits: Limits = SURVEY,
) -> Table:
    """Reads a CSV, TSV or XLSX file; raises SurveyError with a readable reason when it cannot.

    ``header_names`` are column names the caller expects (any two of them in one row mark the
    header row).
    """
    _check_size(data, limits)
    known = {fold_key(name) for name in header_names}
    if _kind(data, file_name) == "xlsx":
        return _read_xlsx(data, sheet, known, limits)
    return _read_text(data, known, limits)


# --- header rows ------------------------------------------------------------------------------


def _numberish(cell: str) -> bool:
    return bool(_NUMBERISH.match(cell.strip()))


def find_header_row(rows: Sequence[Sequence[str]], known: Collection[str] = ()) -> int:
    """The 0-based index of the header among the first rows of a file.

    The first row naming two or more ``known`` (folded) columns wins. Without one, the header
    is the first row of at least two distinct, non-numeric cells that fills at least half the
    width of the widest row: title rows (one cell, or blank) above it are skipped.
    """
    head = [list(row) for row in rows[:HEADER_SEARCH_ROWS]]
    if known:
        for index, row in enumerate(head):
            if sum(fold_key(cell) in known for cell in row) >= 2:
                return index
    widest = max((sum(bool(c.strip()) for c in row) for row in head), default=0)
    for index, row in enumerate(head):
        cells = [c.strip() for c in row if c.strip()]
        if (
            len(cells) >= max(2, math.ceil(widest / 2))
            and not any(_numberish(c) for c in cells)
            and len({fold_key(c) for c in cells}) == len(cells)
        ):
            return index
    raise SurveyError(
        f"No header row found in the first {HEADER_SEARCH_ROWS} rows: the header should be a row of column names."
    )


def column_names(header: Sequence[str]) -> list[str]:
    """Header cells as unique column names (blank ones become ``column 3``, repeats get ``(2)``)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(header, start=1):
        name = cell.strip() or f"column {position}"
        count = seen.get(name, 0) + 1
        seen[name] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


# --- tables -----------------------------------------------------------------------------------


def _read_text(data: bytes, known: set[str], limits: Limits) -> Table:
    text, encoding_name = decode(data)
    delimiter = sniff_delimiter(text)
    sample = delimited.sample_rows(text, delimiter)
    xlsx.check_width(max((len(row) for row in sample), default=0))
    header_index = find_header_row(sample, known)
    names = column_names(sample[header_index])
    budget = Budget(limits)
    if limits.max_rows is None:
        try:
            cells = delimited.parse_fast(_utf8(data, text, encoding_name), delimiter, header_index + 1, names)
        except pa.ArrowInvalid:
            pass
        else:
            numbers = np.arange(header_index + 2, header_index + 2 + cells.num_rows, dtype=np.int64)
            return Table(cells, numbers, header_index + 1, encoding_name, delimiter)
    cells, numbers, ragged = delimited.parse_slow(text, delimiter, header_index, names, budget)
    return Table(cells, numbers, header_index + 1, encoding_name, delimiter, ragged=ragged)


def _read_xlsx(data: bytes, sheet: str | None, known: set[str], limits: Limits) -> Table:
    rows, numbers, chosen, names = xlsx.sheet_rows(data, sheet, limits)
    header_index = find_header_row(rows, known)
    header = column_names(rows[header_index])
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[header_index + 1 :]]
    cells = pa.table({name: pa.array([row[i] for row in body], pa.string()) for i, name in enumerate(header)})
    return Table(
        cells,
        np.asarray(numbers[header_index + 1 :], dtype=np.int64),
        numbers[header_index],
        sheet=chosen,
        sheets=tuple(names),
    )


# --- raw grids (survey-tool exports, map files) -----------------------------------------------


def peek_header(
    data: bytes, file_name: str, *, sheet: str | None = None, header_names: Collection[str] = ()
) -> list[str]:
    """The header row ``read_table`` would take (column names), read from the start of the file only.

    Returns [] when no header row is found. Cheap: a text file's first 512 KB are decoded, not the whole file.
    """
    _check_size(data, SURVEY)
    known = {fold_key(name) for name in header_names}
    if _kind(data, file_name) == "xlsx":
        rows = xlsx.sheet_rows(data, sheet, SURVEY, first=HEADER_SEARCH_ROWS)[0]
    else:
        head_bytes = data[: SAMPLE_CHARS * 2]
        head = head_bytes.decode(encoding.sample_encoding(head_bytes), errors="ignore").removeprefix("\ufeff")
        rows = delimited.sample_rows(head, sniff_delimiter(head))
    try:
        return column_names(rows[find_header_row(rows, known)])
    except SurveyError:
        return []


def sheet_headers(data: bytes, limits: Limits = SURVEY) -> dict[str, list[str]]:
    """A workbook's sheets and the first non-blank row of each, after the same checks as ``read_grid``."""
    _check_size(data, limits)
    return xlsx.first_rows(data, limits)


def read_grid(data: bytes, file_name: str, *, sheet: str | None = None, limits: Limits = SURVEY) -> Grid:
    """Every cell of a CSV, TSV or XLSX file as text (blank cells None), no header taken.

    The same checks as ``read_table``: size, NUL bytes, encodings, delimiter, column count,
    and for workbooks the zip and XML checks before anything is parsed; rows, cells and time
    are capped by ``limits`` while the rows stream in.
    """
    _check_size(data, limits)
    if _kind(data, file_name) == "xlsx":
        rows, numbers, chosen, names = xlsx.sheet_rows(data, sheet, limits)
        width = max((len(row) for row in rows), default=0)
        frame = pd.DataFrame(
            [[cell if cell.strip() else None for cell in row] + [None] * (width - len(row)) for row in rows],
            index=pd.Index(np.asarray(numbers, dtype=np.int64) - 1),
            dtype=object,
        )
        return Grid(frame, sheet=chosen, sheets=tuple(names))
    text, encoding_name = decode(data)
    delimiter = sniff_delimiter(text)
    width = max((len(row) for row in delimited.sample_rows(text, delimiter)), default=0)
    xlsx.check_width(width)
    frame = delimited.grid_frame(text, _utf8(data, text, encoding_name), delimiter, width, Budget(limits))
    xlsx.check_width(frame.shape[1])
    return Grid(frame, encoding=encoding_name, delimiter=delimiter)
