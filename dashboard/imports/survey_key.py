"""The survey key: recognising the same survey in next month's export, so a person is asked once.

A corrected column mapping and a chosen scale are remembered under the survey key. A tool's
export is known by its header: the same survey exported again has the same column identities
(question ids, question texts, matrix rows), whatever its answers. Qualtrics' JSON row counts
only by its ``ImportId``: its time zone follows the export's settings. A long-format file, whose
header is always the same, is known by its header and the touchpoints it names.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from dashboard.imports.headers import text_of
from dashboard.imports.layout import WideLayout
from dashboard.imports.tools import IMPORT_ID
from dashboard.text import fold, key


def column_identities(grid: pd.DataFrame, layout: WideLayout) -> tuple[str, ...]:
    """Per column, its header rows folded and joined: stable across exports of one survey."""
    identities: list[str] = []
    for index in range(grid.shape[1]):
        parts = [_identity(grid.iat[row, index]) for row in range(layout.header_rows)]
        identities.append("|".join(parts))
    return tuple(identities)


def wide_survey_key(grid: pd.DataFrame, layout: WideLayout) -> str:
    """A short stable hash of the tool and the column identities (32 hex characters)."""
    text = json.dumps([layout.tool, layout.header_rows, *column_identities(grid, layout)], ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def long_survey_key(header: list[str], touchpoint_names: list[str]) -> str:
    """The survey key of a long-format file: its header and the touchpoints it names, folded (32 hex characters)."""
    names = sorted({key(name) for name in touchpoint_names} - {""})
    text = json.dumps(["long", [key(cell) for cell in header], *names], ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def overrides_by_identity(
    grid: pd.DataFrame, layout: WideLayout, overrides: dict[int, str | None]
) -> dict[str, str | None]:
    """The user's corrections keyed by column identity, ready to remember for the survey."""
    identities = column_identities(grid, layout)
    return {identities[index]: touchpoint for index, touchpoint in overrides.items() if 0 <= index < len(identities)}


def overrides_from_identity(
    grid: pd.DataFrame, layout: WideLayout, remembered: dict[str, str | None]
) -> dict[int, str | None]:
    """Remembered corrections applied to a new export, even if its columns moved.

    Corrections for columns the new export lacks, or naming touchpoints no longer in the
    cycle, are dropped.
    """
    found: dict[int, str | None] = {}
    for index, identity in enumerate(column_identities(grid, layout)):
        if identity in remembered:
            touchpoint = remembered[identity]
            if touchpoint is None or touchpoint in layout.touchpoint_names:
                found[index] = touchpoint
    return found


def roles_by_identity(grid: pd.DataFrame, layout: WideLayout, roles: dict[str, int]) -> dict[str, str]:
    """The comment and group columns a person chose ({role: column}), keyed by column identity to remember."""
    identities = column_identities(grid, layout)
    return {role: identities[index] for role, index in roles.items() if 0 <= index < len(identities)}


def roles_from_identity(grid: pd.DataFrame, layout: WideLayout, remembered: dict[str, str]) -> dict[str, int]:
    """Remembered comment and group columns found again in a new export ({role: column}), even if they moved.

    A role whose column the export lacks, or whose column now records a touchpoint, is dropped.
    """
    where = {identity: index for index, identity in enumerate(column_identities(grid, layout))}
    return {
        role: where[identity]
        for role, identity in remembered.items()
        if identity in where and where[identity] not in layout.mapping
    }


def _identity(value: object) -> str:
    cell = text_of(value)
    if IMPORT_ID.match(cell):
        try:
            stated = json.loads(cell)
        except ValueError:
            return fold(cell)
        return fold(str(stated.get("ImportId", ""))) if isinstance(stated, dict) else fold(cell)
    return fold(cell)
