"""Claim checks: does a published figure follow from its own inputs, given their rounding?

Every number is exact (``fractions.Fraction`` in object columns) so that a boundary such as
2469 / 20000 = 12.345% is decided exactly, never by the accident of a binary float.

The rounding-interval rule (as in the GRIM test, not a fixed tolerance):

- an input written with decimals stands for every value that rounds to it: 112.4 is
  [112.35, 112.45]; an integer input is exact unless marked approximate;
- the stated figure stands for what rounds *half-up* (half away from zero) to it at its
  precision, integers included: 91.72% is [91.715, 91.725), −40% is (−40.5, −39.5];
- a claim passes when some inputs within their intervals give a value within the stated
  interval. Every kind is monotone in each input (where defined), so the range over the box
  of inputs is spanned by its corners.

Input intervals are taken as closed: whether a value exactly halfway was rounded up or down
depends on the publisher's rounding rule, which is not known; the stated figure's own rule
(half-up) is the claim being checked.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pandas as pd

KINDS = ("ratio", "change", "pp_change", "multiple", "doublings")

PASS, FAIL, UNVERIFIABLE = "pass", "fail", "unverifiable"

Op = Callable[[pd.Series, pd.Series, pd.Series], pd.Series]

# The value each kind claims, from a (numerator, or the earlier value), b (denominator, or the
# later value) and the ratio's scale (100 for a percentage, 1 for a plain quotient).
VALUE: dict[str, Op] = {
    "ratio": lambda a, b, k: a / b * k,
    "change": lambda a, b, k: (b / a - 1) * 100,
    "pp_change": lambda a, b, k: b - a,
    "multiple": lambda a, b, k: b / a,
    "doublings": lambda a, b, k: b / a,
}

# Solving for the "result" input (the numerator, or the later value) from a value v and the
# other input; and for the "base" input (the denominator, or the earlier value).
SOLVE_RESULT: dict[str, Op] = {
    "ratio": lambda v, b, k: v * b / k,
    "change": lambda v, a, k: a * (1 + v / 100),
    "pp_change": lambda v, a, k: a + v,
    "multiple": lambda v, a, k: v * a,
    "doublings": lambda v, a, k: v * a,
}
SOLVE_BASE: dict[str, Op] = {
    "ratio": lambda v, a, k: a * k / v,
    "change": lambda v, b, k: b / (1 + v / 100),
    "pp_change": lambda v, b, k: b - v,
    "multiple": lambda v, b, k: b / v,
    "doublings": lambda v, b, k: b / v,
}
# The value at which solving for the base divides by zero (None: never).
BASE_POLE: dict[str, int | None] = {
    "ratio": 0,
    "change": -100,
    "pp_change": None,
    "multiple": 0,
    "doublings": 0,
}


# ---------------------------------------------------------------- rounding-interval primitives


def half_width(places: pd.Series) -> pd.Series:
    """Half the rounding unit at ``places`` decimals: 2 → 0.005, 0 → 0.5, −2 (hundreds) → 50."""
    # Element by element: pandas would turn a power of object values into floats.
    return places.map(_half_width).astype(object)


def _half_width(places: int) -> Fraction:
    return Fraction(1, 2 * 10**places) if places >= 0 else Fraction(10 ** -int(places), 2)


def input_half_width(places: pd.Series, exact: pd.Series) -> pd.Series:
    """An input's half-width: 0 for an exact count, else the interval that rounds to it."""
    return half_width(places).where(~exact.astype(bool), Fraction(0))


