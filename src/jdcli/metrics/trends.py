"""Period-over-period change: year-on-year (同比) or sequential (环比), by period arithmetic.

Every change is found by joining each row to the row of *exactly* its comparison period in the
same series (a self-join on the shifted period), never by looking at the previous row: a
missing year is a gap, not a two-year "yoy"; unsorted input gives the same answer as sorted;
the first period has no change (not 0%).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

#: Frequencies ``parse_periods`` recognises, from the coarsest.
FREQUENCIES = ("year", "half", "quarter", "month", "day")

#: Periods per year: a year-on-year comparison is this many ordinals back (``day`` aside).
PER_YEAR = {"year": 1, "half": 2, "quarter": 4, "month": 12}

#: Comparisons ``period_change`` knows: 同比 (same period a year earlier) and 环比 (previous).
COMPARISONS = ("yoy", "prev")

# Flags (one per row; empty when the change is an ordinary one).
FIRST = "first"
GAP = "gap"
ZERO_BASE = "zero base"
NEGATIVE_BASE = "negative base"
MISSING_VALUE = "missing value"
MISSING_BASE = "missing base"

_CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_TRANSLATE = str.maketrans("０１２３４５６７８９－／．　", "0123456789-/. ")

# Each pattern: (frequency, regex with named groups year / sub / day). Tried in order; the
# first that matches a label decides its frequency.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("year", r"(?P<year>\d{4})\s*年?(?:度)?"),
    ("half", r"(?P<year>\d{4})\s*[-/ ]?\s*[Hh](?P<sub>[12])"),
    ("half", r"(?P<year>\d{4})\s*年?\s*(?P<sub>上|下)半年"),
    ("quarter", r"(?P<year>\d{4})\s*[-/ ]?\s*[Qq](?P<sub>[1-4])"),
    ("quarter", r"[Qq](?P<sub>[1-4])\s*[-/ ]?\s*(?P<year>\d{4})"),
    ("quarter", r"(?P<year>\d{4})\s*年?\s*第?(?P<sub>[1-4一二三四])\s*季度?"),
    ("month", r"(?P<year>\d{4})\s*[-/.]\s*(?P<sub>\d{1,2})"),
    ("month", r"(?P<year>\d{4})\s*年\s*(?P<sub>\d{1,2})\s*月(?:份)?"),
    ("day", r"(?P<year>\d{4})[-/.](?P<sub>\d{1,2})[-/.](?P<day>\d{1,2})(?:[ T]00:00(?::00)?)?"),
    ("day", r"(?P<year>\d{4})\s*年\s*(?P<sub>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]?"),
)

_EPOCH = pd.Timestamp("1970-01-01")


class PeriodError(ValueError):
    """Periods that cannot be compared: unreadable labels, mixed frequencies, duplicates.

    ``lines`` holds the row index labels involved (the loader's index is the file line
    number); ``str(error)`` reads ``line 3 and line 7: …`` so a caller can prefix a file name.
    """

    def __init__(self, detail: str, lines: Sequence[Hashable]) -> None:
        self.detail = detail
        self.lines = tuple(lines)
        where = " and ".join(f"line {line}" for line in self.lines)
        super().__init__(f"{where}: {detail}" if where else detail)


def parse_periods(labels: pd.Series, freq: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Period labels → (``ordinal``, ``freq``), both aligned to ``labels``' index.

    Recognises years (``2017``, ``2017年``), half-years (``2017H1``, ``2017年上半年``),
    quarters (``2017Q2``, ``2017-Q2``, ``Q2 2017``, ``2017年第二季度``), months (``2017-05``,
    ``2017/5``, ``2017年5月``) and dates (``2017-05-31``, ``2017年5月31日``). The ordinal
    counts periods of the label's frequency (a year ``y`` is ``y``, a quarter is ``4y + q - 1``,
    a month ``12y + m - 1``, a date its day number since 1970-01-01), so consecutive periods
    differ by exactly 1. ``freq`` (one of ``FREQUENCIES``) insists on one frequency.

    Raises PeriodError naming the line of the first label that is missing, unreadable,
    impossible (month 13, 2017-02-30) or not of the frequency asked for.
    """
    if freq is not None and freq not in FREQUENCIES:
        raise PeriodError(f"unknown frequency {freq!r} (use one of {', '.join(FREQUENCIES)})", [])
    text = labels.astype("str").str.translate(_TRANSLATE).str.strip()
    missing = labels.isna() | text.eq("")
    if bool(missing.any()):
        raise PeriodError("missing period", [missing[missing].index[0]])
    kinds = pd.Series(pd.NA, index=labels.index, dtype="object")
    year = pd.Series(pd.NA, index=labels.index, dtype="Int64")
    sub = pd.Series(pd.NA, index=labels.index, dtype="object")
    day = pd.Series(pd.NA, index=labels.index, dtype="Int64")
    for kind, pattern in _PATTERNS:
        todo = kinds.isna()
        if not bool(todo.any()):
            break
        found = text[todo].str.extract(f"^{pattern}$")
        hit = found["year"].notna()
        rows = found.index[hit]
        kinds.loc[rows] = kind
        year.loc[rows] = found.loc[hit, "year"].astype("int64")
        if "sub" in found:
            sub.loc[rows] = found.loc[hit, "sub"]
        if "day" in found:
            day.loc[rows] = found.loc[hit, "day"].astype("int64")
    unread = kinds.isna()
    if bool(unread.any()):
        line = unread[unread].index[0]
        raise PeriodError(
            f"period {labels.loc[line]!r} is not a year (2017), half-year (2017H1), quarter "
            "(2017Q2), month (2017-05) or date (2017-05-31)",
            [line],
        )
    sub_number = (
        sub.replace({"上": "1", "下": "2", **_CHINESE_DIGITS}).astype("str").where(sub.notna())
    )
    sub_int = pd.to_numeric(sub_number, errors="coerce").astype("Int64")
    bad_month = kinds.isin(["month", "day"]) & ~sub_int.between(1, 12).fillna(False)
    if bool(bad_month.any()):
        line = bad_month[bad_month].index[0]
        raise PeriodError(f"period {labels.loc[line]!r} has no month {sub_int.loc[line]}", [line])
    ordinal = pd.Series(pd.NA, index=labels.index, dtype="Int64")
    for kind, per_year in PER_YEAR.items():
        of_kind = kinds.eq(kind)
        offset = sub_int[of_kind] - 1 if per_year > 1 else 0
        ordinal.loc[of_kind] = year[of_kind] * per_year + offset
    dated = kinds.eq("day")
    if bool(dated.any()):
        dates = _dates(year[dated], sub_int[dated], day[dated])
        if bool(dates.isna().any()):
            line = dates[dates.isna()].index[0]
            raise PeriodError(f"period {labels.loc[line]!r} is not a real date", [line])
        ordinal.loc[dated] = _day_numbers(dates)
    freqs = kinds.astype("str")
    if freq is not None:
        other = freqs.ne(freq)
        if bool(other.any()):
            line = other[other].index[0]
            raise PeriodError(
                f"period {labels.loc[line]!r} is a {freqs.loc[line]}, not a {freq} (--freq {freq})",
                [line],
            )
    return ordinal, freqs


