"""What was detected in a wide survey export: the tool, the header rows, and what each column is.

A ``WideLayout`` is plain, frozen data: the preview shows it, the user corrects it
(``with_overrides``, ``with_columns``), and ``to_long`` turns the grid into impressions with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from dashboard.scales import Scale

TOOLS: tuple[str, ...] = (
    "qualtrics",
    "qualtrics_legacy",
    "surveymonkey",
    "google_forms",
    "microsoft_forms",
    "typeform",
    "limesurvey",
    "alchemer",
    "generic_wide",
    "long",
)
TOOL_NAMES: dict[str, str] = {
    "qualtrics": "Qualtrics",
    "qualtrics_legacy": "Qualtrics (legacy export)",
    "surveymonkey": "SurveyMonkey",
    "google_forms": "Google Forms",
    "microsoft_forms": "Microsoft Forms",
    "typeform": "Typeform",
    "limesurvey": "LimeSurvey",
    "alchemer": "Alchemer",
    "generic_wide": "a sheet with one column per touchpoint",
    "long": "the long format (one impression per row)",
}
SET_BY_HAND = "set by hand"


@dataclass(frozen=True)
class ColumnMapping:
    """A rating column: its header, the part naming the touchpoint, and the touchpoint it records.

    ``touchpoint`` is None for a rating question that names no touchpoint of the cycle (an
    overall question, say): such a column is not imported unless the user maps it.
    ``scale`` is the smallest known scale holding this column's answers; the layout's
    ``scale`` (over every imported column) is the one to import with.
    """

    column_index: int
    header_text: str
    sub_label: str
    touchpoint: str | None
    reason: str
    scale: Scale | None = None
    source_columns: tuple[int, ...] = ()
    """For SurveyMonkey's expanded layout, every option column read as this one; else empty."""


@dataclass(frozen=True)
class LeftOut:
    """A column that records no impressions, and why (id, date, ip address, email, free text...)."""

    column_index: int
    header_text: str
    reason: str


