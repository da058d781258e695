"""A survey tool's export (one respondent per row) turned into long-format rows, then checked.

Each answered rating cell becomes one row of the long format (date = the submission date,
touchpoint = the column's, group and comment from the respondent's row) and goes through
``check.analyse`` like a long-format file: the same scale detection, dates, groups, rejections
and impressions. Columns travel dictionary-encoded (codes into distinct values), so nothing
is encoded twice and the respondent's cells are taken by position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.imports import survey_key
from dashboard.imports.answers import (
    ScaleFit,
    ScaleGuessError,
    answer_values,
    detect_scale,
    distinct_answers,
    scale_from_order,
)
from dashboard.imports.check import analyse, holds
from dashboard.imports.detect import detect
from dashboard.imports.layout import WideLayout
from dashboard.imports.preview import Context, Options, Preview, Remembered
from dashboard.imports.reading import Grid, SurveyError, Table
from dashboard.imports.reshape import to_long
from dashboard.scales import Scale


class UnknownLabelsError(SurveyError):
    """A wide export's answers are words no known scale holds: the person must order them."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        shown = ", ".join(labels[:12])
        super().__init__(
            f"The answers ({shown}) are on no scale the product knows; put them in order from worst to best."
        )


@dataclass(frozen=True)
class _Mapped:
    """A detected layout with the corrections applied, and what the survey key recalled."""

    layout: WideLayout
    detected: WideLayout
    key: str
    recalled: dict[int, str | None]
    corrections: dict[int, str | None]
    remembered: Remembered
    recalled_roles: dict[str, int]


def prepare_wide(
    grid: Grid,
    context: Context,
    options: Options,
    *,
    file_name: str,
    content_hash: str,
    recall: Callable[[str], Remembered] | None = None,
) -> Preview | None:
    """A survey tool's export as impressions; None when it is the long format or has no rating column.

    ``recall(survey_key)`` gives what was confirmed for this survey before (corrections, scale).
    """
    found = _mapped(grid, context, options, recall)
    if found is None:
        return None
    raw, mapped = grid.frame, found.layout
    # The respondent's date, group and comment are taken by position below, not copied per answer here.
    long = to_long(raw, mapped, categorical=True, respondent_cells=False)
    scale, per_column, how = _wide_scale(long, mapped, options, found.remembered.scale)
    table = _long_table(grid, mapped, long, scale, per_column)
    wide_options = Options(
        scale=scale,
        date_order=options.date_order,
        name_map=options.name_map,
        group_map=options.group_map,
        respondent_rows=True,
    )
    preview = analyse(table, context, wide_options, file_name=file_name, content_hash=content_hash)
    preview.rows_read = max(len(raw) - mapped.header_rows, 0)
    preview.missing_answers = preview.rows_read * len(mapped.mapping) - len(long)  # blank cells too
    preview.detected = _describe(grid, mapped, scale or per_column, how, found.recalled)
    preview.layout = mapped
    preview.survey_key = found.key
    preview.recalled = found.recalled
    preview.recalled_roles = found.recalled_roles
    if found.recalled_roles:
        preview.detected["remembered columns"] = (
            " and ".join(f"the {role} column" for role in sorted(found.recalled_roles))
            + " as chosen for this survey before"
        )
    if options.overrides:
        preview.remember = survey_key.overrides_by_identity(raw, found.detected, found.corrections)
    chosen_roles = {"comment": options.comment_column, "group": options.group_column}
    preview.remember_roles = survey_key.roles_by_identity(
        raw, found.detected, {role: index for role, index in chosen_roles.items() if index is not None}
    )
    chosen = options.scale or (scale_from_order(options.label_order) if options.label_order else None)
    preview.remember_scale = chosen.spec if chosen is not None and "chosen" in how else ""
    return preview


