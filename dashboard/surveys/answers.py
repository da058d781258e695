"""Answers: which cells are missing answers, and which rating scale a column of answers is on.

Survey tools write "no answer" in many ways; none of them is a score. ``-99`` is the
classic missing-value code of statistics packages. Scales are recognised from the distinct
answers: numbers fit the smallest common range that holds them (1-5, 1-7, 1-10, 0-10,
-2..2); words fit a common label set (satisfaction, agreement, quality) that holds them all.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.scales import COMMON_SCALES, Scale, _fold
from dashboard.survey_formats.label_scales import MISSING_ANSWERS

MISSING_TOKENS = MISSING_ANSWERS
"""One list for every format: kept in ``dashboard.survey_formats.label_scales``."""
NUMERIC_PREFERENCE: tuple[Scale, ...] = tuple(s for s in COMMON_SCALES if not s.is_labelled)
LABEL_SCALES: tuple[Scale, ...] = tuple(s for s in COMMON_SCALES if s.is_labelled)


def missing_key(value: str) -> str:
    """The form of an answer compared with ``MISSING_TOKENS``."""
    return _fold(value.replace("’", "'").replace("‘", "'"))


def is_missing(value: object) -> bool:
    """Whether a cell is a missing answer (not a score, and not an error either)."""
    return not isinstance(value, str) or missing_key(value) in MISSING_TOKENS


def detect_scale(values: Iterable[str]) -> Scale | None:
    """The common scale that fits every answer given (missing answers ignored), or None.

    Pass the distinct answers of a column. When most of them are numbers, the numbers pick
    the first of 1-5, 1-7, 1-10, 0-10 and -2..2 that holds them all (so a column using 1 to 4
    is taken as 1-5; integers only) and stray words are left to be rejected. Otherwise the
    label set holding most of the words wins, if it holds at least half of them.
    """
    answers = sorted({v.strip() for v in values if not is_missing(v)})
    if not answers:
        return None
    numbers = pd.to_numeric(pd.Series(answers, dtype="string"), errors="coerce").dropna()
    if 2 * len(numbers) >= len(answers):
        if not (numbers == numbers.round()).all():
            return None
        low, high = float(numbers.min()), float(numbers.max())
        for scale in NUMERIC_PREFERENCE:
            if scale.low <= low and high <= scale.high:
                return scale
        return None
    folded = {_fold(a) for a in answers}
    fits = [(len(folded & {_fold(label) for label in s.labels}), -index) for index, s in enumerate(LABEL_SCALES)]
    best, position = max(fits)
    return LABEL_SCALES[-position] if 2 * best >= len(folded) else None
