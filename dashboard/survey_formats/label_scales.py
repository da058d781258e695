"""The rating scales survey tools export, and finding which one a column of answers is on.

Survey exports carry answers as numbers (``4``, ``4.0``), as "points out of" (``4 / 5``) or as
the words of a label set ("Somewhat satisfied"). ``detect_scale`` picks the smallest known
scale that holds every answer; ``scale_from_order`` builds a scale from the order a user gives
to labels no known set holds. Every scale is a ``dashboard.scales.Scale``.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from dashboard.scales import AGREEMENT, QUALITY, SATISFACTION, Scale, _fold

MISSING_ANSWER_TEXTS: tuple[str, ...] = (
    "",
    "N/A",
    "NA",
    "n.a.",
    "Not applicable",
    "Don't know",
    "Don’t know",
    "Dont know",
    "Do not know",
    "-99",
    "-99.0",
    "-",
    "No answer",
    "Prefer not to say",
)
"""The one list of missing answers, shared by the long format (``dashboard.surveys.answers``) and wide exports."""
MISSING_ANSWERS: frozenset[str] = frozenset(
    _fold(form) for text in MISSING_ANSWER_TEXTS for form in (text, text.replace("’", "'"))
)
"""Answers that say "no score here": they are skipped, never scored (folded forms)."""
_LONGEST_MISSING = 2 * max(len(text) for text in MISSING_ANSWERS)

SATISFACTION_SOMEWHAT = Scale.from_labels(
    [
        "Very dissatisfied",
        "Somewhat dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Somewhat satisfied",
        "Very satisfied",
    ]
)
SATISFACTION_NEUTRAL = Scale.from_labels(
    ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
)
SATISFACTION_EXTREMELY_5 = Scale.from_labels(
    [
        "Extremely dissatisfied",
        "Somewhat dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Somewhat satisfied",
        "Extremely satisfied",
    ]
)
SATISFACTION_EXTREMELY_7 = Scale.from_labels(
    [
        "Extremely dissatisfied",
        "Moderately dissatisfied",
        "Slightly dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Slightly satisfied",
        "Moderately satisfied",
        "Extremely satisfied",
    ]
)
AGREEMENT_SOMEWHAT = Scale.from_labels(
    ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree", "Strongly agree"]
)
AGREEMENT_NEUTRAL = Scale.from_labels(["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"])
AGREEMENT_7 = Scale.from_labels(
    [
        "Strongly disagree",
        "Disagree",
        "Somewhat disagree",
        "Neither agree nor disagree",
        "Somewhat agree",
        "Agree",
        "Strongly agree",
    ]
)
QUALITY_TERRIBLE = Scale.from_labels(["Terrible", "Poor", "Average", "Good", "Excellent"])
LIKELIHOOD = Scale.from_labels(["Very unlikely", "Unlikely", "Neither likely nor unlikely", "Likely", "Very likely"])
LIKELIHOOD_EXTREMELY = Scale.from_labels(
    ["Extremely unlikely", "Somewhat unlikely", "Neither likely nor unlikely", "Somewhat likely", "Extremely likely"]
)
EXPECTATIONS = Scale.from_labels(
    [
        "Much worse than expected",
        "Worse than expected",
        "As expected",
        "Better than expected",
        "Much better than expected",
    ]
)
EASE = Scale.from_labels(["Very difficult", "Difficult", "Neither easy nor difficult", "Easy", "Very easy"])
EASE_EXTREMELY = Scale.from_labels(
    ["Extremely difficult", "Somewhat difficult", "Neither easy nor difficult", "Somewhat easy", "Extremely easy"]
)

LABEL_SCALES: tuple[Scale, ...] = (
    SATISFACTION,
    SATISFACTION_SOMEWHAT,
    SATISFACTION_NEUTRAL,
    SATISFACTION_EXTREMELY_5,
    SATISFACTION_EXTREMELY_7,
    AGREEMENT,
    AGREEMENT_SOMEWHAT,
    AGREEMENT_NEUTRAL,
    AGREEMENT_7,
    QUALITY,
    QUALITY_TERRIBLE,
    LIKELIHOOD,
    LIKELIHOOD_EXTREMELY,
    EXPECTATIONS,
    EASE,
    EASE_EXTREMELY,
)
"""Known label sets, worst label first. Earlier sets win ties between sets of one size."""

NUMERIC_SCALES: tuple[Scale, ...] = (
    Scale.numeric(-2, 2),
    Scale.numeric(1, 5),
    Scale.numeric(1, 7),
    Scale.numeric(1, 10),
    Scale.numeric(0, 10),
)
"""Known numeric ranges, smallest first."""

_NUMBER = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_OUT_OF = re.compile(r"^\s*([+-]?\d+)(?:\.0+)?\s*/\s*(\d+)\s*$")
_NUMBERED = (
    re.compile(r"^\s*([+-]?\d+)\s*(?:[:=.)]|\s[-–]\s)\s*[^\d\s].*$"),  # "5 - Very satisfied", "5: Good"
    re.compile(r"^\s*[^\d\s].*\(\s*([+-]?\d+)\s*\)\s*$"),  # "Very satisfied (5)"
)
_LABEL_INDEX: tuple[tuple[Scale, frozenset[str]], ...] = tuple(
    (scale, frozenset(_fold(label) for label in scale.labels)) for scale in LABEL_SCALES
)


def is_missing(answer: object) -> bool:
    """True for an empty cell or an answer that means "no score" (N/A, Don't know, -99, ...)."""
    if not isinstance(answer, str):
        return answer is None or (isinstance(answer, float) and math.isnan(answer)) or answer is pd.NA
    return len(answer) <= _LONGEST_MISSING and _fold(answer) in MISSING_ANSWERS


def distinct_answers(values: pd.Series, limit: int | None = None) -> list[str]:
    """The distinct non-missing answers of a column, stripped, in order of first appearance.

    With ``limit``, looks at no more than that many distinct cells (enough to tell a rating
    from free text or ids, without folding 100,000 timestamps).
    """
    seen: dict[str, None] = {}
    uniques = pd.unique(values.dropna())
    for value in uniques[:limit] if limit is not None else uniques:
        text = str(value).strip()
        if not is_missing(text):
            seen.setdefault(text, None)
    return list(seen)


def detect_scale(values: pd.Series) -> Scale | None:
    """The smallest known scale holding every non-missing answer, or None when none does.

    Numbers (``4``, ``4.0``) and numbered labels (``5 - Very satisfied``, ``Good (4)``) are
    matched to the numeric ranges, ``4 / 5`` answers to the range their denominator names,
    words to the known label sets (ignoring case, spacing, accents).
    """
    answers = distinct_answers(values)
    if not answers:
        return None
    if all(_NUMBER.match(answer) for answer in answers):
        return _numeric_scale([int(float(answer)) for answer in answers])
    out_of = [_OUT_OF.match(answer) for answer in answers]
    if all(out_of):
        return _out_of_scale([(int(m.group(1)), int(m.group(2))) for m in out_of if m])
    numbered = [_number_of(answer) for answer in answers]
    if all(number is not None for number in numbered):
        return _numeric_scale([number for number in numbered if number is not None])
    folded = {_fold(answer) for answer in answers}
    holding = [scale for scale, labels in _LABEL_INDEX if folded <= labels]
    return min(holding, key=lambda scale: len(scale.labels)) if holding else None


def is_numbered_answer(answer: str) -> bool:
    """True for ``4 / 5``, ``5 - Very satisfied`` or ``Very satisfied (5)``."""
    return bool(_OUT_OF.match(answer)) or _number_of(answer) is not None


def _number_of(answer: str) -> int | None:
    """The number of a numbered label ("5 - Very satisfied", "Very satisfied (5)"), else None."""
    for pattern in _NUMBERED:
        match = pattern.match(answer)
        if match:
            return int(match.group(1))
    return None


def _numeric_scale(numbers: list[int]) -> Scale | None:
    low, high = min(numbers), max(numbers)
    holding = [scale for scale in NUMERIC_SCALES if scale.low <= low and high <= scale.high]
    return min(holding, key=lambda scale: scale.high - scale.low) if holding else None


def _out_of_scale(pairs: list[tuple[int, int]]) -> Scale | None:
    tops = {top for _, top in pairs}
    if len(tops) != 1:
        return None
    (top,) = tops
    numbers = [number for number, _ in pairs]
    if min(numbers) < 0 or max(numbers) > top or top < 2:
        return None
    known = [scale for scale in NUMERIC_SCALES if scale.high == top and scale.low <= min(numbers)]
    if known:
        return min(known, key=lambda scale: scale.high - scale.low)
    return Scale.numeric(0 if min(numbers) == 0 else 1, top)


def answer_values(raw: pd.Series) -> pd.Series:
    """Answers ready for ``Scale.normalise_many``: ``4 / 5`` and ``4 - Good`` become ``4``, missing answers NA.

    Vectorised over the column's distinct values, so it costs little on millions of rows.
    """
    text = raw.astype("string").str.strip()
    uniques = pd.unique(text.dropna())
    cleaned: dict[str, object] = {}
    for value in uniques:
        match = _OUT_OF.match(value)
        number = _number_of(value)
        if is_missing(value):
            cleaned[value] = pd.NA
        elif match:
            cleaned[value] = match.group(1).lstrip("+")
        elif number is not None:
            cleaned[value] = str(number)
        else:
            cleaned[value] = value
    return text.map(cleaned).astype("string")


def scale_from_order(labels: list[str] | tuple[str, ...], answers: pd.Series | None = None) -> Scale:
    """A label scale in the order a user gave (worst first).

    With ``answers``, refuses an order that leaves out an answer found in the file, so a
    user cannot lose answers by forgetting a label.
    """
    scale = Scale.from_labels([label for label in labels if label.strip()])
    if answers is not None:
        known = {_fold(label) for label in scale.labels}
        missing = [answer for answer in distinct_answers(answers) if _fold(answer) not in known]
        if missing:
            raise ValueError("the order leaves out these answers: " + ", ".join(missing))
    return scale