def _dates(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    text = (
        year.astype("str")
        + "-"
        + month.astype("str").str.zfill(2)
        + "-"
        + day.astype("str").str.zfill(2)
    )
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")


def _day_numbers(dates: pd.Series) -> pd.Series:
    return ((dates - _EPOCH) // pd.Timedelta(days=1)).astype("Int64")


def ordinal_years(ordinal: pd.Series, freqs: pd.Series) -> pd.Series:
    """Ordinals as (fractional) years, so the years between two periods is a subtraction.

    ``2017`` → 2017.0, ``2017Q3`` → 2017.5, ``2017-07`` → 2017.5, a date → its year plus the
    elapsed fraction of 365.2425 days from 1970.
    """
    years = pd.Series(np.nan, index=ordinal.index, dtype="Float64")
    for kind, per_year in PER_YEAR.items():
        rows = freqs.eq(kind)
        years.loc[rows] = ordinal[rows].astype("Float64") / per_year
    dated = freqs.eq("day")
    years.loc[dated] = 1970 + ordinal[dated].astype("Float64") / 365.2425
    return years


def comparison_ordinal(ordinal: pd.Series, freqs: pd.Series, compare: str) -> pd.Series:
    """The ordinal of each row's comparison period (``<NA>`` where there is none).

    ``yoy``: the same period one year earlier (2017-05 → 2016-05; a date → the same day of the
    previous year, none for 29 February). ``prev``: the immediately preceding period.
    """
    if compare not in COMPARISONS:
        raise ValueError(f"compare must be one of {', '.join(COMPARISONS)}, got {compare!r}")
    if compare == "prev":
        return ordinal - 1
    target = pd.Series(pd.NA, index=ordinal.index, dtype="Int64")
    for kind, per_year in PER_YEAR.items():
        rows = freqs.eq(kind)
        target.loc[rows] = ordinal[rows] - per_year
    dated = freqs.eq("day")
    if bool(dated.any()):
        dates = _EPOCH + pd.to_timedelta(ordinal[dated].astype("int64"), unit="D")
        earlier = _dates(dates.dt.year - 1, dates.dt.month, dates.dt.day)
        target.loc[dated] = _day_numbers(earlier)  # 29 Feb has no date a year earlier: <NA>
    return target


def series_ids(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """An integer per series (combination of ``keys``; missing keys form their own series)."""
    if not keys:
        return pd.Series(0, index=frame.index, dtype="int64")
    return frame.groupby(list(keys), sort=True, dropna=False).ngroup().astype("int64")


def _check_series(
    frame: pd.DataFrame,
    keys: Sequence[str],
    series: pd.Series,
    ordinal: pd.Series,
    freqs: pd.Series,
    period: str,
) -> None:
    # One frequency per series: a year and a month in one series cannot be compared.
    probe = pd.DataFrame({"series": series, "freq": freqs, "line": frame.index}, index=frame.index)
    firsts = probe.drop_duplicates(["series", "freq"])
    mixed = firsts.duplicated("series", keep=False)
    if bool(mixed.any()):
        clash = firsts.loc[mixed]
        clash = clash.loc[clash["series"].eq(clash["series"].iloc[0])].head(2)
        lines = list(clash.index)
        raise PeriodError(
            f"mixed frequencies in one series{_series_name(frame, keys, lines[0])}: "
            f"{frame.loc[lines[0], period]!r} is a {clash['freq'].iloc[0]}, "
            f"{frame.loc[lines[1], period]!r} a {clash['freq'].iloc[1]}",
            lines,
        )
    slots = pd.DataFrame({"series": series, "ordinal": ordinal}, index=frame.index)
    repeated = slots.duplicated(keep=False)
    if bool(repeated.any()):
        dupes = slots.loc[repeated]
        first = dupes.iloc[0]
        same = dupes.loc[
            dupes["series"].eq(first["series"]) & dupes["ordinal"].eq(first["ordinal"])
        ]
        lines = list(same.index[:2])
        raise PeriodError(
            f"duplicate period {frame.loc[lines[0], period]!r}"
            f"{_series_name(frame, keys, lines[0])} (one value per series and period)",
            lines,
        )


def _series_name(frame: pd.DataFrame, keys: Sequence[str], line: Hashable) -> str:
    if not keys:
        return ""
    row = frame.loc[[line]].iloc[0]
    return " for " + ", ".join(f"{k}={row[k]}" for k in keys)


def period_change(
    frame: pd.DataFrame,
    keys: Sequence[str],
    *,
    period: str = "period",
    value: str = "value",
    compare: str = "yoy",
    rate: bool | pd.Series = False,
    freq: str | None = None,
) -> pd.DataFrame:
    """Each row's change against exactly its comparison period in the same series.

    A series is a combination of ``keys``. ``compare`` is ``yoy`` (同比: the same period one
    year earlier) or ``prev`` (环比: the immediately preceding period). ``rate`` (for all rows,
    or a boolean Series aligned to ``frame``) marks values that are rates in percent.

    Returns the input rows, sorted by ``keys`` then period (index kept), with:

    - ``base_period``, ``base_value``: the comparison row's label and value (``<NA>`` if none);
    - ``change``: value − base_value;
    - ``change_pct``: change ÷ |base_value| × 100. ``<NA>`` for a zero base (growth from
      nothing is undefined). A negative base (a net balance) is divided by its absolute
      value, so a positive change_pct always means the value went up (−50 → −25 is +50%);
    - ``change_pp``: for rate rows, the change in percentage points (= ``change``); ``<NA>``
      for other rows;
    - ``flag``: ``first`` (no earlier period in the series to compare with), ``gap`` (the
      comparison period is missing: never bridged), ``zero base``, ``negative base``,
      ``missing value``, ``missing base``; ``<NA>`` for an ordinary change.

    Raises PeriodError for unreadable period labels, mixed frequencies in one series, or a
    duplicate (series, period), naming the lines (index labels) involved.
    """
    keys = list(keys)
    ordinal, freqs = parse_periods(frame[period], freq)
    series = series_ids(frame, keys)
    _check_series(frame, keys, series, ordinal, freqs, period)
    work = frame.assign(
        _series=series, _ordinal=ordinal, _target=comparison_ordinal(ordinal, freqs, compare)
    )
    work = work.sort_values(["_series", "_ordinal"], kind="mergesort")
    values = work[value].astype("Float64")
    base = work[["_series", "_ordinal", period]].assign(_value=values)
    base.columns = pd.Index(["_series", "_target", "_base_period", "_base_value"])
    joined = work[["_series", "_target"]].merge(
        base, on=["_series", "_target"], how="left", validate="many_to_one"
    )
    joined.index = work.index
    base_value = joined["_base_value"].astype("Float64")
    found = joined["_base_period"].notna()
    change = values - base_value
    is_rate = _rate_mask(rate, work.index)
    result = work.drop(columns=["_series", "_ordinal", "_target"])
    result["base_period"] = joined["_base_period"].where(found)
    result["base_value"] = base_value
    result["change"] = change
    # Growth from zero is undefined; a negative base is measured by its size (see docstring).
    result["change_pct"] = (change / base_value.abs() * 100).where(base_value != 0)
    result["change_pp"] = change.where(pd.Series(is_rate, index=work.index))
    first_ordinal = work.groupby("_series", sort=False)["_ordinal"].transform("min")
    # Before the series starts is ``first``; a period with no counterpart (29 Feb) is first
    # only when nothing comes before it.
    before_start = (work["_target"] < first_ordinal).fillna(work["_ordinal"] == first_ordinal)
    # The first condition that holds names the row (np.select picks in order).
    conditions = [
        values.isna().to_numpy(),
        (~found & before_start).to_numpy(),
        (~found).to_numpy(),
        (found & base_value.isna()).to_numpy(),
        base_value.eq(0).fillna(False).to_numpy(dtype=bool),
        base_value.lt(0).fillna(False).to_numpy(dtype=bool),
    ]
    choices = [MISSING_VALUE, FIRST, GAP, MISSING_BASE, ZERO_BASE, NEGATIVE_BASE]
    flag = pd.Series(np.select(conditions, choices, default=""), index=work.index, dtype="str")
    result["flag"] = flag.where(flag != "")
    return result


def _rate_mask(rate: bool | pd.Series, index: pd.Index) -> np.ndarray:
    if isinstance(rate, pd.Series):
        return rate.reindex(index).fillna(False).astype("bool").to_numpy()
    return np.full(len(index), bool(rate))
