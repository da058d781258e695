"""Reading a wide survey export's layout: which tool, how many header rows, what each column is."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import pandas as pd

from dashboard.imports import expanded
from dashboard.imports import tools as fp
from dashboard.imports.answers import ScaleFit, detect_scale, distinct_answers
from dashboard.imports.columns import match_columns
from dashboard.imports.headers import sub_label_candidates, text_of, without_duplicate_suffix
from dashboard.imports.layout import ColumnMapping, LeftOut, WideLayout
from dashboard.scales import Scale
from dashboard.text import clean, fold, key

SUB_HEADERS = frozenset({"response", "openendedresponse"})
"""SurveyMonkey's sub-headers under a question that has no matrix rows."""
FREE_TEXT_LENGTH = 40
FREE_TEXT_DISTINCT = 12
ANSWERS_LOOKED_AT = 200
"""More distinct answers than this, and a column is no rating: no scale has that many points."""


def detect(
    grid: pd.DataFrame,
    touchpoint_names: list[str] | tuple[str, ...],
    *,
    date_column: int | None = None,
    group_column: int | None = None,
    comment_column: int | None = None,
) -> WideLayout:
    """What a raw grid (every cell a string or missing, read with no header) holds.

    Columns are 0-based positions. ``date_column``, ``group_column`` and ``comment_column``
    set those columns by hand; the comment column is only ever set by hand.
    """
    if grid.shape[1] == 0 or len(grid) == 0:
        raise ValueError("the file holds no cells")
    tool = fp.detect_tool(grid)
    depth = fp.tool_header_depth(grid, tool)
    header_cells = _header_cells(grid, depth, tool)
    headers = tuple(" | ".join(dict.fromkeys(clean(c) for c in cells if c)) for cells in header_cells)
    names = tuple(touchpoint_names)
    if tool == "long":
        return WideLayout(tool="long", header_rows=1, touchpoint_names=names, headers=headers)
    data = grid.iloc[depth:]
    chosen = {index for index in (date_column, group_column, comment_column) if index is not None}
    found = _Columns(touchpoints=frozenset(fold(name) for name in names))
    runs = expanded.choice_runs(header_cells, data) if tool == "surveymonkey" else {}
    in_runs = {member for members in runs.values() for member in members}
    for first, members in runs.items():
        found.add_run(first, members, header_cells)
    for index, cells in enumerate(header_cells):
        if index not in chosen and index not in in_runs:
            found.sort(index, cells, header_cells, grid, data)
    if date_column is None:
        date_column = _pick_date(tool, found.dates, found.left_out)
    if group_column is None and found.groups:
        group_column = found.groups[0]
    left_out = [LeftOut(i, headers[i], reason) for i, reason in found.left_out if i != date_column]
    left_out += [LeftOut(i, headers[i], "group") for i in found.groups if i != group_column]
    columns = _rating_columns(found, names, headers, runs, left_out)
    overall = detect_scale(
        [answer for column in columns if column.touchpoint for answer in found.kinds[column.column_index][2]]
    )
    return WideLayout(
        tool=tool,
        header_rows=depth,
        date_column=date_column,
        group_column=group_column,
        comment_column=comment_column,
        columns=tuple(sorted(columns, key=lambda column: column.column_index)),
        left_out=tuple(sorted(left_out, key=lambda column: column.column_index)),
        scale=overall.scale if overall.fits else None,
        scale_candidates=overall.candidates if overall.fits else (),
        touchpoint_names=names,
        headers=headers,
        time_zone=_time_zone(grid, tool, date_column),
        notes=_notes(tool, depth),
    )


def _rating_columns(
    found: _Columns,
    names: tuple[str, ...],
    headers: tuple[str, ...],
    runs: dict[int, tuple[int, ...]],
    left_out: list[LeftOut],
) -> list[ColumnMapping]:
    """The rating columns matched to touchpoints; a column that is no rating and names none joins ``left_out``."""
    columns: list[ColumnMapping] = []
    unsure = frozenset(index for index, kind in found.kinds.items() if kind[0] == "answers not on a known scale")
    for index, match in match_columns(found.ratings, names, unsure).items():
        kind, scale, _ = found.kinds[index]
        if match.touchpoint is None and kind != "scale":
            left_out.append(LeftOut(index, headers[index], kind))
        else:
            header = found.run_headers.get(index, headers[index])
            mapping = ColumnMapping(index, header, clean(match.sub_label), match.touchpoint, match.reason, scale)
            columns.append(replace(mapping, source_columns=runs.get(index, ())))
    return columns


