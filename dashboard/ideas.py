"""Enhancement ideas move one way: proposed, then adopted, then made part of the standard.

The order is ``domain.IDEA_STATUSES``; the store refuses a step back. This module says which
step an idea may take next, so a page offers exactly that one.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import domain

STEP_BUTTONS = {"adopted": "Adopt it", "standard": "Make it a standard"}
"""What the button that takes an idea to each status says."""


@dataclass(frozen=True)
class Step:
    """The one step an idea may take next."""

    status: str
    button: str
    rewrite_standard: bool
    """Whether rewriting the touchpoint's standard is offered ticked: an idea made part of the
    standard usually changes its text, an adopted one is still being tried."""


def next_step(status: str) -> Step | None:
    """The step that follows ``status``; None for an idea already part of the standard."""
    if status not in domain.IDEA_STATUS_KEYS:
        raise ValueError(f"Unknown idea status {status!r}.")
    later = domain.IDEA_STATUS_KEYS[domain.IDEA_STATUS_KEYS.index(status) + 1 :]
    if not later:
        return None
    return Step(later[0], STEP_BUTTONS[later[0]], rewrite_standard=later[0] == "standard")


def standard_with(standard: str, idea: str) -> str:
    """The touchpoint's standard with the idea added at its end: the text offered for rewriting it."""
    return f"{standard.strip()} {idea.strip()}".strip()
