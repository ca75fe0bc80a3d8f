"""Parse numbers as statistical tables write them: ``7,654``, ``91.72%``, full-width digits.

Vectorised: a column is cleaned with string operations and converted at once; the first
value that is not a number is reported with its file line and column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jdcli.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

#: Cells that mean "no value" in a numeric column (compared after stripping, case-insensitive).
MISSING_TOKENS = frozenset(
    {"", "na", "n/a", "-", "—", "–", "--", "null", "none", "nan", "无", "…", ".."}
)

# Full-width forms (Excel/IME output) and the Unicode minus sign to their ASCII equivalents.
_TRANSLATE = str.maketrans(
    "０１２３４５６７８９．，－＋％　−",
    "0123456789.,-+% -",
)

# Thousands separators only in groups of three: "7,654" yes, "1,5" no.
_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?"


def parse_numbers(
    raw: pd.Series,
    *,
    source: str,
    column: str,
    allow_percent: bool = False,
    non_negative: bool = False,
) -> pd.Series:
    """``raw`` (strings) as ``Float64`` with ``<NA>`` for missing tokens.

    Raises InputError naming ``source``, the line (the series index) and ``column`` for the
    first cell that is not a number, is a percentage where none is allowed, or is negative
    where counts are expected.
    """
    import pandas as pd

    if len(raw) == 0:
        return pd.Series([], index=raw.index, dtype="Float64", name=raw.name)
    fast = plain_numbers(raw)
    if not bool(fast.isna().any()):
        values = fast.astype("Float64")
    else:
        values = _parse_slow(raw, source=source, column=column, allow_percent=allow_percent)
    check_range(raw, values, source=source, column=column, count=non_negative)
    if non_negative:
        negative = values < 0
        if bool(negative.fillna(False).any()):
            line = negative[negative.fillna(False)].index[0]
            raise InputError(
                f"{source} line {line}, column {column}: {raw.loc[line]!r} is negative; "
                "counts cannot be below zero"
            )
    values.name = raw.name
    return values


def plain_numbers(raw: pd.Series) -> pd.Series:
    """``raw`` (text) as float64 where a cell is a plain number (``12``, ``-3.5``, ``1e3``);
    NaN for every other cell (missing, ``7,654``, ``12%``, ``~55``), for the text rules.

    Arrow-backed text is converted in Arrow (a cell Arrow cannot read sends the whole column
    to ``pandas.to_numeric``, which reads the same numbers and a few more spellings).
    """
    import pandas as pd

    if isinstance(raw.dtype, pd.StringDtype) and raw.dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            converted = pc.cast(pa.array(raw.array), pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        else:
            numbers = converted.to_numpy(zero_copy_only=False)
            return pd.Series(numbers, index=raw.index, dtype="float64", name=raw.name, copy=False)
    # Each distinct cell converted once (a long column repeats its figures).
    codes, distinct = pd.factorize(raw, use_na_sentinel=False)
    numbers = pd.to_numeric(pd.Series(distinct), errors="coerce").astype("float64").to_numpy()
    return pd.Series(numbers[codes], index=raw.index, dtype="float64", name=raw.name, copy=False)


#: Float64 holds every integer below 2**53 exactly; a larger "count" may be silently rounded.
MAX_COUNT = 2.0**53
#: Magnitudes jdcli computes with: any sum, ratio or change of such numbers stays finite.
MAX_MAGNITUDE = 1e100
MIN_MAGNITUDE = 1e-100


def check_range(
    raw: pd.Series | None, values: pd.Series, *, source: str, column: str, count: bool
) -> None:
    """InputError for ``inf``, an overflowing literal (``1e400``), a magnitude outside
    1e-100..1e100 (a ratio or change of such numbers could overflow to infinity), and counts
    too large to hold exactly: shown as an empty cell they would pass as data. ``raw`` is the
    text as written, for the message; without it the value read is shown."""
    import numpy as np

    magnitude = values.abs().astype("float64").to_numpy(na_value=0.0)
    infinite = ~np.isfinite(magnitude)
    extreme = (magnitude > MAX_MAGNITUDE) | ((magnitude > 0) & (magnitude < MIN_MAGNITUDE))
    too_big = (magnitude >= MAX_COUNT) if count else np.zeros(len(magnitude), dtype=bool)
    bad = infinite | extreme | too_big
    if bool(bad.any()):
        position = int(np.argmax(bad))
        line = values.index[position]
        shown = raw.loc[line] if raw is not None else repr(float(values.iloc[position]))
        if infinite[position]:
            what = "is not a finite number"
        elif too_big[position]:
            what = "is too large to be an exact count (2**53 or more)"
        else:
            what = "is outside the range jdcli computes with (magnitudes 1e-100 to 1e100)"
        raise InputError(f"{source} line {line}, column {column}: {shown!r} {what}")


def _parse_slow(raw: pd.Series, *, source: str, column: str, allow_percent: bool) -> pd.Series:
    import pandas as pd

    # The text rules run once per distinct cell; what they find is copied to the rows, and
    # an error names the first line (in file order) holding an offending cell.
    codes, distinct = pd.factorize(raw.astype("str"), use_na_sentinel=False)
    cells = pd.Series(distinct, dtype="str")

    def first_line(offending: pd.Series) -> Any:
        rows = offending.to_numpy(dtype=bool)[codes]
        return raw.index[int(rows.argmax())]

    text = cells.str.translate(_TRANSLATE).str.strip()
    missing = text.str.casefold().isin(MISSING_TOKENS)
    percent = text.str.endswith("%")
    if not allow_percent and bool((percent & ~missing).any()):
        line = first_line(percent & ~missing)
        raise InputError(
            f"{source} line {line}, column {column}: {raw.loc[line]!r} is a percentage; "
            "this column holds counts"
        )
    body = text.str.removesuffix("%").str.strip()
    valid = body.str.fullmatch(_NUMBER) & body.str.contains(r"\d", regex=True)
    bad = ~missing & ~valid
    if bool(bad.any()):
        line = first_line(bad)
        raise InputError(
            f"{source} line {line}, column {column}: {raw.loc[line]!r} is not a number"
        )
    cleaned = body.str.replace(",", "", regex=False).where(~missing)
    values = pd.to_numeric(cleaned, errors="raise").astype("Float64")
    return pd.Series(values.array.take(codes), index=raw.index, copy=False)
