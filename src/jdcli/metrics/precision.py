"""What a published figure stands for: the interval of true values that would print as it.

A figure is a number written with some precision. ``12.5`` stands for everything that rounds
to it (12.45 to 12.55); an integer level (``15`` labs) is an exact count unless marked
approximate (``~55``, ``约55``); a reported change or rate (``-40``%) always stands for what
rounds to it, half-up away from zero (−40.5 to −39.5). Two figures agree when their intervals
overlap. ``jdcli trends`` (reported changes) and ``jdcli verify`` (published claims) share
these rules. Intervals are closed and compared with a tiny tolerance for binary floats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Markers of an approximate figure, written before the number.
APPROXIMATE_MARKERS = ("~", "～", "≈", "约", "大约", "近", "approx.", "approx", "ca.", "c.")

# Relative slack when comparing interval ends computed in binary floating point.
_TOLERANCE = 1e-9

_NUMBER_BODY = r"[-+−]?[\d,，]*(?:\.(?P<fraction>\d+))?"


def split_approximate(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``text`` without a leading approximate marker, and whether one was there.

    ``"~55"`` → (``"55"``, True); ``"约 1,200"`` → (``"1,200"``, True); ``"15"`` → (``"15"``,
    False). Missing cells stay missing (and are not approximate).
    """
    stripped = text.astype("str").str.strip()
    pattern = "^(?:" + "|".join(_escape(m) for m in APPROXIMATE_MARKERS) + r")\s*"
    marked = stripped.str.contains(pattern, regex=True, case=False) & text.notna()
    cleaned = stripped.str.replace(pattern, "", regex=True, case=False).where(text.notna())
    return cleaned, marked.astype("bool")


def _escape(marker: str) -> str:
    return "".join("\\" + c if c in ".~+" else c for c in marker)


def decimals_written(text: pd.Series) -> pd.Series:
    """How many decimal places each figure is written with (``"12.50%"`` → 2, ``"15"`` → 0).

    ``<NA>`` for a missing cell or one without digits. Full-width digits and points count.
    """
    normal = text.astype("str").str.translate(
        str.maketrans("０１２３４５６７８９．", "0123456789.")
    )
    fraction = normal.str.extract(r"\d\.(\d+)")[0]
    has_digit = normal.str.contains(r"\d", regex=True) & text.notna()
    places = fraction.str.len().fillna(0).astype("Int64")
    return places.where(has_digit)


def figure_bounds(
    values: pd.Series,
    decimals: pd.Series,
    *,
    approximate: pd.Series | bool = False,
    exact_integers: bool = True,
) -> tuple[pd.Series, pd.Series]:
    """The closed interval ``[low, high]`` each figure stands for.

    ``values`` as parsed, ``decimals`` as written (``decimals_written``). A figure with decimals
    is ± half a unit in its last place. An integer is exact when ``exact_integers`` (levels:
    counts of people, cases, labs) unless ``approximate``; otherwise (a reported change or
    rate, an approximate level) it is ± 0.5. ``<NA>`` where the value is missing.
    """
    number = values.astype("Float64")
    places = decimals.astype("Float64").fillna(0)
    half = pd.Series(0.5 * np.power(10.0, -places.to_numpy(dtype=float)), index=values.index)
    marked = (
        approximate.reindex(values.index).fillna(False).astype("bool")
        if isinstance(approximate, pd.Series)
        else pd.Series(bool(approximate), index=values.index)
    )
    exact = (places == 0) & ~marked if exact_integers else pd.Series(False, index=values.index)
    half = half.mask(exact, 0.0)
    return number - half, number + half


def ratio_bounds(
    num_low: pd.Series, num_high: pd.Series, den_low: pd.Series, den_high: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """The interval of ``numerator ÷ denominator`` over both intervals.

    Defined for non-negative numerators and strictly positive denominators (the cases of
    counts, levels and rates); ``<NA>`` otherwise, meaning "cannot be checked".
    """
    usable = (num_low >= 0) & (den_low > 0)
    low = (num_low / den_high).where(usable)
    high = (num_high / den_low).where(usable)
    return low, high


def change_pct_bounds(
    base_low: pd.Series, base_high: pd.Series, value_low: pd.Series, value_high: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """The interval of the relative change ``(value ÷ base − 1) × 100`` in percent.

    ``<NA>`` when the base interval is not strictly positive (a zero or negative base cannot
    be checked this way) or the value interval is negative.
    """
    low, high = ratio_bounds(value_low, value_high, base_low, base_high)
    return (low - 1) * 100, (high - 1) * 100


def difference_bounds(
    base_low: pd.Series, base_high: pd.Series, value_low: pd.Series, value_high: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """The interval of ``value − base`` (e.g. a change in percentage points between two rates)."""
    return value_low - base_high, value_high - base_low


def overlaps(low_a: pd.Series, high_a: pd.Series, low_b: pd.Series, high_b: pd.Series) -> pd.Series:
    """Whether two closed intervals share a point (``boolean``; ``<NA>`` if either is unknown)."""
    slack = _TOLERANCE * pd.concat(
        [low_a.abs(), high_a.abs(), low_b.abs(), high_b.abs()], axis=1
    ).max(axis=1)
    agree = (low_a <= high_b + slack) & (low_b <= high_a + slack)
    return agree.astype("boolean")


def change_consistent(
    base: pd.Series,
    base_decimals: pd.Series,
    value: pd.Series,
    value_decimals: pd.Series,
    reported_pct: pd.Series,
    reported_decimals: pd.Series,
    *,
    base_approximate: pd.Series | bool = False,
    value_approximate: pd.Series | bool = False,
) -> pd.Series:
    """Whether a level pair and a reported relative change (in %) can both be true.

    ``True``/``False`` per row; ``<NA>`` where it cannot be checked (a missing figure, a base
    that is not positive). Example: 12.5 → 10.1 agrees with −19.2% but not with −17%.
    """
    base_low, base_high = figure_bounds(base, base_decimals, approximate=base_approximate)
    value_low, value_high = figure_bounds(value, value_decimals, approximate=value_approximate)
    low, high = change_pct_bounds(base_low, base_high, value_low, value_high)
    rep_low, rep_high = figure_bounds(reported_pct, reported_decimals, exact_integers=False)
    return overlaps(low, high, rep_low, rep_high)
