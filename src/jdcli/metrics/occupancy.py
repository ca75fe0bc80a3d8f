"""Occupancy: occupied ÷ capacity as a ratio of totals, per group, per period, with bands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from jdcli.metrics.grouping import one_row_per_key

CENSUS = ("capacity", "occupied")
BED_DAYS = ("capacity_days", "occupied_days")
DEFAULT_BANDS = (85.0, 92.0, 100.0)
TOTAL = "Total"

FREQ_CODES = {"month": "M", "quarter": "Q", "year": "Y"}


def period_labels(dates: pd.Series, freq: str) -> pd.Series:
    """Dates as period labels: ``2018-05`` (month), ``2018Q2`` (quarter), ``2018`` (year)."""
    # Label each distinct period once (a census has far fewer periods than rows).
    codes, periods = pd.factorize(dates.dt.to_period(FREQ_CODES[freq]), use_na_sentinel=True)
    labels = periods.astype("str").array.take(codes, allow_fill=True)
    return pd.Series(labels, index=dates.index, dtype="str", name=dates.name)


def latest_census(
    rows: pd.DataFrame, as_of: pd.Timestamp, *, unit: Sequence[str], date: str = "date"
) -> pd.DataFrame:
    """Each unit's rows on its latest ``date`` at or before ``as_of`` (units with none drop out).

    Adds ``latest_date`` (that date). A unit is identified by the ``unit`` key columns; with
    none, the whole file is one unit.
    """
    eligible = rows.loc[rows[date].notna() & (rows[date] <= as_of)]
    keys = list(unit)
    if keys:
        latest = eligible.groupby(keys, sort=False, dropna=False)[date].transform("max")
    else:
        latest = pd.Series(eligible[date].max(), index=eligible.index)
    result = eligible.loc[eligible[date] == latest].copy()
    result["latest_date"] = result[date].dt.strftime("%Y-%m-%d")
    return result


def occupancy_rate(
    rows: pd.DataFrame,
    by: Sequence[str] = (),
    *,
    unit: Sequence[str] = (),
    period: str | None = None,
    instant: str | None = None,
    total: bool = True,
    bands: Sequence[float] = DEFAULT_BANDS,
) -> pd.DataFrame:
    """Occupancy per group (and per period): a ratio of totals, never a mean of rates.

    ``rows`` hold either a census (``capacity``, ``occupied``) or bed-days (``capacity_days``,
    ``occupied_days``; used when present). Census rows of one unit (``unit`` keys, e.g. the
    facility) at one ``instant`` (e.g. a date) are parts of it and add up; a unit's figure for
    a ``period`` is its average over its instants there, so a daily reporter does not
    outweigh a weekly one; groups add their units' averages. Bed-days simply add up.

    Columns: the ``by`` keys, ``period`` (when given), ``latest_date`` (when present in
    ``rows``), then ``capacity``, ``occupied``, ``occupancy_pct``, ``free``, ``band`` (or
    ``capacity_days``, ``occupied_days``, ``occupancy_pct``, ``free_days``, ``band``).
    ``occupancy_pct`` is ``<NA>`` where capacity is 0; it is never clipped at 100.
    ``band``: normal < b1 ≤ high < b2 ≤ critical ≤ b3 < over; ``no capacity`` when capacity
    and occupied are both 0, ``over`` when people are held in no beds. With ``total`` and
    more than one group, a total row per period (Σ/Σ over the groups, keys ``Total``) is last.
    """
    bed_days = all(c in rows.columns for c in BED_DAYS)
    cap, occ = BED_DAYS if bed_days else CENSUS
    keys = list(dict.fromkeys(by))
    time = [period] if period else []
    extra = ["latest_date"] if "latest_date" in rows.columns else []
    aggs: dict[str, str] = {cap: "sum", occ: "sum"} | {c: "max" for c in extra}

    data = rows[
        keys
        + time
        + extra
        + [c for c in unit if c not in keys]
        + [cap, occ]
        + ([instant] if instant and not bed_days else [])
    ]
    data = data.loc[:, ~data.columns.duplicated()]
    data = data.astype({cap: "Float64", occ: "Float64"})
    if not bed_days:
        unit_keys = keys + [c for c in unit if c not in keys] + time
        if instant:
            fast = _mean_census(data, unit_keys, instant, cap, occ) if not extra else None
            if fast is not None:
                data = fast
            else:
                parts = _sum(data, [*unit_keys, instant], aggs)
                data = _mean_over_instants(parts, unit_keys, cap, occ, extra)
        else:
            data = _sum(data, unit_keys, aggs)
    ident = keys + [c for c in unit if c not in keys]
    return _table(data, keys, time, extra, bed_days=bed_days, total=total, bands=bands, unit=ident)


def occupancy_from_census(
    census: pd.DataFrame,
    by: Sequence[str] = (),
    *,
    total: bool = True,
    bands: Sequence[float] = DEFAULT_BANDS,
) -> pd.DataFrame:
    """The table :func:`occupancy_rate` gives, from each unit's census per ``period`` (the
    output of :func:`census_means`): groups add their units' averages."""
    keys = list(dict.fromkeys(by))
    ident = [c for c in census.columns if c not in ("period", *CENSUS)]
    return _table(
        census, keys, ["period"], [], bed_days=False, total=total, bands=bands, unit=ident
    )


