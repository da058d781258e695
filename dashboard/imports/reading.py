"""Reading an uploaded survey file into a table of text cells, safely.

Every cell comes back as text, exactly as written (comments stay verbatim); interpreting
dates, names and scores is the pipeline's job. What this module decides:

- the kind of file from its content (an XLSX is a zip; an old ``.xls`` is refused by name),
- the text encoding: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode Text"), else
  Windows-1252, else Latin-1,
- the delimiter (comma, semicolon, tab) by which parse gives the most consistent rows,
- the header row: the first row that names known columns, else the first full row of
  distinct text cells (title rows above it are skipped, in CSV and XLSX alike),
- limits: file size, column count, NUL bytes, and for XLSX the unpacked size, compression
  ratio and XML entity declarations (zip bombs, "billion laughs"); openpyxl parses through
  defusedxml as a second line of defence.

The large path is vectorised: pyarrow parses the whole CSV in C. Only a file with ragged or
blank rows falls back to Python's csv reader, which knows every row's number.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from dashboard.text import key as fold_key

MAX_BYTES = 200 * 1024 * 1024
"""The largest file read (about 2.5 million long-format rows)."""
MAX_COLUMNS = 1_000
MAX_XLSX_UNPACKED = 300 * 1024 * 1024
MAX_XLSX_RATIO = 200
"""A member that grows more than this many times when unpacked is treated as a zip bomb."""
MAX_XLSX_MEMBERS = 5_000
HEADER_SEARCH_ROWS = 30
SAMPLE_CHARS = 256 * 1024
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
_NUMBERISH = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b")


class SurveyError(ValueError):
    """A file that cannot be imported, with a message that tells the person what to fix."""


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


def read_table(data: bytes, file_name: str, *, sheet: str | None = None, header_names: Collection[str] = ()) -> Table:
    """Reads a CSV, TSV or XLSX file; raises SurveyError with a readable reason when it cannot.

    ``header_names`` are folded column names the caller expects (any two of them in one row
    mark the header row).
    """
    if len(data) > MAX_BYTES:
        raise SurveyError(
            f"The file is {len(data) / 1e6:.0f} MB; files up to {MAX_BYTES / 1e6:.0f} MB can be imported. "
            "Split it into smaller files."
        )
    blank = b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"
    if not data[:4096].strip(blank) and not data[4096:].strip(blank):  # no copy of a large file
        raise SurveyError("The file is empty.")
    known = {fold_key(name) for name in header_names}
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, sheet, known)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SurveyError("This is an old Excel (.xls) workbook. Save it as .xlsx or CSV and upload that.")
    lower = file_name.lower()
    if lower.endswith(XLSX_EXTENSIONS):
        raise SurveyError("The file is named .xlsx but is not an Excel workbook (it may be damaged).")
    if not lower.endswith(TEXT_EXTENSIONS):
        raise SurveyError("Only CSV, TSV (or .txt) and XLSX files can be imported.")
    return _read_text(data, known)


# --- text files -------------------------------------------------------------------------------


def _declared_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark or UTF-16's pattern of zero bytes gives away, if any."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.count(0) > len(head) // 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > 0.8 * len(head[1::2]) and even < 0.2 * len(head[0::2]):
            return "utf-16-le"
        if even > 0.8 * len(head[0::2]) and odd < 0.2 * len(head[1::2]):
            return "utf-16-be"
    return None


def detect_encoding(data: bytes) -> str:
    """The encoding of a text file; raises SurveyError for binary content (NUL bytes)."""
    return decode(data)[1]


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and its encoding: declared, else UTF-8, else Windows-1252, else Latin-1.

    The whole file is decoded once; a large file's bytes are never copied for checks.
    """
    encoding = _declared_encoding(data[:4096])
    if encoding is None:
        if b"\x00" in data:
            raise SurveyError("The file contains NUL bytes: it is not a text survey file (is it binary or damaged?).")
        for candidate in ("utf-8", "cp1252", "latin-1"):
            try:
                return _text(data.decode(candidate)), candidate
            except UnicodeDecodeError:
                continue
    try:
        return _text(data.decode(encoding or "latin-1")), encoding or "latin-1"
    except UnicodeDecodeError as error:
        raise SurveyError(f"The file looks like {encoding} text but cannot be read as such ({error.reason}).") from None


