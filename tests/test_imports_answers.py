"""One reading of answers: the same answers get the same scale and scores whatever layout carries them.

A scale the answers cannot settle is a guess: it lists the candidates and is never taken
silently (issue 11: "0, 1, 2, 2" was read as 0-10 in the long format and -2..2 in a Google
Forms export, so leadership would have drawn opposite conclusions from one survey).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.imports import answers, pipeline
from dashboard.imports.answers import ScaleFit, detect_scale
from dashboard.scales import AGREEMENT, COMMON_SCALES, QUALITY, SATISFACTION, Scale

pytestmark = pytest.mark.both_backends

CLINIC = pipeline.Context(1, "Clinic", {"Reception": 1, "Waiting room": 2, "Payment": 3})
"""A workspace as an import sees it: no database is needed to prepare a preview."""
ALL_SCALES = [*answers.NUMERIC_SCALES, *answers.LABEL_SCALES]
MISSING = ["", "N/A", "Not applicable", "Don't know", "Don’t know", "-99", "-"]


def n(low: int, high: int) -> Scale:
    return Scale.numeric(low, high)


def long_file(cells: dict[str, list[str]]) -> bytes:
    """The long format: one row per given cell (blank cells are not written)."""
    rows = [f"2026-09-{day + 1:02d},{name},{cell}" for name, column in cells.items() for day, cell in enumerate(column)]
    return "\n".join(["date,touchpoint,answer", *[row for row in rows if not row.endswith(",")], ""]).encode()


def google_forms_file(cells: dict[str, list[str]]) -> bytes:
    """A Google Forms export of a grid question: one respondent per row, one column per touchpoint."""
    header = ["Timestamp", *(f"How was each step? [{name}]" for name in cells)]
    respondents = len(next(iter(cells.values())))
    rows = [[f"2026/09/{r + 1:02d} 10:00:00", *(column[r] for column in cells.values())] for r in range(respondents)]
    return "\n".join(",".join(row) for row in [header, *rows]).encode() + b"\n"


def outcome(data: bytes, name: str, options: pipeline.Options | None = None) -> tuple[object, ...]:
    """What a person sees: the candidates of a guess, or the scale and every score per touchpoint."""
    try:
        preview = pipeline.prepare(data, name, CLINIC, options)
    except pipeline.ScaleGuessError as guess:
        return ("guess", tuple(scale.spec for scale in guess.candidates))
    frame = preview.impressions.astype({"scale": str})
    scores = frame.groupby("touchpoint_id")["score"].apply(lambda s: tuple(sorted(round(v, 9) for v in s)))
    return ("scale", tuple(sorted(set(frame["scale"]))), scores.to_dict())


# --- the defect --------------------------------------------------------------------------------


def test_zero_one_two_two_is_a_guess_in_the_long_format_and_in_a_google_forms_export_alike():
    cells = {"Reception": ["0", "1", "2", "2"]}
    guess = ("guess", ("0-2", "-2..2", "0-10"))
    assert outcome(long_file(cells), "long.csv") == guess
    assert outcome(google_forms_file(cells), "forms.csv") == guess


def test_the_scale_a_person_chooses_scores_both_layouts_the_same():
    cells = {"Reception": ["0", "1", "2", "2"]}
    chosen = pipeline.Options(scale=n(-2, 2))
    expected = ("scale", ("-2..2",), {1: (0.0, 0.5, 1.0, 1.0)})
    assert outcome(long_file(cells), "long.csv", chosen) == expected
    assert outcome(google_forms_file(cells), "forms.csv", chosen) == expected


def test_the_guess_names_its_candidates_in_words():
    with pytest.raises(
        pipeline.ScaleGuessError, match=r"the answers \(0, 1, 2\) could be on 0 to 2, -2 to 2 or 0 to 10"
    ):
        pipeline.prepare(long_file({"Reception": ["0", "1", "2"]}), "long.csv", CLINIC)


# --- what settles a scale ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["1", "3", "5"], ScaleFit(n(1, 5), (n(1, 5), n(1, 7), n(1, 10), n(0, 10)))),
        (["1", "10"], ScaleFit(n(1, 10), (n(1, 10), n(0, 10)))),
        (["0", "10", "N/A"], ScaleFit(n(0, 10), (n(0, 10),))),
        (["0", "7"], ScaleFit(n(0, 10), (n(0, 10),))),
        (["-2", "2"], ScaleFit(n(-2, 2), (n(-2, 2),))),
        (["1", "7", "4.0"], ScaleFit(n(1, 7), (n(1, 7), n(1, 10), n(0, 10)))),
        (["1", "5", "x"], ScaleFit(n(1, 5), (n(1, 5), n(1, 7), n(1, 10), n(0, 10)), ("x",))),
        (["0", "1", "2", "2"], ScaleFit(None, (n(0, 2), n(-2, 2), n(0, 10)))),
        (["1", "2", "3", "4"], ScaleFit(None, (n(1, 4), n(1, 5), n(1, 7), n(1, 10), n(0, 10)))),
        (["2", "10"], ScaleFit(None, (n(2, 10), n(1, 10), n(0, 10)))),
        (["4"], ScaleFit(None, (n(1, 5), n(1, 7), n(1, 10), n(0, 10)))),
        (["4 / 5", "5/5"], ScaleFit(n(1, 5), (n(1, 5), n(0, 5)))),
        (["0 / 10", "9 / 10"], ScaleFit(n(0, 10), (n(0, 10),))),
        (["7 / 10", "10 / 10"], ScaleFit(None, (n(1, 10), n(0, 10)))),
        (
            ["5 - Very satisfied", "1 - Very dissatisfied", "3 - Neutral"],
            ScaleFit(n(1, 5), (n(1, 5), n(1, 7), n(1, 10), n(0, 10))),
        ),
        (["Very likely (10)", "Not at all likely (0)"], ScaleFit(n(0, 10), (n(0, 10),))),
        (
            ["very SATISFIED", "Dissatisfied", "N/A"],
            ScaleFit(SATISFACTION, (SATISFACTION, answers.SATISFACTION_NEUTRAL)),
        ),
        (
            ["Somewhat satisfied", "Very dissatisfied"],
            ScaleFit(answers.SATISFACTION_SOMEWHAT, (answers.SATISFACTION_SOMEWHAT,)),
        ),
        (
            ["Strongly agree", "Agree", "Disagree", "Strongly disagree"],
            ScaleFit(AGREEMENT, (AGREEMENT, answers.AGREEMENT_NEUTRAL, answers.AGREEMENT_7)),
        ),
        (
            ["Strongly agree", "Somewhat disagree"],
            ScaleFit(None, (answers.AGREEMENT_SOMEWHAT, answers.AGREEMENT_7)),
        ),
        (["Good", "Excellent", "Meh"], ScaleFit(QUALITY, (QUALITY, answers.QUALITY_TERRIBLE), ("Meh",))),
        (["Blue", "Green"], ScaleFit(None, (), ("Blue", "Green"))),
        (["2.5"], ScaleFit(None, (), ("2.5",))),
        (["1", "11"], ScaleFit(None, ())),
        (MISSING, ScaleFit(None)),
    ],
)
def test_the_answers_settle_a_scale_or_list_the_candidates(given: list[str], expected: ScaleFit):
    assert detect_scale(given) == expected


@pytest.mark.parametrize("value", [*MISSING, "  ", "n/a", "NA", "n.a.", "-99.0", "No answer", "Prefer not to say"])
def test_every_way_of_writing_no_answer_is_missing_in_every_layout(value: str):
    assert answers.is_missing(value)


@pytest.mark.parametrize("value", ["99", "0", "-2", "Neutral", "Poor"])
def test_answers_that_only_look_like_missing_ones_are_answers(value: str):
    assert not answers.is_missing(value)


# --- properties ----------------------------------------------------------------------------------


def _spellings(label: str) -> st.SearchStrategy[str]:
    return st.sampled_from([label, label.upper(), label.lower(), f"  {label} ", label.replace(" ", "  ")])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(ALL_SCALES), st.data())
def test_every_point_of_a_known_scale_in_any_order_and_spelling_settles_that_scale(scale: Scale, data: st.DataObject):
    given_answers = [data.draw(_spellings(point)) for point in scale.points]
    extra = data.draw(st.lists(st.sampled_from(scale.points), max_size=10))
    missing = data.draw(st.lists(st.sampled_from(MISSING), max_size=4))
    assert detect_scale(data.draw(st.permutations(given_answers + extra + missing))).scale == scale


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([*ALL_SCALES, *COMMON_SCALES]), st.data())
def test_some_answers_of_a_known_scale_never_settle_a_scale_that_scores_them_differently(
    scale: Scale, data: st.DataObject
):
    given_answers = data.draw(st.lists(st.sampled_from(scale.points), min_size=1, max_size=12))
    fit = detect_scale(given_answers)
    assert fit.candidates and not fit.stray
    if fit.scale is None:  # a guess: the true scale is among the candidates, for the person to choose
        assert scale in fit.candidates
    elif fit.scale != scale:  # settled on another scale: only where the answers' ends show it
        points = {int(a) for a in given_answers} if not scale.is_labelled else set()
        assert scale.is_labelled or {fit.scale.low, fit.scale.high} <= points


@st.composite
def survey_answers(draw: st.DrawFn) -> dict[str, list[str]]:
    """Three touchpoints' answers from one known scale, some missing or blank, for 1 to 6 respondents."""
    scale = draw(st.sampled_from(ALL_SCALES))
    cell = st.one_of(st.sampled_from(scale.points), st.sampled_from(["", "N/A", "-99"]))
    respondents = draw(st.integers(1, 6))
    cells = {name: draw(st.lists(cell, min_size=respondents, max_size=respondents)) for name in CLINIC.touchpoints}
    every = [c for column in cells.values() for c in column]
    return draw(st.just(cells).filter(lambda _: any(not answers.is_missing(c) for c in every)))


@settings(max_examples=120, deadline=None)
@given(survey_answers())
def test_the_same_answers_get_the_same_scale_and_scores_in_a_long_file_and_a_google_forms_export(
    cells: dict[str, list[str]],
):
    assert outcome(long_file(cells), "long.csv") == outcome(google_forms_file(cells), "forms.csv")