@dataclass
class _Columns:
    """The columns of one export sorted by what they hold, while detecting."""

    left_out: list[tuple[int, str]] = field(default_factory=list)
    dates: list[tuple[int, set[str]]] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    ratings: dict[int, list[str]] = field(default_factory=dict)
    kinds: dict[int, tuple[str, Scale | None, list[str]]] = field(default_factory=dict)
    run_headers: dict[int, str] = field(default_factory=dict)
    touchpoints: frozenset[str] = frozenset()
    """The cycle's touchpoint names, folded."""

    def add_run(self, first: int, members: tuple[int, ...], header_cells: list[list[str]]) -> None:
        """Files a run of option columns (SurveyMonkey expanded) as one rating column."""
        options = [expanded.option_of(header_cells[index][-1]) for index in members]
        row = options[0][0] if options[0] else ""
        question = header_cells[first][0]
        self.ratings[first] = [*([row] if row else []), *sub_label_candidates(question)]
        labels = [option[1] for option in options if option]
        self.kinds[first] = ("scale", expanded.run_scale(labels), labels)
        self.run_headers[first] = " | ".join(part for part in (clean(question), row) if part)

    def _rates_a_touchpoint(self, cells: list[str], values: pd.Series) -> bool:
        if not any(fold(cell) in self.touchpoints for cell in cells if cell):
            return False
        return detect_scale(distinct_answers(values, limit=ANSWERS_LOOKED_AT)).fits

    def sort(
        self, index: int, cells: list[str], header_cells: list[list[str]], grid: pd.DataFrame, data: pd.DataFrame
    ) -> None:
        """Files one column: left out (and why), a date, a group, or a rating to match."""
        keys = {key(cell) for cell in cells if cell}
        first = grid.iat[0, index]
        reason = fp.metadata_reason(keys, text_of(first))
        if reason is not None and self._rates_a_touchpoint(cells, data.iloc[:, index]):
            reason = None  # a touchpoint called "Email" or "Date", say, rated on a known scale
        if reason is not None:
            if reason == "date":
                self.dates.append((index, keys))
            self.left_out.append((index, reason))
            return
        answers = distinct_answers(data.iloc[:, index], limit=ANSWERS_LOOKED_AT)
        if _names_a_group(keys, cells) and _could_be_groups(answers):
            self.groups.append(index)
            return
        if not any(cells) and not answers:
            self.left_out.append((index, "empty column"))
            return
        reason, kind, scale = _classify(answers, keys)
        if reason is not None:
            self.left_out.append((index, reason))
        else:
            self.ratings[index] = _candidates(cells, header_cells, index)
            self.kinds[index] = (kind, scale, answers)


def _header_cells(grid: pd.DataFrame, depth: int, tool: str) -> list[list[str]]:
    """Per column, its header cells (top row first), the Qualtrics JSON row left out.

    SurveyMonkey writes a matrix question only above its first column: it is carried right
    over the blank cells that follow.
    """
    rows: list[list[str]] = []
    for row in range(depth):
        cells = [text_of(cell) for cell in grid.iloc[row]]
        if any(fp.IMPORT_ID.match(cell) for cell in cells):
            continue
        rows.append(cells)
    if tool == "surveymonkey" and rows:
        carried, last = [], ""
        for cell in rows[0]:
            last = cell or last
            carried.append(last)
        rows[0] = carried
    return [[row[index] for row in rows] for index in range(grid.shape[1])]


def _candidates(cells: list[str], header_cells: list[list[str]], index: int) -> list[str]:
    """The header parts that may name the touchpoint, the most specific header row first."""
    parts: list[str] = []
    for cell in reversed(cells):
        if cell and key(cell) not in SUB_HEADERS:
            parts.extend(part for part in sub_label_candidates(cell) if part not in parts)
    own = cells[-1] if cells else ""
    stripped = without_duplicate_suffix(own) if own else None
    if stripped and any(fold(other[-1]) == fold(stripped[0]) for other in header_cells[:index] if other):
        parts.append(stripped[0])
    return parts


def _names_a_group(keys: set[str], cells: list[str]) -> bool:
    words = set(" ".join(fold(cell) for cell in cells).split())
    return bool(keys & fp.GROUP_KEYS) or bool(words & {"group", "segment"})


def _could_be_groups(answers: list[str]) -> bool:
    return len(answers) <= 30 and not detect_scale(answers).fits


def _classify(answers: list[str], keys: set[str]) -> tuple[str | None, str, Scale | None]:
    """(reason to leave out or None, what kind of rating it would be, its scale) for a column."""
    fit = detect_scale(answers) if len(answers) < ANSWERS_LOOKED_AT else ScaleFit(None)
    if "openendedresponse" in keys:
        reason: str | None = "free text"
    elif fit.fits or not answers:
        return None, "scale" if fit.fits else "no answers", fit.scale
    else:
        reason = fp.values_reason(answers)
    long_answers = any(len(answer) > FREE_TEXT_LENGTH for answer in answers) or len(answers) > FREE_TEXT_DISTINCT
    if reason is None and long_answers:
        reason = "free text"
    if reason is not None:
        return reason, "", None
    numbers = all(fp.looks_like_data(answer) for answer in answers)
    return None, "numbers off the known scales" if numbers else "answers not on a known scale", None


def _pick_date(tool: str, dates: list[tuple[int, set[str]]], left_out: list[tuple[int, str]]) -> int | None:
    """The submission date column: the tool's own first, else any column of dates."""
    for wanted in fp.DATE_COLUMNS.get(tool, fp.DATE_COLUMNS["generic_wide"]):
        for index, keys in dates:
            if wanted in keys:
                return index
    by_value = [index for index, reason in left_out if reason == "date"]
    return by_value[0] if by_value else None


def _time_zone(grid: pd.DataFrame, tool: str, date_column: int | None) -> str | None:
    """The time zone the export states for its dates (Qualtrics' JSON row, Typeform's UTC)."""
    if date_column is None:
        return None
    if tool == "typeform" and "utc" in fold(str(grid.iat[0, date_column])).split():
        return "UTC"
    json_row = fp.import_id_row(grid)
    if tool == "qualtrics" and json_row is not None:
        try:
            stated = json.loads(str(grid.iat[json_row, date_column]))
        except ValueError:
            return None
        zone = stated.get("timeZone") if isinstance(stated, dict) else None
        return zone if isinstance(zone, str) else None
    return None


def _notes(tool: str, depth: int) -> tuple[str, ...]:
    if tool == "qualtrics" and depth == 1:
        return ("The question-text rows of this Qualtrics export were deleted: columns are known by their ids only.",)
    return ()
