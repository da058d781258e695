"""Files people download: CSV and XLSX of a frame, in the screen's words, safe to open in a spreadsheet.

``labelled`` turns a frame the app computed into what a person reads: the screen's column
labels (``Mean impression``, not ``mean``), vocabulary labels (``Keep-or-Lose``, not
``keep_or_lose``), numbers rounded as far as they carry meaning, working columns left out,
and ids last, only where they help a re-import.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run as a
formula by spreadsheet programs (CSV injection), also behind characters a spreadsheet skips
(spaces, a non-breaking or zero-width space, a line break) and in their full-width forms
(``＝``). Such text cells are prefixed with a single quote, which spreadsheets show as plain
text. Numbers are left as numbers: a negative score is data, not a formula.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from dashboard import domain

# Invisible or blank characters a spreadsheet may skip before it reads a formula, then the
# characters that start one (ASCII and full-width). A tab or CR alone also counts.
_FORMULA = re.compile(r"^[\s\u200b-\u200f\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMN_LABELS: dict[str, str] = {
    "observed_on": "Day",
    "cycle": "Service cycle",
    "touchpoint": "Touchpoint",
    "touchpoint_name": "Touchpoint",
    "label": "Touchpoint",  # "name · cycle", where a frame carries no plain name
    "position": "Step",
    "moment": "Moment",
    "channel": "Channel",
    "stakeholder_group": "Stakeholder group",
    "source": "Source",
    "month": "Month",
    "score": "Score",
    "comment": "Comment",
    "n": "Impressions",
    "mean": "Mean impression",
    "mean_low": "Mean impression, 95% low",
    "mean_high": "Mean impression, 95% high",
    "target": "Target",
    "gap": "Gap to target",
    "weak": "Below target",
    "net": "Net impression",
    "net_low": "Net impression, 95% low",
    "net_high": "Net impression, 95% high",
    "perfection": "Perfection rate",
    "perfection_low": "Perfection rate, 95% low",
    "perfection_high": "Perfection rate, 95% high",
    "negative_share": "Negative share",
    "neutral_share": "Neutral share",
    "positive_share": "Positive share",
    "previous_mean": "Previous mean impression",
    "previous_n": "Previous impressions",
    "mean_change": "Change in mean impression",
    "mean_change_low": "Change in mean impression, 95% low",
    "mean_change_high": "Change in mean impression, 95% high",
    "mean_significant": "Change in mean is significant",
    "net_change": "Change in net impression",
    "net_change_low": "Change in net impression, 95% low",
    "net_change_high": "Change in net impression, 95% high",
    "net_significant": "Change in net is significant",
    "perfection_change": "Change in perfection rate",
    "perfection_change_low": "Change in perfection rate, 95% low",
    "perfection_change_high": "Change in perfection rate, 95% high",
    "perfection_significant": "Change in perfection is significant",
    "best_group": "Best group",
    "worst_group": "Worst group",
    "group_gap": "Gap between groups",
    "group_gap_low": "Gap between groups, 95% low",
    "group_gap_high": "Gap between groups, 95% high",
    "flagged": "Groups differ",
    "importance": "Importance",
    "importance_basis": "Importance measured by",
    "quadrant": "Quadrant",
    "step_label": "Reputation step",
    "moment_label": "Moment",
    "status_label": "Status",
    "owner": "Owner",
    "due_on": "Due",
    "notes": "Notes",
    "evidence_passed": "Evidence met",
    "evidence_total": "Evidence items",
    "proven": "Proven by the data",
    "unproven_claim": "Marked done, not proven",
    "evidence": "Evidence",
}
"""Every column a download may carry, in the order it is written, with the screen's label."""

ID_LABELS: dict[str, str] = {
    "touchpoint_id": "Touchpoint id",
    "cycle_id": "Service cycle id",
    "group_id": "Stakeholder group id",
}
"""Ids, written after everything else: they let a spreadsheet be matched back to the workspace."""

_VALUE_LABELS = {"moment": domain.MOMENTS, "source": domain.SOURCES}
_DIGITS = 3  # a mean on -1..+1 or a share: the third decimal is the last one an interval leaves meaningful


def _readable_values(column: pd.Series, key: str) -> pd.Series:
    """Vocabulary keys as labels, months as ``2026-10``, floats rounded; anything else as it is."""
    if key in _VALUE_LABELS:
        labels = {term.key: term.label for term in _VALUE_LABELS[key]}
        return column.map(lambda value: labels.get(value, value))
    if key == "month":
        return pd.to_datetime(column).dt.strftime("%Y-%m")
    if pd.api.types.is_float_dtype(column):
        return column.round(_DIGITS)
    return column


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a download shows it: known columns in the screen's words and order, ids
    last; working columns (sums, row numbers, chart labels) left out. A frame whose columns
    are already labels (none known) is returned as it is."""
    known = [key for key in COLUMN_LABELS if key in frame.columns]
    ids = [key for key in ID_LABELS if key in frame.columns]
    if not known:
        return frame
    # Two keys may share a label (touchpoint, touchpoint_name): the first one present wins.
    out = pd.DataFrame(index=frame.index)
    for key in known:
        if COLUMN_LABELS[key] not in out.columns:
            out[COLUMN_LABELS[key]] = _readable_values(frame[key], key)
    for key in ids:
        out[ID_LABELS[key]] = frame[key]
    return out.reset_index(drop=True)


def escape_cell(value: object) -> object:
    """The value, with a leading quote added when it is text that could run as a formula."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """Undoes ``escape_cell`` when a downloaded file comes back: ``'=x`` reads as ``=x`` again."""
    if text.startswith("'") and _FORMULA.match(text[1:]):
        return text[1:]
    return text


def escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every risky text cell (and column name) escaped."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(escape_cell)
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel reads accents correctly.

    Rows end in CRLF (RFC 4180): the csv writer then quotes every field holding a CR or an LF,
    so a comment with a bare CR cannot start a new row, formula first."""
    return escaped(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


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
