"""Header text as survey tools write it, made comparable with touchpoint names.

Exports wrap the touchpoint name in many ways: ``Question - Row`` (Qualtrics),
``Question [Row]`` (Google Forms, LimeSurvey), ``Row:Question`` (Alchemer), the question text
around the name ("How would you rate: Reception?"), HTML tags and entities, line breaks,
non-breaking spaces. ``sub_label_candidates`` lists the parts of a header that may be the name,
most specific first; they are compared through ``dashboard.text.fold``, the one text fold.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from dashboard.text import clean, fold

_BRACKETED = re.compile(r"\[([^\[\]]+)\]\s*$")
_PARENTHESISED = re.compile(r"\(([^()]+)\)\s*$")
_DASH = re.compile(r"\s+[-–—]\s+")
_DUPLICATE_SUFFIX = re.compile(r"^(.*?\D)\s*\.?(\d{1,2})$")


def text_of(cell: object) -> str:
    """A grid cell as stripped text: "" for a missing cell, ``str()`` of a stray number."""
    if isinstance(cell, str):
        return cell.strip()
    if cell is None or cell is pd.NA or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    return str(cell).strip()


def sub_label_candidates(text: str) -> list[str]:
    """The parts of a header that may name the touchpoint, most specific first, then the whole.

    ``"How satisfied were you? - Front desk"`` gives ``["Front desk", "How satisfied..."]``.
    """
    whole = clean(text)
    found: list[str] = []
    bracketed = _BRACKETED.search(whole)
    if bracketed:
        found.append(bracketed.group(1))
    parts = _DASH.split(whole)
    for start in range(len(parts) - 1, 0, -1):
        found.append(" - ".join(parts[start:]))
    found.extend(reversed(parts[1:-1]))  # "Question - Row - Column" of a side-by-side matrix
    if ":" in whole:
        head, _, tail = whole.partition(":")
        found.extend([whole.rpartition(":")[2], tail, head])
    parenthesised = _PARENTHESISED.search(whole)
    if parenthesised:
        found.append(parenthesised.group(1))
    found.append(whole)
    hyphenated = whole.split("-")  # the legacy Qualtrics form, "Question-Row", with no spaces
    found.extend("-".join(hyphenated[start:]) for start in range(len(hyphenated) - 1, 0, -1))
    unique: list[str] = []
    for part in found:
        candidate = part.strip()
        if fold(candidate) and candidate not in unique:
            unique.append(candidate)
    return unique


def without_duplicate_suffix(text: str) -> tuple[str, int] | None:
    """``("Reception", 2)`` for ``Reception2``, ``Reception 2`` or ``Reception.2``; else None."""
    match = _DUPLICATE_SUFFIX.match(clean(text))
    if not match:
        return None
    return match.group(1).rstrip(" ."), int(match.group(2))