@dataclass(frozen=True)
class WideLayout:
    """Everything detected in one export; columns are 0-based positions in the grid."""

    tool: str
    header_rows: int
    date_column: int | None = None
    group_column: int | None = None
    comment_column: int | None = None
    columns: tuple[ColumnMapping, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    scale: Scale | None = None
    """The scale of every imported column's answers, when they settle it."""
    scale_candidates: tuple[Scale, ...] = ()
    """The scales those answers could be on (the settled one first); several and no ``scale``: a guess."""
    touchpoint_names: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    time_zone: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def tool_name(self) -> str:
        """The tool as a person would name it."""
        return TOOL_NAMES[self.tool]

    @property
    def imported(self) -> tuple[ColumnMapping, ...]:
        """The rating columns that record impressions (those with a touchpoint)."""
        return tuple(column for column in self.columns if column.touchpoint is not None)

    @property
    def mapping(self) -> dict[int, str]:
        """Column index -> touchpoint, for the columns that record impressions."""
        return {column.column_index: column.touchpoint for column in self.imported if column.touchpoint}

    @property
    def sources(self) -> dict[int, tuple[int, ...]]:
        """Column index -> the option columns read as it (SurveyMonkey expanded), where there are several."""
        return {column.column_index: column.source_columns for column in self.columns if column.source_columns}

    @property
    def unmatched(self) -> tuple[ColumnMapping, ...]:
        """Rating columns that name no touchpoint: left out unless the user maps them."""
        return tuple(column for column in self.columns if column.touchpoint is None)

    @property
    def left_out_all(self) -> tuple[LeftOut, ...]:
        """Every column that records nothing: ``left_out`` plus the unmatched rating columns."""
        unmatched = [LeftOut(c.column_index, c.header_text, "rating: " + c.reason) for c in self.unmatched]
        return tuple(sorted([*self.left_out, *unmatched], key=lambda column: column.column_index))

    @property
    def touchpoints_without_column(self) -> tuple[str, ...]:
        """The cycle's touchpoints that no column records."""
        taken = set(self.mapping.values())
        return tuple(name for name in self.touchpoint_names if name not in taken)

    @property
    def free_text_columns(self) -> tuple[LeftOut, ...]:
        """Left-out columns of free text: the candidates for the comment column."""
        return tuple(column for column in self.left_out if column.reason == "free text")

    def header_of(self, index: int) -> str:
        """The header text of a column, as shown in the preview."""
        return self.headers[index] if 0 <= index < len(self.headers) else ""

    def with_overrides(self, overrides: dict[int, str | None]) -> WideLayout:
        """The layout with the user's corrections: column index -> touchpoint, or None to skip.

        A left-out column can be mapped too. Raises ValueError for an unknown column or
        touchpoint. Two columns on one touchpoint are allowed when the user says so, and noted.
        """
        if not overrides:
            return self
        unknown = [name for name in overrides.values() if name is not None and name not in self.touchpoint_names]
        if unknown:
            raise ValueError("no such touchpoint in the cycle: " + ", ".join(sorted(set(unknown))))
        by_index = {column.column_index: column for column in self.columns}
        left = {column.column_index: column for column in self.left_out}
        for index, touchpoint in overrides.items():
            if index in by_index:
                by_index[index] = replace(by_index[index], touchpoint=touchpoint, reason=SET_BY_HAND)
            elif index in left:
                column = left.pop(index)
                by_index[index] = ColumnMapping(index, column.header_text, column.header_text, touchpoint, SET_BY_HAND)
            else:
                raise ValueError(f"no column {index} among the survey's columns")
        columns = tuple(sorted(by_index.values(), key=lambda c: c.column_index))
        notes = tuple(note for note in self.notes if not note.startswith("two columns record"))
        counts = pd.Series([c.touchpoint for c in columns if c.touchpoint]).value_counts()
        shared = [f"two columns record {name}" for name, count in counts.items() if count > 1]
        return replace(self, columns=columns, left_out=tuple(left.values()), notes=notes + tuple(shared))

    def with_columns(
        self, *, date: int | None = None, group: int | None = None, comment: int | None = None
    ) -> WideLayout:
        """The layout with the date, group or comment column set by the user (None keeps it).

        A column this replaces goes back among the left-out columns, as the date or group it was.
        """
        chosen_indexes = {index for index in (date, group, comment) if index is not None}
        if any(index in self.mapping for index in chosen_indexes):
            raise ValueError("a column recording impressions cannot also be the date, group or comment")
        replaced = [
            LeftOut(old, self.header_of(old), role)
            for role, old, new in (("date", self.date_column, date), ("group", self.group_column, group))
            if new is not None and old is not None and old != new and old not in chosen_indexes
        ]
        kept = [column for column in self.left_out if column.column_index not in chosen_indexes]
        return replace(
            self,
            date_column=date if date is not None else self.date_column,
            group_column=group if group is not None else self.group_column,
            comment_column=comment if comment is not None else self.comment_column,
            left_out=tuple(sorted(kept + replaced, key=lambda column: column.column_index)),
            columns=tuple(column for column in self.columns if column.column_index not in chosen_indexes),
        )

    def preview(self) -> pd.DataFrame:
        """One row per column of the export: what it is and what it records, for a table.

        Columns: ``column`` (0-based), ``header``, ``role`` (rating, left out, date, group,
        comment, option of column N), ``touchpoint``, ``why``, ``scale`` (its spec).
        """
        rows: list[dict[str, object]] = []
        roles = {self.date_column: "date", self.group_column: "group", self.comment_column: "comment"}
        for column in self.columns:
            role = "rating" if column.touchpoint else "left out"
            scale = column.scale.spec if column.scale else None
            rows.append(_row(column.column_index, column.header_text, role, column.touchpoint, column.reason, scale))
            for member in column.source_columns[1:]:
                part = f"option of column {column.column_index + 1}"
                rows.append(_row(member, self.header_of(member), part, column.touchpoint, part, None))
        for left in self.left_out:
            rows.append(_row(left.column_index, left.header_text, "left out", None, left.reason, None))
        for index, role in roles.items():
            if index is not None:
                rows.append(_row(index, self.header_of(index), role, None, role, None))
        frame = pd.DataFrame(rows, columns=["column", "header", "role", "touchpoint", "why", "scale"], dtype=object)
        frame["column"] = frame["column"].astype("int64")
        return frame.sort_values("column", kind="stable").reset_index(drop=True)


def _row(column: int, header: str, role: str, touchpoint: str | None, why: str, scale: str | None) -> dict[str, object]:
    return {"column": column, "header": header, "role": role, "touchpoint": touchpoint, "why": why, "scale": scale}
