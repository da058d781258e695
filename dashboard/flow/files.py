"""Flow files: ``period, service_cycle, measure, source, count`` (CSV or XLSX), read and checked.

A file goes through the same safe reader as surveys (``dashboard.imports.reading``, under its
own limits), then every row is checked at once, column by column. A row is rejected, with its
reason, for a period that is not a month, an unknown service cycle or measure, a count that is
not a whole number or is negative, prospects without a source, or more customers won in a
cycle and month than it had prospects (unless the cycle is marked as having carry-over).
Manual entries go through the same checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dashboard import flow
from dashboard.imports import reading
from dashboard.imports.reading import Limits, SurveyError
from dashboard.text import key

COLUMNS = ("period", "service_cycle", "measure", "source", "count")
REQUIRED = ("period", "service_cycle", "measure", "count")
_ALIASES = {key(c): c for c in COLUMNS} | {key("cycle"): "service_cycle", key("month"): "period"}
FLOW_FILE = Limits("flow file", 20 * 1024 * 1024, 200_001, 1_000_000, 20.0)
"""200,000 counts: sixteen years of every measure and source for a hundred cycles."""
COUNT_COLUMNS = ["row", "cycle_id", "cycle", "period", "measure", "source", "count"]


@dataclass(frozen=True)
class Context:
    """What a flow file is checked against: the service cycles (matching key -> (id, name)) and
    the ids of cycles whose customers may be won in a later month than they arrived."""

    cycles: Mapping[str, tuple[int, str]]
    carry_over: frozenset[int] = frozenset()

    @classmethod
    def of(cls, cycles: pd.DataFrame, carry_over: frozenset[int] = frozenset()) -> Context:
        """From a frame with ``id`` and ``name`` columns."""
        return cls({key(n): (int(i), str(n)) for i, n in zip(cycles["id"], cycles["name"], strict=True)}, carry_over)


@dataclass(frozen=True)
class Preview:
    """What importing a flow file would record, before anything is written."""

    file_name: str
    content_hash: str
    rows_read: int
    counts: pd.DataFrame
    """``row, cycle_id, cycle, period, measure, source, count``: the counts to record."""
    rejected: pd.DataFrame
    """``row, reason`` and the row's cells as written."""
    detected: dict[str, str] = field(default_factory=dict)

    @property
    def new_sources(self) -> list[str]:
        """Sources in the file that are not among the usual ones (a team's own, or a typo)."""
        named = self.counts.loc[self.counts["source"] != "", "source"].unique()
        return sorted(set(named) - set(flow.SOURCES))

    def refusal(self, *, strict: bool) -> str | None:
        """Why the file cannot be imported as it is, or None."""
        if self.counts.empty:
            return "no row holds a count that can be recorded"
        if strict and len(self.rejected):
            return f"{len(self.rejected)} row(s) were rejected and strict mode refuses the whole file"
        return None

    def totals(self) -> dict[str, int]:
        """Counts per measure, for messages and JSON."""
        sums = self.counts.groupby("measure")["count"].sum()
        return {m: int(sums[m]) for m in flow.MEASURE_KEYS if m in sums.index}


def fingerprint(data: bytes) -> str:
    """The content hash that recognises a flow file imported before, whatever its name."""
    return hashlib.sha256(data).hexdigest()


def prepare(data: bytes, file_name: str, context: Context, *, sheet: str | None = None) -> Preview:
    """Reads and checks a flow file; raises SurveyError when it cannot be read at all."""
    table = reading.read_table(data, file_name, sheet=sheet, header_names=COLUMNS, limits=FLOW_FILE)
    columns: dict[str, str] = {}
    for name in table.columns:
        canonical = _ALIASES.get(key(name))
        if canonical and canonical not in columns:
            columns[canonical] = name
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise SurveyError(
            f"The flow file has no {', '.join(missing)} column; its columns should be {', '.join(COLUMNS)} "
            f"(found: {', '.join(table.columns)})."
        )
    cells = table.cells.to_pandas().fillna("")
    raw = pd.DataFrame({c: cells[columns[c]] if c in columns else "" for c in COLUMNS})
    raw.insert(0, "row", table.row_numbers)
    raw = raw[(raw[list(COLUMNS)].apply(lambda s: s.str.strip()) != "").any(axis=1)]  # blank rows say nothing
    counts, rejected = check(raw, context)
    if table.ragged:
        extra = pd.DataFrame(table.ragged, columns=["row", "reason"])
        rejected = pd.concat([rejected, extra], ignore_index=True).sort_values("row", kind="stable")
    return Preview(file_name, fingerprint(data), len(raw), counts, rejected.reset_index(drop=True), table.describe())


def parse_periods(text: pd.Series) -> pd.Series:
    """Month starts from ``2026-09``, ``2026/9`` or a date in the month (``2026-09-14``, with a
    time or not); NaT for anything else."""
    parts = text.str.strip().str.extract(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2})(?:[ T].*)?)?$")
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    day = pd.to_numeric(parts[2], errors="coerce").fillna(1)
    stamps = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}).where(year.notna()), errors="coerce"
    )
    return pd.Series(stamps.dt.to_period("M").dt.to_timestamp(), index=text.index)


def _counts(text: pd.Series) -> pd.Series:
    """Whole numbers from text (``12``, ``12.0``, ``1,234``, ``-3``); NaN for anything else."""
    cleaned = text.str.strip().str.replace(r"(?<=\d)[,\u00a0 '](?=\d{3}\b)", "", regex=True)
    numbers = pd.to_numeric(cleaned, errors="coerce")
    return numbers.where(numbers == np.floor(numbers))


