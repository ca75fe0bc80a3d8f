"""What a published figure stands for, and whether figures agree: the one rounding rule.

``jdcli verify`` (published claims) and ``jdcli trends`` (reported changes against levels)
both decide consistency here, with the same arithmetic:

- an input (a level, a numerator) written with decimals stands for every value that rounds
  to it: 12.5 is [12.45, 12.55], 112.4 is [112.35, 112.45]. An integer is an exact count
  unless marked approximate; an approximate integer is rounded at its last non-zero digit
  (``~2300`` is [2250, 2350], ``~55`` is [54.5, 55.5]). ``places`` and ``approx`` are read from
  the text by ``jdcli.loading.figures``;
- a stated figure (a claimed rate, a reported change) always stands for what rounds *half-up*
  (half away from zero) to it at its written precision, integers included: 91.72% is
  [91.715, 91.725), −40% is (−40.5, −39.5];
- they agree when some inputs within their intervals give a value within the stated
  interval. Each kind of value is monotone in each input where defined, so the range over
  the inputs' box is spanned by its corners.

Every verdict is exact (``fractions.Fraction`` in object columns): 2469 / 20000 is exactly
12.345%, so a stated 12.35% passes and 12.34% fails, decided without a float tolerance. A
long column of reported changes is first screened in float64: a row whose range lies clearly
inside or outside the stated interval (by far more than float error) is decided there, and
only the rows on or near a boundary take the exact, slower way.
Input intervals are closed (how the publisher rounded an input is not known); the stated
figure's half-up rule is the claim being checked.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

Op = Callable[[pd.Series, pd.Series, pd.Series], pd.Series]

#: The value each kind of figure claims, from ``a`` (numerator, or the earlier value), ``b``
#: (denominator, or the later value) and ``k`` (a ratio's scale: 100 for a percentage).
VALUE: dict[str, Op] = {
    "ratio": lambda a, b, k: a / b * k,
    "change": lambda a, b, k: (b / a - 1) * 100,
    "pp_change": lambda a, b, k: b - a,
    "multiple": lambda a, b, k: b / a,
    "doublings": lambda a, b, k: b / a,
}

KINDS = tuple(VALUE)


def exact(values: pd.Series) -> pd.Series:
    """Parsed decimal figures (``Float64``) as exact Fractions in an object column.

    A float read from a decimal text prints back as that text (its shortest repr), so
    ``12.45`` becomes exactly 1245/100, not the nearest binary float. ``None`` where missing.
    """
    return pd.Series(
        [None if pd.isna(v) else Fraction(Decimal(repr(float(v)))) for v in values],
        index=values.index,
        dtype=object,
    )


def half_width(places: pd.Series) -> pd.Series:
    """Half the rounding unit at ``places`` decimals: 2 → 0.005, 0 → 0.5, −2 (hundreds) → 50."""
    # Element by element: pandas would turn a power of object values into floats.
    return places.map(_half_width).astype(object)


def _half_width(places: int) -> Fraction:
    places = int(places)
    return Fraction(1, 2 * 10**places) if places >= 0 else Fraction(10 ** -int(places), 2)


def is_exact(places: pd.Series, approx: pd.Series) -> pd.Series:
    """An input is an exact count when written as an integer without an approximate mark."""
    return (places.astype("Int64").eq(0) & ~approx.astype("boolean")).fillna(False).astype(bool)


def input_half_width(places: pd.Series, approx: pd.Series) -> pd.Series:
    """An input's half-width: 0 for an exact count, else half its rounding unit."""
    return half_width(places).where(~is_exact(places, approx), Fraction(0))


