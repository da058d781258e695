"""Mapping columns and names to the cycle's touchpoints and the stakeholder groups, cautiously.

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
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from dashboard.text import fold, key

FUZZY_THRESHOLD = 88.0
FUZZY_MARGIN = 6.0


@dataclass(frozen=True)
class Match:
    """The touchpoint found for one column (None when none), the part that named it, and why."""

    touchpoint: str | None
    sub_label: str
    reason: str


def match_columns(
    candidates: dict[int, list[str]],
    touchpoints: list[str] | tuple[str, ...],
    exact_only: frozenset[int] = frozenset(),
) -> dict[int, Match]:
    """Column index -> Match, for columns given as their header parts, most specific first.

    Columns in ``exact_only`` (those whose answers are on no known scale, which may well be
    free text) match only a header that names a touchpoint exactly. Reasons name other
    columns by their number as a person counts them (the first is 1).
    """
    matcher = _Matcher(touchpoints)
    for index, parts in candidates.items():
        matcher.exact(index, parts)
    loose = {index: parts for index, parts in candidates.items() if index not in exact_only}
    for index, parts in loose.items():
        matcher.inside(index, parts)
    for index, parts in loose.items():
        matcher.close(index, parts)
    for index, parts in candidates.items():
        if index not in matcher.found:
            matcher.found[index] = Match(None, parts[0] if parts else "", "names no touchpoint of the cycle")
    return matcher.found


class _Matcher:
    """The passes of matching, sharing which touchpoints are taken and by which column."""

    def __init__(self, touchpoints: list[str] | tuple[str, ...]) -> None:
        self.names: dict[str, str] = {}
        for name in touchpoints:
            self.names.setdefault(fold(name), name)
        self.taken: dict[str, int] = {}
        self.found: dict[int, Match] = {}

    def claim(self, index: int, name: str, sub_label: str, reason: str) -> None:
        if name in self.taken:
            holder = self.taken[name] + 1
            self.found[index] = Match(None, sub_label, f"also names {name}, which column {holder} records")
        else:
            self.taken[name] = index
            self.found[index] = Match(name, sub_label, reason)

    def exact(self, index: int, parts: list[str]) -> None:
        for part in parts:
            name = self.names.get(fold(part))
            if name is not None:
                self.claim(index, name, part, "named in the header")
                return

    def inside(self, index: int, parts: list[str]) -> None:
        if index in self.found or not parts:
            return
        inside = _names_inside(fold(parts[0]), self.names)
        if len(inside) == 1:
            self.claim(index, inside[0], parts[0], "name found in the question")

    def close(self, index: int, parts: list[str]) -> None:
        if index in self.found or not parts:
            return
        close = _closest(fold(parts[0]), self.names)
        if close is None:
            return
        if close in self.taken:
            holder = self.taken[close] + 1
            self.found[index] = Match(None, parts[0], f"close to {close}, which column {holder} records")
        else:
            self.claim(index, close, parts[0], f"close to the name {close}")


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


def match_names(names: Iterable[str], known: dict[str, int]) -> dict[str, int | None]:
    """The id each name refers to among ``known`` (name -> id), or None when none matches.

    Names meet when their ``dashboard.text.key`` agree (case, accents, punctuation, tags and
    spacing ignored); nothing fuzzier, since a wrong guess would put answers on the wrong
    touchpoint or group. Loops over distinct names, never over rows: pass a column's uniques.
    """
    index: dict[str, int] = {}
    for name, ident in known.items():
        index.setdefault(key(name), ident)
    return {name: index.get(key(name)) if key(name) else None for name in names}