#: Months in each period, and 64-bit words holding one bit per day of the longest period.
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
DAY_WORDS = {"month": 1, "quarter": 2, "year": 6}


def census_partials(
    rows: pd.DataFrame, unit: Sequence[str], freq: str, *, date: str = "date"
) -> pd.DataFrame:
    """Partial census sums of some of a census's rows, to be combined with others' exactly.

    Per ``unit`` keys and ``period`` (``freq``: month, quarter or year, labelled as by
    :func:`period_labels`): ``capacity`` and ``occupied`` summed, and ``days_0`` …
    ``days_<k>``: which days of the period the unit reported on, one bit per day offset from
    the period's start (uint64 words). ORing the masks of two partials counts a day reported
    in both once, so :func:`combine_census_partials` over any split of the rows gives what
    the whole rows give, and :func:`census_means` each unit's average over its days. ``rows``
    must be complete: no missing key, date or value.
    """
    words = DAY_WORDS[freq]
    keys = list(dict.fromkeys(unit))
    if rows.empty:
        return _empty_partials(rows, keys, words)
    # Dates repeat (a census has one per day): the period arithmetic is done per distinct date.
    date_code, distinct = _factorized(rows[date])
    days = np.asarray(distinct, dtype="datetime64[D]")
    months = days.astype("datetime64[M]").astype(np.int64)
    months -= months % PERIOD_MONTHS[freq]
    offset_of = (days - months.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    period_of, starts = pd.factorize(months)
    offsets = offset_of[date_code]
    # One integer per row for its (unit, period), combined from each key's codes (made
    # dense again whenever the product of the key counts could overflow).
    group = np.zeros(len(rows), dtype=np.int64)
    cells = 1
    for code, width in [*_codes(rows, keys), (period_of[date_code], len(starts))]:
        if cells * width >= 2**62:
            group, cells = _dense(group, cells)
        group *= width
        group += code
        cells *= width
    group, count = _dense(group, cells)
    positions = np.arange(len(group), dtype=np.int64)
    first = np.full(count, len(group), dtype=np.int64)
    np.minimum.at(first, group, positions)
    frame = pd.DataFrame({key: _take_text(rows[key], first) for key in keys})
    start = pd.Series(starts.astype("datetime64[M]").astype("datetime64[s]"))
    frame["period"] = period_labels(start, freq).array.take(period_of[date_code[first]])
    for column in CENSUS:
        values = rows[column].to_numpy(dtype="float64", na_value=np.nan)
        frame[column] = np.bincount(group, weights=values, minlength=count)
    shaped = _day_masks(group, offsets, count, words)
    for word in range(words):
        frame[f"days_{word}"] = shaped[:, word]
    return frame


def _day_masks(group: np.ndarray, offsets: np.ndarray, count: int, words: int) -> np.ndarray:
    """Which days each of ``count`` groups reported, ``(count, words)`` uint64: bit ``i`` of
    word ``w`` is day ``64·w + i`` of the period (each row's ``group`` and day ``offsets``)."""
    if count * 64 * words <= 16 * len(group) + (1 << 20):
        # One flag per group and day, packed into bits: quicker than ORing bit by bit.
        reported = np.zeros((count, 64 * words), dtype=bool)
        reported[group, offsets] = True
        packed = np.packbits(reported, axis=1, bitorder="little")
        return packed.view("<u8").astype(np.uint64)
    masks = np.zeros(count * words, dtype=np.uint64)  # many groups, few rows each
    bits = np.left_shift(np.uint64(1), (offsets % 64).astype(np.uint64))
    np.bitwise_or.at(masks, group * words + offsets // 64, bits)
    return masks.reshape(count, words)


def _factorized(values: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize(values)`` (codes, distinct values); for a categorical without missing
    values, its own codes and categories (some of which may not occur)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and not bool(values.isna().any()):
        return values.cat.codes.to_numpy(), values.cat.categories
    return pd.factorize(values)


def _dense(group: np.ndarray, cells: int) -> tuple[np.ndarray, int]:
    """``group`` (integers from 0 to ``cells`` - 1) renumbered 0 … k - 1 over the k values
    that occur, in the order of their values; and k. Without hashing while ``cells`` is not
    much larger than the number of rows."""
    if cells > 4 * len(group) + 4096:
        codes, uniques = pd.factorize(group, sort=True)
        return np.asarray(codes, dtype=np.int64), len(uniques)
    occurs = np.bincount(group, minlength=cells) > 0
    renumbered = np.cumsum(occurs, dtype=np.int64) - 1
    return renumbered[group], int(occurs.sum())


def _take_text(values: pd.Series, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values`` at ``positions`` as text (``str`` dtype), without a Python object per cell
    for a categorical (its categories are taken directly)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and not bool(values.isna().any()):
        codes = values.cat.codes.to_numpy()[positions]
        taken: pd.api.extensions.ExtensionArray = (
            pd.Index(values.cat.categories, dtype="str").take(codes).array
        )
        return taken
    text: pd.api.extensions.ExtensionArray = values.iloc[positions].astype("str").array
    return text


def _codes(rows: pd.DataFrame, keys: list[str]) -> list[tuple[np.ndarray, int]]:
    """Each key column as integer codes and how many distinct values it has."""
    codes = []
    for key in keys:
        values = rows[key]
        if isinstance(values.dtype, pd.CategoricalDtype) and not bool(values.isna().any()):
            # A categorical already holds codes: no hashing of its values.
            code = values.cat.codes.to_numpy().astype(np.int64)
            codes.append((code, max(len(values.cat.categories), 1)))
            continue
        code, unique = pd.factorize(values)
        codes.append((np.asarray(code, dtype=np.int64), max(len(unique), 1)))
    return codes


def _empty_partials(rows: pd.DataFrame, keys: list[str], words: int) -> pd.DataFrame:
    frame = pd.DataFrame({key: pd.Series([], dtype="str") for key in [*keys, "period"]})
    for column in CENSUS:
        frame[column] = pd.Series([], dtype="float64")
    for word in range(words):
        frame[f"days_{word}"] = pd.Series([], dtype="uint64")
    return frame


def combine_census_partials(partials: pd.DataFrame) -> pd.DataFrame:
    """Partials (from :func:`census_partials`, stacked) combined per unit and period: sums
    added, day masks ORed; rows sorted by the keys, then the period."""
    masks = [c for c in partials.columns if str(c).startswith("days_")]
    keys = [c for c in partials.columns if c not in (*CENSUS, *masks)]
    grouped = partials.groupby(keys, sort=True, dropna=False)
    result = grouped[list(CENSUS)].sum().reset_index()
    group = grouped.ngroup().to_numpy()
    for column in masks:
        combined = np.zeros(len(result), dtype=np.uint64)
        np.bitwise_or.at(combined, group, partials[column].to_numpy(dtype=np.uint64))
        result[column] = combined
    return result


def census_means(partials: pd.DataFrame, *, combined: bool = False) -> pd.DataFrame:
    """Each unit's average census per period from its partials: Σ ÷ number of days reported
    (the rows :func:`occupancy_rate` averages over dates). Columns: the unit keys,
    ``period``, ``capacity``, ``occupied`` (Float64). ``combined``: the partials are
    :func:`combine_census_partials`' result already (one row per unit and period)."""
    if not combined:
        partials = combine_census_partials(partials)
    masks = [c for c in partials.columns if str(c).startswith("days_")]
    days = np.zeros(len(partials), dtype=np.int64)
    for column in masks:
        days += np.bitwise_count(partials[column].to_numpy(dtype=np.uint64))
    result = partials.drop(columns=masks)
    for column in CENSUS:
        result[column] = pd.array(result[column].to_numpy(dtype="float64") / days, dtype="Float64")
    return result


def _table(
    data: pd.DataFrame,
    keys: list[str],
    time: list[str],
    extra: list[str],
    *,
    bed_days: bool,
    total: bool,
    bands: Sequence[float],
    unit: Sequence[str] = (),
) -> pd.DataFrame:
    cap, occ = BED_DAYS if bed_days else CENSUS
    free_name = "free_days" if bed_days else "free"
    period = time[0] if time else None
    aggs: dict[str, str] = {cap: "sum", occ: "sum"} | {c: "max" for c in extra}
    ident = [c for c in unit if c in data.columns]
    if keys and ident:
        # How many units each row adds up: those with figures (a unit is the facility, or
        # the group itself when there is none).
        cols = list(dict.fromkeys([*ident, *time]))
        valid = np.flatnonzero((data[cap].notna() | data[occ].notna()).to_numpy())
        # The first row of each unit (and period) with figures counts it once.
        first = np.zeros(len(data), dtype=bool)
        if one_row_per_key(data, cols):
            first[valid] = True  # each unit (and period) is one row already
        else:
            first[valid] = ~data.iloc[valid][cols].duplicated().to_numpy()
        data = data.assign(units=first.astype("int64"))
        aggs["units"] = "sum"
    groups = _sum(data, keys + time, aggs)
    with_total = bool(total and keys and groups[keys].drop_duplicates().shape[0] > 1)
    if with_total:
        totals = _sum(groups, time, aggs) if time else groups[list(aggs)].agg(aggs).to_frame().T
        for key in keys:
            totals[key] = TOTAL
        groups = pd.concat([groups, totals[groups.columns]], ignore_index=True)
        # Total rows last within each period; periods in order.
        order = groups[keys[0]].eq(TOTAL).astype(int)
        groups = (
            groups.assign(_total=order)
            .sort_values([*time, "_total"], kind="stable")
            .drop(columns="_total")
            .reset_index(drop=True)
        )
    result = groups[keys + time + extra].copy()
    # Coverage where a row adds units up: a group of several, or the total row.
    if "units" in groups.columns and (with_total or not set(ident) <= set(keys)):
        result["units"] = groups["units"].astype("Int64")
    result[cap] = groups[cap].astype("Float64")
    result[occ] = groups[occ].astype("Float64")
    result["occupancy_pct"] = occupancy_pct(result[cap], result[occ])
    result[free_name] = result[cap] - result[occ]
    result["band"] = occupancy_band(result[cap], result[occ], bands)
    if period and period != "period":
        result = result.rename(columns={period: "period"})
    return result.reset_index(drop=True)


def occupancy_pct(capacity: pd.Series, occupied: pd.Series) -> pd.Series:
    """``occupied ÷ capacity × 100``; ``<NA>`` where capacity is 0 or missing."""
    capacity = capacity.astype("Float64")
    pct = occupied.astype("Float64") / capacity * 100
    return pct.where(capacity > 0).astype("Float64")


def occupancy_band(capacity: pd.Series, occupied: pd.Series, bands: Sequence[float]) -> pd.Series:
    """The band of each row, compared by cross-multiplication (no rounding error at 85%)."""
    low, high, full = bands
    cap = capacity.astype("float64").to_numpy(na_value=np.nan)
    occ = occupied.astype("float64").to_numpy(na_value=np.nan)
    scaled = occ * 100.0
    conditions = [
        np.isnan(cap) | np.isnan(occ),
        (cap == 0) & (occ == 0),
        cap == 0,
        scaled < low * cap,
        scaled < high * cap,
        scaled <= full * cap,
    ]
    choices = ["", "no capacity", "over", "normal", "high", "critical"]
    # Each row's position in ``choices`` (-1: undefined), then the labels taken from it.
    codes = np.select(conditions, np.arange(len(choices)), default=len(choices))
    labels = pd.array([*choices[1:], "over"], dtype="str")  # code 0, undefined: missing
    taken = labels.take(codes - 1, allow_fill=True)
    return pd.Series(taken, index=capacity.index, dtype="str")


def _sum(frame: pd.DataFrame, keys: list[str], aggs: dict[str, str]) -> pd.DataFrame:
    present = {k: v for k, v in aggs.items() if k in frame.columns}
    if not keys:
        return frame[list(present)].agg(present).to_frame().T.reset_index(drop=True)
    summed = [k for k, v in present.items() if v == "sum"]
    if one_row_per_key(frame, keys) and not bool(frame[summed].isna().any().any()):
        # Each group is one row, in the order a sorted group-by gives: its sums are its own
        # (a missing value would sum to 0, so those still go through the group-by).
        return frame[[*keys, *present]].reset_index(drop=True)
    return frame.groupby(keys, sort=True, dropna=False, observed=True).agg(present).reset_index()


def _mean_over_instants(
    parts: pd.DataFrame, unit_keys: list[str], cap: str, occ: str, extra: list[str]
) -> pd.DataFrame:
    aggs: dict[str, str] = {cap: "mean", occ: "mean"} | {c: "max" for c in extra}
    if not unit_keys:
        return parts[[cap, occ, *extra]].agg(aggs).to_frame().T.reset_index(drop=True)
    return parts.groupby(unit_keys, sort=True, dropna=False).agg(aggs).reset_index()


def _mean_census(
    data: pd.DataFrame, unit_keys: list[str], instant: str, cap: str, occ: str
) -> pd.DataFrame | None:
    """Each unit's mean census over its instants, as ``_sum`` then ``_mean_over_instants``
    would give (same rows, order and dtypes), in one pass over integer codes; ``None`` when
    a key, instant or value is missing (the general path handles those).

    The mean of per-instant sums is Σ values ÷ number of distinct instants, so the millions
    of (unit, instant) groups of a daily census never need to be formed.
    """
    if not unit_keys or bool(data[[*unit_keys, instant, cap, occ]].isna().any().any()):
        return None
    # One integer per row for its unit, combined from each key's sorted codes; arithmetic in
    # place, since a census can have millions of rows.
    uniques: list[pd.Index] = []
    combined = np.zeros(len(data), dtype=np.int64)
    cells = 1
    for key in unit_keys:
        code, unique = pd.factorize(data[key], sort=True)
        uniques.append(pd.Index(unique))
        cells *= max(len(unique), 1)
        if cells >= 2**62:
            return None
        combined *= len(unique)
        combined += code
        del code
    # Dense unit ids in sorted key order (what groupby(sort=True) gives).
    if cells <= max(2 * len(data), 1 << 20):
        present = np.bincount(combined, minlength=cells) > 0
        unit = (np.cumsum(present) - 1)[combined]
        cell_of_unit = np.flatnonzero(present)
    else:
        unit, cell_index = pd.factorize(combined, sort=True)
        cell_of_unit = np.asarray(cell_index, dtype=np.int64)
    del combined
    units = len(cell_of_unit)
    moment, moments = pd.factorize(data[instant])
    width = max(len(moments), 1)
    # Distinct (unit, instant) pairs: sorting integers is far quicker than hashing them.
    pairs = unit.astype(np.int64)
    pairs *= width
    pairs += moment
    del moment
    pairs.sort()
    first = np.ones(len(pairs), dtype=bool)
    np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
    instants = np.bincount(pairs[first] // width, minlength=units)
    del pairs, first
    result: dict[str, object] = {}
    remainder = cell_of_unit
    for key, unique in reversed(list(zip(unit_keys, uniques, strict=True))):
        remainder, position = np.divmod(remainder, len(unique))
        result[key] = unique.take(position)
    frame = pd.DataFrame({key: result[key] for key in unit_keys})
    for column in (cap, occ):
        values = data[column].to_numpy(dtype="float64", na_value=np.nan)
        frame[column] = pd.array(
            np.bincount(unit, weights=values, minlength=units) / instants, dtype="Float64"
        )
    return frame


def census_dates(partials: pd.DataFrame) -> pd.Series:
    """The distinct dates some unit reported on, from combined :func:`census_partials` (their
    ``period`` labels and day masks): what the rows' own dates would give."""
    masks = [c for c in partials.columns if str(c).startswith("days_")]
    found: list[np.ndarray] = []
    for label, group in partials.groupby("period", sort=False):  # one per period: a handful
        start = pd.Period(str(label)).start_time.to_datetime64().astype("datetime64[D]")
        for word, column in enumerate(masks):
            combined = np.bitwise_or.reduce(group[column].to_numpy(dtype=np.uint64))
            bits = np.flatnonzero(
                (combined >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
            ).astype(np.int64)
            found.append(start + (bits + 64 * word).astype("timedelta64[D]"))
    days = np.concatenate(found) if found else np.array([], dtype="datetime64[D]")
    return pd.Series(np.sort(days).astype("datetime64[s]"), name="date")
