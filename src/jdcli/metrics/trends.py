"""Period-over-period change: year-on-year (同比) or sequential (环比), by period arithmetic.

Every change is found by joining each row to the row of *exactly* its comparison period in the
same series (a self-join on the shifted period), never by looking at the previous row: a
missing year is a gap, not a two-year "yoy"; unsorted input gives the same answer as sorted;
the first period has no change (not 0%).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from jdcli.metrics.columns import constant_text, missing_numbers, missing_text

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

#: Periods per year by frequency code (position in FREQUENCIES); 0 for dates.
_PER_YEAR_BY_CODE = np.array([PER_YEAR.get(kind, 0) for kind in FREQUENCIES], dtype="int64")
_DAY_CODE = FREQUENCIES.index("day")


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

    The index must be unique (ValueError otherwise): its labels name rows in errors.
    Raises PeriodError naming the line of the first label that is missing, unreadable,
    impossible (month 13, 2017-02-30) or not of the frequency asked for.
    """
    ordinal, codes = _period_codes(labels, freq)
    return (
        pd.Series(ordinal, index=labels.index, dtype="Int64", copy=False),
        pd.Series(_labelled(codes, FREQUENCIES), index=labels.index, copy=False),
    )


def _period_codes(labels: pd.Series, freq: str | None) -> tuple[np.ndarray, np.ndarray]:
    """``parse_periods`` as arrays: the ordinals (int64) and each label's frequency as its
    position in ``FREQUENCIES`` (int8)."""
    if freq is not None and freq not in FREQUENCIES:
        raise PeriodError(f"unknown frequency {freq!r} (use one of {', '.join(FREQUENCIES)})", [])
    _check_index(labels.index)
    # Parse each distinct label once (a long file repeats few labels). The distinct labels
    # are numbered by code; an error names the line of the label's first occurrence.
    codes, distinct = _factorize(labels.astype("str"))
    if bool((codes < 0).any()):
        raise PeriodError("missing period", [labels.index[int(np.argmax(codes < 0))]])
    try:
        text = distinct.astype("str").str.translate(_TRANSLATE).str.strip()
        empty = text.eq("").to_numpy()
        if bool(empty.any()):
            raise PeriodError("missing period", [int(np.argmax(empty))])
        ordinal, freqs = _parse_distinct(text, distinct, freq)
    except PeriodError as exc:
        lines = [labels.index[int(np.argmax(codes == code))] for code in exc.lines]
        raise PeriodError(exc.detail, lines) from None
    kinds = freqs.map({kind: code for code, kind in enumerate(FREQUENCIES)})
    return (
        ordinal.to_numpy(dtype="int64")[codes],
        kinds.to_numpy(dtype="int8")[codes],
    )


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes numbering the distinct values in order of first appearance (−1 for missing),
    and the distinct values (indexed by code)."""
    if _arrow_text(values):
        encoded = _dictionary_encoded(values)
        return _indices(encoded), pd.Series(pd.array(encoded.dictionary, dtype="str"))
    found, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    return found.astype("int64"), pd.Series(uniques, dtype=values.dtype)


def _arrow_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"


def _dictionary_encoded(values: pd.Series) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(pa.array(values.array))
    return encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded


def _indices(encoded: Any) -> np.ndarray:
    """A dictionary array's indices as int64, −1 for missing."""
    indices = encoded.indices
    if indices.null_count:
        indices = indices.fill_null(-1)
    codes: np.ndarray = indices.to_numpy(zero_copy_only=False).astype("int64")
    return codes


def _codes(values: pd.Series, sort: bool = False) -> np.ndarray:
    """``pd.factorize`` codes (−1 for missing), through Arrow for Arrow-backed text."""
    if _arrow_text(values):
        encoded = _dictionary_encoded(values)
        codes = _indices(encoded)
        if sort and len(encoded.dictionary):
            rank = np.argsort(np.argsort(encoded.dictionary.to_numpy(zero_copy_only=False)))
            codes = rank[codes] if not encoded.null_count else np.where(codes >= 0, rank[codes], -1)
        return codes
    return pd.factorize(values, sort=sort, use_na_sentinel=True)[0].astype("int64")


def _labelled(codes: np.ndarray, labels: Sequence[str | None]) -> Any:
    """Text labels chosen by code (−1 or a ``None`` label gives a missing value), built in
    Arrow: no Python string per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    indices = pa.array(codes, mask=codes < 0, type=pa.int32())
    taken = pc.take(pa.array(list(labels), type=pa.string()), indices)
    return pd.array(taken, dtype="str")


def _parse_distinct(
    text: pd.Series, labels: pd.Series, freq: str | None
) -> tuple[pd.Series, pd.Series]:
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
    per_year = _per_year(kinds)
    offset = (sub_int - 1).where(per_year > 1, 0)
    ordinal = (year * per_year + offset).astype("Int64")
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


def _check_index(index: pd.Index) -> None:
    if not index.is_unique:
        raise ValueError(
            "the index must be unique: its labels name the rows (file lines) in errors"
        )


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

    ``2017`` → 2017.0, ``2017Q3`` → 2017.5, ``2017-07`` → 2017.5, a date → its year plus
    months/12 plus (day − 1)/(12 × 31) (2017-07-01 → 2017.5).
    """
    years = ordinal.astype("Float64") / _per_year(freqs)
    dated = freqs.eq("day")
    if bool(dated.any()):
        # A date as year + months/12 + days/(12·31): the same day of the month a year later is
        # exactly one year on, leap years or not.
        dates = _EPOCH + pd.to_timedelta(ordinal[dated].astype("int64"), unit="D")
        fraction = (dates.dt.month - 1) / 12 + (dates.dt.day - 1) / (12 * 31)
        years.loc[dated] = (dates.dt.year + fraction).astype("Float64").to_numpy()
    return years


