"""Names as people type them: touchpoints (and groups, cycles, column headers) matched loosely.

Two spellings of one name meet when they agree letter for letter after folding: case,
accents, punctuation, HTML tags and entities, and every kind of space are ignored, so
"Front-desk check-in", "front desk CHECK IN" and "Front desk check‑in " are the same touchpoint.
Nothing fuzzier than that: a near miss is listed as unmatched for a person to decide, because
a wrong guess would silently put impressions on the wrong touchpoint.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

_TAG = re.compile(r"<[^>]{0,200}>")


def fold_key(text: object) -> str:
    """The comparison key of a name: lower-case letters and digits only, accents removed."""
    if not isinstance(text, str):
        return ""
    plain = _TAG.sub(" ", html.unescape(text))
    decomposed = unicodedata.normalize("NFKD", plain)
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).casefold()


def match_names(names: Iterable[str], known: dict[str, int]) -> dict[str, int | None]:
    """The id each name refers to among ``known`` (name -> id), or None when none matches.

    Loops over distinct names, never over rows: callers pass the uniques of a column.
    """
    index: dict[str, int] = {}
    for name, ident in known.items():
        index.setdefault(fold_key(name), ident)
    return {name: index.get(fold_key(name)) if fold_key(name) else None for name in names}
