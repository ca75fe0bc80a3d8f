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
    arrays = [rows[c].astype("float64").to_numpy(na_value=np.nan) for c in columns]
    complete = np.ones(len(rows), dtype=bool)
    for array in arrays:
        complete &= ~np.isnan(array)
    # Group sums by integer group codes, one column at a time: a daily census has millions of
    # rows, and whole-frame transforms would hold several copies of it at once.
    if within:
        if len(within) == 1:
            group, _ = pd.factorize(rows[within[0]], use_na_sentinel=False)
        else:
            group = rows.groupby(list(within), dropna=False, sort=False).ngroup().to_numpy()
    else:
        group = np.zeros(len(rows), dtype=np.intp)
    groups = int(group.max()) + 1 if len(group) else 0
    sizes = np.bincount(group, weights=complete, minlength=groups)[group]
    flagged = complete & (sizes >= 3)
    nonzero = np.zeros(len(rows), dtype=bool)
    for array in arrays:
        value = np.where(complete, array, 0.0)
        sums = np.bincount(group, weights=value, minlength=groups)[group]
        flagged &= np.isclose(value, sums - value, rtol=1e-9, atol=0.0)
        nonzero |= np.abs(sums) > 0
    return pd.Series(flagged & nonzero, index=rows.index, dtype="bool")
