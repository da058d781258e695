"""Checking every row of a long-format table: a reason for each rejected row, and the impressions.

Every layout ends here: a wide export is first turned into the same rows (``dashboard.imports.wide``).
Each column is dictionary-encoded once (pyarrow, in C), the few distinct values are interpreted
in Python (names matched, dates parsed, answers scored), and the results are spread back over
the rows with numpy indexing. There is no loop over rows. Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.imports import dates
from dashboard.imports.answers import ScaleGuessError, clean_answer, detect_scale, distinct_answers, is_missing
from dashboard.imports.columns import match_names
from dashboard.imports.long_format import find_columns
from dashboard.imports.preview import CREATE, NO_GROUP, SKIP, Context, Options, Preview, Remembered
from dashboard.imports.reading import SurveyError, Table
from dashboard.imports.responses import long_responses
from dashboard.imports.survey_key import long_survey_key
from dashboard.scales import Scale
from dashboard.text import clean_name, key


def analyse(
    table: Table,
    context: Context,
    options: Options,
    *,
    file_name: str,
    content_hash: str,
    recall: Callable[[str], Remembered] | None = None,
) -> Preview:
    """Checks every row of a long-format table against the workspace; writes nothing.

    ``recall(survey_key)`` gives what was confirmed for this survey before (its scale).
    """
    columns = find_columns(table.columns)
    n = table.cells.num_rows
    if n == 0 and not table.ragged:
        raise SurveyError("The file has a header but no rows below it.")
    detected = table.describe()
    detected["layout"] = "long format (one impression per row)"
    reasons = _Reasons(n)

    tp_codes, tp_names = _codes(table.cells.column(columns["touchpoint"]))
    tp_ids, tp_reasons, unmatched_names, created = _touchpoint_ids(tp_names, context, options)
    if "service_cycle" in columns:
        reasons.add(np.ones(n, dtype=bool), *_cycle_reasons(table.cells.column(columns["service_cycle"]), context))

    survey_key = long_survey_key(table.columns, tp_names)
    remembered = recall(survey_key).scale if recall else None
    scored = _answers(table, columns, options, detected, remembered)
    answered = ~scored.missing[scored.codes]
    reasons.add(answered, tp_reasons, tp_codes)

    date_codes, parsed, date_reasons = _dates(table.cells.column(columns["date"]), options, detected, columns["date"])
    reasons.add(answered, date_reasons, date_codes)
    reasons.add(answered, scored.reasons, scored.codes)

    group_codes, group_ids, group_reasons, new_groups = _group_ids(table, columns, context, options)
    reasons.add(answered, group_reasons, group_codes)

    keep = answered & ~reasons.rejected
    groups, new_groups = _recorded_groups(group_ids[group_codes[keep]], new_groups)
    frame = _impressions(table, columns, keep, scored, tp_ids[tp_codes[keep]], parsed[date_codes[keep]], groups)
    frame["response"] = table.row_numbers[keep] if options.respondent_rows else long_responses(frame)
    return Preview(
        file_name=file_name,
        content_hash=content_hash,
        cycle_id=context.cycle_id,
        rows_read=n + len(table.ragged),
        detected=detected,
        impressions=frame,
        per_touchpoint=_per_touchpoint(tp_ids, tp_codes[keep], context, created),
        rejected=_rejected(table, reasons, answered),
        unmatched=_unmatched(unmatched_names, tp_names, tp_codes),
        missing_answers=int((~answered).sum()),
        new_touchpoints=created,
        new_groups=new_groups,
        sheets=table.sheets,
        survey_key=survey_key,
        remember_scale=options.scale.spec if options.scale else "",
    )


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


def _cycle_reasons(column: pa.ChunkedArray, context: Context) -> tuple[list[str | None], np.ndarray]:
    """Rows naming another service cycle are rejected (an empty cell means the chosen one)."""
    codes, cycles = _codes(column)
    own = key(context.cycle_name)
    reasons: list[str | None] = [
        None if not c.strip() or key(c) == own else f"belongs to the service cycle “{c.strip()}”" for c in cycles
    ]
    return reasons, codes


def _dates(
    column: pa.ChunkedArray, options: Options, detected: dict[str, str], name: str
) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """Per row a code into the distinct dates; per distinct date the day (NaT if none) and the reason."""
    codes, values = _codes(column)
    parsed, form = dates.parse_dates(values, options.date_order)
    parsed = parsed.astype("datetime64[s]")  # the unit pandas keeps: spreading over rows needs no conversion
    detected["date column"] = f"{name}: {form}"
    reasons: list[str | None] = [
        None if not np.isnat(d) else ("no date given" if not v.strip() else f"date “{v.strip()}” is not a date")
        for v, d in zip(values, parsed, strict=True)
    ]
    return codes, parsed, reasons


def _touchpoint_ids(
    names: list[str], context: Context, options: Options
) -> tuple[np.ndarray, list[str | None], list[str], list[str]]:
    """Per distinct name: the id (negative for ones to create), reason, unmatched, to create."""
    matched = match_names(names, context.touchpoints)
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


def _group_ids(
    table: Table, columns: dict[str, str], context: Context, options: Options
) -> tuple[np.ndarray, np.ndarray, list[str | None], list[str]]:
    """Per row a code into the distinct group names; per name the id (0 = no group, negative = one to
    create) and a reason; the groups to create.

    A name matching no group is created with the import unless ``options.group_map`` (keyed by
    any spelling of the name) maps it to a group or to ``NO_GROUP``. Spellings of one new name
    ("Parents", "parents ") make one group.
    """
    if "group" not in columns:  # every row without a group
        return np.zeros(table.cells.num_rows, dtype=np.int64), np.zeros(1, dtype=np.int64), [None], []
    codes, names = _codes(table.cells.column(columns["group"]))
    matched = match_names(names, context.groups)
    decisions = {key(name): decision for name, decision in options.group_map.items()}
    ids = np.zeros(len(names), dtype=np.int64)
    reasons: list[str | None] = [None] * len(names)
    created: dict[str, str] = {}
    for index, name in enumerate(names):
        decision = decisions.get(key(name), CREATE)
        if not name.strip() or decision == NO_GROUP:
            continue
        existing = matched[name] if matched[name] is not None else decision
        if isinstance(existing, int):
            ids[index] = existing
            continue
        try:
            cleaned = clean_name(name, "stakeholder group")
        except ValueError as error:
            reasons[index] = f"stakeholder group “{name.strip()[:60]}” cannot be created: {error}"
            continue
        created.setdefault(key(cleaned), cleaned)
        ids[index] = -(list(created).index(key(cleaned)) + 1)
    return codes, ids, reasons, list(created.values())


def _recorded_groups(groups: np.ndarray, new_groups: list[str]) -> tuple[np.ndarray, list[str]]:
    """Only the new groups some recorded row belongs to (a group whose rows are all rejected is not
    created); their placeholders renumbered -1, -2, ... in the order of ``new_groups``."""
    used = np.unique(-groups[groups < 0]) - 1
    if len(used) == len(new_groups):
        return groups, new_groups
    renumbered = np.zeros(len(new_groups), dtype=np.int64)
    renumbered[used] = -(np.arange(len(used)) + 1)
    placeholders = np.clip(-groups - 1, 0, None)
    return np.where(groups < 0, renumbered[placeholders], groups), [new_groups[i] for i in used]


@dataclass(frozen=True)
class _Scored:
    """Per row a code into distinct (scale, answer) pairs; per pair its score, missing flag, reason, answer, scale."""

    codes: np.ndarray
    scores: np.ndarray
    missing: np.ndarray
    reasons: list[str | None]
    raw: list[str]
    specs: list[str]


def _answers(
    table: Table, columns: dict[str, str], options: Options, detected: dict[str, str], remembered: Scale | None
) -> _Scored:
    """Scores every distinct (scale, answer) pair; the scale of answers given without one is found once."""
    codes, values = _codes(table.cells.column(columns["answer"]))
    split = [("", value.strip()) for value in values]
    if "scale" in columns:
        spec_codes, specs_given = _codes(table.cells.column(columns["scale"]))
        if any(s.strip() for s in specs_given):  # combine the two codes into one per distinct pair
            pairs, codes = np.unique(spec_codes.astype(np.int64) * len(values) + codes, return_inverse=True)
            split = [(specs_given[p // len(values)].strip(), values[p % len(values)].strip()) for p in pairs]
    scale, how = _scale_of([value for spec_text, value in split if not spec_text], options, remembered)
    detected["scale"] = f"{scale} ({scale.spec}) ({how})" if scale else "given per row"
    parsed: dict[str, Scale | None] = {"": scale}
    scores = np.full(len(split), np.nan)
    missing = np.zeros(len(split), dtype=bool)
    reasons: list[str | None] = []
    for index, (spec_text, value) in enumerate(split):
        if spec_text not in parsed:
            try:
                parsed[spec_text] = Scale.parse(spec_text)
            except ValueError:
                parsed[spec_text] = None
        row_scale = parsed[spec_text]
        missing[index] = is_missing(value)
        reasons.append(None if missing[index] else _score(value, row_scale, spec_text, scores, index))
    specs = [row_scale.spec if (row_scale := parsed[s]) else s for s, _ in split]
    return _Scored(codes, scores, missing, reasons, [value for _, value in split], specs)


def _score(value: str, scale: Scale | None, spec_text: str, scores: np.ndarray, index: int) -> str | None:
    """Writes one answer's score into ``scores``; returns why it cannot be scored, or None."""
    if scale is None:
        return f"scale “{spec_text}” is not a scale (try 1-5, 0-10 or labels:Poor|Fair|Good)"
    try:
        scores[index] = scale.normalise(value if scale.is_labelled else clean_answer(value))
    except ValueError:
        return f"answer “{value}” is not on the scale {scale}"
    return None


