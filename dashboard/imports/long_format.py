"""The long format, the product's own layout: one impression per row.

Its columns are ``date, service_cycle, touchpoint, group, answer, scale, comment`` (group,
scale and comment optional; ``score`` and ``rating`` are read as the answer too; an empty
service cycle means the one chosen for the import). Here: recognising its header, the
template and example files people fill in, and one impression typed in by hand.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.imports.reading import SurveyError, read_table
from dashboard.scales import SATISFACTION, Scale
from dashboard.text import key

LONG_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "observed on", "day", "timestamp", "submitted", "submitted at", "response date"),
    "service_cycle": ("service cycle", "cycle"),
    "touchpoint": ("touchpoint", "touch point", "point of contact"),
    "group": ("group", "stakeholder group", "respondent group"),
    "answer": ("answer", "score", "rating"),
    "scale": ("scale",),
    "comment": ("comment", "comments", "remark", "feedback"),
}
REQUIRED = ("date", "touchpoint", "answer")
HEADER_NAMES = frozenset(alias for aliases in LONG_COLUMNS.values() for alias in aliases)
TEMPLATE_COLUMNS = tuple(LONG_COLUMNS)


def find_columns(names: list[str]) -> dict[str, str]:
    """Which file column holds each long-format column (by folded name)."""
    found: dict[str, str] = {}
    for column, aliases in LONG_COLUMNS.items():
        wanted = {key(a) for a in (column, *aliases)}
        for name in names:
            if key(name) in wanted:
                found[column] = name
                break
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        raise SurveyError(
            f"The header has no {' or '.join(missing)} column (found: {', '.join(names[:12])}). "
            "The long format needs date, touchpoint and answer columns; download the template to see it."
        )
    return found


def manual_impression(
    touchpoint_id: int, observed_on: date, answer: str, scale: Scale, group_id: int | None, comment: str
) -> pd.DataFrame:
    """One impression typed in by hand, checked against its scale (raises SurveyError)."""
    try:
        score = scale.normalise(answer)
    except ValueError:
        raise SurveyError(f"“{answer}” is not on the scale {scale}.") from None
    return pd.DataFrame(
        {
            "touchpoint_id": [touchpoint_id],
            "observed_on": [observed_on],
            "raw_value": [str(answer).strip()],
            "scale": [scale.spec],
            "score": [score],
            "group_id": pd.array([group_id], dtype="Int64"),
            "source": ["manual"],
            "comment": [comment.strip() or None],
        }
    )


def template_frame() -> pd.DataFrame:
    """The long format's columns with no rows: the template people fill in."""
    return pd.DataFrame({column: pd.Series(dtype="string") for column in TEMPLATE_COLUMNS})


def example_frame(cycle_name: str, touchpoint_names: list[str]) -> pd.DataFrame:
    """A small filled example for a cycle: each form of row the long format accepts."""
    names = (touchpoint_names or ["Reception"]) * 2
    return pd.DataFrame(
        {
            "date": ["2026-09-01", "2026-09-01", "02/09/2026", "2026-09-03", "2026-09-03", "2026-09-04"],
            "service_cycle": [cycle_name] * 6,
            "touchpoint": names[:6] if len(names) >= 6 else (names * 6)[:6],
            "group": ["", "", "", "", "", ""],
            "answer": ["5", "4", "2", "N/A", "8", "Satisfied"],
            "scale": ["1-5", "1-5", "1-5", "1-5", "0-10", SATISFACTION.spec],
            "comment": ["Friendly and quick", "", "Had to call twice", "", "", "Clear explanation"],
        }
    )


def likely_sheet(data: bytes, sheets: list[str]) -> int:
    """The position of the first sheet of a workbook that holds the long format (0 if none does)."""
    for index, sheet in enumerate(sheets):
        try:
            find_columns(read_table(data, "workbook.xlsx", sheet=sheet, header_names=HEADER_NAMES).columns)
        except SurveyError:
            continue
        return index
    return 0