def _per_year(freqs: pd.Series) -> pd.Series:
    """Periods per year of each row's frequency (``<NA>`` for dates)."""
    # Looked up once per distinct frequency: a long file has one or two.
    codes, distinct = pd.factorize(freqs, use_na_sentinel=True)
    per_year = pd.array([PER_YEAR.get(str(f), pd.NA) for f in distinct] + [pd.NA], dtype="Int64")
    return pd.Series(per_year[codes], index=freqs.index, dtype="Int64")


def comparison_ordinal(ordinal: pd.Series, freqs: pd.Series, compare: str) -> pd.Series:
    """The ordinal of each row's comparison period (``<NA>`` where there is none).

    ``yoy``: the same period one year earlier (2017-05 → 2016-05; a date → the same day of the
    previous year, none for 29 February). ``prev``: the immediately preceding period.
    """
    # Each row's frequency as its code (−1 if unknown), looked up once per distinct label.
    codes, distinct = pd.factorize(freqs, use_na_sentinel=True)
    known = {kind: code for code, kind in enumerate(FREQUENCIES)}
    lookup = np.array([known.get(str(f), -1) for f in distinct] + [-1], dtype="int8")
    kinds = lookup[codes]
    unknown = ordinal.isna().to_numpy() | (kinds < 0)
    target, valid = _comparison_codes(
        ordinal.fillna(0).to_numpy(dtype="int64"), np.maximum(kinds, 0), compare
    )
    result = pd.Series(target, index=ordinal.index, dtype="Int64")
    return result.mask(pd.Series(unknown | ~valid, index=ordinal.index))


