"""Turning a wide export into impressions: one row per answered rating cell, without row loops."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dashboard.imports import expanded
from dashboard.imports.answers import is_missing
from dashboard.imports.layout import WideLayout

LONG_COLUMNS: tuple[str, ...] = ("respondent_row", "column", "touchpoint", "raw_value", "date", "group", "comment")


def to_long(
    grid: pd.DataFrame,
    layout: WideLayout,
    mapping_overrides: dict[int, str | None] | None = None,
    *,
    keep_missing: bool = False,
    categorical: bool = False,
    respondent_cells: bool = True,
) -> pd.DataFrame:
    """One row per answered rating cell, respondents in file order, columns left to right.

    ``respondent_row`` is the 1-based row number in the file (the grid's index + 1, so keep
    the file's row positions as the index), ``column`` the 0-based column, ``raw_value`` the
    cell verbatim, ``date``, ``group`` and ``comment`` the respondent's cells verbatim (None
    where the layout has no such column). Empty cells are skipped, and so are answers that
    mean "no score" (N/A, Don't know, -99...) unless ``keep_missing``. With ``categorical``,
    ``raw_value`` comes as a pandas Categorical (codes into the distinct answers): no Python
    string per answer is built, which is what an importer of millions of answers wants. Without
    ``respondent_cells`` the date, group and comment columns are left out (an importer that takes
    them by position saves building three columns of millions of cells).
    """
    if layout.tool == "long":
        raise ValueError("this file is in the long format (one impression per row), not a wide export")
    corrected = layout.with_overrides(mapping_overrides or {})
    mapping, sources = corrected.mapping, corrected.sources
    data = grid.iloc[layout.header_rows :]
    columns = sorted(mapping)
    if not columns or data.empty:
        return _empty()
    skipped = _is_blank if keep_missing else is_missing
    # Each column is factorised once: answers are codes into a table of its distinct values,
    # so skipping missing answers and building the result never touch one cell in Python.
    cells = [expanded.combined(data, sources[c]) if c in sources else data.iloc[:, c] for c in columns]
    codes, table = _codes(cells, skipped)
    answered = (codes >= 0).ravel()
    flat = codes.ravel()[answered]
    width = len(columns)
    respondent = np.repeat(np.arange(len(data), dtype=np.int64), width)[answered]
    position = np.tile(np.arange(width, dtype=np.int64), len(data))[answered]
    touchpoints = np.asarray([mapping[c] for c in columns], dtype=object)
    parts = {
        "respondent_row": pd.Series(_row_numbers(data)[respondent], dtype=np.int64, copy=False),
        "column": pd.Series(np.asarray(columns, dtype=np.int64)[position], dtype=np.int64, copy=False),
        "touchpoint": pd.Series(touchpoints[position], dtype=object, copy=False),
        "raw_value": _answers(table, flat, categorical),
    }
    if respondent_cells:
        parts["date"] = _per_respondent(data, layout.date_column, respondent)
        parts["group"] = _per_respondent(data, layout.group_column, respondent)
        parts["comment"] = _per_respondent(data, layout.comment_column, respondent)
    # concat keeps one block per column; the dict constructor would copy the text columns
    # into one block, which costs more than everything else here.
    return pd.concat(parts, axis=1)


def _codes(cells: list[pd.Series], skipped: Callable[[object], bool]) -> tuple[np.ndarray, np.ndarray]:
    """Per cell (respondents x columns) a code into one table of distinct answers; -1 where skipped."""
    codes = np.empty((len(cells[0]), len(cells)), dtype=np.int64)
    tables: list[np.ndarray] = []
    offset = 0
    for position, column in enumerate(cells):
        column_codes, uniques = pd.factorize(column, use_na_sentinel=True)
        values = np.asarray(uniques, dtype=object)
        keep = np.array([not skipped(value) for value in values], dtype=bool)
        # The last entry answers for missing cells (code -1), which index it from the end.
        remap = np.append(np.where(keep, np.arange(offset, offset + len(values)), -1), -1)
        codes[:, position] = remap[column_codes]
        tables.append(values)
        offset += len(values)
    table = np.concatenate(tables) if tables else np.empty(0, dtype=object)
    return codes, table


def _answers(table: np.ndarray, flat: np.ndarray, categorical: bool) -> pd.Series:
    if not categorical:
        return pd.Series(table[flat], dtype=object)
    distinct_codes, distinct = pd.factorize(pd.Series(table, dtype=object))
    return pd.Series(pd.Categorical.from_codes(distinct_codes[flat], categories=pd.Index(distinct)))


def _is_blank(value: object) -> bool:
    return not str(value).strip()


def _row_numbers(data: pd.DataFrame) -> np.ndarray:
    if pd.api.types.is_integer_dtype(data.index):
        return np.asarray(data.index, dtype=np.int64) + 1
    return np.arange(1, len(data) + 1, dtype=np.int64)


def _per_respondent(data: pd.DataFrame, column: int | None, respondent: np.ndarray) -> pd.Series:
    """Each impression's respondent's cell in a column, verbatim; None without a column."""
    if column is None:
        return pd.Series(np.full(len(respondent), None, dtype=object), dtype=object)
    codes, uniques = pd.factorize(data.iloc[:, column], use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype=object)  # the last entry, None, answers for empty cells
    values[:-1] = np.asarray(uniques, dtype=object)
    return pd.Series(values[codes[respondent]], dtype=object)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "respondent_row": pd.Series(dtype=np.int64),
            "column": pd.Series(dtype=np.int64),
            **{name: pd.Series(dtype=object) for name in LONG_COLUMNS[2:]},
        }
    )
