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
    complete = ~rows[columns].isna().any(axis=1).to_numpy()
    # Group sums by integer group codes, one column at a time and in place: a daily census
    # has millions of rows, and whole-frame transforms would hold several copies of it.
    group: np.ndarray
    if within:
        if len(within) == 1:
            group, _ = pd.factorize(rows[within[0]], use_na_sentinel=False)
        else:
            group = rows.groupby(list(within), dropna=False, sort=False).ngroup().to_numpy()
    else:
        group = np.zeros(len(rows), dtype=np.intp)
    groups = int(group.max()) + 1 if len(group) else 0
    flagged = complete & (np.bincount(group, weights=complete, minlength=groups)[group] >= 3)
    nonzero = np.zeros(len(rows), dtype=bool)
    for column in columns:
        value = rows[column].astype("float64").to_numpy(na_value=0.0, copy=True)
        value[~complete] = 0.0
        totals = np.bincount(group, weights=value, minlength=groups).astype(np.float64)
        nonzero |= (np.abs(totals) > 0)[group]
        others = totals[group]
        others -= value  # the sum of the other rows of the group
        tolerance = np.abs(others)
        tolerance *= 1e-9  # as np.isclose(value, others, rtol=1e-9, atol=0)
        np.subtract(value, others, out=others)
        np.abs(others, out=others)
        flagged &= others <= tolerance
        del value, others, tolerance
    return pd.Series(flagged & nonzero, index=rows.index, dtype="bool")
