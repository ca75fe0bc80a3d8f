"""Number formatting: display rounding for people (half-up, never banker's) and the number
form of the machine formats (at most 15 significant digits)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: Significant digits the machine formats write: every decimal of this many digits survives a
#: trip through a double and back, so more would show only the noise of binary arithmetic
#: (1.9 − 1.48 is 0.41999999999999993 as a double, 0.42 at 15 digits).
MACHINE_DIGITS = 15

#: Integral values below this are written as integers (no ``.0``, no exponent).
WHOLE_LIMIT = 1e16


def round_significant(value: float) -> float:
    """``value`` rounded to ``MACHINE_DIGITS`` significant digits: the double nearest to its
    15-digit decimal, ``float(f"{value:.15g}")``. NaN and ±inf come back as they are; a value
    so near the largest double that rounding up would overflow is kept unrounded."""
    rounded = float(f"{value:.{MACHINE_DIGITS}g}")
    return value if math.isinf(rounded) else rounded


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round ``value`` half away from zero at ``decimals`` places, as printed statistics do.

    The float is first taken at its decimal form of 15 significant digits (the figure the
    machine formats write, ``round_significant``), so ``0.125`` rounds to ``0.13``,
    ``12.345`` (as typed) to ``12.35`` and ``1.9 − 1.48`` to ``0.42``; Python's ``round``
    would give ``0.12`` (banker's rounding on the binary value).
    """
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(round_significant(float(value)))).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(
    value: float, decimals: int, *, thousands: bool = True, sign: bool = False
) -> str:
    """A number for people: half-up at ``decimals`` places, thousands separators.

    Integral values print without decimals (``7,654``); others with exactly ``decimals``.
    Whether a value is integral is judged at 15 significant digits, so float noise
    (``-16.000000000000004``) never adds decimals (``-16``).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    try:
        is_integral = round_significant(float(value)).is_integer()
    except (TypeError, ValueError, OverflowError):  # pragma: no cover - defensive
        return str(value)
    places = 0 if is_integral else decimals
    try:
        rounded = round_half_up(float(value), places)
    except InvalidOperation:  # pragma: no cover - huge exponents
        return repr(value)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    spec = f"{'+' if sign else ''}{',' if thousands else ''}.{places}f"
    return format(rounded, spec)


def format_machine(value: float) -> str:
    """A float as CSV, TSV, JSON and JSONL write it; empty for NaN and ±inf.

    The value is taken at 15 significant digits (``round_significant``) and written in the
    shortest form that reads back as that double: integral values below 1e16 as integers
    (``7654``, ``-16``, never ``-0``), others as Python's ``repr`` (``0.42``, ``103.5``,
    ``1e-07``, ``1.23456789012346e+20``). Parsing the text gives ``round_significant(value)``.
    """
    if math.isnan(value) or math.isinf(value):
        return ""
    rounded = round_significant(value)
    if rounded.is_integer() and abs(rounded) < WHOLE_LIMIT:
        return str(int(rounded))
    return repr(rounded)