def _mapped(
    grid: Grid, context: Context, options: Options, recall: Callable[[str], Remembered] | None
) -> _Mapped | None:
    """The layout detected, corrected by the person and by what was remembered for the survey."""
    raw = grid.frame
    try:
        layout = detect(
            raw, list(context.touchpoints), group_column=options.group_column, comment_column=options.comment_column
        )
    except ValueError as error:
        raise SurveyError(f"The file cannot be read as a survey export: {error}.") from None
    if layout.tool == "long":
        return None
    key = survey_key.wide_survey_key(raw, layout)
    remembered = recall(key) if recall else Remembered()
    recalled = survey_key.overrides_from_identity(raw, layout, remembered.columns)
    corrections = {**recalled, **dict(options.overrides)}
    # The person's choice on this page wins over what was remembered for the survey.
    given = {"comment": options.comment_column, "group": options.group_column}
    recalled_roles = {
        role: index
        for role, index in survey_key.roles_from_identity(raw, layout, remembered.roles).items()
        if given[role] is None and index not in corrections
    }
    try:
        if recalled_roles:
            layout = layout.with_columns(group=recalled_roles.get("group"), comment=recalled_roles.get("comment"))
        mapped = layout.with_overrides(corrections) if corrections else layout
    except ValueError as error:
        raise SurveyError(f"That mapping cannot be used: {error}.") from None
    if not mapped.mapping:
        if not layout.columns:
            return None  # no rating column at all: let the long-format reader say what is missing
        raise SurveyError(
            f"No column of this file ({layout.tool_name}) names a touchpoint of {context.cycle_name}. "
            "Map its rating columns to touchpoints on the upload page; the mapping is remembered for its next export."
        )
    return _Mapped(mapped, layout, key, recalled, corrections, remembered, recalled_roles)


