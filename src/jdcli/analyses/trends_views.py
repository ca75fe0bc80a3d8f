"""What the options of trends make of the table of changes: the periods within ``--since`` and
``--until``, the ``--index`` column, the ``--summary`` (with its sparklines), and the view for
people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jdcli.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

_SPARKS = "▁▂▃▄▅▆▇█"


@dataclass
class Changes:
    """The table of changes (``compute``), with what its views need to read it."""

    frame: pd.DataFrame
    keys: list[str]
    rate: pd.Series
    mismatches: int = 0
    notes: list[str] = field(default_factory=list)


def index_column(changes: pd.DataFrame, keys: list[str], base: str) -> tuple[pd.Series, list[str]]:
    """The ``--index`` column (base = 100) and notes naming the series it is empty in: no
    value in the base period, or one that is zero or negative. A UsageError lists the periods
    there are when no series has a value in the base period."""
    from jdcli.metrics.trends import PeriodError, index_bases, index_to

    try:
        column = index_to(changes, keys, base)
        bases = index_bases(changes.loc[changes["value"].notna()], keys, base)
    except PeriodError as exc:
        raise UsageError(f"--index {base}: {exc.detail}") from None
    if bases.empty:
        return column, []
    missing = bases["base_value"].isna()
    if bool(missing.all()):
        raise UsageError(
            f"--index {base}: no series has a value in {base} "
            f"(periods: {period_list(changes.loc[changes['value'].notna(), 'period'])})"
        )
    notes = []
    if bool(missing.any()):
        notes.append(
            f"--index {base}: no value in {base} for {series_list(bases.loc[missing], keys)}; "
            "their index is empty"
        )
    undefined = bases["base_value"].le(0).fillna(False).astype("bool")
    if bool(undefined.any()):
        notes.append(
            f"--index {base}: the value in {base} is zero or negative for "
            f"{series_list(bases.loc[undefined], keys)}; their index is empty"
        )
    return column, notes


def series_list(series: pd.DataFrame, keys: list[str], shown: int = 5) -> str:
    """``metric=a; metric=b`` for the first ``shown`` series, then how many more there are."""
    names = [", ".join(f"{k}={row[k]}" for k in keys) for _, row in series.head(shown).iterrows()]
    more = len(series) - shown
    return "; ".join(names) + (f" and {more} more" if more > 0 else "")


def period_list(labels: pd.Series, shown: int = 12) -> str:
    """The distinct periods of ``labels`` in time order, as canonical labels (first and last
    few, with the count, when there are more than ``shown``)."""
    import pandas as pd

    from jdcli.metrics.trends import FREQUENCIES, format_periods, parse_periods

    if labels.empty:
        return "none"
    ordinal, freqs = parse_periods(labels.reset_index(drop=True))
    distinct = pd.DataFrame({"ordinal": ordinal, "freq": freqs}).drop_duplicates()
    distinct["rank"] = distinct["freq"].map(FREQUENCIES.index)
    distinct = distinct.sort_values(["rank", "ordinal"], kind="mergesort")
    periods = format_periods(distinct["ordinal"], distinct["freq"]).tolist()
    if len(periods) <= shown:
        return ", ".join(periods)
    half = shown // 2
    return f"{', '.join(periods[:half])}, …, {', '.join(periods[-half:])}; {len(periods)} periods"


def filter_periods(changes: pd.DataFrame, since: str | None, until: str | None) -> pd.DataFrame:
    """Rows whose period lies within ``--since``/``--until`` (compared as periods: ``--since
    2016`` keeps 2016-01 and 2016Q1; ``--until 2017`` keeps all of 2017)."""
    from jdcli.metrics.trends import PER_YEAR, PeriodError, ordinal_years, parse_periods

    if since is None and until is None:
        return changes
    ordinal, freqs = parse_periods(changes["period"])
    start = ordinal_years(ordinal, freqs)
    keep = start.notna()
    for option, label in (("--since", since), ("--until", until)):
        if label is None:
            continue
        try:
            bound_ordinal, bound_freq = parse_periods(_series([label]))
        except PeriodError as exc:
            raise UsageError(f"{option} {label}: {exc.detail}") from None
        bound = float(ordinal_years(bound_ordinal, bound_freq).iloc[0])
        if option == "--since":
            keep &= start >= bound - 1e-9
        else:
            per_year = PER_YEAR.get(str(bound_freq.iloc[0]), 365.2425)
            keep &= start < bound + 1 / per_year - 1e-9
    return changes.loc[keep.fillna(False).astype("bool")]


def _series(values: list[str]) -> pd.Series:
    import pandas as pd

    return pd.Series(values, dtype="str")


def summarise(result: Changes) -> pd.DataFrame:
    """``--summary``: one row per series (period rows only; figures without a single period
    keep their own row with the average annual change or the multiple and its doublings)."""
    import numpy as np
    import pandas as pd

    from jdcli.metrics.trends import trend_summary

    frame = result.frame
    periodic = frame["value"].notna()
    keys = [*result.keys, "unit"] if "unit" not in result.keys else result.keys
    summary = trend_summary(frame.loc[periodic], keys, rate=result.rate.loc[periodic])
    if "multiple" in frame.columns:
        # A reported average annual change is not a CAGR computed from levels: own column.
        for column in ("avg_annual_change_pct", "multiple"):
            summary[column] = pd.array([pd.NA] * len(summary), dtype="Float64")
        others = summary_extra_rows(result)
        if len(others):
            extra = pd.DataFrame(
                {
                    **{k: others[k] for k in keys},
                    "first_period": others["period"],
                    "avg_annual_change_pct": others["avg_annual_change_pct"],
                    "doublings": pd.Series(
                        np.log2(others["multiple"].astype("float64").where(others["multiple"] > 0)),
                        index=others.index,
                    ).astype("Float64"),
                    "multiple": others["multiple"],
                }
            )
            summary = pd.concat(
                [summary, extra.reindex(columns=summary.columns)], ignore_index=True
            )
    return summary


def sparklines(result: Changes) -> list[str]:
    """One sparkline per summary row (the series' values in period order; a gap is a space)."""
    from jdcli.metrics.trends import parse_periods, series_ids

    frame = result.frame
    periodic = frame.loc[frame["value"].notna()]
    keys = [*result.keys, "unit"] if "unit" not in result.keys else result.keys
    ordinal, _ = parse_periods(periodic["period"])
    work = periodic.assign(_series=series_ids(periodic, keys), _ordinal=ordinal)
    lines = []
    for _, group in work.sort_values(["_series", "_ordinal"]).groupby("_series", sort=True):
        values = group["value"].astype("float64")
        low, high = float(values.min()), float(values.max())
        by_ordinal = dict(zip(group["_ordinal"].astype("int64"), values, strict=True))
        first, last = min(by_ordinal), max(by_ordinal)
        chars = []
        for position in range(first, last + 1):
            if position not in by_ordinal:
                chars.append(" ")
                continue
            share = 0.5 if high == low else (by_ordinal[position] - low) / (high - low)
            chars.append(_SPARKS[min(int(share * (len(_SPARKS) - 1) + 0.5), len(_SPARKS) - 1)])
        lines.append("".join(chars))
    extra = len(summary_extra_rows(result))
    return lines + [""] * extra


def summary_extra_rows(result: Changes) -> pd.DataFrame:
    """The rows of figures with no single period (as ``summarise`` appends them)."""
    frame = result.frame
    if "multiple" not in frame.columns:
        return frame.iloc[0:0]
    return frame.loc[frame["avg_annual_change_pct"].notna() | frame["multiple"].notna()]


def human_view(table: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The table for people: the comparison as one ``base`` cell (``2016: 86``), a multiple as
    ``×4``, and no column that is empty throughout. Machine formats keep every column."""
    from jdcli.formatting import format_number

    view = table.copy()
    if "base_period" in view.columns:
        cells = [
            "—" if p is None or p != p else f"{p}: {format_number(float(v), decimals)}"
            for p, v in zip(view["base_period"], view["base_value"].astype("float64"), strict=True)
        ]
        position = list(view.columns).index("base_period")
        view = view.drop(columns=["base_period", "base_value"])
        view.insert(position, "base", cells)
    if "multiple" in view.columns:
        view["multiple"] = [
            "—" if m is None or m != m else f"×{format_number(float(m), decimals)}"
            for m in view["multiple"].astype("float64")
        ]
    keep = [c for c in view.columns if c in ("period", "value") or not _all_empty(view[c])]
    return view[keep]


def _all_empty(column: pd.Series) -> bool:
    return bool((column.isna() | column.astype("str").eq("—")).all())
