"""Consistency checks on input rows: a subtotal or total row mixed into the detail rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def total_rows(
    rows: pd.DataFrame, values: Sequence[str], *, within: Sequence[str] = ()
) -> pd.Series:
    """Which rows equal the sum of all the other rows of their group, in every one of ``values``.

    Such a row is almost always a total (合计, 总计, "All centres") exported with the detail
    rows; left in, it counts everything twice. Groups are the ``within`` columns (e.g. the
    period: one total per period); without them the whole frame is one group.

    A row is flagged only when its group has at least three rows (with two, each row equals
    "the sum of the other" whenever they are equal) and the group's values are not all zero.
    Rows with a missing value in ``values`` are never flagged and do not count towards sums.
    Equality allows a relative difference of 1e-9 for fractional inputs. Returns a boolean
    Series aligned with ``rows``.
    """
    columns = list(values)
    none = pd.Series(False, index=rows.index, dtype="bool")
    if not columns or rows.empty:
        return none
    data = rows[columns].astype("float64").to_numpy(na_value=np.nan)
    complete = ~np.isnan(data).any(axis=1)
    if within:
        keys = list(within)
        if len(keys) == 1:
            codes = np.asarray(pd.factorize(rows[keys[0]], use_na_sentinel=False)[0], np.intp)
        else:
            codes = np.asarray(rows.groupby(keys, dropna=False, sort=False).ngroup(), np.intp)
    else:
        codes = np.zeros(len(rows), dtype=np.intp)
    groups = int(codes.max()) + 1
    # Group sums by bincount (linear); the first column picks the few candidate rows, the
    # others are checked on those only, so millions of daily rows cost little.
    sums = [
        np.bincount(codes, weights=np.where(complete, data[:, i], 0.0), minlength=groups)
        for i in range(len(columns))
    ]
    candidates = np.flatnonzero(complete & _equal(data[:, 0], sums[0][codes] - data[:, 0]))
    if candidates.size == 0:
        return none
    group = codes[candidates]
    values_ok = np.ones(candidates.size, dtype=bool)
    nonzero = np.zeros(candidates.size, dtype=bool)
    for i in range(len(columns)):
        row = data[candidates, i]
        values_ok &= _equal(row, sums[i][group] - row)
        nonzero |= sums[i][group] != 0
    sizes = np.bincount(codes, weights=complete, minlength=groups)[group]
    flagged = np.zeros(len(rows), dtype=bool)
    flagged[candidates] = values_ok & nonzero & (sizes >= 3)
    return pd.Series(flagged, index=rows.index, dtype="bool")


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # exact for whole counts; a relative 1e-9 absorbs float noise in fractional sums
    result: np.ndarray = np.abs(a - b) <= 1e-9 * np.abs(b)
    return result