def _text(text: str) -> str:
    if "\x00" in text:
        raise SurveyError("The file contains NUL characters: it is not a text survey file (is it damaged?).")
    return text.removeprefix("\ufeff")


def _sample_rows(text: str, delimiter: str, limit: int = 60) -> list[list[str]]:
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
        widths = [len(row) for row in _sample_rows(text, delimiter) if any(cell.strip() for cell in row)]
        if not widths:
            return (False, 0.0, 0)
        modal = max(set(widths), key=lambda w: (widths.count(w), w))
        return (modal > 1, widths.count(modal) / len(widths), modal)

    return max(DELIMITERS, key=quality)


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


def _check_width(width: int) -> None:
    if width > MAX_COLUMNS:
        raise SurveyError(f"The file has {width:,} columns; at most {MAX_COLUMNS:,} can be read.")


def _read_text(data: bytes, known: set[str]) -> Table:
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    sample = _sample_rows(text, delimiter)
    _check_width(max((len(row) for row in sample), default=0))
    header_index = find_header_row(sample, known)
    names = column_names(sample[header_index])
    utf8 = data[3:] if encoding == "utf-8-sig" else data if encoding == "utf-8" else text.encode("utf-8")
    try:
        cells = _parse_fast(utf8, delimiter, header_index + 1, names)
    except pa.ArrowInvalid:
        cells, numbers, ragged = _parse_slow(text, delimiter, header_index, names)
        return Table(cells, numbers, header_index + 1, encoding, delimiter, ragged=ragged)
    numbers = np.arange(header_index + 2, header_index + 2 + cells.num_rows, dtype=np.int64)
    return Table(cells, numbers, header_index + 1, encoding, delimiter)


def _parse_fast(utf8: bytes, delimiter: str, skip: int, names: list[str]) -> pa.Table:
    """Every row at once, in C; raises ArrowInvalid at the first row of the wrong width."""
    return pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _parse_slow(
    text: str, delimiter: str, header_index: int, names: list[str]
) -> tuple[pa.Table, np.ndarray, list[tuple[int, str]]]:
    """Row by row, for files with ragged or blank rows: keeps each row's number."""
    width = len(names)
    columns: list[list[str]] = [[] for _ in names]
    numbers: list[int] = []
    ragged: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            if number <= header_index + 1 or not any(cell.strip() for cell in row):
                continue
            if len(row) != width:
                ragged.append((number, f"has {len(row)} fields where the header has {width}"))
                continue
            numbers.append(number)
            for column, cell in zip(columns, row, strict=True):
                column.append(cell)
    except csv.Error as error:
        raise SurveyError(f"The file cannot be parsed as delimited text: {error}.") from None
    cells = pa.table({name: pa.array(column, pa.string()) for name, column in zip(names, columns, strict=True)})
    return cells, np.asarray(numbers, dtype=np.int64), ragged


# --- XLSX -------------------------------------------------------------------------------------


