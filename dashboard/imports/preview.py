"""What an import is checked against, the choices a person makes, and the preview it gives.

``Context`` is what the workspace knows (the cycle's touchpoints, the stakeholder groups),
``Options`` the person's choices (scale, date order, decisions for names that match nothing),
``Preview`` what an import would record: ``dashboard.store.imports.commit`` writes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd

from dashboard.imports import dates
from dashboard.imports.layout import WideLayout
from dashboard.imports.reading import SurveyError
from dashboard.scales import Scale

CREATE = "create"
"""A decision for a touchpoint or group name that matches nothing: add it during the import."""
SKIP = "skip"
"""A decision for an unmatched touchpoint name: leave its rows out (rejected, with the reason)."""
NO_GROUP = "no group"
"""A decision for an unmatched group name: import its rows without a stakeholder group."""


@dataclass(frozen=True)
class Remembered:
    """What was confirmed for a survey before: column corrections and the scale chosen."""

    columns: dict[str, str | None] = field(default_factory=dict)
    """Column identity -> touchpoint name (None = left out)."""
    scale: Scale | None = None
    roles: dict[str, str] = field(default_factory=dict)
    """Wide exports: the comment and group columns chosen, {"comment" / "group": column identity}."""


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
    """The scale of the answers, chosen by the person: when the answers do not settle it (or to correct it)."""
    date_order: str = dates.AUTO
    name_map: dict[str, int | str] = field(default_factory=dict)
    """For touchpoint names that match nothing: a touchpoint id, ``CREATE`` or ``SKIP``."""
    group_map: dict[str, int | str] = field(default_factory=dict)
    """For group names that match no stakeholder group: a group id, ``CREATE`` (the default) or ``NO_GROUP``."""
    sheet: str | None = None
    overrides: tuple[tuple[int, str | None], ...] = ()
    """Wide exports: the user's corrections, (0-based column, touchpoint name or None = leave out)."""
    comment_column: int | None = None
    """Wide exports: the column whose free text becomes each impression's comment."""
    group_column: int | None = None
    """Wide exports: the column naming each respondent's stakeholder group (detected when None)."""
    label_order: tuple[str, ...] = ()
    """Wide exports: answers no known scale holds, worst first (see ``UnknownLabelsError``)."""
    respondent_rows: bool = False
    """Set by the wide reader: rows sharing a file row number are one respondent's response."""


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
    new_groups: list[str] = field(default_factory=list)
    """Stakeholder groups the import creates; their impressions carry group ids -1, -2, ... until then."""
    sheets: tuple[str, ...] = ()
    layout: WideLayout | None = None
    """Wide exports: what was detected (tool, columns, mapping); None for the long format."""
    survey_key: str = ""
    """The survey's identity, under which a corrected mapping and a chosen scale are remembered."""
    remember_scale: str = ""
    """The spec of a scale the person chose, to remember for this survey ("" when none was chosen)."""
    remember: dict[str, str | None] = field(default_factory=dict)
    """Wide exports: corrections to remember for this survey (column identity -> touchpoint)."""
    recalled: dict[int, str | None] = field(default_factory=dict)
    """Wide exports: remembered corrections applied automatically (column -> touchpoint)."""
    remember_roles: dict[str, str] = field(default_factory=dict)
    """Wide exports: comment and group columns the person chose, to remember ({role: column identity})."""
    recalled_roles: dict[str, int] = field(default_factory=dict)
    """Wide exports: remembered comment and group columns applied automatically ({role: column})."""

    @property
    def answers_found(self) -> int:
        """Answers the file gives (to be recorded or rejected); missing answers are not among them."""
        return len(self.impressions) + len(self.rejected)

    def figures(self) -> list[tuple[str, int, str]]:
        """What the preview counts, each as (label, count, help), every label saying its unit.

        A survey tool's export holds one response per row and several answers per response;
        a long-format file holds one answer per row. Rejections and missing answers are
        counted in answers, so they compare with "Answers found", never with the rows.
        """
        wide = self.layout is not None
        return [
            (
                "Responses read" if wide else "Rows read",
                self.rows_read,
                "Rows below the header: one respondent's response each."
                if wide
                else "Rows below the header: one answer each.",
            ),
            ("Answers found", self.answers_found, "Ratings given, whether they can be recorded or not."),
            ("Impressions to record", len(self.impressions), "Answers that pass every check."),
            ("Answers rejected", len(self.rejected), "Answers that fail a check; the reasons are listed below."),
            (
                "Missing answers",
                self.missing_answers,
                "Rating cells left blank or answered N/A, Not applicable, Don't know or -99: not a score, "
                "so not recorded and not rejected.",
            ),
        ]

    def counts(self) -> dict[str, int]:
        """Impressions per touchpoint name."""
        names = [str(n) for n in self.per_touchpoint["touchpoint"].tolist()]
        return dict(zip(names, (int(n) for n in self.per_touchpoint["impressions"].tolist()), strict=True))

    def refusal(self, strict: bool = False) -> str | None:
        """Why nothing should be written, or None when the import may go ahead.

        ``strict`` refuses a file with any rejected row, or one that would create stakeholder groups.
        """
        if strict and self.new_groups:
            return (
                f"strict mode: the file would create {len(self.new_groups)} stakeholder group(s) "
                f"({', '.join(self.new_groups[:6])}); nothing was imported"
            )
        if strict and len(self.rejected):
            first = self.rejected.iloc[0]
            return (
                f"strict mode: {len(self.rejected):,} answer(s) rejected, e.g. row {first['row']}: {first['reason']}; "
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


def content_hash_of(data: bytes) -> str:
    """The content hash that recognises a file imported before, whatever its name."""
    return hashlib.sha256(data).hexdigest()
