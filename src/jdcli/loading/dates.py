"""Parse date cells (``2018-05-31``, ``2018/5/31``, ``2018年5月``, ``2018-05``) vectorised."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jdcli.errors import InputError
from jdcli.loading.numbers import MISSING_TOKENS

if TYPE_CHECKING:
    import pandas as pd

_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m", "%Y%m%d")


def parse_dates(raw: pd.Series, *, source: str, column: str) -> pd.Series:
    """``raw`` as ``datetime64`` (NaT for missing tokens); the first unparseable cell is an
    InputError naming the line and column. A month (``2018-05``) means its first day."""
    import pandas as pd

    if len(raw) > _FACTORIZE_FROM:
        # A big extract repeats few distinct dates (a census: one per day): parse each
        # distinct cell once and spread the results back by code.
        codes, uniques = pd.factorize(raw, use_na_sentinel=False)
        if len(uniques) * 4 < len(raw):
            distinct = pd.Series(uniques, dtype=raw.dtype)
            try:
                parsed = _parse(distinct, source=source, column=column)
            except InputError:
                # Report the first bad cell in file order, with its line.
                parsed = None
            if parsed is not None:
                values = parsed.to_numpy()[codes]
                return pd.Series(values, index=raw.index, dtype="datetime64[us]")
    return _parse(raw, source=source, column=column)


# Below this many cells parsing them all is as quick as finding the distinct ones.
_FACTORIZE_FROM = 10_000


def _parse(raw: pd.Series, *, source: str, column: str) -> pd.Series:
    import pandas as pd

    text = (
        raw.astype("str")
        .str.strip()
        .str.replace(r"[年/.]", "-", regex=True)
        .str.replace(r"[月]", "-", regex=True)
        .str.replace(r"[日号]$", "", regex=True)
        .str.replace("T", " ", regex=False)
        .str.rstrip("-")
    )
    missing = text.str.casefold().isin(MISSING_TOKENS)
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    for fmt in _FORMATS:
        todo = parsed.isna() & ~missing
        if not bool(todo.any()):
            break
        attempt = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        parsed.loc[todo] = attempt.astype("datetime64[us]")
    bad = parsed.isna() & ~missing
    if bool(bad.any()):
        line = bad[bad].index[0]
        raise InputError(f"{source} line {line}, column {column}: {raw.loc[line]!r} is not a date")
    return parsed


def parse_date_option(value: str, option: str) -> pd.Timestamp:
    """A date given on the command line (``--as-of 2018-05-31``)."""
    import pandas as pd

    from jdcli.errors import UsageError

    try:
        parsed = parse_dates(pd.Series([value]), source=option, column=option)
    except InputError:
        raise UsageError(f"{option}: {value!r} is not a date (use YYYY-MM-DD)") from None
    stamp = parsed.iloc[0]
    if pd.isna(stamp):
        raise UsageError(f"{option}: a date is required")
    return pd.Timestamp(stamp)
