"""Metric values checked against numbers worked out by hand (the arithmetic is in comments)."""

import numpy as np
import pandas as pd
import pytest

from dashboard import metrics

SCORES = np.array([1.0, 0.5, 0.0, -0.5, -1.0, 1.0])
# n = 6, sum = 1.0, sum of squares = 3.5; 3 positive, 2 negative, 1 neutral.


def test_mean_impression_uses_a_t_interval_cut_to_the_score_range():
    # mean 1/6; variance (3.5 - 6 * (1/6)^2) / 5 = 0.66667; se = 0.8165 / sqrt(6) = 0.33333;
    # t(0.975, 5) = 2.570582, so the half-width is 0.856861.
    est = metrics.mean_impression(SCORES)
    assert est.value == pytest.approx(1 / 6)
    assert est.low == pytest.approx(1 / 6 - 0.856861, abs=1e-5)
    assert est.high == 1.0  # 1.0236 is cut at the top of the range


def test_positive_and_negative_shares_use_wilson_intervals():
    # Wilson for 3 of 6: centre 0.5, half-width 1.96 * sqrt(0.25/6 + 3.8415/144) / 1.64025 = 0.312384
    pos = metrics.share_positive(SCORES)
    assert (pos.value, pos.low, pos.high) == pytest.approx((0.5, 0.187616, 0.812384), abs=1e-5)
    neg = metrics.share_negative(SCORES)
    assert neg.value == pytest.approx(2 / 6)


def test_net_impression_is_positive_minus_negative_share_with_its_interval():
    # net = 3/6 - 2/6 = 1/6; variance (0.5 + 0.33333 - (1/6)^2) / 6 = 0.134259;
    # half-width 1.959964 * 0.366414 = 0.718158
    est = metrics.net_impression(SCORES)
    assert (est.value, est.low, est.high) == pytest.approx((1 / 6, 1 / 6 - 0.718158, 1 / 6 + 0.718158), abs=1e-5)


def test_perfection_rate_counts_scores_at_or_above_their_own_target():
    assert metrics.perfection_rate(SCORES, 0.5).value == pytest.approx(3 / 6)
    assert metrics.perfection_rate(SCORES, 1.0).value == pytest.approx(2 / 6)
    per_impression_targets = np.array([1.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    assert metrics.perfection_rate(SCORES, per_impression_targets).value == pytest.approx(4 / 6)


def test_a_single_impression_has_a_value_but_no_interval():
    est = metrics.mean_impression(np.array([0.5]))
    assert est.value == 0.5
    assert np.isnan(est.low)
    assert np.isnan(est.high)


def test_summarise_adds_every_metric_and_marks_groups_below_target_as_weak():
    stats = pd.DataFrame(
        {
            "moment": ["now_or_never", "make_or_break"],
            "n": [4, 2],
            "total": [2.0, 0.0],  # means 0.5 and 0.0
            "total_sq": [1.5, 2.0],
            "n_positive": [3, 1],
            "n_negative": [1, 1],
            "n_meeting": [3, 1],
            "target_total": [1.6, 1.0],  # mean targets 0.4 and 0.5
        }
    )
    out = metrics.summarise(stats)
    assert out["mean"].tolist() == [0.5, 0.0]
    assert out["gap"].tolist() == pytest.approx([0.1, -0.5])
    assert out["weak"].tolist() == [False, True]
    assert out["net"].tolist() == pytest.approx([0.5, 0.0])
    assert out["perfection"].tolist() == pytest.approx([0.75, 0.5])


def test_the_chain_breaks_at_the_first_weak_moment_in_journey_order():
    frame = pd.DataFrame({"moment": ["multiplier", "keep_or_lose", "now_or_never"], "weak": [True, True, False]})
    assert metrics.chain_break(frame) == "keep_or_lose"
    assert metrics.chain_break(frame.assign(weak=False)) is None
    assert metrics.chain_break(frame.iloc[0:0]) is None
