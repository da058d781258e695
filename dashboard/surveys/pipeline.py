"""The long format, from uploaded bytes to a preview of the impressions an import will record.

The product's own format has one impression per row and the columns ``date, service_cycle,
touchpoint, group, score, scale, comment`` (group, scale and comment optional; an empty
service cycle means the one chosen for the import). ``prepare`` reads a file and checks every
row; the ``Preview`` it returns says what was detected, how many impressions each touchpoint
gets, which rows are rejected and why, and which touchpoint names match nothing. Nothing is
written here: ``dashboard.store.imports.commit`` writes a preview in one transaction.

Speed: each column is dictionary-encoded once (pyarrow, in C), the few distinct values are
interpreted in Python (names matched, dates and scores parsed), and the answers are spread
back over the rows with numpy indexing. There is no loop over rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import survey_formats
from dashboard.imports.reading import Grid, SurveyError, Table, peek_header, read_grid, read_table
from dashboard.scales import SATISFACTION, Scale
from dashboard.survey_formats import WideLayout
from dashboard.survey_formats.label_scales import distinct_answers
from dashboard.surveys import answers, dates, matching

CREATE = "create"
"""A decision for an unmatched touchpoint name: add it to the cycle during the import."""
SKIP = "skip"

LONG_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "observed on", "day", "timestamp", "submitted", "submitted at", "response date"),
    "service_cycle": ("service cycle", "cycle"),
    "touchpoint": ("touchpoint", "touch point", "point of contact"),
    "group": ("group", "stakeholder group", "respondent group"),
    "score": ("score", "rating", "answer"),
    "scale": ("scale",),
    "comment": ("comment", "comments", "remark", "feedback"),
}
REQUIRED = ("date", "touchpoint", "score")
HEADER_NAMES = frozenset(alias for aliases in LONG_COLUMNS.values() for alias in aliases)
TEMPLATE_COLUMNS = tuple(LONG_COLUMNS)


@dataclass(frozen=True)
class Context:
    """What the workspace knows that an import is checked against."""

    cycle_id: int
    cycle_name: str
    touchpoints: dict[str, int]
    """Active touchpoints of the cycle: name -> id."""
    groups: dict[str, int] = field(default_factory=dict)
    """Stakeholder groups: name -> id."""


@dataclass(frozen=True)
class Options:
    """Choices a person (or the command line) makes about one import."""

    scale: Scale | None = None
    """The scale of the scores, when not detected (or detected wrongly)."""
    date_order: str = dates.AUTO
    name_map: dict[str, int | str] = field(default_factory=dict)
    """For touchpoint names that match nothing: a touchpoint id, ``CREATE`` or ``SKIP``."""
    sheet: str | None = None
    overrides: tuple[tuple[int, str | None], ...] = ()
    """Wide exports: the user's corrections, (0-based column, touchpoint name or None = leave out)."""
    comment_column: int | None = None
    """Wide exports: the column whose free text becomes each impression's comment."""
    group_column: int | None = None
    """Wide exports: the column naming each respondent's stakeholder group (detected when None)."""
    label_order: tuple[str, ...] = ()
    """Wide exports: answers no known scale holds, worst first (see ``UnknownLabelsError``)."""