def _scale_of(unscaled: list[str], options: Options, remembered: Scale | None) -> tuple[Scale | None, str]:
    """The scale of the answers given without one, and how it was found (chosen, remembered, detected).

    Raises ScaleGuessError when several scales fit and nothing settles which.
    """
    if options.scale is not None:
        return options.scale, "chosen"
    answers = distinct_answers(unscaled)
    if not answers:
        return None, ""
    if remembered is not None and holds(remembered, answers):
        return remembered, "confirmed for this survey before"
    fit = detect_scale(answers)
    if fit.scale is not None:
        return fit.scale, "detected"
    if fit.is_guess:
        raise ScaleGuessError(fit, answers)
    examples = ", ".join(sorted(answers)[:6])
    raise SurveyError(f"The scale of the answers is not recognised (answers such as {examples}); choose the scale.")


def holds(scale: Scale, answers: list[str]) -> bool:
    """True when every answer (none of them missing) is a point of ``scale``."""
    for answer in answers:
        try:
            scale.normalise(answer if scale.is_labelled else clean_answer(answer))
        except ValueError:
            return False
    return True


def _impressions(
    table: Table, columns: dict[str, str], keep: np.ndarray, scored: _Scored, *ids: np.ndarray
) -> pd.DataFrame:
    """The rows to record, as the store takes them; ``ids`` are the kept rows' touchpoints, days and groups."""
    touchpoints, days, groups = ids
    kept = scored.codes[keep]
    count = int(keep.sum())
    if "comment" in columns:
        text = pc.filter(table.cells.column(columns["comment"]), pa.array(keep))
        blank = pc.equal(text, "")
        comment = pc.if_else(blank, pa.scalar(None, pa.string()), text).to_pandas(types_mapper=pd.ArrowDtype)
        comment = comment.reset_index(drop=True)
    else:  # arrow nulls, not None objects: DuckDB reads them without looking at 2 million objects
        comment = pd.Series(pd.arrays.ArrowExtensionArray(pa.nulls(count, pa.string())))
    parts = {
        "touchpoint_id": pd.Series(touchpoints, copy=False),
        "observed_on": pd.Series(days, copy=False),
        "raw_value": pd.Series(_categorical(scored.raw, kept)),
        "scale": pd.Series(_categorical(scored.specs, kept)),
        "score": pd.Series(scored.scores[kept], copy=False),
        "group_id": pd.Series(_nullable(groups)),
        "source": pd.Series(_categorical(["survey"], np.zeros(count, dtype=np.int32))),
        "comment": comment,
    }
    # concat keeps one block per column; the dict constructor would copy same-typed columns into one
    # (and pandas 3 copies a numpy array given to a Series unless told not to).
    frame: pd.DataFrame = pd.concat(parts, axis=1)
    return frame