def check_xlsx(data: bytes) -> None:
    """Refuses workbooks that would unpack to something huge or declare XML entities."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_XLSX_MEMBERS:
                raise SurveyError("The workbook holds too many parts to be a survey export.")
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_XLSX_UNPACKED:
                raise SurveyError(
                    f"The workbook unpacks to {unpacked / 1e6:,.0f} MB; at most {MAX_XLSX_UNPACKED / 1e6:,.0f} MB."
                )
            for member in members:
                if member.file_size > 1_000_000 and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1):
                    raise SurveyError("The workbook is compressed suspiciously well (a zip bomb?) and was not opened.")
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as part:
                        head = part.read(4096).upper()
                    if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
                        raise SurveyError("The workbook declares XML entities, which surveys never need; not opened.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise SurveyError("The file is not a readable XLSX workbook (it may be damaged).") from None


def _open_workbook(data: bytes) -> object:
    check_xlsx(data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise SurveyError(f"The workbook cannot be opened: {type(error).__name__}.") from None


def list_sheets(data: bytes) -> list[str]:
    """The sheet names of a workbook, in order."""
    book = _open_workbook(data)
    try:
        return list(book.sheetnames)  # type: ignore[attr-defined]
    finally:
        book.close()  # type: ignore[attr-defined]


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, sheet: str | None, known: set[str]) -> Table:
    rows, numbers, chosen, names = _xlsx_rows(data, sheet)
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


# --- raw grids (issue 5: survey-tool exports) -------------------------------------------------


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


def _check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise SurveyError(
            f"The file is {len(data) / 1e6:.0f} MB; files up to {MAX_BYTES / 1e6:.0f} MB can be imported. "
            "Split it into smaller files."
        )
    blank = b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"
    if not data[:4096].strip(blank) and not data[4096:].strip(blank):
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


def peek_header(
    data: bytes, file_name: str, *, sheet: str | None = None, header_names: Collection[str] = ()
) -> list[str]:
    """The header row issue 4's reader would take (column names), read from the start of the file only.

    Returns [] when no header row is found. Cheap: a text file's first 256 KB are decoded, not the whole file.
    """
    _check_size(data)
    known = {fold_key(name) for name in header_names}
    if _kind(data, file_name) == "xlsx":
        rows = _xlsx_rows(data, sheet, limit=HEADER_SEARCH_ROWS)[0]
    else:
        encoding = _declared_encoding(data[:4096]) or "utf-8"
        head = data[: SAMPLE_CHARS * 2].decode(encoding, errors="ignore").removeprefix("\ufeff")
        rows = _sample_rows(head, sniff_delimiter(head))
    try:
        return column_names(rows[find_header_row(rows, known)])
    except SurveyError:
        return []


def read_grid(data: bytes, file_name: str, *, sheet: str | None = None) -> Grid:
    """Every cell of a CSV, TSV or XLSX file as text (blank cells None), no header taken.

    The same checks as ``read_table``: size, NUL bytes, encodings, delimiter, column count,
    and for workbooks the zip and XML checks before anything is parsed.
    """
    _check_size(data)
    if _kind(data, file_name) == "xlsx":
        rows, numbers, chosen, names = _xlsx_rows(data, sheet)
        width = max((len(row) for row in rows), default=0)
        frame = pd.DataFrame(
            [[cell if cell.strip() else None for cell in row] + [None] * (width - len(row)) for row in rows],
            index=pd.Index(np.asarray(numbers, dtype=np.int64) - 1),
            dtype=object,
        )
        return Grid(frame, sheet=chosen, sheets=tuple(names))
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    sample = _sample_rows(text, delimiter)
    width = max((len(row) for row in sample), default=0)
    _check_width(width)
    names = [f"c{i}" for i in range(width)]
    utf8 = data[3:] if encoding == "utf-8-sig" else data if encoding == "utf-8" else text.encode("utf-8")
    try:
        cells = pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
        frame = cells.to_pandas()
        frame.columns = pd.RangeIndex(width)
    except pa.ArrowInvalid:  # ragged or blank rows: the csv module, row by row, padded to the widest row
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as error:
            raise SurveyError(f"The file cannot be parsed as delimited text: {error}.") from None
        width = max((len(row) for row in rows), default=0)
        _check_width(width)
        frame = pd.DataFrame(
            [[cell if cell.strip() else None for cell in row] + [None] * (width - len(row)) for row in rows],
            dtype=object,
        )
    return Grid(frame, encoding=encoding, delimiter=delimiter)


def _xlsx_rows(
    data: bytes, sheet: str | None, limit: int | None = None
) -> tuple[list[list[str]], list[int], str, list[str]]:
    """A sheet's non-blank rows as text (the first ``limit`` of them, or all), their 1-based row
    numbers, the sheet's name and all sheet names."""
    book = _open_workbook(data)
    try:
        names = list(book.sheetnames)  # type: ignore[attr-defined]
        chosen = sheet if sheet is not None else names[0]
        if chosen not in names:
            raise SurveyError(f"The workbook has no sheet {chosen!r}; it has: {', '.join(names)}.")
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, values in enumerate(book[chosen].iter_rows(values_only=True), start=1):  # type: ignore[index]
            _check_width(len(values))
            row = [cell_text(v) for v in values]
            while row and not row[-1].strip():
                row.pop()
            if row:
                rows.append(row)
                numbers.append(number)
                if limit is not None and len(rows) >= limit:
                    break
    except SurveyError:
        raise
    except Exception as error:
        raise SurveyError(f"The workbook cannot be read: {type(error).__name__}.") from None
    finally:
        book.close()  # type: ignore[attr-defined]
    if not rows:
        raise SurveyError(f"The sheet {chosen!r} is empty.")
    return rows, numbers, chosen, names