class UnknownLabelsError(SurveyError):
    """A wide export's answers are words no known scale holds: the person must order them."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        shown = ", ".join(labels[:12])
        super().__init__(
            f"The answers ({shown}) are on no scale the product knows; put them in order from worst to best."
        )


@dataclass
class Preview:
    """What an import would record; ``impressions`` is ready for the store."""

    file_name: str
    content_hash: str
    cycle_id: int
    rows_read: int
    detected: dict[str, str]
    impressions: pd.DataFrame
    per_touchpoint: pd.DataFrame
    """``touchpoint, impressions``: how many each touchpoint gets."""
    rejected: pd.DataFrame
    """``row, reason`` and the row's cells as read, for every row that will not be recorded."""
    unmatched: pd.DataFrame
    """``name, rows``: touchpoint names that match nothing and have no decision yet."""
    missing_answers: int
    new_touchpoints: list[str]
    """Names to add to the cycle; their impressions carry ids -1, -2, ... until then."""
    sheets: tuple[str, ...] = ()
    layout: WideLayout | None = None
    """Wide exports: what was detected (tool, columns, mapping); None for the long format."""
    survey_key: str = ""
    """Wide exports: the survey's fingerprint, under which corrected mappings are remembered."""
    remember: dict[str, str | None] = field(default_factory=dict)
    """Wide exports: corrections to remember for this survey (column identity -> touchpoint)."""
    recalled: dict[int, str | None] = field(default_factory=dict)
    """Wide exports: remembered corrections applied automatically (column -> touchpoint)."""

    def counts(self) -> dict[str, int]:
        """Impressions per touchpoint name."""
        names = [str(n) for n in self.per_touchpoint["touchpoint"].tolist()]
        return dict(zip(names, (int(n) for n in self.per_touchpoint["impressions"].tolist()), strict=True))

    def refusal(self, strict: bool = False) -> str | None:
        """Why nothing should be written, or None when the import may go ahead."""
        if strict and len(self.rejected):
            first = self.rejected.iloc[0]
            return (
                f"strict mode: {len(self.rejected):,} row(s) rejected, e.g. row {first['row']}: {first['reason']}; "
                "nothing was imported"
            )
        if len(self.impressions) == 0:
            if len(self.rejected):
                first = self.rejected.iloc[0]
                return (
                    f"no row can be imported ({len(self.rejected):,} rejected, "
                    f"e.g. row {first['row']}: {first['reason']})"
                )
            return "the file holds no answers to import"
        return None


def fingerprint(data: bytes) -> str:
    """The content hash that recognises a file imported before, whatever its name."""
    return hashlib.sha256(data).hexdigest()


def prepare(
    data: bytes,
    file_name: str,
    context: Context,
    options: Options | None = None,
    *,
    content_hash: str = "",
    recall: Callable[[str], dict[str, str | None]] | None = None,
) -> Preview:
    """Reads a survey file and checks every impression against the workspace; writes nothing.

    The long format (its header names date, touchpoint and score) takes issue 4's path; any other
    file is read as a raw grid, its survey tool and layout detected (``dashboard.survey_formats``)
    and its answers reshaped into the same rows, checked the same way. ``recall(survey_key)``
    gives the corrections remembered for a survey. Pass ``content_hash`` (``fingerprint(data)``)
    when it is known already, to save hashing twice.
    """
    options = options or Options()
    content_hash = content_hash or fingerprint(data)
    header = peek_header(data, file_name, sheet=options.sheet, header_names=HEADER_NAMES)
    if not _is_long(header):
        grid = read_grid(data, file_name, sheet=options.sheet)
        preview = prepare_wide(grid, context, options, file_name=file_name, content_hash=content_hash, recall=recall)
        if preview is not None:
            return preview
    table = read_table(data, file_name, sheet=options.sheet, header_names=HEADER_NAMES)
    return analyse(table, context, options, file_name=file_name, content_hash=content_hash)


def _is_long(header: list[str]) -> bool:
    try:
        find_columns(header)
    except SurveyError:
        return False
    return True


