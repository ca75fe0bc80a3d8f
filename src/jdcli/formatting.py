"""Display rounding and number formatting for human-readable output (half-up, never banker's)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round ``value`` half away from zero at ``decimals`` places, as printed statistics do.

    The float is first taken at its shortest round-trip decimal form (``repr``), so
    ``0.125`` rounds to ``0.13`` and ``12.345`` (as typed) to ``12.35``; Python's ``round``
    would give ``0.12`` (banker's rounding on the binary value).
    """
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(
    value: float, decimals: int, *, thousands: bool = True, sign: bool = False
) -> str:
    """A number for people: half-up at ``decimals`` places, thousands separators.

    Integral values print without decimals (``7,654``); others with exactly ``decimals``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    try:
        is_integral = float(value).is_integer()
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
    """A float in its shortest round-trip form; integral values without ``.0``."""
    if math.isnan(value) or math.isinf(value):
        return ""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))
