"""Files people download: CSV and XLSX of a frame, safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run as a
formula by spreadsheet programs (CSV injection). Such text cells are prefixed with a single
quote, which spreadsheets show as plain text. Numbers are left as numbers: a negative score
is data, not a formula.
"""

from __future__ import annotations

import io
import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value: object) -> object:
    """The value, with a leading quote added when it is text that could run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every risky text cell (and column name) escaped."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(escape_cell)
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel reads accents correctly."""
    return escaped(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """An XLSX workbook with one sheet; text cells are escaped and written as text."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        escaped(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def file_stem(name: str, fallback: str = "export") -> str:
    """A file name from a name people gave (a cycle's, say): lower case, each run of characters
    other than letters and digits one hyphen; ``fallback`` when nothing is left."""
    return re.sub(r"[\W_]+", "-", name.lower()).strip("-") or fallback
