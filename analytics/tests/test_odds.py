"""The odds ratio and Woolf's interval against values worked out by hand."""

import pytest

from analytics.odds import OddsRatio, odds_ratio, z_value


def rounded(result: OddsRatio) -> tuple:
    return (
        round(result.estimate, 4),
        round(result.ci_low, 4),
        round(result.ci_high, 4),
        result.corrected,
    )


def test_the_95_percent_z_value():
    assert round(z_value(0.95), 6) == 1.959964


def test_a_worked_two_by_two_table():
    # 20 of 100 missed with this wording, 10 of 100 with the reference.
    # OR = (20 x 90) / (80 x 10) = 1800 / 800 = 2.25; ln 2.25 = 0.810930.
    # SE = sqrt(1/20 + 1/80 + 1/10 + 1/90) = sqrt(125/720) = sqrt(25/144) = 5/12 = 0.416667.
    # 1.959964 x 5/12 = 0.816652, so the interval is exp(0.810930 -/+ 0.816652):
    # exp(-0.005722) = 0.9943 and exp(1.627582) = 5.0915.
    result = odds_ratio(missed=20, not_missed=80, reference_missed=10, reference_not_missed=90)

    assert rounded(result) == (2.25, 0.9943, 5.0915, False)


def test_a_cost_of_missing_wording_like_the_nhs_trials():
    # 8.4% against 11.1% of 1000 each: OR = (84 x 889) / (916 x 111) = 74676 / 101676 = 0.7345.
    # SE = sqrt(1/84 + 1/916 + 1/111 + 1/889) = sqrt(0.023131) = 0.152087; 1.959964 x SE =
    # 0.298085, ln 0.734451 = -0.308633: exp(-0.606718) = 0.5451, exp(-0.010548) = 0.9895.
    result = odds_ratio(missed=84, not_missed=916, reference_missed=111, reference_not_missed=889)

    assert rounded(result) == (0.7345, 0.5451, 0.9895, False)


def test_the_same_rates_give_an_odds_ratio_of_one():
    result = odds_ratio(missed=5, not_missed=45, reference_missed=10, reference_not_missed=90)

    assert round(result.estimate, 10) == 1.0
    assert result.ci_low < 1 < result.ci_high


def test_a_zero_cell_adds_one_half_to_every_cell():
    # Haldane-Anscombe: 0.5, 50.5, 5.5 and 45.5. OR = (0.5 x 45.5) / (50.5 x 5.5)
    # = 22.75 / 277.75 = 0.0819. SE = sqrt(2 + 1/50.5 + 1/5.5 + 1/45.5) = sqrt(2.223598)
    # = 1.491173; 1.959964 x SE = 2.922648; ln 0.081908 = -2.502156:
    # exp(-5.424804) = 0.0044 and exp(0.420492) = 1.5227.
    result = odds_ratio(missed=0, not_missed=50, reference_missed=5, reference_not_missed=45)

    assert rounded(result) == (0.0819, 0.0044, 1.5227, True)


def test_no_one_missing_in_either_arm_is_still_compared_after_the_correction():
    # 0.5, 20.5, 0.5 and 30.5: OR = (0.5 x 30.5) / (20.5 x 0.5) = 1.4878; ln = 0.397302.
    # SE = sqrt(1/0.5 + 1/20.5 + 1/0.5 + 1/30.5) = sqrt(4.081567) = 2.020289; 1.959964 x SE =
    # 3.959694: exp(-3.562392) = 0.0284 and exp(4.356996) = 78.0224. Wide: nothing is known.
    result = odds_ratio(missed=0, not_missed=20, reference_missed=0, reference_not_missed=30)

    assert rounded(result) == (1.4878, 0.0284, 78.0224, True)


@pytest.mark.parametrize(
    "cells",
    [(0, 0, 3, 7), (3, 7, 0, 0), (0, 0, 0, 0)],
)
def test_an_empty_arm_has_no_odds_ratio(cells):
    missed, not_missed, reference_missed, reference_not_missed = cells

    assert (
        odds_ratio(
            missed=missed,
            not_missed=not_missed,
            reference_missed=reference_missed,
            reference_not_missed=reference_not_missed,
        )
        is None
    )


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        odds_ratio(missed=-1, not_missed=3, reference_missed=1, reference_not_missed=3)
