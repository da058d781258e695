"""Workbooks (XLSX) to rows of text, safely: zip and XML checks first, then rows streamed with caps.

What a hostile workbook tries, and what stops it:

- a zip bomb (a part that unpacks a thousandfold): the unpacked size, ratio and part count
  are read from the zip directory before anything is inflated (``check_xlsx``);
- XML entities ("billion laughs"): refused by ``check_xlsx``; openpyxl also parses through
  defusedxml, a second line of defence;
- a declared dimension such as ``A1:XFD20000`` in a 2 KB file: openpyxl's read-only mode pads
  every row to the declared width (and the rows between real ones to it too), which took
  gigabytes and minutes. The declaration is dropped (``reset_dimensions``): only real cells
  are read, and trailing blanks are trimmed here;
- millions of real cells: counted in the XML before parsing (a quick scan, in C) and again
  while the rows stream, against ``Limits.max_cells``, with a deadline checked every few rows.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

import openpyxl

from dashboard.imports.limits import EXCEL_ROWS, SURVEY, Budget, Limits, SurveyError, refuse_cells

MAX_COLUMNS = 1_000
MAX_XLSX_RATIO = 200
"""A member that grows more than this many times when unpacked is treated as a zip bomb."""
MAX_XLSX_MEMBERS = 5_000
CHUNK_ROWS = 64
"""Rows read between two looks at the clock (a row may be up to MAX_COLUMNS wide)."""
_CELL_TAGS = (b"<c ", b"<c>", b":c ", b":c>")
_STRING_TAGS = (b"<si>", b"<si ", b":si>", b":si ")


def check_width(width: int) -> None:
    """Refuses a row wider than MAX_COLUMNS."""
    if width > MAX_COLUMNS:
        raise SurveyError(f"The file has {width:,} columns; at most {MAX_COLUMNS:,} can be read.")


def check_xlsx(data: bytes, limits: Limits = SURVEY) -> None:
    """Refuses workbooks that would unpack to something huge or declare XML entities."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_XLSX_MEMBERS:
                raise SurveyError("The workbook holds too many parts to be a survey export.")
            unpacked = sum(m.file_size for m in members)
            if unpacked > limits.max_unpacked:
                raise SurveyError(
                    f"The workbook unpacks to {unpacked / 1e6:,.0f} MB; at most {limits.max_unpacked / 1e6:,.0f} MB."
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


def _count_tags(archive: zipfile.ZipFile, name: str, tags: tuple[bytes, ...]) -> int:
    """How many times the tags occur in one part of the workbook (0 when it has no such part).

    Streams the inflated XML in 1 MB pieces; a tag cut between two pieces is missed, which an
    estimate can afford.
    """
    if name not in archive.namelist():
        return 0
    count = 0
    with archive.open(name) as part:
        while piece := part.read(1 << 20):
            count += sum(piece.count(tag) for tag in tags)
    return count


def _precount(data: bytes, worksheet: Any, limits: Limits) -> None:
    """Refuses a sheet (or shared-string table) holding more cells than ``limits`` allow, before
    openpyxl parses a row of it."""
    part = str(getattr(worksheet, "_worksheet_path", "")).removeprefix("/")  # where openpyxl found the sheet
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        refuse_cells(_count_tags(archive, part, _CELL_TAGS), limits)
        refuse_cells(_count_tags(archive, "xl/sharedStrings.xml", _STRING_TAGS), limits)


def open_workbook(data: bytes, limits: Limits = SURVEY) -> Any:
    """An openpyxl workbook in read-only mode, after ``check_xlsx``."""
    check_xlsx(data, limits)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise SurveyError(f"The workbook cannot be opened: {type(error).__name__}.") from None


def list_sheets(data: bytes) -> list[str]:
    """The sheet names of a workbook, in order."""
    book = open_workbook(data)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


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


def sheet_rows(
    data: bytes, sheet: str | None, limits: Limits, first: int | None = None
) -> tuple[list[list[str]], list[int], str, list[str]]:
    """A sheet's non-blank rows as text (the first ``first`` of them, or all), their 1-based row
    numbers, the sheet's name and all sheet names."""
    book = open_workbook(data, limits)
    try:
        names = list(book.sheetnames)
        chosen = sheet if sheet is not None else names[0]
        if chosen not in names:
            raise SurveyError(f"The workbook has no sheet {chosen!r}; it has: {', '.join(names)}.")
        worksheet = book[chosen]
        if first is None:
            _precount(data, worksheet, limits)
        worksheet.reset_dimensions()  # never trust the declared size: see the module docstring
        rows, numbers = _stream(worksheet.iter_rows(values_only=True), Budget(limits), first)
    except SurveyError:
        raise
    except Exception as error:
        raise SurveyError(f"The workbook cannot be read: {type(error).__name__}.") from None
    finally:
        book.close()
    if not rows:
        raise SurveyError(f"The sheet {chosen!r} is empty.")
    return rows, numbers, chosen, names


def first_rows(data: bytes, limits: Limits) -> dict[str, list[str]]:
    """Each sheet's first non-blank row as text (an empty list for an empty sheet), by sheet name:
    enough to tell which sheet holds the expected columns."""
    book = open_workbook(data, limits)
    try:
        found: dict[str, list[str]] = {}
        for name in book.sheetnames:
            worksheet = book[name]
            worksheet.reset_dimensions()
            rows = _stream(worksheet.iter_rows(values_only=True), Budget(limits), 1)[0]
            found[name] = rows[0] if rows else []
        return found
    except SurveyError:
        raise
    except Exception as error:
        raise SurveyError(f"The workbook cannot be read: {type(error).__name__}.") from None
    finally:
        book.close()


def _stream(
    values: Iterator[tuple[object, ...]], budget: Budget, first: int | None
) -> tuple[list[list[str]], list[int]]:
    """Rows as text with trailing blanks trimmed, blank rows left out, caps checked as they come."""
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, row_values in enumerate(values, start=1):
        if number % CHUNK_ROWS == 0:
            budget.check_time()
        if number > EXCEL_ROWS:  # before skipping blanks: openpyxl yields every missing row up to a forged number
            raise SurveyError(f"The sheet has a row past row {EXCEL_ROWS:,}, Excel's last: the file is not genuine.")
        if not row_values:
            continue  # a missing row between two real ones, or an empty <row/>
        row = [cell_text(v) for v in row_values]
        while row and not row[-1].strip():
            row.pop()
        if not row:
            continue
        check_width(len(row))
        budget.check_row(number)
        budget.add_cells(len(row))
        rows.append(row)
        numbers.append(number)
        if first is not None and len(rows) >= first:
            break
    return rows, numbers
