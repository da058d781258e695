"""The thresholds the reputation plan's evidence is judged by: settings with defaults and
bounds, stored per workspace, and the ``Thresholds`` the rules read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One threshold people can change: its stored key, label, help, default and bounds."""

    key: str
    label: str
    help: str
    default: float
    low: float
    high: float
    whole: bool  # a count or a number of days rather than a share


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "recent_days", "Recent means the last … days", "Window for survey coverage and performance.", 90, 1, 730, True
    ),
    Setting("min_groups", "Stakeholder groups needed", "Step 1 needs at least this many groups.", 1, 1, 50, True),
    Setting(
        "min_statement_share",
        "Share of groups with a desired reputation",
        "Step 2 passes when at least this share of groups has a statement for the moment.",
        1.0,
        0.0,
        1.0,
        False,
    ),
    Setting("min_touchpoints", "Touchpoints needed per moment", "Step 3 needs this many mapped.", 1, 1, 100, True),
    Setting(
        "min_standard_share",
        "Share of touchpoints with a standard",
        "Step 4 passes when at least this share of the moment's touchpoints has a written standard.",
        1.0,
        0.0,
        1.0,
        False,
    ),
    Setting(
        "min_meeting_share",
        "Share of recent impressions at or above target",
        "Step 5 passes when at least this share of the moment's recent impressions meets its target.",
        0.8,
        0.0,
        1.0,
        False,
    ),
    Setting(
        "min_recent_impressions",
        "Recent impressions needed per moment",
        "Step 6 needs at least this many impressions in the recent window.",
        30,
        1,
        100_000,
        True,
    ),
    Setting(
        "min_recent_coverage",
        "Share of touchpoints with a recent impression",
        "Step 6 also needs this share of the moment's touchpoints heard from recently.",
        0.8,
        0.0,
        1.0,
        False,
    ),
    Setting(
        "min_ideas_standard",
        "Enhancement ideas made a standard",
        "Step 7 needs at least this many ideas turned into a standard at the moment.",
        1,
        0,
        100,
        True,
    ),
    Setting(
        "min_reviewed_share",
        "Share of standards reviewed on time",
        "Step 7 also needs this share of the moment's standards reviewed within their cadence.",
        1.0,
        0.0,
        1.0,
        False,
    ),
)
SETTING_KEYS = tuple(s.key for s in SETTINGS)


@dataclass(frozen=True)
class Thresholds:
    """The thresholds the rules use; build with ``Thresholds.from_settings``."""

    recent_days: int = 90
    min_groups: int = 1
    min_statement_share: float = 1.0
    min_touchpoints: int = 1
    min_standard_share: float = 1.0
    min_meeting_share: float = 0.8
    min_recent_impressions: int = 30
    min_recent_coverage: float = 0.8
    min_ideas_standard: int = 1
    min_reviewed_share: float = 1.0

    @classmethod
    def from_settings(cls, stored: Mapping[str, float]) -> Thresholds:
        """Stored values over the defaults; unknown keys are ignored."""
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            if setting.key in stored:
                value = stored[setting.key]
                values[setting.key] = int(value) if setting.whole else float(value)
        return cls(**values)

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


def check_settings(values: Mapping[str, float]) -> dict[str, float]:
    """The values to store, or ValueError naming the first one out of bounds or unknown."""
    by_key = {s.key: s for s in SETTINGS}
    checked = {}
    for key, value in values.items():
        if key not in by_key:
            raise ValueError(f"unknown setting {key!r}")
        setting = by_key[key]
        if not setting.low <= value <= setting.high:
            raise ValueError(f"{setting.label} must be between {setting.low:g} and {setting.high:g}")
        if setting.whole and value != int(value):
            raise ValueError(f"{setting.label} must be a whole number")
        checked[key] = float(value)
    return checked