def stated_interval(
    value: pd.Series, half: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """The values that round half-up (away from zero) to ``value`` at ``±half``.

    Returns ``(low, high, low_closed, high_closed)``: 40 is [39.5, 40.5), −40 is
    (−40.5, −39.5], 0 is (−0.5, 0.5).
    """
    return value - half, value + half, value > 0, value < 0


def overlaps(
    low: pd.Series,
    high: pd.Series,
    target_low: pd.Series,
    target_high: pd.Series,
    target_low_closed: pd.Series,
    target_high_closed: pd.Series,
) -> pd.Series:
    """Whether the closed range [low, high] meets the target interval (ends open or closed)."""
    above_low = (high > target_low) | ((high == target_low) & target_low_closed)
    below_high = (low < target_high) | ((low == target_high) & target_high_closed)
    return above_low & below_high


def undefined(kind: str, a: pd.Series, b: pd.Series) -> pd.Series:
    """Inputs as written that give no value: a zero denominator; a relative kind's base ≤ 0.

    A written non-zero figure's interval never reaches zero (it is at least one unit of its
    last place away), so this also decides the whole interval.
    """
    if kind == "ratio":
        return b == 0
    if kind == "pp_change":
        return pd.Series(False, index=a.index)
    # A relative change from zero is undefined; from a negative base it has no meaning.
    return a <= 0


def value_range(
    kind: str, a: pd.Series, a_half: pd.Series, b: pd.Series, b_half: pd.Series, k: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``(value, low, high)``: the kind's value from the inputs as written, and its range over
    the inputs' intervals (``a ± a_half``, ``b ± b_half``). Exact; defined rows only."""
    f = VALUE[kind]
    corners = [f(a + sa * a_half, b + sb * b_half, k) for sa in (-1, 1) for sb in (-1, 1)]
    low, high = corners[0], corners[0]
    for corner in corners[1:]:
        low, high = low.where(low <= corner, corner), high.where(high >= corner, corner)
    return f(a, b, k), low, high


def agrees(low: pd.Series, high: pd.Series, stated: pd.Series, stated_half: pd.Series) -> pd.Series:
    """Whether the range [low, high] meets what rounds half-up to ``stated`` (± its half)."""
    return overlaps(low, high, *stated_interval(stated, stated_half))


def change_consistent(
    base: pd.Series,
    base_places: pd.Series,
    base_approx: pd.Series,
    value: pd.Series,
    value_places: pd.Series,
    value_approx: pd.Series,
    reported_pct: pd.Series,
    reported_places: pd.Series,
) -> pd.Series:
    """Whether a level pair and a reported relative change (in %) can both be true.

    Levels as parsed (``Float64``) with their written ``places`` and ``approx`` marks, the
    reported change and its ``places``. ``True``/``False`` per row (``boolean``); ``<NA>``
    where it cannot be checked: a figure is missing or the base is not positive. Example:
    12.5 → 10.1 agrees with −19.2% but not with −17%; 20000 → 22469 (+12.345%) agrees with
    +12.35% and not with +12.34%. The same rule as a ``jdcli verify`` change claim. Rows
    clearly inside or outside are decided in float64 (``_screen_change``), the rest exactly.
    """
    known = base.notna() & value.notna() & reported_pct.notna() & reported_places.notna()
    checkable = (known & (base > 0)).fillna(False).astype(bool)
    verdict = pd.Series(pd.NA, index=base.index, dtype="boolean")
    if not bool(checkable.any()):
        return verdict
    rows = checkable[checkable].index
    figures = [base, base_places, base_approx, value, value_places, value_approx]
    decided, agree = _screen_change(
        [column.loc[rows] for column in [*figures, reported_pct, reported_places]]
    )
    verdict.loc[rows[decided]] = agree[decided]
    rows = rows[~decided]
    if not len(rows):
        return verdict
    a, b = exact(base.loc[rows]), exact(value.loc[rows])
    a_half = input_half_width(base_places.loc[rows], base_approx.loc[rows])
    b_half = input_half_width(value_places.loc[rows], value_approx.loc[rows])
    scale = pd.Series(Fraction(100), index=rows, dtype=object)
    _, low, high = value_range("change", a, a_half, b, b_half, scale)
    stated = exact(reported_pct.loc[rows])
    verdict.loc[rows] = agrees(low, high, stated, half_width(reported_places.loc[rows]))
    return verdict


#: ``_screen_change`` leaves to the exact rule every row whose float result lies within this
#: fraction of the figures' size from a boundary: float64 errs by ~1e-15 of it.
SCREEN_TOLERANCE = 1e-9


def _screen_change(columns: list[pd.Series]) -> tuple[Any, Any]:
    """``change_consistent``'s verdict in float64 where floats cannot get it wrong:
    (decided, agrees) as numpy booleans. A row is decided when both ends of its range lie
    clearly (``SCREEN_TOLERANCE``) inside or outside the stated interval; then the interval
    ends' being open or closed cannot matter and the exact rule would say the same. The
    other rows (on or near a boundary, or not finite) are left to the exact rule.
    ``columns`` are ``change_consistent``'s eight arguments, in its order."""
    import numpy as np

    base, base_places, base_approx, value, value_places, value_approx = columns[:6]
    reported_pct, reported_places = columns[6:]

    def floats(column: pd.Series) -> Any:
        return column.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)

    def half(places: pd.Series, approx: pd.Series | None = None) -> Any:
        width = 0.5 * np.power(10.0, -floats(places))
        if approx is None:
            return width
        return np.where(is_exact(places, approx).to_numpy(), 0.0, width)

    a, b, stated = floats(base), floats(value), floats(reported_pct)
    a_half, b_half = half(base_places, base_approx), half(value_places, value_approx)
    stated_half = half(reported_places)
    with np.errstate(all="ignore"):
        corners = [
            ((b + sb * b_half) / (a + sa * a_half) - 1) * 100 for sa in (-1, 1) for sb in (-1, 1)
        ]
        low, high = np.minimum.reduce(corners), np.maximum.reduce(corners)
        target_low, target_high = stated - stated_half, stated + stated_half
        above, below = high - target_low, target_high - low
        size = 1 + np.abs(low) + np.abs(high) + np.abs(target_low) + np.abs(target_high)
        margin = SCREEN_TOLERANCE * size
        decided = np.isfinite(size) & (np.abs(above) > margin) & (np.abs(below) > margin)
    return decided, (above > 0) & (below > 0)
