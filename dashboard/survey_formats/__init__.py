"""Survey-tool exports as they are: detecting the tool and layout, and turning answers into impressions.

Pure logic on a raw grid (a DataFrame of strings read with no header); no Streamlit, no
database, no files. The import pipeline reads the file, calls ``detect`` for the preview,
then ``to_long`` for the impressions.
"""

from __future__ import annotations

from dashboard.survey_formats.detect import detect
from dashboard.survey_formats.fingerprint import (
    column_identities,
    overrides_by_identity,
    overrides_from_identity,
    survey_fingerprint,
)
from dashboard.survey_formats.label_scales import answer_values, detect_scale, scale_from_order
from dashboard.survey_formats.layout import TOOLS, ColumnMapping, LeftOut, WideLayout
from dashboard.survey_formats.reshape import LONG_COLUMNS, to_long

__all__ = [
    "LONG_COLUMNS",
    "TOOLS",
    "ColumnMapping",
    "LeftOut",
    "WideLayout",
    "answer_values",
    "column_identities",
    "detect",
    "detect_scale",
    "overrides_by_identity",
    "overrides_from_identity",
    "scale_from_order",
    "survey_fingerprint",
    "to_long",
]
