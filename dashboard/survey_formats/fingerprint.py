"""Recognising the same survey in next month's export, so a corrected mapping is asked for once.

A survey's identity is its header: the same survey exported again has the same column
identities (question ids, question texts, matrix rows), whatever its answers. Qualtrics'
JSON row counts only by its ``ImportId``: its time zone follows the export's settings.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from dashboard.survey_formats.fingerprints import IMPORT_ID
from dashboard.survey_formats.layout import WideLayout
from dashboard.survey_formats.text import fold, text_of


def column_identities(grid: pd.DataFrame, layout: WideLayout) -> tuple[str, ...]:
    """Per column, its header rows folded and joined: stable across exports of one survey."""
    identities: list[str] = []
    for index in range(grid.shape[1]):
        parts = [_identity(grid.iat[row, index]) for row in range(layout.header_rows)]
        identities.append("|".join(parts))
    return tuple(identities)


def survey_fingerprint(grid: pd.DataFrame, layout: WideLayout) -> str:
    """A short stable hash of the tool and the column identities (32 hex characters)."""
    text = json.dumps([layout.tool, layout.header_rows, *column_identities(grid, layout)], ensure_ascii=True)
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


def _identity(value: object) -> str:
    cell = text_of(value)
    if IMPORT_ID.match(cell):
        try:
            stated = json.loads(cell)
        except ValueError:
            return fold(cell)
        return fold(str(stated.get("ImportId", ""))) if isinstance(stated, dict) else fold(cell)
    return fold(cell)
