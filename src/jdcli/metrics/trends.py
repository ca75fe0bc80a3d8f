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

    The index must be unique (ValueError otherwise): its labels name rows in errors.
    Raises PeriodError naming the line of the first label that is missing, unreadable,
    impossible (month 13, 2017-02-30) or not of the frequency asked for.
    """
    if freq is not None and freq not in FREQUENCIES:
        raise PeriodError(f"unknown frequency {freq!r} (use one of {', '.join(FREQUENCIES)})", [])
    _check_index(labels.index)
    # Parse each distinct label once (a long file repeats few labels); the first occurrence
    # keeps its line for messages.
    raw = labels.astype("str")
    distinct = raw.drop_duplicates()
    text = distinct.str.translate(_TRANSLATE).str.strip()
    missing = distinct.isna() | text.eq("")
    if bool(missing.any()):
        raise PeriodError("missing period", [missing[missing].index[0]])
    ordinal, freqs = _parse_distinct(text, labels.loc[distinct.index], freq)
    # factorize numbers the labels in order of first appearance, as drop_duplicates keeps them.
    position, _ = pd.factorize(raw, sort=False)
    return (
        pd.Series(ordinal.to_numpy()[position], index=labels.index, dtype="Int64"),
        pd.Series(freqs.to_numpy()[position], index=labels.index, dtype="str"),
    )


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
    if compare not in COMPARISONS:
        raise ValueError(f"compare must be one of {', '.join(COMPARISONS)}, got {compare!r}")
    if compare == "prev":
        return ordinal - 1
    target = (ordinal - _per_year(freqs)).astype("Int64")
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
    carry: Sequence[str] = (),
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
    ``base_<column>``.

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
    carried = [c for c in carry if c not in (period, value)]
    base = work[["_series", "_ordinal", period]].assign(_value=values)
    base = pd.concat([base, work[carried]], axis=1)
    base.columns = pd.Index(
        ["_series", "_target", "_base_period", "_base_value", *(f"base_{c}" for c in carried)]
    )
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
    result["change_pct"] = (change * 100 / base_value.abs()).where(base_value != 0)
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
    for column in carried:
        result[f"base_{column}"] = joined[f"base_{column}"]
    return result


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
    index row). Raises PeriodError as ``period_change`` does.
    """
    keys = list(keys)
    ordinal, freqs = parse_periods(frame[period], freq)
    series = series_ids(frame, keys)
    _check_series(frame, keys, series, ordinal, freqs, period)
    values = frame[value].astype("Float64")
    rates = frame[reported].astype("Float64")
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
    ordinal, freqs = parse_periods(frame[period])
    return frame.assign(
        _series=series_ids(frame, keys), _ordinal=ordinal, _years=ordinal_years(ordinal, freqs)
    ).sort_values(["_series", "_ordinal"], kind="mergesort")


def cumulative_change(
    frame: pd.DataFrame, keys: Sequence[str], *, period: str = "period", value: str = "value"
) -> pd.Series:
    """Each row's relative change (%) from the first period of its series with a value.

    ``<NA>`` for that first row itself (no change, not 0%), for rows without a value and
    where the first value is 0; a negative first value is divided by its size, as in
    ``period_change``. Aligned to ``frame``'s index.
    """
    work = _ordered(frame, keys, period)
    values = work[value].astype("Float64")
    first = values.groupby(work["_series"], sort=False).transform("first")
    first_period = (
        work["_ordinal"].where(values.notna()).groupby(work["_series"], sort=False).transform("min")
    )
    change = ((values - first) * 100 / first.abs()).where(first != 0)
    change = change.where(work["_ordinal"] != first_period)
    return change.reindex(frame.index)


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
    base_ordinal, base_freq = parse_periods(pd.Series([base_period]))
    freqs = parse_periods(work[period])[1]
    at_base = work["_ordinal"].eq(base_ordinal.iloc[0]) & freqs.eq(base_freq.iloc[0])
    values = work[value].astype("Float64")
    base = values.where(at_base).groupby(work["_series"], sort=False).transform("max")
    return (values / base * 100).where(base > 0).reindex(frame.index)


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