def _long_table(
    grid: Grid, mapped: WideLayout, long: pd.DataFrame, scale: Scale | None, per_column: dict[int, Scale]
) -> Table:
    """The answered cells as a long-format table: every column dictionary-encoded."""
    raw = grid.frame
    positions = raw.index.get_indexer(pd.Index(long["respondent_row"].to_numpy() - 1))
    given = pd.Categorical(long["raw_value"])
    answers_given = pd.Series(np.asarray(given.categories, dtype=object), dtype=object)
    cleaned = answer_values(answers_given).fillna(answers_given.astype("string"))
    names = sorted(set(mapped.mapping.values()))
    by_column = np.zeros(len(mapped.headers), dtype=np.int32)
    for index, name in mapped.mapping.items():
        by_column[index] = names.index(name)
    column_of_answer = long["column"].to_numpy()
    columns: dict[str, pa.Array] = {
        "date": _per_respondent(raw, mapped.date_column, positions, drop_time=True),
        "touchpoint": _dictionary(by_column[column_of_answer], names),
        "answer": _dictionary(np.asarray(given.codes), [str(v) for v in cleaned]),
    }
    if scale is None:  # each column on its own scale
        specs = [""] * len(mapped.headers)
        for index, own in per_column.items():
            specs[index] = own.spec
        distinct_specs = sorted(set(specs))
        spec_codes = np.asarray([distinct_specs.index(spec) for spec in specs], dtype=np.int32)
        columns["scale"] = _dictionary(spec_codes[column_of_answer], distinct_specs)
    if mapped.group_column is not None:
        columns["group"] = _per_respondent(raw, mapped.group_column, positions)
    if mapped.comment_column is not None:
        text = pa.array(raw.iloc[:, mapped.comment_column].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        columns["comment"] = text.take(pa.array(positions))
    return Table(
        pa.table(columns),
        long["respondent_row"].to_numpy(dtype=np.int64),
        mapped.header_rows,
        grid.encoding,
        grid.delimiter,
        sheet=grid.sheet,
        sheets=grid.sheets,
    )


def _dictionary(codes: np.ndarray, values: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(values, type=pa.string()))


_TIME_OF_DAY = r"^(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?$"
"""A numeric date followed by a plain time of day: only the day is kept, so the time is dropped before parsing."""


def _per_respondent(
    raw: pd.DataFrame, column: int | None, positions: np.ndarray, *, drop_time: bool = False
) -> pa.DictionaryArray:
    """A respondent's cell of ``column`` (blank when there is none) for every impression.

    ``drop_time`` cuts a plain time of day off dates first (in C), so 100,000 submission times
    become a few hundred days to parse.
    """
    if column is None:
        return _dictionary(np.zeros(len(positions), dtype=np.int32), [""])
    cells = raw.iloc[:, column].fillna("").astype(object)
    if drop_time:
        text = pc.replace_substring_regex(pa.array(cells, type=pa.string()), _TIME_OF_DAY, r"\1")
        cells = pd.Series(text.to_numpy(zero_copy_only=False), dtype=object)
    codes, values = pd.factorize(cells)
    return _dictionary(codes[positions], [str(v) for v in values])


def _wide_scale(
    long: pd.DataFrame, layout: WideLayout, options: Options, remembered: Scale | None
) -> tuple[Scale | None, dict[int, Scale], str]:
    """The scale of every imported answer, or None and each column's own; and how it was found.

    Answers that fit one scale share it. Columns on different scales (a satisfaction matrix and
    a 1-5 question, say) keep their own, and the columns whose answers do not settle theirs share
    one found the same way: chosen, confirmed for this survey before, detected; a guess is never
    taken (ScaleGuessError lists the candidates).
    """
    answers = distinct_answers(long["raw_value"], limit=200)
    fit = detect_scale(answers)  # over the columns imported, corrections included
    own = {column.column_index: column.scale for column in layout.imported if column.scale is not None}
    rest = [column.column_index for column in layout.imported if column.scale is None]
    if fit.fits or options.label_order or not answers or (options.scale is not None and not rest):
        scale, how = _one_scale(answers, fit, long["raw_value"], options, remembered)
        return scale, {}, how
    if not rest:
        return None, own, "per column"
    unsettled = long.loc[long["column"].isin(rest), "raw_value"]
    rest_answers = distinct_answers(unsettled, limit=200)
    scale, how = _one_scale(rest_answers, detect_scale(rest_answers), unsettled, options, remembered)
    return None, {**own, **dict.fromkeys(rest, scale)}, f"per column ({how} where the answers did not settle it)"


def _one_scale(
    answers: list[str], fit: ScaleFit, given: pd.Series, options: Options, remembered: Scale | None
) -> tuple[Scale, str]:
    """The one scale of these answers, and how it was found (raises when a person must say)."""
    if options.scale is not None:
        return options.scale, "chosen"
    if options.label_order:
        try:
            return scale_from_order(options.label_order, given), "chosen"
        except ValueError as error:
            raise SurveyError(f"That order cannot be used: {error}.") from None
    if remembered is not None and holds(remembered, answers):
        return remembered, "confirmed for this survey before"
    if fit.fits and fit.scale is not None:
        return fit.scale, "detected"
    if fit.is_guess and not fit.stray:
        raise ScaleGuessError(fit, answers)
    raise UnknownLabelsError(answers)


def _describe(
    grid: Grid, layout: WideLayout, scale: Scale | dict[int, Scale], how: str, recalled: dict[int, str | None]
) -> dict[str, str]:
    def column(index: int | None) -> str:
        return "none" if index is None else f"column {index + 1}: {layout.header_of(index)}"

    detected = {"layout": f"{layout.tool_name} export (one respondent per row)", **grid.describe()}
    detected["header rows"] = str(layout.header_rows)
    detected["date column"] = column(layout.date_column)
    if layout.time_zone:
        detected["time zone"] = f"{layout.time_zone} (the calendar day as the export writes it)"
    detected["group column"] = column(layout.group_column)
    detected["comment column"] = column(layout.comment_column)
    if isinstance(scale, dict):
        detected["scale"] = f"{how}: " + "; ".join(
            f"{m.touchpoint}: {scale[m.column_index].spec}" for m in layout.imported if m.column_index in scale
        )
    else:
        detected["scale"] = f"{scale} ({scale.spec}) ({how})"
    if recalled:
        detected["remembered mapping"] = f"{len(recalled)} column(s) mapped as corrected for this survey before"
    for number, note in enumerate(layout.notes, start=1):
        detected[f"note {number}"] = note
    return detected


def layout_table(layout: WideLayout) -> pd.DataFrame:
    """Every column of a wide export with its role and touchpoint, columns counted from 1 as reasons do."""
    table = layout.preview()
    return table.assign(column=table["column"] + 1)


def column_choices(layout: WideLayout) -> dict[int, str]:
    """Every column of a wide export (0-based) -> how a person recognises it (``3: header``)."""
    return {index: f"{index + 1}: {layout.header_of(index)}" for index in range(len(layout.headers))}
