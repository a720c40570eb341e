"""Uncertainty of a percentage: the Wilson score interval, with a finite-population correction."""

from __future__ import annotations

import math

import numpy as np

Z95 = 1.959963984540054


def wilson_arrays(percent: np.ndarray, n: np.ndarray, population: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% intervals, in percent, for shares observed among ``n`` respondents, whole columns at once.

    Wilson behaves well near 0% and 100% and for small n, where the normal approximation does not. When
    the respondents are a large part of a known ``population`` (NaN: unknown), the finite-population
    correction narrows the interval by using the effective sample size; when everyone answered, there is
    no sampling error.
    """
    p, n = np.asarray(percent, float) / 100, np.asarray(n, float)
    population = np.asarray(population, float)
    correct = ~np.isnan(population) & (population > 1) & (n < population)
    fpc = np.where(correct, (population - n) / np.where(correct, population - 1, 1), 1.0)
    n_eff = n / fpc
    z2 = Z95 * Z95
    denom = 1 + z2 / n_eff
    centre = (p + z2 / (2 * n_eff)) / denom
    half = Z95 * np.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff * n_eff)) / denom
    low, high = np.maximum(0.0, centre - half) * 100, np.minimum(1.0, centre + half) * 100
    census = ~np.isnan(population) & (n >= population)
    return np.where(census, p * 100, low), np.where(census, p * 100, high)


def wilson(percent: float, n: int, population: int | None = None) -> tuple[float, float]:
    """One interval: ``wilson_arrays`` for a single figure (the build computes whole columns)."""
    if n <= 0:
        raise ValueError("n must be positive")
    known = np.nan if population is None else population
    low, high = wilson_arrays(np.array([percent]), np.array([n]), np.array([known]))
    return float(low[0]), float(high[0])


def respondents_for_clear_difference(percent_a: float, percent_b: float, z: float = Z95) -> int | None:
    """Smallest number of respondents per group at which two percentages differ clearly (95%).

    A two-sided test for the difference between two proportions with a pooled variance and equal group
    sizes n is significant when |p1 - p2| / sqrt(2 p (1 - p) / n) >= z, with p the mean of the two. Solved
    for n: n >= 2 z² p (1 - p) / (p1 - p2)². When respondent counts are not published, this bound is what
    can honestly be said: a 46-point gap is clear with a handful of answers, a 6-point gap needs hundreds.
    Returns None for equal percentages, which no number of respondents makes different.
    """
    p1, p2 = percent_a / 100, percent_b / 100
    if p1 == p2:
        return None
    pooled = (p1 + p2) / 2
    return math.ceil(2 * z * z * pooled * (1 - pooled) / (p1 - p2) ** 2)


def clearly_different(a, b) -> bool:
    """True when both rows have an interval and the two intervals do not overlap.

    This is the monitor's rule for calling a difference (between groups or editions) clear; without
    respondent counts there is no interval, and a difference is never called clear.
    """
    import pandas as pd

    if any(pd.isna(r[c]) for r in (a, b) for c in ("ci_low", "ci_high")):
        return False
    return bool(a["ci_high"] < b["ci_low"] or b["ci_high"] < a["ci_low"])
