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
    data = rows[columns].astype("float64")
    complete = data.notna().all(axis=1)
    data = data.where(complete, 0.0)
    keys = [rows[c] for c in within]
    if keys:
        grouped = data.groupby(keys, dropna=False, sort=False)
        sums = grouped.transform("sum")
        sizes = complete.groupby(keys, dropna=False, sort=False).transform("sum")
    else:
        sums = pd.DataFrame(
            np.broadcast_to(data.sum().to_numpy(), data.shape), index=data.index, columns=columns
        )
        sizes = pd.Series(int(complete.sum()), index=data.index)
    row = data.to_numpy()
    others = sums.to_numpy() - row
    equal = np.isclose(row, others, rtol=1e-9, atol=0.0).all(axis=1)
    nonzero = (np.abs(sums.to_numpy()) > 0).any(axis=1)
    flagged = equal & nonzero & complete.to_numpy() & (sizes.to_numpy() >= 3)
    return pd.Series(flagged, index=rows.index, dtype="bool")
