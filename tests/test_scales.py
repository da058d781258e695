import math

import pandas as pd
import pytest

from dashboard.scales import AGREEMENT, COMMON_SCALES, SATISFACTION, Scale


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        ("1-5", 1, -1.0),
        ("1-5", 3, 0.0),
        ("1-5", 4, 0.5),
        ("1-5", 5, 1.0),
        ("1-7", 5, 1 / 3),
        ("1-10", 10, 1.0),
        ("1-10", 1, -1.0),
        ("0-10", 5, 0.0),
        ("0-10", 8, 0.6),
        ("-2..2", -1, -0.5),
        ("-2..+2", 2, 1.0),
        ("0 to 10", "7", 0.4),
        ("1-5", " 2 ", -0.5),
    ],
)
def test_numeric_scales_map_lowest_to_minus_one_and_highest_to_plus_one(spec: str, raw: object, expected: float):
    assert Scale.parse(spec).normalise(raw) == pytest.approx(expected)


def test_label_scales_map_their_labels_in_order_ignoring_case_spacing_and_accents():
    scale = Scale.parse("labels:Très mauvais|Mauvais|Correct|Bon|Excellent")
    assert [scale.normalise(v) for v in ("tres  MAUVAIS", "mauvais", "Correct", "bon", "Excellent")] == [
        -1.0,
        -0.5,
        0.0,
        0.5,
        1.0,
    ]
    assert SATISFACTION.normalise("Satisfied") == 0.5
    assert AGREEMENT.normalise("Strongly disagree") == -1.0


@pytest.mark.parametrize(("spec", "raw"), [("1-5", 0), ("1-5", 6), ("0-10", "eleven"), ("1-5", math.nan)])
def test_answers_off_the_scale_are_refused(spec: str, raw: object):
    with pytest.raises(ValueError, match="not on the scale"):
        Scale.parse(spec).normalise(raw)


@pytest.mark.parametrize("spec", ["", "5-1", "3-3", "abc", "labels:Only one"])
def test_malformed_scale_specs_are_refused_with_a_hint(spec: str):
    with pytest.raises(ValueError):
        Scale.parse(spec)


def test_every_common_scale_survives_a_round_trip_through_its_spec():
    for scale in COMMON_SCALES:
        assert Scale.parse(scale.spec) == scale


def test_points_list_every_answer_worst_first():
    assert Scale.parse("-2..2").points == ("-2", "-1", "0", "1", "2")
    assert SATISFACTION.points[0] == "Very dissatisfied"


def test_normalise_many_scores_a_column_and_leaves_off_scale_answers_empty():
    scores = Scale.parse("1-5").normalise_many(pd.Series(["1", "5", "9", None, "x", "3"]))
    assert scores.tolist()[:2] == [-1.0, 1.0]
    assert scores.isna().tolist() == [False, False, True, True, True, False]
    labels = SATISFACTION.normalise_many(pd.Series(["very satisfied", "nope", None]))
    assert labels.iloc[0] == 1.0
    assert labels.iloc[1:].isna().all()


def test_raw_for_scores_returns_the_nearest_point_as_written():
    import numpy as np

    assert Scale.parse("0-10").raw_for_scores(np.array([-1.0, 0.0, 0.61, 1.0])).tolist() == ["0", "5", "8", "10"]
