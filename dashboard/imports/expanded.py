"""SurveyMonkey's expanded layout: one column per answer option, the chosen one holding its text.

In an expanded export a rating question takes one column per option ("Very satisfied",
"Satisfied", ...) under the question, or per row and option ("Reception - Satisfied") under a
matrix; a respondent's cell holds the option's text in the column of the option they chose.
Such a run of columns is read as one rating column.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard.imports.answers import detect_scale, distinct_answers
from dashboard.scales import Scale
from dashboard.text import clean, fold

_ROW_AND_OPTION = re.compile(r"^(.*\S)\s+[-–—]\s+(.+)$")


def option_of(sub_header: str) -> tuple[str, str] | None:
    """(row, option) named by a sub-header: ``("", "Satisfied")`` or ``("Reception", "Satisfied")``."""
    text = clean(sub_header)
    if text and detect_scale([text]).fits:
        return "", text
    match = _ROW_AND_OPTION.match(text)
    if match and detect_scale([match.group(2)]).fits:
        return match.group(1), match.group(2)
    return None


def choice_runs(header_cells: list[list[str]], data: pd.DataFrame) -> dict[int, tuple[int, ...]]:
    """First column -> every column of the run, for runs of option columns of one question (and row).

    A run needs two options or more, options on one known scale, and cells that are empty or
    hold their own column's option.
    """
    runs: dict[int, tuple[int, ...]] = {}
    current: list[int] = []
    current_key: tuple[str, str] | None = None
    for index, cells in enumerate([*header_cells, []]):
        parsed = option_of(cells[-1]) if len(cells) >= 2 and cells[-1] else None
        run_key = (fold(cells[0]), fold(parsed[0])) if parsed else None
        if run_key is not None and run_key == current_key:
            current.append(index)
            continue
        if len(current) >= 2 and _is_choice_run(current, header_cells, data):
            runs[current[0]] = tuple(current)
        current, current_key = ([index], run_key) if run_key else ([], None)
    return runs


def _is_choice_run(columns: list[int], header_cells: list[list[str]], data: pd.DataFrame) -> bool:
    options = [option_of(header_cells[index][-1]) for index in columns]
    labels = [option[1] for option in options if option]
    if not detect_scale(labels).fits:
        return False
    for index, label in zip(columns, labels, strict=True):
        answers = {fold(answer) for answer in distinct_answers(data.iloc[:, index], limit=5)}
        if not answers <= {fold(label)}:
            return False
    return True


def run_scale(options: list[str]) -> Scale | None:
    """The scale a run's options spell out, in their column order: every option is a point.

    The options are the whole scale, so its ends are the first and last option: numbers give
    the range they span (the first candidate), labels the set holding them or, when that set
    has other points, the options themselves.
    """
    fit = detect_scale(options)
    if not fit.fits:
        return None
    known = fit.scale or fit.candidates[0]
    if known.labels == () or len(known.points) == len(options):
        return known
    return Scale.from_labels(options)


def combined(data: pd.DataFrame, columns: tuple[int, ...]) -> pd.Series:
    """Per respondent, the first filled cell of the run (the option they chose), else missing."""
    result = pd.Series(np.full(len(data), None, dtype=object), index=data.index, dtype=object)
    for index in columns:
        cells = data.iloc[:, index].astype(object)
        filled = cells.notna() & (cells.astype("string").str.strip().fillna("") != "")
        result = result.where(result.notna(), cells.where(filled, None))
    return result