def check(raw: pd.DataFrame, context: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Splits rows of text cells (``row`` and the five columns) into counts and rejected rows."""
    period = parse_periods(raw["period"])
    cycle_keys = raw["service_cycle"].map(key)
    cycle_id = cycle_keys.map(lambda k: context.cycles.get(k, (None, ""))[0])
    measure = raw["measure"].map(flow.match_measure)
    number = _counts(raw["count"])
    source = raw["source"].map(lambda s: flow.match_source(s) if s.strip() else "")
    known = ", ".join(flow.MEASURE_KEYS)
    reasons = pd.Series("", index=raw.index)
    for mask, reason in (
        (period.isna(), "the period “" + raw["period"] + "” is not a month like 2026-09 or a date in it"),
        (cycle_id.isna(), "there is no service cycle “" + raw["service_cycle"] + "”"),
        (measure.isna(), "“" + raw["measure"] + f"” is not a measure ({known})"),
        (number.isna(), "the count “" + raw["count"] + "” is not a whole number"),
        (number < 0, "a count cannot be negative (" + raw["count"] + ")"),
        (
            (measure == "prospects") & (source == ""),
            pd.Series("prospects need a source (where they came from)", raw.index),
        ),
    ):
        reasons = reasons.mask(mask & (reasons == ""), reason)
    good = reasons == ""
    counts = pd.DataFrame(
        {
            "row": raw["row"].to_numpy(),
            "cycle_id": cycle_id.astype("Int64"),
            "cycle": cycle_keys.map(lambda k: context.cycles.get(k, (0, ""))[1]),
            "period": period,
            "measure": measure,
            "source": source,
            "count": number,
        }
    )[good.to_numpy()]
    counts = counts.astype({"cycle_id": "int64", "count": "int64"})
    too_many = _won_beyond_prospects(counts, context.carry_over)
    reasons.loc[counts.index[too_many]] = _cohort_reason(counts[too_many], counts)
    rejected = raw[reasons != ""].assign(reason=reasons[reasons != ""])
    return counts[~too_many].reset_index(drop=True), rejected[["row", "reason", *COLUMNS]].reset_index(drop=True)


def _cohort_sums(counts: pd.DataFrame) -> pd.DataFrame:
    """Prospects and customers won per cycle and month."""
    cohort = counts[counts["measure"].isin(["prospects", "customers_won"])]
    return cohort.pivot_table(
        index=["cycle_id", "period"], columns="measure", values="count", aggfunc="sum", fill_value=0
    ).reindex(columns=["prospects", "customers_won"], fill_value=0)


def _won_beyond_prospects(counts: pd.DataFrame, carry_over: frozenset[int]) -> np.ndarray:
    """Customers-won rows of a cycle and month that won more customers than it had prospects."""
    sums = _cohort_sums(counts)
    over = sums[sums["customers_won"] > sums["prospects"]].index
    keys = pd.MultiIndex.from_frame(counts[["cycle_id", "period"]])
    return np.asarray(
        (counts["measure"] == "customers_won").to_numpy() & keys.isin(over) & ~counts["cycle_id"].isin(carry_over)
    )


def _cohort_reason(rows: pd.DataFrame, counts: pd.DataFrame) -> pd.Series:
    sums = _cohort_sums(counts).reindex(pd.MultiIndex.from_frame(rows[["cycle_id", "period"]]))
    reasons: pd.Series = (
        "more customers won ("
        + sums["customers_won"].astype(str).to_numpy()
        + ") than prospects ("
        + sums["prospects"].astype(str).to_numpy()
        + ") in "
        + rows["cycle"]
        + ", "
        + rows["period"].dt.strftime("%Y-%m")
        + "; mark the cycle as having carry-over if customers decide in a later month"
    )
    return reasons


def manual_rows(cycle: str, month: date, values: Mapping[str, int], by_source: Mapping[str, int]) -> pd.DataFrame:
    """Text rows in the file's layout for one cycle and month typed in by hand (zeros left out)."""
    rows = [(m, "", v) for m, v in values.items() if v] + [("prospects", s, v) for s, v in by_source.items() if v]
    return pd.DataFrame(
        [(i + 1, f"{month:%Y-%m}", cycle, m, s, str(v)) for i, (m, s, v) in enumerate(rows)],
        columns=["row", *COLUMNS],
    )


def file_frame(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts in the file's layout (the template's columns), months written as ``2026-09``."""
    return pd.DataFrame(
        {
            "period": counts["period"].dt.strftime("%Y-%m"),
            "service_cycle": counts["cycle"],
            "measure": counts["measure"],
            "source": counts["source"],
            "count": counts["count"].astype("int64"),
        }
    )


def template_frame(cycle: str = "First visit") -> pd.DataFrame:
    """A short filled example of a flow file, one row per kind of count."""
    rows = [
        ("2026-09", cycle, "prospects", "Web site", 120),
        ("2026-09", cycle, "prospects", "Word of mouth", 45),
        ("2026-09", cycle, "prospects", "Referral", 12),
        ("2026-09", cycle, "customers_won", "Web site", 22),
        ("2026-09", cycle, "customers_won", "Word of mouth", 16),
        ("2026-09", cycle, "active_customers", "", 800),
        ("2026-09", cycle, "retained", "", 780),
        ("2026-09", cycle, "lost", "", 20),
        ("2026-09", cycle, "repeat_purchases", "", 41),
        ("2026-09", cycle, "referrals", "", 12),
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))
