"""Impressions sent as a JSON batch (the API's ``POST /api/v1/impressions``): checked item by
item, vectorised, into the frame the store records, with every rejected item and its reason.

An item names its touchpoint (by id, or by name with its service cycle), the day, the answer
and the scale it was given on, and optionally a stakeholder group and a comment. Unknown
touchpoints and groups are refused rather than created: a typo must not grow the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard import text
from dashboard.scales import Scale

MAX_ITEMS = 100_000
FIELDS = ("touchpoint", "cycle", "date", "answer", "scale", "group", "comment")


@dataclass(frozen=True)
class Checked:
    """A batch after checking: the impressions to record and the items refused (index, reason)."""

    impressions: pd.DataFrame
    rejected: list[dict[str, Any]]


def _items_frame(items: list[Any], default_cycle: str | None) -> tuple[pd.DataFrame, pd.Series]:
    """The items as a frame of text columns (missing fields empty) and a reason per item so far."""
    is_object = pd.Series([isinstance(item, dict) for item in items], dtype=bool)
    records = [item if isinstance(item, dict) else {} for item in items]
    frame = pd.DataFrame.from_records(records, columns=list(FIELDS)).reindex(range(len(items)))
    frame["cycle"] = frame["cycle"].where(frame["cycle"].notna(), default_cycle)
    reasons = pd.Series("", index=frame.index, dtype=object).where(is_object, "an item must be a JSON object")
    return frame, reasons


def _first(reasons: pd.Series, failed: pd.Series, reason: str) -> pd.Series:
    """Keeps each item's first reason: ``reason`` only where none was found before."""
    return reasons.where(~(failed & (reasons == "")), reason)


def _touchpoint_ids(frame: pd.DataFrame, touchpoints: pd.DataFrame) -> pd.Series:
    """Touchpoint ids by id (a number) or by cycle and name (folded); NaN when unknown."""
    given = frame["touchpoint"]
    as_id = pd.to_numeric(given.where(given.map(type).isin([int])), errors="coerce")
    known_ids = as_id.where(as_id.isin(touchpoints["id"]))
    keys = (
        frame["cycle"].astype("string").fillna("").map(text.key)
        + "\x1f"
        + given.astype("string").fillna("").map(text.key)
    )
    lookup = pd.Series(
        touchpoints["id"].to_numpy(),
        index=touchpoints["cycle"].map(text.key) + "\x1f" + touchpoints["name"].map(text.key),
    )
    lookup = lookup[~lookup.index.duplicated()]
    by_name = keys.map(lookup)
    return known_ids.fillna(by_name)


def _scores(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Score per item (NaN when off the scale), the scale's spec, and a reason for a bad scale."""
    specs = frame["scale"].astype("string").fillna("").str.strip()
    scores = pd.Series(np.nan, index=frame.index)
    canonical = pd.Series("", index=frame.index, dtype=object)
    reasons = pd.Series("", index=frame.index, dtype=object)
    for spec in specs.unique():  # one pass per distinct scale (a handful), not per item
        rows = specs == spec
        try:
            scale = Scale.parse(str(spec))
        except ValueError as error:
            reasons[rows] = str(error)
            continue
        scores[rows] = scale.normalise_many(frame.loc[rows, "answer"].astype("string"))
        canonical[rows] = scale.spec
    return scores, canonical, reasons


def check(
    items: list[Any],
    default_cycle: str | None,
    touchpoints: pd.DataFrame,
    groups: pd.DataFrame,
    source: str = "survey",
) -> Checked:
    """Checks a batch against the workspace's touchpoints (``id, cycle, name``) and groups (``id, name``).

    ``source`` is what the impressions are recorded as: ``survey`` (a survey tool or another
    program relaying answers) or ``manual``.
    """
    if source not in ("survey", "manual"):
        raise ValueError(f"the source of a batch is survey or manual, not {source!r}")
    if len(items) > MAX_ITEMS:
        raise ValueError(f"a batch holds at most {MAX_ITEMS:,} impressions; this one has {len(items):,}")
    frame, reasons = _items_frame(items, default_cycle)
    touchpoint_id = _touchpoint_ids(frame, touchpoints)
    reasons = _first(reasons, touchpoint_id.isna(), "unknown touchpoint (give its id, or its name and cycle)")
    day = pd.to_datetime(frame["date"].astype("string"), format="%Y-%m-%d", errors="coerce")
    reasons = _first(reasons, day.isna(), "the date must be written YYYY-MM-DD")
    scores, specs, scale_reasons = _scores(frame)
    reasons = reasons.where(reasons != "", scale_reasons)
    reasons = _first(reasons, scores.isna(), "the answer is not a point of its scale")
    group_names = frame["group"].astype("string").fillna("").map(text.key)
    group_lookup = pd.Series(groups["id"].to_numpy(), index=groups["name"].map(text.key))
    group_id = group_names.map(group_lookup[~group_lookup.index.duplicated()])
    reasons = _first(reasons, (group_names != "") & group_id.isna(), "unknown stakeholder group")
    comments = frame["comment"].astype("string").fillna("").str.strip()
    reasons = _first(
        reasons, comments.str.len() > text.TEXT_LIMIT, f"a comment has at most {text.TEXT_LIMIT:,} characters"
    )
    refused = reasons[reasons != ""]
    rejected = [{"index": i, "reason": r} for i, r in zip(refused.index.tolist(), refused.tolist(), strict=True)]
    keep = reasons == ""
    impressions = pd.DataFrame(
        {
            "touchpoint_id": touchpoint_id[keep].astype("int64"),
            "observed_on": day[keep].dt.date,
            "raw_value": frame.loc[keep, "answer"].astype("string").str.strip(),
            "scale": specs[keep],
            "score": scores[keep],
            "group_id": group_id[keep].astype("Int64"),
            "source": source,
            "comment": comments[keep].where(comments[keep] != "", None),
        }
    )
    return Checked(impressions.reset_index(drop=True), rejected)
