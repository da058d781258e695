"""Customer flow: how many customers pass each of the four moments, and where they come from.

The vocabulary lives here: the seven measures (each belongs to one moment), the usual sources
of prospects, each moment's conversion (what share of the customers reaching it pass on), and
the settings (target conversion per moment, what a customer is worth, what winning one costs).
Plain Python: no SQL, no Streamlit. ``files`` reads flow files, ``measures`` turns counts into
rates with intervals, ``demo`` writes the demo workspace's flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from dashboard.text import key


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    moment: str
    help: str


MEASURES: tuple[Measure, ...] = (
    Measure("prospects", "Prospects", "now_or_never", "People who made a first contact, by where they came from."),
    Measure("customers_won", "Customers won", "make_or_break", "Prospects who decided to buy."),
    Measure("active_customers", "Active customers", "keep_or_lose", "Customers on the books when the month began."),
    Measure("retained", "Retained", "keep_or_lose", "Of those, customers still with the business at the month's end."),
    Measure("lost", "Lost", "keep_or_lose", "Of those, customers who left during the month (churn)."),
    Measure("repeat_purchases", "Repeat purchases", "multiplier", "Purchases by customers who had bought before."),
    Measure("referrals", "Referrals", "multiplier", "New prospects a customer sent to the business."),
)
MEASURE_KEYS = tuple(m.key for m in MEASURES)
MEASURE_MOMENT = {m.key: m.moment for m in MEASURES}
_MEASURE_BY_KEY = {key(m.key): m.key for m in MEASURES}

SOURCES: tuple[str, ...] = (
    "Web site",
    "Word of mouth",
    "E-mail or phone",
    "Social media",
    "Chance encounter",
    "Advertising",
    "Trade articles",
    "Referral",
)
"""The usual sources of prospects; a team may add its own (any other name in a flow file)."""
_SOURCE_BY_KEY = {key(s): s for s in SOURCES} | {key("website"): "Web site", key("email"): "E-mail or phone"}

CONVERSIONS: dict[str, tuple[str, str, str]] = {
    "make_or_break": ("customers_won", "prospects", "Prospects who became customers"),
    "keep_or_lose": ("retained", "active_customers", "Active customers kept through the month"),
    "multiplier": ("repeat_purchases", "retained", "Repeat purchases per retained customer"),
}
"""Each moment's conversion: (passed on, reached, what it means). Now-or-Never is where prospects
enter the chain, so it has no share of its own to convert."""


def measure_label(measure: str) -> str:
    return next((m.label for m in MEASURES if m.key == measure), measure)


def match_measure(text: object) -> str | None:
    """The measure a cell names, tolerant of case, spacing and punctuation; None when none."""
    return _MEASURE_BY_KEY.get(key(text))


def match_source(text: str) -> str:
    """The usual spelling of a known source, else the name as written (a team's own source)."""
    return _SOURCE_BY_KEY.get(key(text), " ".join(text.split()))


@dataclass(frozen=True)
class Settings:
    """What the Flow page measures against. Conversions are shares; money is in one currency."""

    target_make_or_break: float = 0.25
    target_keep_or_lose: float = 0.97
    target_multiplier: float = 0.05
    customer_value: float = 1200.0
    win_cost: float = 300.0
    win_to_keep_ratio: float = 5.5

    @classmethod
    def from_stored(cls, stored: Mapping[str, float]) -> Settings:
        """Stored values over the defaults; unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in stored.items() if k in names})

    def target(self, moment: str) -> float | None:
        value: Any = getattr(self, f"target_{moment}", None)
        return None if value is None else float(value)

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


SETTING_BOUNDS: dict[str, tuple[float, float]] = {
    "target_make_or_break": (0.0, 1.0),
    "target_keep_or_lose": (0.0, 1.0),
    "target_multiplier": (0.0, 10.0),
    "customer_value": (0.0, 1e9),
    "win_cost": (0.0, 1e9),
    "win_to_keep_ratio": (1.0, 100.0),
}


def check_settings(values: Mapping[str, float]) -> dict[str, float]:
    """The values to store, or ValueError naming the first one unknown or out of bounds."""
    checked = {}
    for name, value in values.items():
        if name not in SETTING_BOUNDS:
            raise ValueError(f"unknown flow setting {name!r}")
        low, high = SETTING_BOUNDS[name]
        if not low <= float(value) <= high:
            raise ValueError(f"{name.replace('_', ' ')} must be between {low:g} and {high:g}")
        checked[name] = float(value)
    return checked
