"""The vocabulary of the product: moments, reputation steps, situations, channels, sources.

Everything here is plain data. The order of the tuples is meaningful: moments are the
customer's journey in sequence, steps are the reputation method in sequence. Keys are the
stable identifiers stored in the database; labels are what people read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A stored key with the label and one-line explanation shown to people."""

    key: str
    label: str
    help: str


MOMENTS: tuple[Term, ...] = (
    Term("now_or_never", "Now-or-Never", "First contact: how a prospect first meets us."),
    Term("make_or_break", "Make-or-Break", "Weighing us up: consideration, negotiation, decision."),
    Term("keep_or_lose", "Keep-or-Lose", "Living with the purchase: where customers stay or drift away."),
    Term("multiplier", "Multiplier", "Coming back and bringing others: repeat business and referrals."),
)
MOMENT_KEYS: tuple[str, ...] = tuple(m.key for m in MOMENTS)

REPUTATION_STEPS: tuple[Term, ...] = (
    Term("identify_groups", "Identify groups", "Name the groups whose opinion of us matters."),
    Term("decide_reputation", "Decide the reputation", "Write down what each group should think and say of us."),
    Term("isolate_contacts", "Isolate contacts", "List every way we communicate and interact with them."),
    Term("specify_behaviours", "Specify behaviours", "Set the behaviour expected at each contact: its standard."),
    Term("perform", "Perform", "Deliver at that level at every contact, every time."),
    Term("measure", "Measure and monitor", "Track the impressions we leave and the reactions we get."),
    Term("institute", "Institute standards", "Build systems and reviews that keep the standards alive."),
)
STEP_KEYS: tuple[str, ...] = tuple(s.key for s in REPUTATION_STEPS)

SITUATIONS: tuple[Term, ...] = (
    Term("making_the_sale", "Making the sale", "The customer commits and expects the promise to hold."),
    Term("service_start", "Delivery or service start", "The product arrives or the service begins."),
    Term("problem_found", "A problem surfaces", "Something does not work as the customer expected."),
    Term("complaint", "A complaint", "The customer tells us we fell short."),
    Term("competitor_pressure", "Competitor pressure", "Someone else courts our customer."),
    Term(
        "retention_contact", "Regular retention contact", "A routine contact that should feel personal and memorable."
    ),
)
SITUATION_KEYS: tuple[str, ...] = tuple(s.key for s in SITUATIONS)

DEFAULT_CHANNELS: tuple[str, ...] = (
    "Website",
    "Email",
    "Phone",
    "In person",
    "Social media",
    "Advertising",
    "Word of mouth",
    "Post",
    "Chat",
)

SOURCES: tuple[Term, ...] = (
    Term("survey", "Survey", "Imported from a survey file."),
    Term("workshop", "Workshop", "A vote cast in a live workshop session."),
    Term("manual", "Manual entry", "Typed in by hand."),
)
SOURCE_KEYS: tuple[str, ...] = tuple(s.key for s in SOURCES)

PLAN_STATUSES: tuple[Term, ...] = (
    Term("not_started", "Not started", "Nobody has picked this up yet."),
    Term("in_progress", "In progress", "Work is under way."),
    Term("done", "Done", "The owner says this is in place."),
    Term("at_risk", "At risk", "Slipping: behind schedule or losing ground."),
)
PLAN_STATUS_KEYS: tuple[str, ...] = tuple(s.key for s in PLAN_STATUSES)

IDEA_STATUSES: tuple[Term, ...] = (
    Term("proposed", "Proposed", "Suggested, not yet decided."),
    Term("adopted", "Adopted", "Agreed and being put into practice."),
    Term("standard", "Made a standard", "Now part of the touchpoint's standard."),
)
IDEA_STATUS_KEYS: tuple[str, ...] = tuple(s.key for s in IDEA_STATUSES)

DEFAULT_TARGET = 0.5
"""Normalised score an impression must reach to meet the standard, unless a touchpoint sets
its own: 4 on a 1-5 scale, 7.5 on 0-10, +1 on -2..+2."""


def label(terms: tuple[Term, ...], key: str) -> str:
    """The label of the term stored under ``key``; raises KeyError for an unknown key."""
    for term in terms:
        if term.key == key:
            return term.label
    raise KeyError(key)


def moment_label(key: str) -> str:
    """The readable name of a moment key, e.g. ``make_or_break`` -> ``Make-or-Break``."""
    return label(MOMENTS, key)


def moment_from_text(text: str) -> str:
    """The moment key for a name typed by a person, tolerant of case, spaces and dashes.

    >>> moment_from_text(" make or  BREAK")
    'make_or_break'
    """
    wanted = _squash(text)
    for moment in MOMENTS:
        if wanted in (_squash(moment.key), _squash(moment.label)):
            return moment.key
    raise ValueError(f"unknown moment {text!r}; expected one of: {', '.join(m.label for m in MOMENTS)}")


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