def series_ids(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """An integer per series (combination of ``keys``; missing keys form their own series),
    numbered in the order of the sorted keys (missing last), as ``groupby(...).ngroup()``."""
    dense = _dense(_series_codes(frame, keys))
    return pd.Series(dense, index=frame.index, dtype="int64", copy=False)


def _series_codes(frame: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Integers that order the rows as their sorted keys do (missing last), equal exactly
    for rows of one series; not necessarily consecutive."""
    starts = _run_starts(frame, keys)
    if starts is not None:
        # A long file lists each series' rows together: number the first row of each run of
        # equal keys (the same distinct values, so the same numbers) and repeat it.
        heads = np.flatnonzero(starts)
        del starts
        codes = _key_codes(frame[list(keys)].take(heads), keys)
        return np.repeat(codes, np.diff(heads, append=len(frame)))
    return _key_codes(frame, keys)


def _run_starts(frame: pd.DataFrame, keys: Sequence[str]) -> np.ndarray | None:
    """Where a run of rows with equal keys begins (True at the first row), when the keys are
    Arrow-backed text and runs are long enough to be worth it; None otherwise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    size = len(frame)
    if not keys or size < _RUN_MIN_ROWS or not all(_arrow_text(frame[k]) for k in keys):
        return None
    changed: Any = None
    for key in keys:
        values = pa.array(frame[key].array)
        # A missing key compares as unknown: start a run there (a run never spans two keys).
        differs = pc.fill_null(pc.not_equal(values[1:], values[:-1]), True)
        changed = differs if changed is None else pc.or_(changed, differs)
    if isinstance(changed, pa.ChunkedArray):
        changed = changed.combine_chunks()
    starts = np.empty(size, dtype=bool)
    starts[0] = True
    starts[1:] = changed.to_numpy(zero_copy_only=False)
    if int(np.count_nonzero(starts)) * _ROWS_PER_RUN > size:
        return None
    return starts


#: ``_series_codes`` numbers runs of equal keys when the frame has at least this many rows,
#: with this many rows per run on average.
_RUN_MIN_ROWS = 4096
_ROWS_PER_RUN = 4


def _key_codes(frame: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """``_series_codes`` computed row by row (each key factorised over every row)."""
    combined = np.zeros(len(frame), dtype="int64")
    total = 1
    for key in keys:
        codes = _codes(frame[key], sort=True)
        size = int(codes.max()) + 2 if len(codes) else 1  # room for missing, sorted last
        if total * size >= 2**62:  # renumber densely before the product could overflow
            combined = _dense(combined)
            total = int(combined.max()) + 1 if len(combined) else 1
        combined = combined * size + np.where(codes < 0, size - 1, codes)
        total *= size
    return combined


def _dense(codes: np.ndarray) -> np.ndarray:
    """``codes`` renumbered 0, 1, 2 … in their order."""
    dense: np.ndarray = pd.factorize(codes, sort=True)[0].astype("int64")
    return dense


class _Arranged:
    """A frame's rows in series-then-period order, as plain arrays. ``order`` holds the
    frame positions of the sorted rows, or is None when the frame is in that order already
    (a file sorted by series and period costs no copies). Built by ``_arrange``."""

    def __init__(
        self,
        order: np.ndarray | None,
        series: np.ndarray,
        ordinal: np.ndarray,
        freq: np.ndarray,
        low: int,
        span: int,
    ) -> None:
        self.order = order
        self.series = series
        self.ordinal = ordinal
        self.freq = freq
        self.low = low
        self.span = span
        starts = np.ones(len(series), dtype=bool)
        starts[1:] = series[1:] != series[:-1]
        self.starts = starts
        # Each row's position of its series' first row.
        first = np.arange(len(series))
        first[~starts] = 0
        self.first = np.maximum.accumulate(first, out=first) if len(first) else first

    def sorted(self, values: np.ndarray) -> np.ndarray:
        """Values in the frame's order, in this order."""
        return values if self.order is None else values[self.order]

    def in_order(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame``'s rows in this order (a shallow copy when they already are)."""
        return frame.copy(deep=False) if self.order is None else frame.take(self.order)

    def lookup(self, target: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each row, the position (in this order) of the row of its series whose ordinal
        is ``target``: (positions, found); a position where nothing is found is arbitrary."""
        ok = valid & (target >= self.low)
        if not len(ok):
            return np.zeros(0, dtype="int64"), ok
        # Each row's key, series × span + (ordinal − low): sorted, unique once checked. Built
        # here, not kept: it is needed only while looking up.
        keys = self.series * self.span
        keys += self.ordinal
        keys -= self.low
        # The row wanted is (ordinal − target) periods back in its series: in a series
        # without gaps, as many rows back. Try there first; search the sorted keys only for
        # the rows where it is not.
        wanted = np.subtract(target, self.ordinal)
        position = np.arange(len(keys))
        position += wanted
        np.clip(position, 0, len(keys) - 1, out=position)
        wanted += keys
        wanted[~ok] = -1  # no key is negative: found nowhere
        elsewhere = keys[position] != wanted
        elsewhere &= ok
        if bool(elsewhere.any()):
            searched = np.searchsorted(keys, wanted[elsewhere])
            np.minimum(searched, len(keys) - 1, out=searched)
            position[elsewhere] = searched
        found = keys[position] == wanted
        found &= ok
        return position, found

    def restore(self, values: np.ndarray) -> np.ndarray:
        """Values in this order back in the frame's order."""
        if self.order is None:
            return values
        back = np.empty_like(values)
        back[self.order] = values
        return back


def _arrange(
    frame: pd.DataFrame,
    keys: Sequence[str],
    period: str,
    freq: str | None = None,
    *,
    check: bool = True,
) -> _Arranged:
    """Parse the periods, number the series, sort, and (``check``) check: one frequency per
    series and one row per (series, period) (PeriodError naming the lines otherwise)."""
    ordinal, codes = _period_codes(frame[period], freq)
    series = _series_codes(frame, keys)
    low = int(ordinal.min()) if len(ordinal) else 0
    span = int(ordinal.max()) - low + 1 if len(ordinal) else 1
    if len(series) and (int(series.max()) + 1) * span >= 2**62:
        series = _dense(series)
    sort_key = series * span
    sort_key += ordinal
    sort_key -= low
    if len(sort_key) and bool((sort_key[1:] < sort_key[:-1]).any()):
        order = np.argsort(sort_key, kind="stable")
        del sort_key
        arranged = _Arranged(order, series[order], ordinal[order], codes[order], low, span)
    else:
        del sort_key
        arranged = _Arranged(None, series, ordinal, codes, low, span)
    if not check:
        return arranged
    same_series = ~arranged.starts[1:]
    mixed = same_series & (arranged.freq[1:] != arranged.freq[:-1])
    repeated = same_series & (arranged.ordinal[1:] == arranged.ordinal[:-1])
    if bool(mixed.any()) or bool(repeated.any()):
        # Rare: name the lines the way the messages always have.
        _check_series(
            frame,
            list(keys),
            pd.Series(series, index=frame.index),
            pd.Series(ordinal, index=frame.index),
            pd.Series(_labelled(codes, FREQUENCIES).to_numpy(), index=frame.index),
            period,
        )
    return arranged


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
    row = frame.loc[frame.index == line].iloc[0]  # a list [line] would lose its type
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
    carry: Sequence[str] = (),
    cumulative: bool = False,
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

    Columns named in ``carry`` are also brought over from the comparison row, as
    ``base_<column>``. With ``cumulative``, a last column ``cumulative_change_pct`` holds
    ``cumulative_change`` (the change from the first period of the series with a value).

    Raises PeriodError for unreadable period labels, mixed frequencies in one series, or a
    duplicate (series, period), naming the lines (index labels) involved.
    """
    arranged = _arrange(frame, keys, period, freq)
    work = arranged.in_order(frame)
    index = work.index
    target, valid = _comparison_codes(arranged.ordinal, arranged.freq, compare)
    position, found = arranged.lookup(target, valid)
    # Before the series starts is ``first``; a period with no counterpart (29 Feb) is first
    # only when nothing comes before it.
    first_ordinal = arranged.ordinal[arranged.first]
    before_start = np.where(valid, target < first_ordinal, arranged.ordinal == first_ordinal)
    del first_ordinal, target, valid
    is_rate = arranged.sorted(_rate_mask(rate, frame.index))
    values = work[value].astype("Float64")
    number = values.to_numpy(dtype="float64", na_value=np.nan)
    missing = values.isna().to_numpy()
    del values
    if cumulative:  # first: its temporaries are freed before the columns below are built
        cumulative_pct, cumulative_undefined = _cumulative(arranged, number, missing)
    del arranged  # its arrays (tens of megabytes each on a long file) are not needed again
    # Arrays are built in place where they can be and dropped once used: on a long file
    # each is tens of megabytes.
    base_number = number[position]
    base_number[~found] = np.nan
    base_missing = missing[position]
    base_missing |= ~found
    take = np.where(found, position, -1)
    del position
    result = work
    result["base_period"] = pd.Series(
        work[period].array.take(take, allow_fill=True), index=index, copy=False
    )
    carried = {
        f"base_{column}": pd.Series(_take_with_missing(work[column], take), index=index, copy=False)
        for column in carried_columns(carry, period, value)
    }
    del take
    change = number - base_number
    del number
    unknown = missing | base_missing
    if bool(is_rate.any()):
        change_pp = _floats(np.where(is_rate, change, 0.0), unknown | ~is_rate, index)
    else:
        change_pp = missing_numbers(index)
    del is_rate
    # Growth from zero is undefined; a negative base is measured by its size (see docstring).
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = change * 100
        relative /= np.abs(base_number)
    change_pct = _floats(relative, unknown | (base_number == 0), index)
    known_base = found & ~base_missing
    # The first condition that holds names the row (np.select picks in order).
    conditions = [
        missing,
        ~found & before_start,
        ~found,
        found & base_missing,
        known_base & (base_number == 0),
        known_base & (base_number < 0),
    ]
    del before_start, known_base
    choices = [MISSING_VALUE, FIRST, GAP, MISSING_BASE, ZERO_BASE, NEGATIVE_BASE]
    codes = np.select(conditions, [np.int8(i) for i in range(len(choices))], np.int8(-1))
    del conditions
    flag = pd.Series(_labelled(codes, choices), index=index, copy=False)
    del codes
    result["base_value"] = _floats(base_number, base_missing, index)
    result["change"] = _floats(change, unknown, index)
    result["change_pct"] = change_pct
    result["change_pp"] = change_pp
    result["flag"] = flag
    for name, column in carried.items():
        result[name] = column
    if cumulative:
        result["cumulative_change_pct"] = _floats(cumulative_pct, cumulative_undefined, index)
    return result


def carried_columns(carry: Sequence[str], period: str, value: str) -> list[str]:
    """The ``carry`` columns of ``period_change`` that are brought over from the base row."""
    return [c for c in carry if c not in (period, value)]


def _take_with_missing(column: pd.Series, take: np.ndarray) -> Any:
    """``column``'s values at ``take`` (−1: missing), keeping the dtype where it can hold a
    missing value (bool becomes ``boolean``, int64 ``Int64``)."""
    array = column.array
    if column.dtype == "bool":
        array = pd.array(column.to_numpy(), dtype="boolean")
    elif pd.api.types.is_integer_dtype(column.dtype) and column.dtype.kind in "iu":
        array = pd.array(column.to_numpy(), dtype="Int64")
    return array.take(take, allow_fill=True)


def _floats(values: np.ndarray, missing: np.ndarray, index: pd.Index) -> pd.Series:
    """A nullable Float64 column from numbers and a mask of missing ones. Both arrays become
    the column's own: pass arrays nothing else holds (a masked value's number is ignored)."""
    return pd.Series(pd.arrays.FloatingArray(values, missing), index=index, copy=False)


def _comparison_codes(
    ordinal: np.ndarray, freq: np.ndarray, compare: str
) -> tuple[np.ndarray, np.ndarray]:
    """``comparison_ordinal`` over arrays (``freq`` as codes): (target ordinals, valid)."""
    if compare not in COMPARISONS:
        raise ValueError(f"compare must be one of {', '.join(COMPARISONS)}, got {compare!r}")
    valid = np.ones(len(ordinal), dtype=bool)
    if compare == "prev":
        return ordinal - 1, valid
    target = ordinal - _PER_YEAR_BY_CODE[freq]
    dated = freq == _DAY_CODE
    if bool(dated.any()):
        days = ordinal[dated].astype("datetime64[D]")
        months = days.astype("datetime64[M]")
        day_of_month = (days - months).astype("int64")
        earlier = (months - np.timedelta64(12, "M")).astype("datetime64[D]") + day_of_month
        # 29 February has no date a year earlier: the day would spill into March.
        spilled = earlier.astype("datetime64[M]") != (months - np.timedelta64(12, "M"))
        target[dated] = earlier.astype("int64")
        valid[dated] = ~spilled
    return target, valid


def _rate_mask(rate: bool | pd.Series, index: pd.Index) -> np.ndarray:
    if isinstance(rate, pd.Series):
        return rate.reindex(index).fillna(False).astype("bool").to_numpy()
    return np.full(len(index), bool(rate))


# ------------------------------------------------------------------ reported changes

# Where a row's value comes from (column ``origin`` of ``complete_with_reported``).
LEVEL = "level"
INDEX_BASE = "index base"
CHAINED = "chained"
DERIVED = "derived"


def format_periods(ordinal: pd.Series, freqs: pd.Series) -> pd.Series:
    """Ordinals back to canonical labels: ``2017``, ``2017H1``, ``2017Q2``, ``2017-05``, a date."""
    labels = pd.Series(np.nan, index=ordinal.index, dtype="object")
    whole = ordinal.astype("Int64")
    for kind, per_year in PER_YEAR.items():
        rows = freqs.eq(kind)
        year = (whole[rows] // per_year).astype("str")
        part = (whole[rows] % per_year + 1).astype("str")
        if kind == "year":
            text = year
        elif kind == "month":
            text = year + "-" + part.str.zfill(2)
        else:
            text = year + {"half": "H", "quarter": "Q"}[kind] + part
        labels.loc[rows] = text.to_numpy()
    dated = freqs.eq("day")
    if bool(dated.any()):
        dates = _EPOCH + pd.to_timedelta(whole[dated].astype("int64"), unit="D")
        labels.loc[dated] = dates.dt.strftime("%Y-%m-%d").to_numpy()
    return labels.astype("str")


def complete_with_reported(
    frame: pd.DataFrame,
    keys: Sequence[str],
    *,
    period: str = "period",
    value: str = "value",
    reported: str = "reported_change_pct",
    freq: str | None = None,
) -> pd.DataFrame:
    """Fill in levels from reported year-on-year changes (同比, in %) where that is sound.

    Reported changes link a period to the same period a year earlier; consecutive links form
    a chain, whose first period (the one before the first change) is its base. Per series:

    - no level at all: each chain becomes an index, base = 100 (a row is added for the base
      period when there is none), then ``base × Π(1 + change/100)``: −14%, −16% give 100,
      86, 72.24;
    - exactly one level, and it is positive: the levels of the chain through it are derived
      from it (15 labs in 2017 at −40% gives 25 in 2016);
    - two or more levels: nothing is filled in (a missing year stays a gap).

    Returns the rows (added base rows get negative index labels, having no file line; their
    other columns are empty except the keys) with ``value`` filled in and two columns:
    ``origin`` (``level``, ``index base``, ``chained``, ``derived``; ``<NA>`` for a row with
    neither a value nor a usable change) and ``index_base`` (the base period label of an
    index row). Raises PeriodError as ``period_change`` does when there is a reported
    change (without one, the rows come back as given, their values as levels).
    """
    keys = list(keys)
    rates = frame[reported].astype("Float64")
    if not bool(rates.notna().any()):
        # Nothing to chain, derive or place: every value is a level as given (the periods
        # are not even read: ``period_change`` checks them).
        result = frame.copy(deep=False)
        result[value] = result[value].astype("Float64")
        given = result[value].notna().to_numpy()
        if bool(given.all()):  # the usual long file: one label for every row, stored once
            result["origin"] = constant_text(LEVEL, result.index)
        else:
            level = np.where(given, 0, -1)
            result["origin"] = pd.Series(_labelled(level, [LEVEL]), index=result.index, copy=False)
        result["index_base"] = missing_text(result.index)
        return result
    arranged = _arrange(frame, keys, period, freq)
    ordinal = pd.Series(arranged.restore(arranged.ordinal), index=frame.index, dtype="Int64")
    freqs = pd.Series(_labelled(arranged.restore(arranged.freq), FREQUENCIES), index=frame.index)
    series = pd.Series(arranged.restore(arranged.series), index=frame.index, dtype="int64")
    values = frame[value].astype("Float64")
    target = comparison_ordinal(ordinal, freqs, "yoy")
    work = pd.DataFrame(
        {"series": series, "ordinal": ordinal, "freq": freqs, "target": target, "value": values},
        index=frame.index,
    )
    lag = _per_year(freqs).astype("Float64")
    # Rows of one phase (the same month of each year, say) link up year after year.
    phase = (ordinal % lag.fillna(1).astype("Int64")).astype("Int64")
    dated = freqs.eq("day")
    if bool(dated.any()):  # a date's phase is its month and day
        dates = _EPOCH + pd.to_timedelta(ordinal[dated].astype("int64"), unit="D")
        phase.loc[dated] = (dates.dt.month * 100 + dates.dt.day).astype("Int64").to_numpy()
    work["phase"] = phase
    # (Assign before selecting: a Series assigned to an empty frame would bring its rows.)
    links = work.assign(points=100 + rates).loc[rates.notna() & target.notna()]
    links = links.sort_values(["series", "phase", "ordinal"], kind="mergesort")
    previous = links.groupby(["series", "phase"], sort=False)["ordinal"].shift()
    links["chain"] = (previous.isna() | previous.ne(links["target"])).cumsum()
    # Π(100 + change) ÷ 100^(k−1): exact in binary for whole-percent changes (86, 72.24).
    step = links.groupby("chain", sort=False).cumcount().to_numpy()
    product = links["points"].groupby(links["chain"], sort=False).cumprod()
    links["index"] = product / np.power(100.0, step)
    starts = links.drop_duplicates("chain")[["series", "freq", "chain", "target"]]
    starts = starts.rename(columns={"target": "ordinal"}).assign(index=100.0)
    nodes = pd.concat(
        [links[["series", "freq", "chain", "ordinal", "index"]], starts], ignore_index=True
    )
    nodes["is_start"] = np.r_[np.zeros(len(links), bool), np.ones(len(starts), bool)]
    nodes["base_ordinal"] = nodes["chain"].map(starts.set_index("chain")["ordinal"])
    levels = work.loc[values.notna(), ["series", "ordinal", "value"]]
    counts = levels.groupby("series").size()
    nodes["levels"] = nodes["series"].map(counts).fillna(0).astype("int64")
    # The one level of a series, when it sits on a chain, scales that chain.
    anchors = nodes.merge(levels, on=["series", "ordinal"], how="inner")
    # Only a positive level scales a chain: a net balance (≤ 0) is left as it is.
    anchors = anchors.loc[anchors["levels"].eq(1) & anchors["value"].gt(0)]
    scale = anchors.set_index("chain")["value"] / anchors.set_index("chain")["index"]
    nodes["scale"] = nodes["chain"].map(scale)
    nodes["fill"] = (nodes["index"] * nodes["scale"]).where(nodes["levels"].eq(1))
    nodes["fill"] = nodes["fill"].fillna(nodes["index"].where(nodes["levels"].eq(0)))
    nodes["kind"] = np.where(
        nodes["levels"].eq(0), np.where(nodes["is_start"], INDEX_BASE, CHAINED), DERIVED
    )
    nodes = nodes.loc[nodes["fill"].notna()]
    existing = work.reset_index(names="_line")[["series", "ordinal", "_line"]]
    existing["_line"] = existing["_line"].astype("object")
    placed = nodes.merge(existing, on=["series", "ordinal"], how="left")
    new = placed.loc[placed["_line"].isna()]
    labels = -1 - np.arange(len(new)) + min(0, _min_label(frame.index))
    placed.loc[new.index, "_line"] = labels
    added = pd.DataFrame(np.nan, index=pd.Index(labels), columns=frame.columns)
    # Added rows have no values of their own: a bool column must not turn NaN into True.
    dtypes = {c: ("boolean" if t == "bool" else t) for c, t in frame.dtypes.to_dict().items()}
    added = added.astype(dtypes)
    first_rows = frame.loc[~series.duplicated()].set_index(series[~series.duplicated()])
    for key in keys:
        added[key] = first_rows.loc[new["series"].to_numpy(), key].to_numpy()
    added[period] = format_periods(new["ordinal"], new["freq"]).to_numpy()
    result = pd.concat([frame, added]) if len(added) else frame.copy()
    result[value] = result[value].astype("Float64")
    origin = pd.Series(np.nan, index=result.index, dtype="str").mask(result[value].notna(), LEVEL)
    # A given level is never overwritten: only empty rows are filled in.
    placed = placed.loc[result[value].reindex(pd.Index(placed["_line"])).isna().to_numpy()]
    where = pd.Index(placed["_line"])
    result.loc[where, value] = placed["fill"].to_numpy()
    origin.loc[where] = placed["kind"].to_numpy()
    index_base = pd.Series(np.nan, index=result.index, dtype="str")
    indexed = placed.loc[placed["kind"].ne(DERIVED)]
    index_base.loc[pd.Index(indexed["_line"])] = format_periods(
        indexed["base_ordinal"], indexed["freq"]
    ).to_numpy()
    result["origin"] = origin
    result["index_base"] = index_base
    return result


def _min_label(index: pd.Index) -> int:
    numbers = pd.to_numeric(pd.Series(index), errors="coerce")
    return int(numbers.min()) if bool(numbers.notna().any()) else 0


# Flags added by reported changes (besides the engine's).
MISMATCH = "mismatch"
CONSISTENT = "consistent"
DERIVED_BASE = "derived base"


def reported_consistency(
    changes: pd.DataFrame,
    *,
    reported: str = "reported_change_pct",
    reported_places: str = "reported_places",
    places: str = "value_places",
    approx: str = "value_approximate",
) -> pd.Series:
    """Whether each row's levels agree with its reported change, counting every precision.

    ``changes`` is ``period_change`` output run with ``carry=[origin, places, approx]`` on
    the output of ``complete_with_reported``; ``places``/``approx`` say how each level was
    written and ``reported_places`` how the change was (``jdcli.loading.figures``). The rule
    is ``precision.change_consistent``, the same as ``jdcli verify``'s. Only a pair of given
    levels is checked (a change computed from a derived or chained level came from the
    reported change itself). ``<NA>`` where nothing is checked.
    """
    from jdcli.metrics.precision import change_consistent

    if not bool(changes[reported].notna().any()):
        return pd.Series(pd.NA, index=changes.index, dtype="boolean")
    given = changes["origin"].eq(LEVEL) & changes["base_origin"].eq(LEVEL)
    checkable = (given & changes[reported].notna()).fillna(False).astype(bool)
    rows = changes.loc[checkable]
    verdict = change_consistent(
        rows["base_value"],
        rows[f"base_{places}"],
        rows[f"base_{approx}"],
        rows["value"],
        rows[places],
        rows[approx],
        rows[reported],
        rows[reported_places],
    )
    return verdict.reindex(changes.index).astype("boolean")


def combined_flags(changes: pd.DataFrame, consistent: pd.Series | None = None) -> pd.Series:
    """One flag per row: where the value came from, then the reported check, then the engine's.

    ``index base``, ``chained``, ``derived`` (the value is not a given level), ``derived
    base`` (the change is computed from a derived level, so it is not checked), ``mismatch`` /
    ``consistent`` (a given level pair checked against the reported change), else the flag
    of ``period_change`` (``first``, ``gap``, ``zero base`` …).
    """
    origin = changes["origin"]
    verdict = (
        consistent.reindex(changes.index)
        if consistent is not None
        else pd.Series(pd.NA, index=changes.index, dtype="boolean")
    )
    engine = changes["flag"]
    if not bool(verdict.notna().any()) and not bool(
        origin.isin([INDEX_BASE, CHAINED, DERIVED]).any()
    ):
        return engine  # every value a given level, nothing checked: the engine's flags
    conditions = [
        origin.eq(INDEX_BASE).fillna(False).to_numpy(dtype=bool),
        origin.eq(CHAINED).fillna(False).to_numpy(dtype=bool),
        origin.eq(DERIVED).fillna(False).to_numpy(dtype=bool),
        (changes["base_origin"].eq(DERIVED) & engine.isna()).fillna(False).to_numpy(dtype=bool),
        verdict.eq(False).fillna(False).to_numpy(dtype=bool),
        (verdict.eq(True) & engine.isna()).fillna(False).to_numpy(dtype=bool),
    ]
    choices = [INDEX_BASE, CHAINED, DERIVED, DERIVED_BASE, MISMATCH, CONSISTENT]
    picked = pd.Series(np.select(conditions, choices, default=""), index=changes.index, dtype="str")
    return picked.where(picked != "", engine)


# ------------------------------------------------------------------ whole-series measures


def _ordered(frame: pd.DataFrame, keys: Sequence[str], period: str) -> pd.DataFrame:
    arranged = _arrange(frame, keys, period, check=False)
    work = arranged.in_order(frame)
    ordinal = pd.Series(arranged.ordinal, index=work.index, dtype="Int64", copy=False)
    freqs = pd.Series(_labelled(arranged.freq, FREQUENCIES), index=work.index, copy=False)
    return work.assign(
        _series=arranged.series, _ordinal=ordinal, _years=ordinal_years(ordinal, freqs)
    )


def cumulative_change(
    frame: pd.DataFrame, keys: Sequence[str], *, period: str = "period", value: str = "value"
) -> pd.Series:
    """Each row's relative change (%) from the first period of its series with a value.

    ``<NA>`` for that first row itself (no change, not 0%), for rows without a value and
    where the first value is 0; a negative first value is divided by its size, as in
    ``period_change``. Aligned to ``frame``'s index.
    """
    arranged = _arrange(frame, keys, period, check=False)
    values = frame[value].astype("Float64")
    number = arranged.sorted(values.to_numpy(dtype="float64", na_value=np.nan))
    missing = arranged.sorted(values.isna().to_numpy())
    change, undefined = _cumulative(arranged, number, missing)
    return _floats(arranged.restore(change), arranged.restore(undefined), frame.index)


def _cumulative(
    arranged: _Arranged, number: np.ndarray, missing: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``cumulative_change`` over arranged values: (changes, undefined)."""
    size = len(number)
    if not size:
        return number.copy(), missing.copy()
    # The first row with a value in each series (rows are in period order within a series).
    if bool(missing.any()):
        candidate = np.where(missing, size, np.arange(size))
        starts = np.flatnonzero(arranged.starts)
        first_row = np.minimum.reduceat(candidate, starts)
        first_row = np.repeat(first_row, np.diff(np.append(starts, size)))
    else:
        first_row = arranged.first
    has_first = first_row < size
    at = np.where(has_first, first_row, 0)
    del first_row
    # Built in place: on a long file each temporary is tens of megabytes.
    undefined = arranged.ordinal[at]
    undefined = np.equal(arranged.ordinal, undefined)  # the first period itself
    undefined &= has_first
    np.invert(has_first, out=has_first)
    undefined |= has_first
    undefined |= missing
    first = number[at]
    del at
    first[has_first] = np.nan
    del has_first
    undefined |= first == 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        change = np.subtract(number, first)
        change *= 100
        np.abs(first, out=first)
        change /= first
    return change, undefined


def index_to(
    frame: pd.DataFrame,
    keys: Sequence[str],
    base_period: str,
    *,
    period: str = "period",
    value: str = "value",
) -> pd.Series:
    """``value`` as an index with ``base_period`` = 100 in each series (``<NA>`` for a series
    without a positive value in that period). ``base_period`` is a label like the data's
    (``2016``, ``2016-05``); it is compared as a period, not as text."""
    work = _ordered(frame, keys, period)
    values = work[value].astype("Float64")
    at_base = _at_period(work, period, base_period)
    base = values.where(at_base).groupby(work["_series"], sort=False).transform("max")
    return (values / base * 100).where(base > 0).reindex(frame.index)


def index_bases(
    frame: pd.DataFrame,
    keys: Sequence[str],
    base_period: str,
    *,
    period: str = "period",
    value: str = "value",
) -> pd.DataFrame:
    """One row per series, in series order: its keys and ``base_value``, its value in
    ``base_period`` (``<NA>`` when it has none then). ``index_to`` is ``<NA>`` throughout a
    series whose ``base_value`` is ``<NA>``, zero or negative."""
    work = _ordered(frame, keys, period)
    values = work[value].astype("Float64")
    at_base = _at_period(work, period, base_period)
    bases = values.where(at_base).groupby(work["_series"], sort=True).max()
    series = work.drop_duplicates("_series").set_index("_series").sort_index()
    result = series[list(keys)].copy()
    result["base_value"] = bases.astype("Float64")
    return result.reset_index(drop=True)


def _at_period(work: pd.DataFrame, period: str, label: str) -> pd.Series:
    """Rows of ``work`` (from ``_ordered``) in the period ``label``, compared as periods."""
    base_ordinal, base_freq = parse_periods(pd.Series([label]))
    freqs = parse_periods(work[period])[1]
    return work["_ordinal"].eq(base_ordinal.iloc[0]) & freqs.eq(base_freq.iloc[0])


def trend_summary(
    frame: pd.DataFrame,
    keys: Sequence[str],
    *,
    period: str = "period",
    value: str = "value",
    rate: bool | pd.Series = False,
) -> pd.DataFrame:
    """One row per series: its first and last period with a value, and what happened between.

    Columns: the keys, ``first_period``, ``first_value``, ``last_period``, ``last_value``,
    ``periods`` (how many have a value), ``years`` (between the first and last period, from
    the labels: 2017 → 2023 is 6 whatever rows are missing), ``change``, ``change_pct``,
    ``change_pp`` (rate series; ``<NA>`` otherwise), ``cagr_pct`` (compound annual growth,
    ``(last ÷ first)^(1/years) − 1``; ``<NA>`` unless both values are positive and years > 0)
    and ``doublings`` (log2 of last ÷ first: 翻番 = 1, 翻两番 = 2).
    """
    keys = list(keys)
    is_rate = pd.Series(_rate_mask(rate, frame.index), index=frame.index)
    work = _ordered(frame.assign(_rate=is_rate), keys, period)
    work = work.loc[work[value].notna()]
    grouped = work.groupby("_series", sort=True)
    firsts = grouped.head(1).set_index("_series")
    lasts = grouped.tail(1).set_index("_series")
    summary = firsts[keys].copy() if keys else pd.DataFrame(index=firsts.index)
    summary["first_period"] = firsts[period]
    summary["first_value"] = firsts[value].astype("Float64")
    summary["last_period"] = lasts[period]
    summary["last_value"] = lasts[value].astype("Float64")
    summary["periods"] = grouped.size().astype("Int64")
    years = (lasts["_years"] - firsts["_years"]).astype("Float64")
    summary["years"] = years
    first, last = summary["first_value"], summary["last_value"]
    summary["change"] = last - first
    summary["change_pct"] = ((last - first) * 100 / first.abs()).where(first != 0)
    summary["change_pp"] = (last - first).where(grouped["_rate"].any())
    positive = (first > 0) & (last > 0)
    ratio = (last / first).where(positive)
    # (last^(1/y) − first^(1/y)) × 100 ÷ first^(1/y): the usual formula, exact over one year.
    inverse = (1 / years.astype("float64")).where(years > 0)
    root_first = np.power(first.astype("float64").where(positive), inverse)
    root_last = np.power(last.astype("float64").where(positive), inverse)
    cagr = (root_last - root_first) * 100 / root_first
    summary["cagr_pct"] = pd.Series(cagr, index=summary.index).astype("Float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log2(ratio.astype("float64").where(ratio.astype("float64") > 0))
    summary["doublings"] = pd.Series(logs, index=summary.index).astype("Float64")
    return summary.reset_index(drop=True)