def prepare_wide(
    grid: Grid,
    context: Context,
    options: Options,
    *,
    file_name: str,
    content_hash: str,
    recall: Callable[[str], dict[str, str | None]] | None = None,
) -> Preview | None:
    """A survey tool's export (a respondent per row) as impressions; None when it has no rating column.

    Each answered rating cell becomes one row of the long format (date = the submission date,
    touchpoint = the column's, group and comment from the respondent's row) and goes through
    ``analyse`` like a long-format file: same scales, dates, rejections and impressions.
    """
    raw = grid.frame
    try:
        layout = survey_formats.detect(
            raw, list(context.touchpoints), group_column=options.group_column, comment_column=options.comment_column
        )
    except ValueError as error:
        raise SurveyError(f"The file cannot be read as a survey export: {error}.") from None
    if layout.tool == "long":
        return None
    key = survey_formats.survey_fingerprint(raw, layout)
    recalled = survey_formats.overrides_from_identity(raw, layout, recall(key)) if recall else {}
    chosen = dict(options.overrides)
    corrections = {**recalled, **chosen}
    try:
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
    # The respondent's date, group and comment are taken by position below, not copied per answer here.
    long = survey_formats.to_long(
        raw, replace(mapped, date_column=None, group_column=None, comment_column=None), categorical=True
    )
    scale = _wide_scale(long, mapped, options)
    # Every column goes to ``analyse`` dictionary-encoded: codes into distinct values, so nothing
    # is encoded twice and the respondent's cells (date, group, comment) are taken by position.
    positions = raw.index.get_indexer(pd.Index(long["respondent_row"].to_numpy() - 1))
    given = pd.Categorical(long["raw_value"])
    raw_codes = np.asarray(given.codes)
    answers_given = pd.Series(np.asarray(given.categories, dtype=object), dtype=object)
    cleaned = survey_formats.answer_values(answers_given).fillna(answers_given.astype("string"))
    names = sorted(set(mapped.mapping.values()))
    by_column = np.zeros(len(mapped.headers), dtype=np.int32)
    for index, name in mapped.mapping.items():
        by_column[index] = names.index(name)
    columns: dict[str, pa.Array] = {
        "date": _per_respondent(raw, mapped.date_column, positions, drop_time=True),
        "touchpoint": _dictionary(by_column[long["column"].to_numpy()], names),
        "score": _dictionary(raw_codes, [str(v) for v in cleaned]),
    }
    if scale is None:
        specs = [""] * len(mapped.headers)
        for mapping in mapped.imported:
            specs[mapping.column_index] = mapping.scale.spec if mapping.scale else ""
        distinct_specs = sorted(set(specs))
        spec_codes = np.asarray([distinct_specs.index(spec) for spec in specs], dtype=np.int32)
        columns["scale"] = _dictionary(spec_codes[long["column"].to_numpy()], distinct_specs)
    if mapped.group_column is not None:
        columns["group"] = _per_respondent(raw, mapped.group_column, positions)
    if mapped.comment_column is not None:
        text = pa.array(raw.iloc[:, mapped.comment_column].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        columns["comment"] = text.take(pa.array(positions))
    table = Table(
        pa.table(columns),
        long["respondent_row"].to_numpy(dtype=np.int64),
        mapped.header_rows,
        grid.encoding,
        grid.delimiter,
        sheet=grid.sheet,
        sheets=grid.sheets,
    )
    wide_options = Options(scale=scale, date_order=options.date_order, name_map=options.name_map)
    preview = analyse(table, context, wide_options, file_name=file_name, content_hash=content_hash)
    preview.rows_read = max(len(raw) - mapped.header_rows, 0)
    preview.missing_answers = _missing_answers(raw, mapped)
    preview.detected = _describe(grid, mapped, scale, options, recalled)
    preview.layout = mapped
    preview.survey_key = key
    preview.recalled = recalled
    preview.remember = survey_formats.overrides_by_identity(raw, layout, corrections) if chosen else {}
    return preview


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


def _wide_scale(long: pd.DataFrame, layout: WideLayout, options: Options) -> Scale | None:
    if options.scale is not None:
        return options.scale
    if options.label_order:
        try:
            return survey_formats.scale_from_order(options.label_order, long["raw_value"])
        except ValueError as error:
            raise SurveyError(f"That order cannot be used: {error}.") from None
    if layout.scale is not None:
        return layout.scale
    if all(column.scale is not None for column in layout.imported):
        return None  # each column on its own known scale (e.g. a satisfaction matrix and a quality question)
    raise UnknownLabelsError(distinct_answers(long["raw_value"], limit=200))


def _missing_answers(raw: pd.DataFrame, layout: WideLayout) -> int:
    """Answers such as N/A or Don't know in the imported columns (blank cells are not counted)."""
    total = 0
    for column in layout.mapping:
        counts = raw.iloc[layout.header_rows :, column].value_counts()
        total += sum(int(n) for value, n in counts.items() if str(value).strip() and answers.is_missing(str(value)))
    return total


def _describe(
    grid: Grid, layout: WideLayout, scale: Scale | None, options: Options, recalled: dict[int, str | None]
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
    chosen = options.scale is not None or bool(options.label_order)
    if scale is None:
        detected["scale"] = "per column: " + "; ".join(
            f"{m.touchpoint}: {m.scale.spec}" for m in layout.imported if m.scale is not None
        )
    else:
        detected["scale"] = f"{scale} ({scale.spec})" + (" (chosen)" if chosen else " (detected)")
    if recalled:
        detected["remembered mapping"] = f"{len(recalled)} column(s) mapped as corrected for this survey before"
    for number, note in enumerate(layout.notes, start=1):
        detected[f"note {number}"] = note
    return detected


def find_columns(names: list[str]) -> dict[str, str]:
    """Which file column holds each long-format column (by folded name)."""
    found: dict[str, str] = {}
    for key, aliases in LONG_COLUMNS.items():
        wanted = {matching.fold_key(a) for a in (key, *aliases)}
        for name in names:
            if matching.fold_key(name) in wanted:
                found[key] = name
                break
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        raise SurveyError(
            f"The header has no {' or '.join(missing)} column (found: {', '.join(names[:12])}). "
            "The long format needs date, touchpoint and score columns; download the template to see it."
        )
    return found


def _codes(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str]]:
    """Each row's index into the column's distinct values, and those values."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if isinstance(column, pa.DictionaryArray) and column.null_count == 0:  # wide exports: encoded already
        return column.indices.to_numpy(zero_copy_only=False), column.dictionary.to_pylist()
    encoded = pc.dictionary_encode(pc.fill_null(column, ""))
    return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()


class _Reasons:
    """The first reason each row is rejected for (rows without one are fine)."""

    def __init__(self, n: int) -> None:
        self.codes = np.zeros(n, dtype=np.int32)
        self.texts: list[str] = [""]

    def add(self, rows: np.ndarray, per_value: list[str | None], codes: np.ndarray) -> None:
        """Rejects rows whose value (by ``codes`` into ``per_value``) has a reason."""
        lookup = np.zeros(len(per_value), dtype=np.int32)
        for index, reason in enumerate(per_value):
            if reason:
                lookup[index] = len(self.texts)
                self.texts.append(reason)
        fresh = (self.codes == 0) & rows
        self.codes = np.where(fresh, lookup[codes], self.codes)

    @property
    def rejected(self) -> np.ndarray:
        return self.codes > 0


def _touchpoint_ids(
    names: list[str], context: Context, options: Options
) -> tuple[np.ndarray, list[str | None], list[str], list[str]]:
    """Per distinct name: the id (negative for ones to create), reason, unmatched, to create."""
    matched = matching.match_names(names, context.touchpoints)
    ids = np.zeros(len(names), dtype=np.int64)
    reasons: list[str | None] = []
    unmatched: list[str] = []
    created: list[str] = []
    for index, name in enumerate(names):
        decision = options.name_map.get(name)
        found = matched[name]
        if not name.strip():
            reasons.append("no touchpoint given")
        elif found is not None:
            ids[index] = found
            reasons.append(None)
        elif isinstance(decision, int):
            ids[index] = decision
            reasons.append(None)
        elif decision == CREATE:
            if name.strip() not in created:
                created.append(name.strip())
            ids[index] = -(created.index(name.strip()) + 1)
            reasons.append(None)
        else:
            if decision != SKIP:
                unmatched.append(name)
            reasons.append(f"touchpoint “{name.strip()}” is not on the map of {context.cycle_name}")
    return ids, reasons, unmatched, created


def _scores(
    table: Table, columns: dict[str, str], options: Options, detected: dict[str, str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str | None], list[str], list[str]]:
    """Per row: code into distinct (scale, answer) pairs; per pair: score, missing, reason, raw, spec."""
    codes, values = _codes(table.cells.column(columns["score"]))
    split = [["", value.strip()] for value in values]
    if "scale" in columns:
        spec_codes, specs_given = _codes(table.cells.column(columns["scale"]))
        if any(s.strip() for s in specs_given):  # combine the two codes into one per distinct pair
            pairs, codes = np.unique(spec_codes.astype(np.int64) * len(values) + codes, return_inverse=True)
            split = [[specs_given[p // len(values)].strip(), values[p % len(values)].strip()] for p in pairs]
    unscaled = [value for spec_text, value in split if not spec_text]
    scale = options.scale
    if scale is None and unscaled:
        scale = answers.detect_scale(set(unscaled))
        if scale is None and any(not answers.is_missing(v) for v in unscaled):
            examples = ", ".join(sorted({v for v in unscaled if not answers.is_missing(v)})[:6])
            raise SurveyError(
                f"The scale of the scores could not be recognised (answers such as {examples}); choose the scale."
            )
    detected["scale"] = (
        f"{scale} ({scale.spec})" + (" (chosen)" if options.scale else " (detected)") if scale else "given per row"
    )
    parsed: dict[str, Scale | None] = {}
    scores = np.full(len(split), np.nan)
    missing = np.zeros(len(split), dtype=bool)
    reasons: list[str | None] = []
    raw: list[str] = []
    specs: list[str] = []
    for index, (spec_text, value) in enumerate(split):
        raw.append(value)
        if spec_text not in parsed:
            try:
                parsed[spec_text] = Scale.parse(spec_text) if spec_text else scale
            except ValueError:
                parsed[spec_text] = None
        row_scale = parsed[spec_text]
        specs.append(row_scale.spec if row_scale else spec_text)
        if answers.is_missing(value):
            missing[index] = True
            reasons.append(None)
        elif row_scale is None:
            reasons.append(f"scale “{spec_text}” is not a scale (try 1-5, 0-10 or labels:Poor|Fair|Good)")
        else:
            try:
                scores[index] = row_scale.normalise(value)
                reasons.append(None)
            except ValueError:
                reasons.append(f"score “{value}” is not on the scale {row_scale}")
    return codes, scores, missing, reasons, raw, specs


def analyse(
    table: Table,
    context: Context,
    options: Options,
    *,
    file_name: str,
    content_hash: str,
    progress: Callable[[float], None] | None = None,
) -> Preview:
    """Checks every row of a long-format table; see the module docstring."""
    columns = find_columns(table.columns)
    n = table.cells.num_rows
    if n == 0 and not table.ragged:
        raise SurveyError("The file has a header but no rows below it.")
    detected = table.describe()
    detected["layout"] = "long format (one impression per row)"
    every = np.ones(n, dtype=bool)
    reasons = _Reasons(n)

    tp_codes, tp_names = _codes(table.cells.column(columns["touchpoint"]))
    tp_ids, tp_reasons, unmatched_names, created = _touchpoint_ids(tp_names, context, options)

    if "service_cycle" in columns:
        codes, cycles = _codes(table.cells.column(columns["service_cycle"]))
        own = matching.fold_key(context.cycle_name)
        reasons.add(
            every,
            [
                None if not c.strip() or matching.fold_key(c) == own else f"belongs to the service cycle “{c.strip()}”"
                for c in cycles
            ],
            codes,
        )

    score_codes, scores, missing, score_reasons, raw, specs = _scores(table, columns, options, detected)
    is_missing = missing[score_codes]
    answered = ~is_missing
    reasons.add(answered, tp_reasons, tp_codes)

    date_codes, date_values = _codes(table.cells.column(columns["date"]))
    parsed, form = dates.parse_dates(date_values, options.date_order)
    parsed = parsed.astype("datetime64[s]")  # the unit pandas keeps: spreading over rows needs no conversion
    detected["date column"] = f"{columns['date']}: {form}"
    reasons.add(
        answered,
        [
            None if not np.isnat(d) else ("no date given" if not v.strip() else f"date “{v.strip()}” is not a date")
            for v, d in zip(date_values, parsed, strict=True)
        ],
        date_codes,
    )
    reasons.add(answered, score_reasons, score_codes)

    group_ids = np.zeros(1, dtype=np.int64)
    group_codes = np.zeros(n, dtype=np.int64)
    if "group" in columns:
        group_codes, group_names = _codes(table.cells.column(columns["group"]))
        matched = matching.match_names(group_names, context.groups)
        group_ids = np.asarray([matched[g] or 0 for g in group_names], dtype=np.int64)
        reasons.add(
            answered,
            [
                f"stakeholder group “{g.strip()}” is not known" if g.strip() and matched[g] is None else None
                for g in group_names
            ],
            group_codes,
        )
    if progress:
        progress(0.5)

    keep = answered & ~reasons.rejected
    group = group_ids[group_codes[keep]]
    comment: pd.Series | None = None
    if "comment" in columns:
        text = pc.filter(table.cells.column(columns["comment"]), pa.array(keep))
        blank = pc.equal(text, "")
        comment = pc.if_else(blank, pa.scalar(None, pa.string()), text).to_pandas(types_mapper=pd.ArrowDtype)
    kept_scores = score_codes[keep]
    impressions = pd.DataFrame(
        {
            "touchpoint_id": tp_ids[tp_codes[keep]],
            "observed_on": parsed[date_codes[keep]],
            "raw_value": _categorical(raw, kept_scores),
            "scale": _categorical(specs, kept_scores),
            "score": scores[kept_scores],
            "group_id": pd.arrays.IntegerArray(group.astype(np.int64), group == 0),
            "source": _categorical(["survey"], np.zeros(int(keep.sum()), dtype=np.int32)),
            "comment": comment.reset_index(drop=True)
            if comment is not None
            else pd.Series(pd.arrays.ArrowExtensionArray(pa.nulls(int(keep.sum()), pa.string()))),
            # (arrow nulls, not None objects: DuckDB reads them without looking at 2 million objects)
        }
    )

    names_by_id = {ident: name for name, ident in context.touchpoints.items()}
    names_by_id.update({-(i + 1): f"{name} (new)" for i, name in enumerate(created)})
    counts = np.bincount(tp_codes[keep], minlength=len(tp_names))
    per_value = pd.DataFrame({"id": tp_ids, "n": counts})
    per_touchpoint = (
        per_value[per_value["n"] > 0]
        .groupby("id", as_index=False)["n"]
        .sum()
        .assign(touchpoint=lambda f: f["id"].map(names_by_id).fillna("?"))
        .rename(columns={"n": "impressions"})
        .sort_values("touchpoint")[["touchpoint", "impressions"]]
        .reset_index(drop=True)
    )
    rows_per_name = np.bincount(tp_codes, minlength=len(tp_names))
    unmatched = pd.DataFrame(
        {"name": unmatched_names, "rows": [int(rows_per_name[tp_names.index(n)]) for n in unmatched_names]},
    )
    return Preview(
        file_name=file_name,
        content_hash=content_hash,
        cycle_id=context.cycle_id,
        rows_read=n + len(table.ragged),
        detected=detected,
        impressions=impressions,
        per_touchpoint=per_touchpoint,
        rejected=_rejected(table, reasons, answered),
        unmatched=unmatched,
        missing_answers=int(is_missing.sum()),
        new_touchpoints=created,
        sheets=table.sheets,
    )


def _categorical(values: list[str], codes: np.ndarray) -> pd.Categorical[str]:
    """A column given as codes into ``values`` (which may repeat), without building its strings."""
    categories = sorted(set(values))
    where = {value: index for index, value in enumerate(categories)}
    position = np.asarray([where[v] for v in values], dtype=np.int32)
    return pd.Categorical.from_codes(position[codes] if len(position) else codes, categories=pd.Index(categories))


def _rejected(table: Table, reasons: _Reasons, answered: np.ndarray) -> pd.DataFrame:
    mask = reasons.rejected & answered
    texts = np.asarray(reasons.texts, dtype=object)
    found = pd.DataFrame({"row": table.row_numbers[mask], "reason": texts[reasons.codes[mask]]})
    cells = table.cells.filter(pa.array(mask)).to_pandas()
    found = pd.concat([found, cells.reset_index(drop=True)], axis=1)
    if table.ragged:
        found = pd.concat([found, pd.DataFrame(table.ragged, columns=["row", "reason"])], ignore_index=True)
    ordered: pd.DataFrame = found.sort_values("row", kind="stable").reset_index(drop=True)
    return ordered


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
            "score": ["5", "4", "2", "N/A", "8", "Satisfied"],
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


def layout_table(layout: WideLayout) -> pd.DataFrame:
    """Every column of a wide export with its role and touchpoint, columns counted from 1 as reasons do."""
    table = layout.preview()
    return table.assign(column=table["column"] + 1)


def column_choices(layout: WideLayout) -> dict[int, str]:
    """Every column of a wide export (0-based) -> how a person recognises it (``3: header``)."""
    return {index: f"{index + 1}: {layout.header_of(index)}" for index in range(len(layout.headers))}
