"""Published total rows (合计, 小计, 全市 …): told apart by their label, checked against parts.

A statistical table usually closes with a row of totals. Such a row is a published check on the
rows above it, never one more part: added in, it counts everything twice. Only a row whose key
cell *says* it is a total is taken out (a row that merely equals the sum of the others is left to
:mod:`jdcli.metrics.consistency`, which warns but never drops on a guess).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import numpy as np
import pandas as pd

#: Whole-cell labels of a total row (compared after trimming spaces and a trailing colon, in
#: any case). ``全市强制隔离戒毒所`` names a facility, so only the whole cell counts.
TOTAL_LABELS = frozenset(
    {"合计", "总计", "总数", "小计", "全市", "全省", "全国", "total", "all", "grand total"}
)
#: Labels of a subtotal: a total of the rows of its group only (under ``--by``).
SUBTOTAL_LABELS = frozenset({"小计", "subtotal"})
_LABELS = TOTAL_LABELS | SUBTOTAL_LABELS


def normalised_label(cells: pd.Series) -> pd.Series:
    """Each cell trimmed of spaces (ASCII and ideographic) and of a trailing ``：``/``:``,
    case-folded; ``<NA>`` stays missing."""
    text = cells.astype("str")
    cleaned = text.str.strip(" \t\u3000").str.rstrip("：:").str.strip(" \t\u3000")
    return cleaned.str.casefold()


def is_total_label(cells: pd.Series) -> pd.Series:
    """Whether each cell, as a whole, is a total label (合计, 总计, 小计, 全市, Total, All …).
    Boolean, aligned with ``cells``; a missing cell is not a label."""
    if cells.empty:
        return pd.Series(False, index=cells.index, dtype="bool")
    # Distinct cells are few (names of units): each is normalised once.
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    found = normalised_label(pd.Series(uniques, dtype="str")).isin(_LABELS).to_numpy()
    flags = np.where(codes >= 0, found[np.maximum(codes, 0)], False)
    return pd.Series(flags, index=cells.index, dtype="bool")


def labelled_total_rows(rows: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """Rows with a total label in any of the ``keys`` columns (boolean, aligned with ``rows``)."""
    flags = pd.Series(False, index=rows.index, dtype="bool")
    for key in dict.fromkeys(keys):
        if key in rows.columns:
            flags |= is_total_label(rows[key])
    return flags


def check_total_rows(
    detail: pd.DataFrame,
    totals: pd.DataFrame,
    values: Sequence[str],
    *,
    keys: Sequence[str],
    time: Sequence[str] = (),
) -> pd.DataFrame:
    """Each published total row compared with the sum of the detail rows it covers.

    ``keys`` go from the coarsest (region) to the finest (facility). A total row covers the
    detail rows of its ``time`` (period, date) and of each ``keys`` cell before its first label
    that is not empty: ``区=越秀, 机构=小计`` covers 越秀's rows of its period, ``机构=合计`` or
    ``区=全市, 机构=All centres`` every row of its period. Missing detail values are skipped.

    Columns (one row per total row, index kept): ``label`` (the label as written), ``group``
    (the covering cells, as text, ``""`` for the whole period), ``rows`` (detail rows summed),
    then per value ``<value>`` (published) and ``<value>_sum``; ``matches``: every published
    value equals its sum (a relative 1e-9, for fractional inputs), or is missing.
    """
    columns = list(values)
    key_list = [k for k in dict.fromkeys(keys) if k in totals.columns]
    time_list = [t for t in time if t in totals.columns]
    result = pd.DataFrame(index=totals.index)
    if totals.empty:
        for name in ["label", "group", "rows", *columns, *[f"{c}_sum" for c in columns]]:
            result[name] = pd.Series(dtype="object")
        result["matches"] = pd.Series(dtype="bool")
        return result
    label_of = pd.Series("", index=totals.index, dtype="str")
    specified: dict[str, pd.Series] = {}
    for key in key_list:
        cells = totals[key]
        is_label = is_total_label(cells)
        written = cells.astype("str").str.strip(" \t\u3000").str.rstrip("：:").str.strip()
        blank = cells.isna() | cells.astype("str").str.strip().eq("")
        # Only cells coarser than the row's first label narrow it: 区=越秀, 机构=小计 covers
        # 越秀; 区=全市, 机构=All centres covers everything.
        specified[key] = ~is_label & ~blank & label_of.eq("")
        label_of = label_of.where(label_of.ne("") | ~is_label, written)
    result["label"] = label_of
    group_text = pd.Series("", index=totals.index, dtype="str")
    for key in key_list:
        group_text = group_text.where(
            ~specified[key], (group_text + " " + totals[key].astype("str")).str.strip()
        )
    result["group"] = group_text
    sums = pd.DataFrame(np.nan, index=totals.index, columns=columns, dtype="float64")
    counts = pd.Series(0, index=totals.index, dtype="int64")
    data = detail[[*time_list, *key_list, *columns]].astype(dict.fromkeys(columns, "float64"))
    # One pass per pattern of covering keys (a handful: 合计 per period, 小计 per group).
    for pattern in product((False, True), repeat=len(key_list)):
        chosen = [k for k, on in zip(key_list, pattern, strict=True) if on]
        mask = pd.Series(True, index=totals.index, dtype="bool")
        for key, on in zip(key_list, pattern, strict=True):
            mask &= specified[key] if on else ~specified[key]
        if not bool(mask.any()):
            continue
        by = [*time_list, *chosen]
        wanted = totals.loc[mask, by]
        if by:
            grouped = data.groupby(by, sort=False, dropna=False)
            table = grouped[columns].sum(min_count=1)
            table["_rows"] = grouped.size()
            joined = wanted.merge(table, left_on=by, right_index=True, how="left")
            joined.index = wanted.index
        else:
            joined = pd.DataFrame(
                {c: data[c].sum(min_count=1) for c in columns} | {"_rows": len(data)},
                index=wanted.index,
            )
        sums.loc[mask, columns] = joined[columns].to_numpy(dtype="float64", na_value=np.nan)
        counts.loc[mask] = joined["_rows"].fillna(0).astype("int64").to_numpy()
    result["rows"] = counts
    matches = np.ones(len(totals), dtype=bool)
    for column in columns:
        published = totals[column].astype("float64").to_numpy(na_value=np.nan)
        summed = sums[column].to_numpy()
        result[column] = pd.array(published, dtype="Float64")
        result[f"{column}_sum"] = pd.array(summed, dtype="Float64")
        summed_or_zero = np.where(np.isnan(summed), 0.0, summed)
        close = np.abs(published - summed_or_zero) <= 1e-9 * np.abs(summed_or_zero)
        matches &= np.isnan(published) | close
    result["matches"] = matches
    return result
