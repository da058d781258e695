"""Text as people type it: the one fold used to match names, and the rules every stored name keeps.

Names arrive from the map page, map files, survey headers, group columns and workshop phones.
They are matched loosely (``fold`` / ``key``: case, accents, punctuation, HTML tags and entities
and every kind of space ignored) so "Front-desk check-in" and "front desk CHECK IN" are one
touchpoint, and two names that fold to the same key clash. Before a name or a text is stored it
is cleaned (``clean_name`` / ``clean_text``): Unicode NFC, no bidirectional overrides or
zero-width characters (which let ``Invoice \\u202egnp.exe`` display as "…exe.png"), a length
limit, and, for names, a key that is not empty (a name that is only a tag could never be
matched by a survey).
"""

from __future__ import annotations

import html
import re
import unicodedata

NAME_LIMIT = 200
"""Longest name (cycle, touchpoint, group, team, source) in characters."""
TEXT_LIMIT = 5_000
"""Longest free text (descriptions, standards, ideas, comments) in characters."""

_TAG = re.compile(r"<[^>]{0,200}>")
_NOT_WORD = re.compile(r"[^\w]+")
# Bidirectional embeddings, overrides and isolates, zero-width characters, the BOM and the soft
# hyphen: invisible, and able to make a name display as something it is not.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Control characters other than tab and newline (which free text may keep).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Readable one-line text: entities decoded, tags dropped, every run of space one space."""
    unescaped = html.unescape(html.unescape(text))
    return " ".join(_TAG.sub(" ", unescaped).split())


def fold(text: str) -> str:
    """Bare words of a text, for matching: clean, accents dropped, case folded, punctuation gone."""
    decomposed = unicodedata.normalize("NFKD", clean(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare.casefold()).replace("_", " ").split())


def key(text: object) -> str:
    """The matching key of a name: its folded words with no spaces ("" for a non-text cell).

    Two names with the same key are the same name: "Front-desk", "front desk" and "FRONT DESK"
    all give ``frontdesk``.
    """
    return fold(text).replace(" ", "") if isinstance(text, str) else ""


def _visible(text: str) -> str:
    return _CONTROL.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", text)))


def clean_name(text: str, what: str = "name", limit: int = NAME_LIMIT) -> str:
    """A name as it is stored: NFC, invisible characters removed, spaces collapsed, checked.

    Raises ValueError with a message for the user when the name is empty, longer than
    ``limit`` characters, or has nothing a survey could match it by.
    """
    name = " ".join(_visible(text).split())
    if not name:
        raise ValueError(f"A {what} needs a name.")
    if len(name) > limit:
        raise ValueError(f"A {what} name can be at most {limit:,} characters long (this one has {len(name):,}).")
    if not key(name):
        raise ValueError(f"The {what} name “{name}” has no letters or digits to recognise it by.")
    return name


def clean_text(text: str | None, what: str = "text", limit: int = TEXT_LIMIT) -> str:
    """Free text as it is stored: NFC, invisible characters removed, ends trimmed, checked.

    Line breaks stay. Raises ValueError when the text is longer than ``limit`` characters.
    """
    if not text:
        return ""
    cleaned = _visible(text.replace("\r\n", "\n")).strip()
    if len(cleaned) > limit:
        raise ValueError(f"The {what} can be at most {limit:,} characters long (this one has {len(cleaned):,}).")
    return cleaned


def clean_label(text: str | None, what: str = "label") -> str:
    """A short optional label (a channel, an author, an owner): cleaned like a text, on one line."""
    return " ".join(clean_text(text, what, NAME_LIMIT).split())
