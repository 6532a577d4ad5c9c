"""The odds ratio of a 2x2 table with its confidence interval: pure arithmetic, no database.

A reminder trial compares each wording with a reference wording::

                    missed   not missed
    this variant       a          b
    reference          c          d

The odds ratio is (a x d) / (b x c): above 1, this variant's patients missed more often than
the reference's; below 1, less often. Its confidence interval is Woolf's: the logarithm of the
odds ratio is taken as normal, with standard error sqrt(1/a + 1/b + 1/c + 1/d).

When a cell is 0 the ratio or its standard error is infinite. Then 0.5 is added to all four
cells (the Haldane-Anscombe correction), and the result says so. When a whole row is empty
(a variant with nothing left to miss) there is nothing to compare, and there is no ratio.
"""

import math
from dataclasses import dataclass
from statistics import NormalDist

HALDANE_ANSCOMBE = 0.5


@dataclass(frozen=True)
class OddsRatio:
    """An odds ratio, the bounds of its confidence interval, and whether the zero-cell
    correction was applied."""

    estimate: float
    ci_low: float
    ci_high: float
    corrected: bool


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile: 1.959964 for 95%."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def odds_ratio(
    *,
    missed: int,
    not_missed: int,
    reference_missed: int,
    reference_not_missed: int,
    confidence: float = 0.95,
) -> OddsRatio | None:
    """The odds ratio of missing against the reference, with Woolf's confidence interval;
    None when either row of the table is empty."""
    cells = (missed, not_missed, reference_missed, reference_not_missed)
    if any(count < 0 for count in cells):
        raise ValueError(f"Counts cannot be negative: {cells}")
    if missed + not_missed == 0 or reference_missed + reference_not_missed == 0:
        return None
    corrected = 0 in cells
    a, b, c, d = (count + HALDANE_ANSCOMBE if corrected else count for count in cells)
    log_ratio = math.log(a) + math.log(d) - math.log(b) - math.log(c)
    margin = z_value(confidence) * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return OddsRatio(
        estimate=math.exp(log_ratio),
        ci_low=math.exp(log_ratio - margin),
        ci_high=math.exp(log_ratio + margin),
        corrected=corrected,
    )
