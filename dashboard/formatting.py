"""How figures read on screen: one place, so every page writes a number the same way."""

from __future__ import annotations

import math
from collections.abc import Callable


def signed(value: float, digits: int = 2) -> str:
    """A score on -1..+1 with its sign: ``+0.58``, ``−0.12``; an em dash when unknown."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value:+.{digits}f}".replace("-", "−")


def percent(value: float) -> str:
    """A share as a whole percentage: ``79%``."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.0%}"


def signed_percent(value: float) -> str:
    """A difference of shares in percentage points: ``+74%``, ``−3%``."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value * 100:+.0f}%".replace("-", "−")


def interval(low: float, high: float, formatter: Callable[[float], str] = signed) -> str:
    """A 95% interval as ``95% CI +0.55 to +0.61``."""
    if any(v is None or math.isnan(v) for v in (low, high)):
        return "too few impressions for an interval"
    return f"95% CI {formatter(low)} to {formatter(high)}"


def count(value: float) -> str:
    """A count with thousands separators: ``12,345``."""
    return f"{int(value):,}"


def rate(value: float | None) -> str:
    """A rate as a percentage: one decimal below 10% (``1.2%``, where a whole number would hide
    the difference between 0.6% and 1.4%), whole from there (``24%``); an em dash when unknown."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.1%}" if abs(value) < 0.1 else f"{value:.0%}"
