"""Staffing: staff ÷ base as a share, a rate per N or a caseload; targets; parts that miss a total.

Every aggregate is a ratio of totals (Σ staff ÷ Σ base), never a mean of unit ratios. A unit
whose ratio is undefined (zero or missing denominator, or a missing figure) is left out of the
aggregates it belongs to, so an aggregate's ``staff`` and ``base`` are exactly the totals its
ratio is taken over.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd

from jdcli.metrics.grouping import one_row_per_key

RatioKind = Literal["share", "per", "caseload"]
RATIO_KINDS: tuple[str, ...] = get_args(RatioKind)
TOTAL = "Total"

#: What a base column means decides the default ratio: (kind, N).
BASE_MEANINGS: dict[str, tuple[RatioKind, int]] = {
    "population": ("per", 100_000),
    "clients": ("caseload", 1),
    "total_staff": ("share", 1),
    "total_police": ("share", 1),
    "staff": ("share", 1),
    "towns": ("per", 1),
    "beds": ("per", 1),
}

# A ceiling of a figure that should be whole (60 ÷ 30, 1.9% of 1,000) must not jump to the next
# integer because of binary noise: values within this relative distance of an integer are it.
_CEIL_TOLERANCE = 1e-9


def default_ratio(base: str) -> tuple[RatioKind, int] | None:
    """The ratio a base column's meaning calls for, or ``None`` when its meaning is unknown."""
    return BASE_MEANINGS.get(base)


def ratio_column(kind: RatioKind, per: int = 1) -> str:
    """The output column of a ratio: ``share_pct``, ``per_<N>`` (``per_100000``) or ``caseload``."""
    if kind == "share":
        return "share_pct"
    if kind == "per":
        return f"per_{per}"
    return "caseload"


def defined(staff: pd.Series, base: pd.Series, kind: RatioKind) -> pd.Series:
    """Where the ratio exists: both figures known and the denominator above zero.

    The denominator is the base for a share or a rate per N, and the staff for a caseload.
    """
    denominator = staff if kind == "caseload" else base
    known = staff.notna() & base.notna()
    return (known & (denominator.astype("Float64") > 0)).fillna(False).astype("bool")


def ratio_values(staff: pd.Series, base: pd.Series, kind: RatioKind, per: int = 1) -> pd.Series:
    """The ratio per row (``Float64``), ``<NA>`` where it is undefined — never 0 or inf.

    share: staff ÷ base × 100; per: staff ÷ base × N; caseload: base ÷ staff.
    """
    s = staff.astype("Float64")
    b = base.astype("Float64")
    ok = defined(s, b, kind)
    if kind == "caseload":
        value = b / s.where(ok)
    else:
        value = s / b.where(ok) * (100 if kind == "share" else per)
    return value.where(ok).astype("Float64")


def staff_needed(base: pd.Series, kind: RatioKind, target: float, per: int = 1) -> pd.Series:
    """Staff a base calls for under a standard, rounded up (a computation, not display).

    caseload: at most ``target`` of base per staff member → ⌈base ÷ target⌉;
    per: at least ``target`` staff per N of base → ⌈target × base ÷ N⌉;
    share: at least ``target`` % of base → ⌈target × base ÷ 100⌉. ``<NA>`` where base is unknown.
    """
    b = base.astype("Float64")
    exact = b / target if kind == "caseload" else b * target / (100 if kind == "share" else per)
    values = exact.astype("float64").to_numpy(na_value=np.nan)
    nearest = np.round(values)
    close = np.abs(values - nearest) <= _CEIL_TOLERANCE * np.maximum(1.0, np.abs(values))
    needed = np.where(close, nearest, np.ceil(values))
    return pd.Series(needed, index=base.index, dtype="Float64")


def _sum(frame: pd.DataFrame, keys: list[str], columns: list[str], *, skipna: bool) -> pd.DataFrame:
    """Column sums per group; with ``skipna=False`` one missing value makes the sum missing."""
    if not keys:
        sums = {c: frame[c].sum(skipna=skipna) if len(frame) else pd.NA for c in columns}
        out = pd.DataFrame({c: [v] for c, v in sums.items()})
        return out.astype(dict.fromkeys(columns, "Float64"))
    if not skipna and one_row_per_key(frame, keys):
        # Each group is one row, already in group order: its sum is itself (<NA> stays <NA>).
        out = frame[keys + columns].reset_index(drop=True)
        return out.astype(dict.fromkeys(columns, "Float64"))
    grouped = frame.groupby(keys, sort=True, dropna=False, observed=True)[columns]
    result = grouped.sum(skipna=skipna, min_count=0 if skipna else 1).reset_index()
    return result.astype(dict.fromkeys(columns, "Float64"))


