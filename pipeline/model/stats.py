"""Uncertainty: the Wilson interval of one percentage, and one exact test for the difference between two.

The intervals describe each figure; whether two figures differ by more than chance is decided by one test,
Fisher's exact test, wherever the site says so (with respondent counts known) or says how many respondents
it would take (with counts unknown). Both treat the answers as a random sample of their group; the people
who answered chose to, which the site says wherever it speaks of chance.
"""

from __future__ import annotations

import math
from functools import cache

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


# One rule for "more than chance", everywhere: Fisher's exact test, two-sided, at 5%. It is exact at every
# group size, where the normal approximation behind a z-test fails for small groups and shares near 0 or 100%.
ALPHA = 0.05
MOST_RESPONDENTS = 1_000_000  # beyond this no bound is given: the difference is too small to tell apart
_RELATIVE = 1 + 1e-7  # tables as likely as the observed one, but for rounding, count as at least as extreme


@cache
def _log_factorials(size: int) -> np.ndarray:
    """log(k!) for k = 0 … size (made once per power of two: the bound's search asks thousands of tests)."""
    return np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, size + 1)))])


def fisher_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test for x1 of n1 against x2 of n2.

    Written here rather than taken from SciPy, a large dependency for one function: the sum over every table
    with the same margins that is at most as likely as the observed one (the tests check it against
    published values).
    """
    total, successes = n1 + n2, x1 + x2
    log_factorial = _log_factorials(1 << total.bit_length())

    def log_choose(n: int, k: np.ndarray) -> np.ndarray:
        return log_factorial[n] - log_factorial[k] - log_factorial[n - k]

    k = np.arange(max(0, successes - n2), min(successes, n1) + 1)  # every table with the observed margins
    log_p = log_choose(successes, k) + log_choose(total - successes, n1 - k) - log_choose(total, n1)
    observed = log_p[x1 - k[0]]
    return float(min(1.0, np.exp(log_p[log_p <= observed + np.log(_RELATIVE)]).sum()))


def _count(percent: float, n: int) -> int:
    """The number of respondents a published percentage stands for (rounded half up)."""
    return math.floor(percent / 100 * n + 0.5)


def more_than_chance(percent_a: float, n_a: int, percent_b: float, n_b: int) -> bool:
    """Whether two percentages among ``n_a`` and ``n_b`` respondents differ by more than chance (``ALPHA``)."""
    if n_a <= 0 or n_b <= 0:
        return False
    return fisher_p(_count(percent_a, n_a), n_a, _count(percent_b, n_b), n_b) < ALPHA


@cache
def respondents_needed(percent_a: float, percent_b: float, min_n: int = 1) -> int | None:
    """The number of respondents per group from which two percentages differ by more than chance.

    The same test as ``more_than_chance``, with equal groups of n. Counts are whole people, so the test's
    verdict can flip back and forth over a few n near the threshold; the bound is where it settles: at the
    bound and above it says "more than chance", at one respondent fewer it does not. It is found by
    bisection and then checked upwards (over a quarter of the bound, at most a thousand respondents: the
    flips span a few percent of n), and it is never below ``min_n`` (the
    smallest group the monitor publishes a figure for): a difference that holds from ``min_n`` on returns
    ``min_n``. None for equal percentages, or for one that would need more than ``MOST_RESPONDENTS``.
    """
    def holds(n: int) -> bool:
        return more_than_chance(percent_a, n, percent_b, n)

    if percent_a == percent_b:
        return None
    low, high = min_n - 1, min_n  # low: not more than chance (or below the minimum); high: more than chance
    while not holds(high):
        low, high = high, high * 2
        if high > MOST_RESPONDENTS:
            return None
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if holds(middle) else (middle, high)
    def window(n: int) -> int:  # how far above a verdict to look for one that flips back
        return max(20, min(n // 4, 1000))

    bound, n, last = high, high + 1, high + window(high)
    while n <= last:
        if not holds(n):
            bound, last = n + 1, max(last, n + window(n))
        n += 1
    return bound


def clearly_different(a, b) -> bool:
    """Whether two rows (groups, or editions) differ by more than chance: ``more_than_chance`` on their
    respondent counts. Without counts nothing can be said, and a difference is never called more than chance."""
    import pandas as pd

    if any(pd.isna(r["n"]) or pd.isna(r["value"]) for r in (a, b)):
        return False
    return more_than_chance(float(a["value"]), int(a["n"]), float(b["value"]), int(b["n"]))