def stated_interval(
    value: pd.Series, half: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """The values that round half-up (away from zero) to ``value`` at ``±half``.

    Returns ``(low, high, low_closed, high_closed)``: 40 is [39.5, 40.5), −40 is
    (−40.5, −39.5], 0 is (−0.5, 0.5).
    """
    positive = value > 0
    negative = value < 0
    return value - half, value + half, positive, negative


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


def _minimum(x: pd.Series, y: pd.Series) -> pd.Series:
    return x.where(x <= y, y)


def _maximum(x: pd.Series, y: pd.Series) -> pd.Series:
    return x.where(x >= y, y)


def _ceil(x: pd.Series) -> pd.Series:
    return -((-x) // 1)


def _to_float(x: pd.Series) -> pd.Series:
    return x.astype("Float64")


# ---------------------------------------------------------------- claims


def check_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Check each claim against its inputs' rounding intervals.

    ``claims`` has ``label``, ``kind`` (one of ``KINDS``), the inputs ``a`` and ``b``
    (``a``: numerator or earlier value; ``b``: denominator or later value; Fractions, ``None``
    when not given) with ``a_places``/``b_places`` (decimals written; for an approximate
    integer minus the trailing zeros) and ``a_exact``/``b_exact`` (an integer written without
    an approximate mark: exact); ``target`` and ``target_places`` (the stated figure on the
    computed scale — a doubling claim's target is 2^N — and its precision); ``scale`` (a
    ratio's: 100 for a percentage, 1 for a plain quotient).

    Adds ``value`` (the exact Fraction from the inputs as written, ``None`` when not
    computed), ``computed`` (the same as a float), ``low``/``high`` (the range the input
    intervals allow), all ``Float64``; ``status`` (``pass``/``fail``/``unverifiable``);
    ``undefined`` (the inputs as written give no value: a zero denominator, a relative change
    from zero or a negative base — then ``computed`` is ``<NA>`` and the claim fails); and,
    for failures, the input ranges that would give the stated figure holding the other input
    as written: ``result_fit_low``/``result_fit_high`` (numerator or later value) and
    ``base_fit_low``/``base_fit_high`` (denominator or earlier value) as ``Float64``, with the
    whole numbers in them ``*_first``/``*_last`` (``Int64``; first > last when there is none),
    ``<NA>`` where no range exists. For an unverifiable claim with one input given, the
    range of the other input that the stated figure implies (the claim stays unverifiable).
    """
    out = claims.copy()
    given = out["a"].notna() & out["b"].notna()
    out["a_half"] = _halves(out, "a")
    out["b_half"] = _halves(out, "b")
    out["target_half"] = half_width(out["target_places"])
    nothing = pd.Series([None] * len(out), index=out.index, dtype=object)
    computed, low, high = nothing.copy(), nothing.copy(), nothing.copy()
    undefined = pd.Series(False, index=out.index)
    consistent = pd.Series(False, index=out.index)
    fits = {name: nothing.copy() for name in _FIT_COLUMNS}

    for kind in KINDS:
        rows = given & out["kind"].eq(kind)
        if not bool(rows.any()):
            continue
        part = out.loc[rows]
        bad = _undefined(kind, part["a"], part["b"])
        undefined.loc[bad[bad].index] = True
        ok = part.loc[~bad]
        if ok.empty:
            continue
        f = VALUE[kind]
        a, b, k = ok["a"], ok["b"], ok["scale"]
        computed.loc[ok.index] = f(a, b, k)
        corners = [
            f(a + sa * ok["a_half"], b + sb * ok["b_half"], k) for sa in (-1, 1) for sb in (-1, 1)
        ]
        lo, hi = corners[0], corners[0]
        for corner in corners[1:]:
            lo, hi = _minimum(lo, corner), _maximum(hi, corner)
        low.loc[ok.index], high.loc[ok.index] = lo, hi
        t_lo, t_hi, t_lo_closed, t_hi_closed = stated_interval(ok["target"], ok["target_half"])
        consistent.loc[ok.index] = overlaps(lo, hi, t_lo, t_hi, t_lo_closed, t_hi_closed)
        failed = ok.loc[~consistent.loc[ok.index]]
        if not failed.empty:
            for name, values in _fits(kind, failed).items():
                fits[name].loc[failed.index] = values

    # One input given: the range of the other that the stated figure implies (never used as
    # an input; the claim stays unverifiable).
    one = out["a"].notna() ^ out["b"].notna()
    for kind in KINDS:
        rows = one & out["kind"].eq(kind)
        if not bool(rows.any()):
            continue
        part = out.loc[rows]
        result_key = "a" if kind == "ratio" else "b"
        has_result = part[result_key].notna()
        # Stand-in for the missing input: only the fit of the missing input is kept, and it
        # does not depend on the missing input's value.
        filled = part.assign(
            a=part["a"].where(part["a"].notna(), Fraction(1)),
            b=part["b"].where(part["b"].notna(), Fraction(1)),
        )
        solved = _fits(kind, filled)
        for which, keep in (("base", has_result), ("result", ~has_result)):
            index = part.index[keep.to_numpy()]
            for end in ("low", "high", "first", "last"):
                name = f"{which}_fit_{end}"
                fits[name].loc[index] = solved[name].loc[index]

    out["value"] = computed
    out["computed"] = _to_float(computed)
    out["low"] = _to_float(low)
    out["high"] = _to_float(high)
    out["status"] = np.where(~given, UNVERIFIABLE, np.where(consistent & ~undefined, PASS, FAIL))
    out["status"] = out["status"].astype("str")
    out["undefined"] = undefined
    for name in _FIT_COLUMNS:
        out[name] = (
            _to_float(fits[name]) if name.endswith(("low", "high")) else fits[name].astype("Int64")
        )
    return out


def _halves(frame: pd.DataFrame, name: str) -> pd.Series:
    present = frame[name].notna()
    halves = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    halves.loc[present] = input_half_width(
        frame.loc[present, f"{name}_places"], frame.loc[present, f"{name}_exact"]
    )
    return halves


_FIT_COLUMNS = tuple(
    f"{which}_fit_{end}" for which in ("result", "base") for end in ("low", "high", "first", "last")
)


def _undefined(kind: str, a: pd.Series, b: pd.Series) -> pd.Series:
    """Inputs as written that give no value: a zero denominator; a relative kind's base ≤ 0."""
    if kind == "ratio":
        return b == 0
    if kind == "pp_change":
        return pd.Series(False, index=a.index)
    # A relative change from zero is undefined; from a negative base it has no meaning.
    return a <= 0


def _fits(kind: str, rows: pd.DataFrame) -> dict[str, pd.Series]:
    """For failed claims: the range of each input that gives the stated figure, the other as
    written, and the whole numbers in it."""
    t_lo, t_hi, lo_closed, hi_closed = stated_interval(rows["target"], rows["target_half"])
    k = rows["scale"]
    result_other = rows["b"] if kind == "ratio" else rows["a"]
    base_other = rows["a"] if kind == "ratio" else rows["b"]
    found: dict[str, pd.Series] = {}
    solve_result = SOLVE_RESULT[kind]
    found.update(
        _solved(
            "result",
            solve_result(t_lo, result_other, k),
            solve_result(t_hi, result_other, k),
            lo_closed,
            hi_closed,
        )
    )
    pole = BASE_POLE[kind]
    # The stated interval must lie wholly on one side of the pole, or the base is unbounded.
    no_pole = pd.Series(True, index=rows.index)
    solvable = no_pole if pole is None else (t_lo > pole) | (t_hi < pole)
    part = rows.loc[solvable]
    empty = pd.Series([None] * len(rows), index=rows.index, dtype=object)
    base = {f"base_fit_{end}": empty.copy() for end in ("low", "high", "first", "last")}
    if not part.empty:
        solve_base = SOLVE_BASE[kind]
        other = base_other.loc[part.index]
        solved = _solved(
            "base",
            solve_base(t_lo.loc[part.index], other, k.loc[part.index]),
            solve_base(t_hi.loc[part.index], other, k.loc[part.index]),
            lo_closed.loc[part.index],
            hi_closed.loc[part.index],
        )
        for name, values in solved.items():
            base[name].loc[part.index] = values
    found.update(base)
    return found


def _solved(
    which: str, x1: pd.Series, x2: pd.Series, closed1: pd.Series, closed2: pd.Series
) -> dict[str, pd.Series]:
    """The interval between the images ``x1`` (of the stated low) and ``x2`` (of the high),
    ends closed as their sources were, and the first and last whole numbers in it."""
    increasing = x1 <= x2
    low = x1.where(increasing, x2)
    high = x2.where(increasing, x1)
    low_closed = closed1.where(increasing, closed2)
    high_closed = closed2.where(increasing, closed1)
    first = _ceil(low).where(low_closed, low // 1 + 1)
    last = (high // 1).where(high_closed, _ceil(high) - 1)
    return {
        f"{which}_fit_low": low,
        f"{which}_fit_high": high,
        f"{which}_fit_first": first,
        f"{which}_fit_last": last,
    }
