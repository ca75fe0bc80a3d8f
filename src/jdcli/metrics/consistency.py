"""Consistency checks on input rows: a subtotal or total row mixed into the detail rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: A row may be its group's total only at this share of the group's maximum or above, in
#: every value: a looser bound than the 1e-9 of the test itself (keeping a few more rows
#: is safe).
NEAR_MAXIMUM = 1 - 1e-6


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


def total_row_partials(
    rows: pd.DataFrame, values: Sequence[str], *, within: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Some rows' share of :func:`total_rows`, to be combined with the other rows' shares.

    Returns ``(sums, candidates)``. ``sums``, indexed by the ``within`` groups: each of
    ``values`` summed, ``max_<value>`` and ``rows``, over complete rows. ``candidates``: the
    rows (as given, index kept) that could still turn out to be a group's total once every
    row is in. With values that cannot be negative (counts), a row equal to the sum of the
    others is at least (within 1e-9) each other row in every value, and is not all zero:
    only rows near their group's maximum in every value are kept, so a million daily rows
    leave about one per date. ``within`` names at least one column.
    """
    columns, keys = list(values), list(within)
    data = _float_columns(rows, columns)
    complete = ~np.logical_or.reduce([np.isnan(column) for column in data])
    if not complete.all():
        rows, data = rows.loc[complete], [column[complete] for column in data]
    if len(keys) == 1:
        code, labels = _group_codes(rows[keys[0]])
        index = pd.Index(labels, name=keys[0])
        groups = len(index)
    else:
        code = np.asarray(
            rows.groupby(keys, sort=False, dropna=False, observed=True).ngroup(), dtype=np.intp
        )
        groups = int(code.max()) + 1 if len(code) else 0
        first = np.full(groups, len(code), dtype=np.intp)
        np.minimum.at(first, code, np.arange(len(code), dtype=np.intp))
        firsts = rows[keys].iloc[first]
        index = pd.MultiIndex.from_arrays([np.asarray(firsts[k]) for k in keys], names=keys)
    table: dict[str, np.ndarray] = {}
    runs = _runs(code, groups)
    if runs is not None:
        # Rows in group order (a census exported date by date): each group is one run of
        # rows, summed and maximised run by run.
        for i, column in enumerate(columns):
            table[column] = np.add.reduceat(data[i], runs) if len(runs) else np.zeros(0)
        for i, column in enumerate(columns):
            table[f"max_{column}"] = (
                np.maximum.reduceat(data[i], runs) if len(runs) else np.zeros(0)
            )
        table["rows"] = np.diff(np.append(runs, len(code)))
    else:
        for i, column in enumerate(columns):
            table[column] = np.bincount(code, weights=data[i], minlength=groups)
        for i, column in enumerate(columns):
            peak = np.full(groups, -np.inf)
            np.maximum.at(peak, code, data[i])
            table[f"max_{column}"] = peak
        table["rows"] = np.bincount(code, minlength=groups)
    sums = pd.DataFrame(table, index=index)
    candidates = _near_maximum(rows, sums, columns, code, data)
    for key in keys:  # a few rows: their keys as plain values, as in the sums' index
        if isinstance(candidates[key].dtype, pd.CategoricalDtype):
            categories = candidates[key].cat.categories
            candidates[key] = pd.Series(
                categories.take(candidates[key].cat.codes.to_numpy()), index=candidates.index
            )
    return sums, candidates


def _runs(code: np.ndarray, groups: int) -> np.ndarray | None:
    """Where each group's rows start when they are one run each, groups in order (``code``
    never decreasing, every group present); else None."""
    if len(code) == 0:
        return None
    starts = np.flatnonzero(np.diff(code)) + 1
    if len(starts) != groups - 1 or bool((code[starts] < code[starts - 1]).any()):
        return None
    if code[0] != 0:
        return None
    return np.concatenate(([0], starts))


def _group_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each value's group (0 … k - 1) and the k distinct values (without missing ones);
    a categorical's codes are used as they are, without hashing."""
    if isinstance(values.dtype, pd.CategoricalDtype) and not bool(values.isna().any()):
        codes = values.cat.codes.to_numpy().astype(np.intp)
        occurs = np.bincount(codes, minlength=len(values.cat.categories)) > 0
        if occurs.all():
            return codes, values.cat.categories
        renumbered = np.cumsum(occurs, dtype=np.intp) - 1
        return renumbered[codes], values.cat.categories[occurs]
    code, uniques = pd.factorize(values)
    return np.asarray(code, dtype=np.intp), pd.Index(uniques)


def combine_total_row_partials(
    parts: Sequence[tuple[pd.DataFrame, pd.DataFrame]], values: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Partials from :func:`total_row_partials` (in row order) combined into one, as the
    partial of all their rows together."""
    columns = list(values)
    stacked = pd.concat([sums for sums, _ in parts])
    keys = list(stacked.index.names)
    sums = stacked.groupby(level=keys, sort=False).agg(
        {**{c: "sum" for c in columns}, **{f"max_{c}": "max" for c in columns}, "rows": "sum"}
    )
    candidates = pd.concat([rows for _, rows in parts])
    where = _group_of(candidates, sums, [str(k) for k in keys])
    return sums, _near_maximum(candidates, sums, columns, where)


def flag_total_rows(
    sums: pd.DataFrame, candidates: pd.DataFrame, values: Sequence[str]
) -> pd.Series:
    """Which ``candidates`` are total rows, as :func:`total_rows` says of all the rows the
    combined partial ``(sums, candidates)`` came from. Boolean, aligned with ``candidates``."""
    columns = list(values)
    keys = [str(k) for k in sums.index.names]
    where = _group_of(candidates, sums, keys)
    data = candidates[columns].astype("float64").to_numpy(na_value=np.nan)
    values_ok = np.ones(len(candidates), dtype=bool)
    nonzero = np.zeros(len(candidates), dtype=bool)
    for i, column in enumerate(columns):
        total = sums[column].to_numpy(dtype="float64")[where]
        values_ok &= _equal(data[:, i], total - data[:, i])
        nonzero |= total != 0
    sizes = sums["rows"].to_numpy()[where]
    return pd.Series(values_ok & nonzero & (sizes >= 3), index=candidates.index, dtype="bool")


def _group_of(rows: pd.DataFrame, sums: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Position in ``sums`` of each row's group."""
    labels = pd.Index(rows[keys[0]]) if len(keys) == 1 else pd.MultiIndex.from_frame(rows[keys])
    where: np.ndarray = sums.index.get_indexer(labels)
    return where


def _near_maximum(
    rows: pd.DataFrame,
    sums: pd.DataFrame,
    columns: list[str],
    where: np.ndarray,
    data: list[np.ndarray] | None = None,
) -> pd.DataFrame:
    """The rows at (or within 1e-6 of) their group's maximum in every one of ``columns``
    and above zero in one; ``data``: those columns of ``rows`` as float arrays, if at hand."""
    if data is None:
        data = _float_columns(rows, columns)
    keep = np.ones(len(rows), dtype=bool)
    positive = np.zeros(len(rows), dtype=bool)
    for i, column in enumerate(columns):
        peak = sums[f"max_{column}"].to_numpy(dtype="float64") * NEAR_MAXIMUM
        keep &= data[i] >= peak[where]
        positive |= data[i] > 0
    return rows.loc[keep & positive]


def _float_columns(rows: pd.DataFrame, columns: list[str]) -> list[np.ndarray]:
    """``columns`` of ``rows`` as float64 arrays, NaN where missing (no copy when they are)."""
    return [rows[c].to_numpy(dtype="float64", na_value=np.nan) for c in columns]
