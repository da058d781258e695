"""Answers: which cells are missing answers, and which rating scale the answers are on.

The one place an import interprets answers, whatever layout carried them (the long format or
a survey tool's export): one list of missing answers, one scale detection, one text fold
(``dashboard.scales.label_key``, i.e. ``dashboard.text.fold``). Answers arrive as numbers
(``4``, ``4.0``), as "points out of" (``4 / 5``), as numbered labels (``5 - Very satisfied``)
or as the words of a label set ("Somewhat satisfied").

``detect_scale`` never silently picks between scales that would score the answers
differently: it returns a ``ScaleFit`` that either names the scale (settled) or lists the
candidates for a person to choose from (a guess). See ``detect_scale`` for what settles one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from dashboard.imports.reading import SurveyError
from dashboard.scales import AGREEMENT, QUALITY, SATISFACTION, Scale, label_key

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
    "-",
    "No answer",
    "Prefer not to say",
)
"""The one list of missing answers (words), for every layout. ``-99``, the classic missing-value
code of statistics packages, is missing too (as a number: the fold would drop its sign)."""
MISSING_ANSWERS: frozenset[str] = frozenset(label_key(text) for text in MISSING_ANSWER_TEXTS) | {""}
"""Answers that say "no score here" (folded forms): they are skipped, never scored."""
_LONGEST_MISSING = 2 * max(len(text) for text in MISSING_ANSWER_TEXTS)

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
_MISSING_NUMBER = re.compile(r"^-99(?:\.0+)?$")
_OUT_OF = re.compile(r"^\s*([+-]?\d+)(?:\.0+)?\s*/\s*(\d+)\s*$")
_NUMBERED = (
    re.compile(r"^\s*([+-]?\d+)\s*(?:[:=.)]|\s[-–]\s)\s*[^\d\s].*$"),  # "5 - Very satisfied", "5: Good"
    re.compile(r"^\s*[^\d\s].*\(\s*([+-]?\d+)\s*\)\s*$"),  # "Very satisfied (5)"
)
_LABEL_INDEX: tuple[tuple[Scale, frozenset[str]], ...] = tuple(
    (scale, frozenset(label_key(label) for label in scale.labels)) for scale in LABEL_SCALES
)


@dataclass(frozen=True)
class ScaleFit:
    """What the answers say about their scale.

    ``scale`` is the scale when the answers settle it, else None. ``candidates`` are the scales
    the answers could be on (the settled one first); none when no scale fits. ``stray`` are
    answers on none of the candidates (rejected row by row when the scale is used).
    """

    scale: Scale | None
    candidates: tuple[Scale, ...] = ()
    stray: tuple[str, ...] = ()

    @property
    def is_guess(self) -> bool:
        """True when several scales fit and the answers cannot tell which: a person must choose."""
        return self.scale is None and bool(self.candidates)

    @property
    def fits(self) -> bool:
        """True when every answer is on some candidate scale (a column of ratings, settled or not)."""
        return bool(self.candidates) and not self.stray


class ScaleGuessError(SurveyError):
    """The answers fit several scales that would score them differently: a person must choose."""

    def __init__(self, fit: ScaleFit, answers: list[str]) -> None:
        self.candidates = fit.candidates
        shown = ", ".join(answers[:8]) + (", ..." if len(answers) > 8 else "")
        options = ", ".join(str(scale) for scale in fit.candidates[:-1])
        options = f"{options} or {fit.candidates[-1]}" if options else str(fit.candidates[-1])
        super().__init__(f"The scale is a guess: the answers ({shown}) could be on {options}. Choose the scale.")


def is_missing(answer: object) -> bool:
    """True for an empty cell or an answer that means "no score" (N/A, Don't know, -99, ...)."""
    if not isinstance(answer, str):
        return answer is None or (isinstance(answer, float) and math.isnan(answer)) or answer is pd.NA
    if len(answer) > _LONGEST_MISSING:
        return False
    return bool(_MISSING_NUMBER.match(answer.strip())) or label_key(answer) in MISSING_ANSWERS


def distinct_answers(values: pd.Series | Iterable[object], limit: int | None = None) -> list[str]:
    """The distinct non-missing answers, stripped, in order of first appearance.

    With ``limit``, looks at no more than that many distinct cells (enough to tell a rating
    from free text or ids, without folding 100,000 timestamps).
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    seen: dict[str, None] = {}
    uniques = pd.unique(series.dropna())
    for value in uniques[:limit] if limit is not None else uniques:
        text = str(value).strip()
        if not is_missing(text):
            seen.setdefault(text, None)
    return list(seen)


def detect_scale(values: pd.Series | Iterable[object]) -> ScaleFit:
    """The scale the answers are on, or the candidates when they cannot settle it.

    Missing answers are ignored. When at least half the distinct answers are numbers (``4``,
    ``4 / 5``, ``5 - Very satisfied``), the numbers decide and the other answers are stray;
    otherwise the known label sets holding the most answers decide (if they hold half or more).
    The candidates are the known scales holding every deciding answer. The scale is settled when:

    - a known numeric range has both its ends among the answers (1..5 is 1-5, 0..10 is 0-10,
      1..10 is 1-10), or is the only one holding them (0..7 is 0-10);
    - label sets with both their ends among the answers ("Strongly disagree" and "Strongly
      agree") know the range: the smallest of them holding the answers decides, when all of that
      size agree on every answer's score;
    - with no end confirmed, every candidate gives every answer the same score (a single
      candidate, or sets that share the answers given at the same positions).

    Otherwise it is a guess: 0, 1, 2 could be 0-2, 0-10 or -2..2; 1..4 could be 1-4, 1-5, ...
    The range the numbers span is listed first among a guess's candidates when no known
    scale has it, so the person can pick exactly what the answers show.
    """
    answers = distinct_answers(values)
    if not answers:
        return ScaleFit(None)
    out_of = [_OUT_OF.match(answer) for answer in answers]
    if all(out_of):
        return _out_of_fit([(int(m.group(1)), int(m.group(2))) for m in out_of if m])
    numbers = {answer: _number_of(answer) for answer in answers}
    if 2 * sum(number is not None for number in numbers.values()) >= len(answers):
        stray = tuple(answer for answer, number in numbers.items() if number is None)
        return _numeric_fit([number for number in numbers.values() if number is not None], stray)
    return _label_fit(answers)


def _numeric_fit(numbers: list[int], stray: tuple[str, ...]) -> ScaleFit:
    low, high = min(numbers), max(numbers)
    holding = [scale for scale in NUMERIC_SCALES if scale.low <= low and high <= scale.high]
    spanned = [scale for scale in holding if (scale.low, scale.high) == (low, high)]
    if spanned:
        return ScaleFit(spanned[0], tuple(holding), stray)
    if len(holding) == 1:
        return ScaleFit(holding[0], tuple(holding), stray)
    shown = [Scale.numeric(low, high)] if high > low and holding else []
    return ScaleFit(None, tuple(shown + holding), stray)


def _out_of_fit(pairs: list[tuple[int, int]]) -> ScaleFit:
    """``4 / 5`` answers: the denominator names the top of the scale; the bottom may be 0 or 1.

    The bottom is settled by a 0 or a 1 among the answers, or by there being one known scale
    with that top (``x / 5`` is 1-5); ``7 / 10`` and ``10 / 10`` alone could be 0-10 or 1-10.
    """
    numbers = [number for number, _ in pairs]
    tops = {top for _, top in pairs}
    top = max(tops)
    if len(tops) != 1 or top < 2 or min(numbers) < 0 or max(numbers) > top:
        return ScaleFit(None, stray=tuple(f"{number} / {top}" for number, top in pairs))
    bottoms = [0] if min(numbers) == 0 else [1, 0]
    candidates = tuple(Scale.numeric(bottom, top) for bottom in bottoms)
    known = [scale for scale in candidates if scale in NUMERIC_SCALES]
    if min(numbers) <= 1 or len(candidates) == 1:
        return ScaleFit(candidates[0], candidates)
    return ScaleFit(known[0] if len(known) == 1 else None, candidates)


def _label_fit(answers: list[str]) -> ScaleFit:
    folded = {label_key(answer): answer for answer in answers}
    held = [(len(folded.keys() & labels), scale, labels) for scale, labels in _LABEL_INDEX]
    best = max(count for count, _, _ in held)
    if best == 0 or 2 * best < len(folded):
        return ScaleFit(None, stray=tuple(answers))
    holding = [(scale, labels) for count, scale, labels in held if count == best]
    stray = tuple(answer for key, answer in folded.items() if key not in holding[0][1])
    candidates = tuple(scale for scale, _ in holding)
    given = [key for key in folded if key in holding[0][1]]
    spanned = [s for s in candidates if {label_key(s.labels[0]), label_key(s.labels[-1])} <= folded.keys()]
    if spanned:  # both ends used: the range is known; of the sets spanning it, the fewest points hold the answers
        fewest = min(len(s.labels) for s in spanned)
        deciding = [s for s in spanned if len(s.labels) == fewest]
        candidates = (*deciding, *(s for s in candidates if s not in deciding))
    else:
        deciding = list(candidates)
    scores = {tuple(scale.normalise(key) for key in given) for scale in deciding}
    return ScaleFit(deciding[0] if len(scores) == 1 else None, candidates, stray)


def is_numbered_answer(answer: str) -> bool:
    """True for ``4 / 5``, ``5 - Very satisfied`` or ``Very satisfied (5)``."""
    return bool(_OUT_OF.match(answer)) or _numbered(answer) is not None


def _number_of(answer: str) -> int | None:
    """The number an answer gives: ``4``, ``4.0``, ``5 - Very satisfied``, ``Very satisfied (5)``; else None."""
    if _NUMBER.match(answer):
        return int(float(answer))
    return _numbered(answer)


def _numbered(answer: str) -> int | None:
    """The number of a numbered label ("5 - Very satisfied", "Very satisfied (5)"), else None."""
    for pattern in _NUMBERED:
        match = pattern.match(answer)
        if match:
            return int(match.group(1))
    return None


def clean_answer(value: str) -> str | None:
    """An answer ready for ``Scale.normalise``: ``4 / 5`` and ``4 - Good`` become ``4``; None when missing."""
    if is_missing(value):
        return None
    match = _OUT_OF.match(value)
    if match:
        return match.group(1).lstrip("+")
    number = _numbered(value)
    return str(number) if number is not None else value.strip()


def answer_values(raw: pd.Series) -> pd.Series:
    """``clean_answer`` over a column, missing answers NA.

    Vectorised over the column's distinct values, so it costs little on millions of rows.
    """
    text = raw.astype("string").str.strip()
    cleaned: dict[str, object] = {}
    for value in pd.unique(text.dropna()):
        answer = clean_answer(value)
        cleaned[value] = pd.NA if answer is None else answer
    return text.map(cleaned).astype("string")


def scale_from_order(labels: list[str] | tuple[str, ...], answers: pd.Series | None = None) -> Scale:
    """A label scale in the order a user gave (worst first).

    With ``answers``, refuses an order that leaves out an answer found in the file, so a
    user cannot lose answers by forgetting a label.
    """
    scale = Scale.from_labels([label for label in labels if label.strip()])
    if answers is not None:
        known = {label_key(label) for label in scale.labels}
        missing = [answer for answer in distinct_answers(answers) if label_key(answer) not in known]
        if missing:
            raise ValueError("the order leaves out these answers: " + ", ".join(missing))
    return scale