def _nullable(ids: np.ndarray) -> pd.arrays.IntegerArray:
    """Ids with 0 as "none" (no group)."""
    return pd.arrays.IntegerArray(ids.astype(np.int64), ids == 0)


def _per_touchpoint(tp_ids: np.ndarray, kept_codes: np.ndarray, context: Context, created: list[str]) -> pd.DataFrame:
    """``touchpoint, impressions``: how many each touchpoint gets (new ones marked)."""
    names_by_id = {ident: name for name, ident in context.touchpoints.items()}
    names_by_id.update({-(i + 1): f"{name} (new)" for i, name in enumerate(created)})
    per_value = pd.DataFrame({"id": tp_ids, "n": np.bincount(kept_codes, minlength=len(tp_ids))})
    counted: pd.DataFrame = (
        per_value[per_value["n"] > 0]
        .groupby("id", as_index=False)["n"]
        .sum()
        .assign(touchpoint=lambda f: f["id"].map(names_by_id).fillna("?"))
        .rename(columns={"n": "impressions"})
        .sort_values("touchpoint")[["touchpoint", "impressions"]]
        .reset_index(drop=True)
    )
    return counted


def _unmatched(unmatched_names: list[str], tp_names: list[str], tp_codes: np.ndarray) -> pd.DataFrame:
    rows_per_name = np.bincount(tp_codes, minlength=len(tp_names))
    return pd.DataFrame(
        {"name": unmatched_names, "rows": [int(rows_per_name[tp_names.index(n)]) for n in unmatched_names]},
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
