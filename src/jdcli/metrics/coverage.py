"""Coverage: which units and periods a total adds up, so different sets are told apart."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jdcli.metrics.trends import PeriodError, format_periods, parse_periods


def unit_names(rows: pd.DataFrame, unit: Sequence[str]) -> pd.Series:
    """Each row's unit as one text (key cells joined by a space)."""
    keys = list(unit)
    names = rows[keys[0]].astype("str")
    for key in keys[1:]:
        names = names + " " + rows[key].astype("str")
    return names


def missing_units(rows: pd.DataFrame, unit: Sequence[str], period: str) -> pd.DataFrame:
    """Per period, the units that have rows in other periods but none in this one.

    Columns: ``period``, ``units`` (present), ``of`` (units in all the rows), ``missing`` (a
    list of unit names, in first-seen order); only periods with a unit missing, in order of
    first appearance.
    """
    columns = ["period", "units", "of", "missing"]
    if rows.empty or not unit:
        return pd.DataFrame({c: [] for c in columns})
    unit_code, units = pd.factorize(unit_names(rows, unit))
    period_code, periods = pd.factorize(rows[period])
    # A period × unit table of presence: periods and units are each far fewer than rows.
    present = np.zeros((len(periods), len(units)), dtype=bool)
    present[period_code, unit_code] = True
    counts = present.sum(axis=1)
    gaps = np.flatnonzero(counts < len(units))
    names = np.asarray(units, dtype=object)
    return pd.DataFrame(
        {
            "period": np.asarray(periods, dtype=object)[gaps].tolist(),
            "units": counts[gaps].astype("int64"),
            "of": len(units),
            "missing": [names[~present[g]].tolist() for g in gaps],
        },
        columns=columns,
    )


def missing_periods(labels: pd.Series, freq: str | None = None) -> list[str]:
    """Periods inside the span of ``labels`` (years, halves, quarters or months of one
    frequency) that have no label at all; for dates, the months without one when no month has
    two (a monthly census); empty for other dates, unreadable or mixed labels. With ``freq``
    (month, quarter, year) the labels are those of ``occupancy.period_labels``."""
    distinct = pd.Series(pd.unique(labels.dropna().astype("str")), dtype="str")
    if len(distinct) < 2:
        return []
    if freq is not None:
        code = {"month": "M", "quarter": "Q", "year": "Y"}[freq]
        known = pd.PeriodIndex(distinct.tolist(), freq=code)
        span = pd.period_range(known.min(), known.max(), freq=code)
        return [str(p) for p in span.difference(known)]
    try:
        ordinal, freqs = parse_periods(distinct)
    except (PeriodError, ValueError):
        return []
    kinds = set(freqs.astype("str"))
    if len(kinds) != 1:
        return []
    if kinds == {"day"}:
        # A census taken once a month (on whatever day): its missing months.
        months = pd.to_datetime(distinct, errors="coerce").dt.to_period("M")
        if bool(months.isna().any()) or bool(months.duplicated().any()):
            return []
        span = pd.period_range(months.min(), months.max(), freq="M")
        return [str(p) for p in span if p not in set(months)]
    have = set(ordinal.astype("int64").tolist())
    gaps = [o for o in range(min(have), max(have) + 1) if o not in have]
    if not gaps:
        return []
    found = pd.Series(gaps, dtype="Int64")
    return format_periods(found, pd.Series([freqs.iloc[0]] * len(gaps))).tolist()


def reported_parts(dates: pd.Series, freq: str) -> pd.DataFrame:
    """For periods of ``freq`` (month, quarter, year), how many of their parts have a date.

    The part is the census's own rhythm: a month when no month has two distinct dates (a
    monthly census rolled into quarters or years), else a day. Columns: ``period`` (labels as
    ``occupancy.period_labels`` gives them), ``reported``, ``expected``, ``part`` (``month``
    or ``day``); periods in order. A monthly rollup of a monthly census is always complete;
    a census of one date says nothing (no rhythm to judge by).
    """
    distinct = pd.Series(pd.unique(dates.dropna()), dtype="datetime64[s]").sort_values()
    columns = ["period", "reported", "expected", "part"]
    if len(distinct) < 2:
        # One census date: no rhythm to judge the period's coverage by.
        return pd.DataFrame({c: [] for c in columns})
    code = {"month": "M", "quarter": "Q", "year": "Y"}[freq]
    months = distinct.dt.to_period("M")
    monthly = len(distinct) > 1 and not bool(months.duplicated().any())
    if monthly and freq == "month":
        return pd.DataFrame({c: [] for c in columns})  # each month has its census
    periods = distinct.dt.to_period(code)
    if monthly:
        parts = months.groupby(periods.to_numpy()).nunique()
        expected = {"quarter": 3, "year": 12}[freq]
        counts = pd.DataFrame(
            {"reported": parts.to_numpy(), "expected": expected}, index=parts.index
        )
    else:
        days = distinct.dt.normalize().groupby(periods.to_numpy()).nunique()
        index = pd.PeriodIndex(days.index)
        length = (index.end_time.normalize() - index.start_time.normalize()).days + 1
        counts = pd.DataFrame(
            {"reported": days.to_numpy(), "expected": np.asarray(length)}, index=days.index
        )
    return pd.DataFrame(
        {
            "period": pd.PeriodIndex(counts.index).astype("str"),
            "reported": counts["reported"].to_numpy(dtype="int64"),
            "expected": counts["expected"].to_numpy(dtype="int64"),
            "part": "month" if monthly else "day",
        }
    )