def unit_figures(rows: pd.DataFrame, keys: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """Rows of one unit (and period) are parts of it and add up; a missing part leaves the
    unit's figure unknown (``<NA>``) rather than too small."""
    keys = list(dict.fromkeys(keys))
    data = rows[keys + list(columns)].astype(dict.fromkeys(columns, "Float64"))
    return _sum(data, keys, list(columns), skipna=False)


def staffing_ratio(
    rows: pd.DataFrame,
    by: Sequence[str] = (),
    *,
    unit: Sequence[str] = (),
    period: str | None = None,
    staff: str = "staff",
    base: str = "base",
    ratio: RatioKind = "share",
    per: int = 1,
    target: float | None = None,
    total: bool = True,
) -> pd.DataFrame:
    """Staffing ratio per group (and per period), a ratio of totals.

    ``rows`` are summed to units first (``by`` + ``unit`` + ``period`` keys: rows of one unit are
    parts of it). A group's ratio is Σ staff ÷ Σ base over its units with a defined ratio; units
    without one are left out, so ``staff`` and ``base`` are the totals behind the ratio (a group
    with no such unit shows its plain sums and an empty ratio).

    Columns: the ``by`` keys, ``period`` (when given), ``units`` (how many units a row adds
    up; when rows are groups of units or a total row is added), ``staff``, ``base``, the ratio
    column (``share_pct``, ``per_<N>`` or ``caseload``, see :func:`ratio_column`); with ``target``,
    ``target``, ``staff_needed``, ``shortfall`` (≥ 0) and ``status`` (``meets``/``short``).
    ``staff_needed`` and ``shortfall`` of an aggregate are sums over its units: one unit's
    surplus does not fill another's gap. With ``total`` and more than one group, a total row
    per period (key cells ``Total``) closes each period — never a sum over periods.
    """
    keys = list(dict.fromkeys(by))
    time = [period] if period else []
    unit_keys = list(dict.fromkeys(keys + [u for u in unit if u not in time] + time))
    data = pd.DataFrame(
        {k: rows[k] for k in unit_keys}
        | {"staff": rows[staff].astype("Float64"), "base": rows[base].astype("Float64")},
        index=rows.index,
    )
    units = unit_figures(data, unit_keys, ["staff", "base"])
    ok = defined(units["staff"], units["base"], ratio)
    units["_staff_ok"] = units["staff"].where(ok)
    units["_base_ok"] = units["base"].where(ok)
    units["_units"] = (units["staff"].notna() | units["base"].notna()).astype("int64")
    units["_units_ok"] = ok.astype("int64")
    sums = ["staff", "base", "_staff_ok", "_base_ok", "_units", "_units_ok"]
    if target is not None:
        needed = staff_needed(units["base"], ratio, target, per).where(units["staff"].notna())
        units["staff_needed"] = needed
        units["shortfall"] = (needed - units["staff"]).clip(lower=0)
        sums += ["staff_needed", "shortfall"]

    groups = _group(units, keys + time, sums)
    detail = len(groups)
    if total and keys:
        groups = with_totals(groups, _group(units, time, sums), keys, time)
    with_total = len(groups) > detail
    result = groups[keys + time].copy()
    has_ok = groups["_base_ok"].notna()
    if keys and (with_total or not set(unit) <= set(keys)):
        # Coverage: how many units each row adds up (those behind its ratio).
        counted = groups["_units_ok"].where(has_ok, groups["_units"])
        result["units"] = counted.astype("Float64").fillna(0).round().astype("Int64")
    result["staff"] = groups["_staff_ok"].where(has_ok, groups["staff"]).astype("Float64")
    result["base"] = groups["_base_ok"].where(has_ok, groups["base"]).astype("Float64")
    result[ratio_column(ratio, per)] = ratio_values(result["staff"], result["base"], ratio, per)
    if target is not None:
        result["target"] = pd.Series(float(target), index=result.index, dtype="Float64")
        result["staff_needed"] = groups["staff_needed"]
        result["shortfall"] = groups["shortfall"]
        status = np.where(groups["shortfall"].fillna(0).to_numpy() > 0, "short", "meets")
        result["status"] = pd.Series(status, index=result.index, dtype="str").where(
            groups["shortfall"].notna()
        )
    if period and period != "period":
        result = result.rename(columns={period: "period"})
    return result.reset_index(drop=True)


def with_totals(
    groups: pd.DataFrame, totals: pd.DataFrame, keys: list[str], time: list[str]
) -> pd.DataFrame:
    """``groups`` with a total row (key cells ``Total``) closing each period that has more
    than one group; periods in order."""
    if time:
        size = groups.groupby(time, sort=False, dropna=False)[keys[0]].size().rename("_n")
        totals = totals.merge(size.reset_index(), on=time, how="left")
        totals = totals.loc[totals["_n"] > 1].drop(columns="_n")
    elif len(groups) <= 1:
        return groups
    totals = totals.assign(**dict.fromkeys(keys, TOTAL))
    combined = pd.concat([groups, totals[groups.columns]], ignore_index=True)
    last = combined[keys[0]].eq(TOTAL).astype(int)
    return (
        combined.assign(_total=last)
        .sort_values([*time, "_total"], kind="stable")
        .drop(columns="_total")
        .reset_index(drop=True)
    )


def _group(units: pd.DataFrame, keys: list[str], sums: list[str]) -> pd.DataFrame:
    # One pass: every column summed skipping <NA> (<NA> if all are); the plain staff/base are
    # then <NA> where any unit's is (shown only when nothing is defined), while the "_ok"
    # totals and the target sums skip the units that are undefined.
    data = units[keys + sums].assign(
        _staff_na=units["staff"].isna().astype("int64"),
        _base_na=units["base"].isna().astype("int64"),
    )
    columns = [*sums, "_staff_na", "_base_na"]
    if keys and one_row_per_key(data, keys):
        out = data[keys + columns].reset_index(drop=True)  # each group one unit: as it is
    elif keys:
        grouped = data.groupby(keys, sort=True, dropna=False, observed=True)[columns]
        out = grouped.sum(min_count=1).reset_index()
    else:
        out = pd.DataFrame({c: [data[c].sum(min_count=1)] for c in columns})
    out = out.astype(dict.fromkeys(sums, "Float64"))
    out["staff"] = out["staff"].where(out["_staff_na"].eq(0))
    out["base"] = out["base"].where(out["_base_na"].eq(0))
    return out.drop(columns=["_staff_na", "_base_na"])


def undefined_units(
    rows: pd.DataFrame,
    keys: Sequence[str],
    *,
    staff: str = "staff",
    base: str = "base",
    ratio: RatioKind = "share",
) -> pd.DataFrame:
    """The units (``keys``: unit, period …) whose ratio is undefined, with their figures."""
    units = unit_figures(rows, keys, list(dict.fromkeys([staff, base])))
    return units.loc[~defined(units[staff], units[base], ratio)].reset_index(drop=True)


def join_base(
    staff_rows: pd.DataFrame,
    base_rows: pd.DataFrame,
    on: Sequence[str],
    *,
    keep: Sequence[str] = (),
    staff: str = "staff",
    base: str = "base",
) -> pd.DataFrame:
    """Staff figures of one table and base figures of another, joined on ``on`` (unit, period).

    An outer join: a unit found in only one table stays, its other figure ``<NA>`` (so its ratio
    is empty), never dropped. ``keep`` columns of the staff table (region …) come along.
    Columns: ``keep``, ``on``, ``staff``, ``base``, ``found_in`` (``both``, ``staff`` or ``base``).
    """
    on = list(on)
    extra = [k for k in dict.fromkeys(keep) if k not in on]
    left = unit_figures(staff_rows.rename(columns={staff: "staff"}), on + extra, ["staff"])
    right = unit_figures(base_rows.rename(columns={base: "base"}), on, ["base"])
    merged = left.merge(right, on=on, how="outer", indicator="found_in", sort=True)
    merged["found_in"] = (
        merged["found_in"]
        .astype("str")
        .map({"both": "both", "left_only": "staff", "right_only": "base"})
        .astype("str")
    )
    return merged[extra + on + ["staff", "base", "found_in"]].reset_index(drop=True)


def parts_remainder(
    rows: pd.DataFrame,
    parts: Sequence[str],
    total_column: str,
    by: Sequence[str] = (),
    *,
    unit: Sequence[str] = (),
    period: str | None = None,
    total: bool = True,
) -> pd.DataFrame:
    """What the parts leave unexplained of a total, per group: never forced to fit.

    Columns: the ``by`` keys, ``period`` (when given), each part, ``parts_sum``, ``total``,
    ``remainder`` (total − Σ parts; negative when the parts exceed the total),
    ``remainder_pct`` (remainder ÷ total × 100, ``<NA>`` where the total is 0) and ``status``
    (``adds up``, ``unexplained`` or ``exceeds``). A unit with any figure missing has no
    remainder and is left out of aggregates (Σ/Σ over the complete units).
    """
    keys = list(dict.fromkeys(by))
    time = [period] if period else []
    parts = list(dict.fromkeys(parts))
    unit_keys = list(dict.fromkeys(keys + [u for u in unit if u not in time] + time))
    figures = [*parts, "total"]
    data = pd.DataFrame(
        {k: rows[k] for k in unit_keys}
        | {p: rows[p].astype("Float64") for p in parts}
        | {"total": rows[total_column].astype("Float64")},
        index=rows.index,
    )
    units = unit_figures(data, unit_keys, figures)
    complete = units[figures].notna().all(axis=1)
    plain = units[figures]
    units = units.assign(**{f"_{c}": plain[c].where(complete) for c in figures})
    ok_cols = [f"_{c}" for c in figures]

    def gather(keys_: list[str]) -> pd.DataFrame:
        raw = _sum(units, keys_, figures, skipna=False)
        if keys_:
            skipped = (
                units.groupby(keys_, sort=True, dropna=False, observed=True)[ok_cols]
                .sum(min_count=1)
                .reset_index()
            )
            merged = raw.merge(skipped, on=keys_, how="left", sort=False)
        else:
            skipped = pd.DataFrame({c: [units[c].sum(min_count=1)] for c in ok_cols})
            merged = pd.concat([raw, skipped], axis=1)
        has = merged["_total"].notna()
        for c in figures:
            merged[c] = merged[f"_{c}"].where(has, merged[c]).astype("Float64")
        return merged[keys_ + figures]

    groups = gather(keys + time)
    if total and keys:
        groups = with_totals(groups, gather(time), keys, time)
    result = groups[keys + time + parts].copy()
    result["parts_sum"] = groups[parts].sum(axis=1, skipna=False).astype("Float64")
    result["total"] = groups["total"]
    result["remainder"] = (result["total"] - result["parts_sum"]).astype("Float64")
    result["remainder_pct"] = (
        result["remainder"] / result["total"].where(result["total"] > 0) * 100
    ).astype("Float64")
    rem = result["remainder"].astype("float64").to_numpy(na_value=np.nan)
    status = np.select(
        [np.isnan(rem), rem == 0, rem > 0], ["", "adds up", "unexplained"], "exceeds"
    )
    result["status"] = pd.Series(status, index=result.index, dtype="str").replace("", pd.NA)
    if period and period != "period":
        result = result.rename(columns={period: "period"})
    return result.reset_index(drop=True)


def pair_change(
    rows: pd.DataFrame,
    value: str,
    *,
    before: str,
    after: str,
    keys: Sequence[str] = (),
    period: str = "period",
    rate: bool = True,
) -> pd.DataFrame:
    """A stated before/after pair of one figure (no dates: not a year-on-year change).

    Each ``keys`` group's row labelled ``after`` is set beside its row labelled ``before``.
    Columns: ``keys``, ``period`` (the after label), ``value``, ``base_period``, ``base_value``,
    then ``change`` or, for a rate (a share in %), ``change_pp`` (after − before in percentage
    points), and ``change_pct`` (the relative change; ``<NA>`` where the before value is 0).
    """
    keys = list(keys)
    data = rows[[*keys, period, value]]
    later = data.loc[data[period] == after].rename(columns={value: "value"})
    earlier = data.loc[data[period] == before, [*keys, value]].rename(columns={value: "base_value"})
    if keys:
        merged = later.merge(earlier, on=keys, how="left", sort=True)
    else:
        first = earlier["base_value"].iloc[0] if len(earlier) else None
        merged = later.assign(base_value=pd.Series(first, index=later.index, dtype="Float64"))
    merged = merged.astype({"value": "Float64", "base_value": "Float64"})
    result = merged[[*keys, period, "value"]].rename(columns={period: "period"})
    result["base_period"] = pd.Series(before, index=merged.index, dtype="str").where(
        merged["base_value"].notna()
    )
    result["base_value"] = merged["base_value"]
    difference = (merged["value"] - merged["base_value"]).astype("Float64")
    result["change_pp" if rate else "change"] = difference
    # As in the trends engine: relative to the size of the before value; undefined from zero.
    result["change_pct"] = (
        difference / merged["base_value"].abs().where(merged["base_value"] != 0) * 100
    ).astype("Float64")
    return result.reset_index(drop=True)
