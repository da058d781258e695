"""Matching rating columns to the cycle's touchpoints, cautiously.

Three passes, each only for the columns the one before left unmatched:
1. exact: a part of the header (the matrix row, the text after ``:``, the whole header),
   folded, equals a touchpoint name, folded;
2. inside: exactly one touchpoint name appears, as whole words, in the header's most
   specific part ("How would you rate our reception desk?");
3. close: the most specific part is within a small edit distance of one touchpoint name
   (rapidfuzz ratio >= ``FUZZY_THRESHOLD``) and clearly closer to it than to any other.
A touchpoint goes to one column at most: a later column that also names it stays unmatched,
and its reason says which column has the touchpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from dashboard.survey_formats.text import fold

FUZZY_THRESHOLD = 88.0
FUZZY_MARGIN = 6.0


@dataclass(frozen=True)
class Match:
    """The touchpoint found for one column (None when none), the part that named it, and why."""

    touchpoint: str | None
    sub_label: str
    reason: str


def match_columns(candidates: dict[int, list[str]], touchpoints: list[str] | tuple[str, ...]) -> dict[int, Match]:
    """Column index -> Match, for columns given as their header parts, most specific first."""
    folded_names: dict[str, str] = {}
    for name in touchpoints:
        folded_names.setdefault(fold(name), name)
    taken: dict[str, int] = {}
    found: dict[int, Match] = {}

    def claim(index: int, name: str, sub_label: str, reason: str) -> None:
        if name in taken:
            found[index] = Match(None, sub_label, f"also names {name}, which column {taken[name] + 1} records")
        else:
            taken[name] = index
            found[index] = Match(name, sub_label, reason)

    for index, parts in candidates.items():
        for part in parts:
            name = folded_names.get(fold(part))
            if name is not None:
                claim(index, name, part, "named in the header")
                break
    for index, parts in candidates.items():
        if index in found or not parts:
            continue
        inside = _names_inside(fold(parts[0]), folded_names)
        if len(inside) == 1:
            claim(index, inside[0], parts[0], "name found in the question")
    for index, parts in candidates.items():
        if index in found or not parts:
            continue
        close = _closest(fold(parts[0]), folded_names)
        if close is not None:
            if close in taken:
                found[index] = Match(None, parts[0], f"close to {close}, which column {taken[close] + 1} records")
            else:
                claim(index, close, parts[0], f"close to the name {close}")
    for index, parts in candidates.items():
        if index not in found:
            found[index] = Match(None, parts[0] if parts else "", "names no touchpoint of the cycle")
    return found


def _names_inside(text: str, folded_names: dict[str, str]) -> list[str]:
    """Touchpoints named inside the text as whole words; a name inside a longer found name counts once."""
    hits = [folded for folded in folded_names if folded and re.search(rf"\b{re.escape(folded)}\b", text)]
    longest = [hit for hit in hits if not any(hit != other and hit in other for other in hits)]
    return [folded_names[hit] for hit in longest]


def _closest(text: str, folded_names: dict[str, str]) -> str | None:
    if not text or not folded_names:
        return None
    ranked = process.extract(text, list(folded_names), scorer=fuzz.ratio, limit=2)
    if not ranked or ranked[0][1] < FUZZY_THRESHOLD:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MARGIN:
        return None
    return folded_names[ranked[0][0]]
