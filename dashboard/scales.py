"""Rating scales and their normalisation onto the common impression score (-1 .. +1).

A scale is either a numeric range (``1-5``, ``0-10``, ``-2..2``) or an ordered set of labels
(worst first). Whatever the scale, its lowest point maps to -1, its highest to +1 and the
points between linearly, so a 3 on 1-5, a 5 on 0-10 and "Neutral" all score 0.

Scales travel as short text specs, the form stored beside every impression:
``1-5``, ``-2..2``, ``labels:Poor|Fair|Good``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.text import fold

_RANGE = re.compile(r"^\s*(-?\d+)\s*(?:\.\.|-|–|to)\s*(\+?-?\d+)\s*$")
LABELS_PREFIX = "labels:"


def label_key(text: str) -> str:
    """The form a label and an answer are matched in: ``dashboard.text.fold``, the one text fold.

    A label with no letters or digits ("+", an emoji) folds to nothing, so it is matched as
    written instead (spacing ignored): otherwise every such label would be the same label.
    """
    return fold(text) or " ".join(text.split())


@dataclass(frozen=True)
class Scale:
    """A rating scale: numeric (``low``..``high``, integer points) or labelled (``labels``)."""

    low: int = 1
    high: int = 5
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.labels:
            if len(self.labels) < 2:
                raise ValueError("a label scale needs at least two labels")
            folded = [label_key(label) for label in self.labels]
            if len(set(folded)) != len(folded):
                raise ValueError("a label scale cannot repeat a label")
        elif self.high <= self.low:
            raise ValueError(f"a numeric scale needs its highest point above its lowest ({self.low}..{self.high})")

    @classmethod
    def numeric(cls, low: int, high: int) -> Scale:
        return cls(low=low, high=high)

    @classmethod
    def from_labels(cls, labels: list[str] | tuple[str, ...]) -> Scale:
        """A label scale, worst label first."""
        return cls(low=0, high=len(labels) - 1, labels=tuple(label.strip() for label in labels))

    @classmethod
    def parse(cls, spec: str) -> Scale:
        """Reads a spec such as ``1-5``, ``-2..+2``, ``0 to 10`` or ``labels:Bad|OK|Good``."""
        text = spec.strip()
        if text.casefold().startswith(LABELS_PREFIX):
            return cls.from_labels([part for part in text[len(LABELS_PREFIX) :].split("|") if part.strip()])
        match = _RANGE.match(text)
        if not match:
            raise ValueError(f"not a scale: {spec!r} (try 1-5, 0-10, -2..2 or labels:Poor|Fair|Good)")
        return cls.numeric(int(match.group(1)), int(match.group(2)))

    @property
    def is_labelled(self) -> bool:
        return bool(self.labels)

    @property
    def spec(self) -> str:
        """The text form; ``Scale.parse(s.spec) == s``."""
        if self.labels:
            return LABELS_PREFIX + "|".join(self.labels)
        separator = ".." if self.low < 0 else "-"
        return f"{self.low}{separator}{self.high}"

    @property
    def points(self) -> tuple[str, ...]:
        """Every point of the scale, worst first, as it is written."""
        if self.labels:
            return self.labels
        return tuple(str(value) for value in range(self.low, self.high + 1))

    def __str__(self) -> str:
        return " / ".join(self.labels) if self.labels else f"{self.low} to {self.high}"

    def normalise(self, raw: object) -> float:
        """The score of one answer on -1..+1; raises ValueError for an answer off the scale."""
        position = self._position(raw)
        if position is None:
            raise ValueError(f"{raw!r} is not on the scale {self}")
        return self._score(position)

    def normalise_many(self, raw: pd.Series) -> pd.Series:
        """Scores for a column of answers; NaN where an answer is not on the scale."""
        if self.labels:
            lookup = {label_key(label): index for index, label in enumerate(self.labels)}
            positions = raw.astype("string").map(lambda v: lookup.get(label_key(v)) if isinstance(v, str) else None)
            positions = pd.to_numeric(positions, errors="coerce")
        else:
            positions = pd.to_numeric(raw, errors="coerce")
            positions = positions.where((positions >= self.low) & (positions <= self.high))
        return (positions.astype("float64") - self.low) / (self.high - self.low) * 2.0 - 1.0

    def raw_for_scores(self, scores: np.ndarray) -> np.ndarray:
        """The scale point nearest to each score, as written (the inverse of normalise)."""
        steps = self.high - self.low
        index = np.rint((np.clip(scores, -1.0, 1.0) + 1.0) / 2.0 * steps).astype(np.int64)
        points: np.ndarray = np.asarray(self.points, dtype=object)
        return points[index]  # type: ignore[no-any-return]

    def _position(self, raw: object) -> float | None:
        if self.labels:
            if not isinstance(raw, str):
                return None
            folded = label_key(raw)
            for index, label in enumerate(self.labels):
                if label_key(label) == folded:
                    return float(index)
            return None
        try:
            value = float(str(raw).strip()) if not isinstance(raw, (int, float)) else float(raw)
        except ValueError:
            return None
        if math.isnan(value) or not self.low <= value <= self.high:
            return None
        return value

    def _score(self, position: float) -> float:
        return (position - self.low) / (self.high - self.low) * 2.0 - 1.0


SATISFACTION = Scale.from_labels(
    ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"]
)
AGREEMENT = Scale.from_labels(
    ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
)
QUALITY = Scale.from_labels(["Very poor", "Poor", "Fair", "Good", "Excellent"])
COMMON_SCALES: tuple[Scale, ...] = (
    Scale.numeric(1, 5),
    Scale.numeric(1, 7),
    Scale.numeric(1, 10),
    Scale.numeric(0, 10),
    Scale.numeric(-2, 2),
    SATISFACTION,
    AGREEMENT,
    QUALITY,
)
