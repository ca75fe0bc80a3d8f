"""The figures of a trends input: long format, units from headers, each figure read with how
it is written, rows that cannot be used, and which values are rates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jdcli.analyses.inputs import resolve_names
from jdcli.errors import InputError, UsageError
from jdcli.notes import warn

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.loading import Loaded

#: Columns that cannot be --by keys in trends, and why.
BY_RESERVED = {
    "period": "the time axis every series is compared along",
    "value": "the figure whose change is computed",
    "reported_change_pct": "a published change checked against the values",
    "reported_since": "the base period of a published change",
    "reported_multiple": "a published multiple checked against the values",
}
#: A metric named like a rate (增长率, 复吸率, relapse rate) without a unit gets a note.
RATE_WORD = re.compile(r"率|(?<![a-z])rates?(?![a-z])", re.IGNORECASE)


def long_format(loaded: Loaded, by: list[str]) -> pd.DataFrame:
    """The rows in long format: a wide file (a period column and one column per metric) is
    melted into ``metric``/``value`` rows; text columns that are not keys are left out."""
    import pandas as pd

    from jdcli.loading.figures import written_precision
    from jdcli.loading.schema import found_columns

    frame = loaded.frame
    figures = ("value", "reported_change_pct", "reported_multiple", "reported_since")
    if any(name in frame.columns for name in figures):
        return frame
    keys = set(resolve_names(by, loaded, "--by", reserved=BY_RESERVED)) if by else set()
    candidates = [c for c in frame.columns if c not in loaded.headers and c not in keys]
    numeric = []
    for column in candidates:
        text = frame[column].astype("str").str.strip()
        unmarked = written_precision(text)["number"]
        cleaned = unmarked.str.replace(r"[,%％\s]", "", regex=True)
        number = pd.to_numeric(cleaned.where(text.ne("")), errors="coerce")
        if bool((number.notna() | text.eq("")).all()) and bool(number.notna().any()):
            numeric.append(column)
    if not numeric:
        raise InputError(
            f"{loaded.name}: no value column (数值/value) and no numeric column to read as a "
            f"metric (found: {found_columns(frame.columns, loaded.headers)}); "
            "map one with --col value=NAME"
        )
    ignored = [c for c in candidates if c not in numeric]
    if ignored:
        warn(f"{loaded.name}: ignored non-numeric column(s) {', '.join(map(str, ignored))}")
    if "metric" in frame.columns:
        raise InputError(
            f"{loaded.name}: a metric column ({loaded.headers.get('metric', 'metric')}) but no "
            "value column (数值/value); map one with --col value=NAME"
        )
    id_columns = [c for c in frame.columns if c not in candidates]
    line = "\0line"  # not a name a file's column can clash with
    long = (
        frame.rename_axis(line)
        .reset_index()
        .melt(
            id_vars=[line, *id_columns], value_vars=numeric, var_name="metric", value_name="value"
        )
    )
    long["metric"] = long["metric"].astype("str")
    # One file line holds several figures: name each by its line and column in errors.
    long.index = pd.Index(long[line].astype("str") + ", column " + long["metric"])
    return long.sort_values(line, kind="mergesort").drop(columns=line)


def units_from_names(frame: pd.DataFrame, loaded: Loaded) -> pd.DataFrame:
    """Units written in headers, in the ``unit`` column: a metric named ``破案数（起）`` (a
    wide file's column, or a metric cell) becomes 破案数 in 起, and a value header such as
    ``数值（万人）`` gives its unit to every row. A row's own ``unit`` wins; a multiplier (万人,
    thousand) is shown in the unit, never applied. Two metrics that would get one name keep
    their whole names (``jdcli.loading.units.split_units``)."""
    import pandas as pd

    from jdcli.loading.units import split_units

    value_unit = loaded.units.get("value")
    renamed: dict[str, str] = {}
    units: dict[str, str] = {}
    if "metric" in frame.columns:
        names = frame["metric"].dropna().unique()
        for name, (short, unit) in split_units(map(str, names)).items():
            if short != name:
                renamed[name] = short
            if unit is not None:
                units[name] = unit
    if not units and value_unit is None:
        return frame
    frame = frame.copy(deep=False)
    from_header = pd.Series(value_unit, index=frame.index, dtype="str")
    if units:
        by_metric = frame["metric"].astype("str").map(units).astype("str")
        from_header = by_metric.fillna(from_header) if value_unit is not None else by_metric
        frame["metric"] = frame["metric"].replace(renamed) if renamed else frame["metric"]
    if "unit" in frame.columns:
        given = frame["unit"].astype("str").str.strip()
        frame["unit"] = given.where(given.notna() & given.ne(""), from_header)
    else:
        frame["unit"] = from_header
    return frame


def chosen_metrics(
    frame: pd.DataFrame, loaded: Loaded, option: str, names: Sequence[str]
) -> list[str]:
    """The metrics ``--metric``/``--rate`` name, each given as the metric is shown or with its
    unit as in the header (``戒断三年未复吸率（%）`` or ``戒断三年未复吸率``)."""
    from jdcli.loading.units import split_unit

    if "metric" not in frame.columns:
        raise UsageError(f"{option}: {loaded.name} has no metric column (指标/metric)")
    present = frame["metric"].dropna().unique()
    known = set(map(str, present))
    chosen = []
    for name in names:
        text = name.strip()
        match = next((n for n in (text, split_unit(text)[0]) if n in known), None)
        if match is None:
            hint = ""
            if option == "--rate" and Path(text).is_file():
                hint = f"; to make every value a rate, put FILE before --rate ({text} --rate)"
            raise UsageError(
                f"{option} {name}: no such metric in {loaded.name} "
                f"(found: {', '.join(map(str, present))}){hint}"
            )
        chosen.append(match)
    return chosen


def read_figures(
    frame: pd.DataFrame, loaded: Loaded, keys: list[str] | None = None
) -> pd.DataFrame:
    """Parse ``value``/``reported_change_pct``/``reported_multiple`` from text, keeping how
    each figure is written (``jdcli.loading.figures``): ``value_places``, ``value_approximate``
    (``~55``), ``value_percent`` (written with %), ``reported_places``.

    A plain number is read at once; only the other cells (``~55``, ``12%``, ``7,654``, empty)
    go through the text rules. How precisely a level is written matters only to the check of
    reported changes, so ``value_places`` is read only in the series (by ``keys``) that have a
    reported change, and is ``<NA>`` elsewhere.
    """
    import pandas as pd

    from jdcli.loading import parse_numbers
    from jdcli.loading.figures import written_precision
    from jdcli.loading.numbers import check_range, plain_numbers
    from jdcli.metrics.columns import missing_numbers, missing_text, strip_text

    frame = frame.copy(deep=False)
    headers = {**loaded.headers, "value": loaded.headers.get("value", "value")}
    empty = missing_text(frame.index)
    for name in ("value", "unit", "reported_change_pct", "reported_since", "reported_multiple"):
        if name not in frame.columns:
            frame[name] = empty
    reported = frame["reported_change_pct"]
    has_reported = reported.notna()
    if bool(has_reported.any()):
        frame["reported_places"] = written_precision(reported.loc[has_reported])["places"].reindex(
            frame.index
        )
    else:
        frame["reported_places"] = missing_numbers(frame.index, "Int64")
    raw = frame["value"]
    fast = plain_numbers(raw) if len(raw) else raw.astype("float64")
    # A plain number has no approximate mark, no %, no separator.
    slow = fast.isna().to_numpy() | raw.isna().to_numpy()
    value = _nullable(fast, writable=bool(slow.any()))
    approximate = pd.Series(False, index=frame.index)
    percent = pd.Series(False, index=frame.index)
    if bool(slow.any()):
        written = written_precision(raw.loc[slow].where(raw.loc[slow].notna()))
        text = written["number"]
        approximate.loc[slow] = written["approx"].to_numpy()
        percent.loc[slow] = text.str.strip().str.endswith(("%", "％")).fillna(False).to_numpy()
        value.loc[slow] = parse_numbers(
            text.fillna(""), source=loaded.name, column=headers["value"], allow_percent=True
        ).to_numpy()
    check_range(raw, value, source=loaded.name, column=headers["value"], count=False)
    places = missing_numbers(frame.index, "Int64")
    if bool(has_reported.any()):
        if keys:
            grouped = has_reported.groupby([frame[k] for k in keys], dropna=False)
            needed = grouped.transform("any").astype("bool")
        else:
            needed = pd.Series(True, index=frame.index)
        needed &= raw.notna()
        if bool(needed.any()):
            places.loc[needed] = written_precision(raw.loc[needed])["places"].to_numpy()
    frame["value"] = value
    frame["value_approximate"] = approximate
    frame["value_places"] = places
    frame["value_percent"] = percent
    for name in ("reported_change_pct", "reported_multiple"):
        if not bool(frame[name].notna().any()):
            frame[name] = missing_numbers(frame.index)
            continue
        raw_text = frame[name].astype("str").where(frame[name].notna()).fillna("")
        frame[name] = parse_numbers(
            raw_text,
            source=loaded.name,
            column=loaded.headers.get(name, name),
            allow_percent=name == "reported_change_pct",
        )
    for name in ("unit", "reported_since"):
        given_text = frame[name].notna()
        if not bool(given_text.any()):
            frame[name] = empty
            continue
        stripped = frame[name].astype("str").str.strip()
        frame[name] = stripped.where(given_text & stripped.ne(""))
    given = frame["reported_since"].dropna()
    if len(given):
        from jdcli.metrics.trends import PeriodError, parse_periods

        try:
            parse_periods(given)
        except PeriodError as exc:
            column = loaded.headers.get("reported_since", "reported_since")
            raise InputError(f"{loaded.name} {exc} (column {column})") from None
    frame["period"] = strip_text(frame["period"])
    return frame


def split_statements(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(figures with no single period, the period rows): an average annual change since a
    period (年均) and a multiple (翻两番 = ×4) are not single-period changes."""
    special = frame["reported_since"].notna() | frame["reported_multiple"].notna()
    if not bool(special.any()):
        return frame.iloc[0:0], frame
    return frame.loc[special], frame.loc[~special]


def drop_unusable(frame: pd.DataFrame, loaded: Loaded, strict: bool) -> pd.DataFrame:
    """Rows with a period and a value or a reported change; the others skipped with a warning
    (an error naming the first with ``--strict``)."""
    no_period = frame["period"].isna() | frame["period"].eq("")
    no_figure = frame["value"].isna() & frame["reported_change_pct"].isna()
    bad = no_period | no_figure
    count = int(bad.sum())
    if count and strict:
        line = bad[bad].index[0]
        what = "period" if bool(no_period.loc[line]) else "value"
        raise InputError(
            f"{loaded.name} line {line}: missing {what} ({count} row(s) incomplete; "
            "drop --strict to skip them)"
        )
    if count:
        warn(f"{loaded.name}: skipped {count} row(s) without a period or without a value")
        return frame.loc[~bad]
    return frame


def rate_mask(frame: pd.DataFrame, rate: bool | Sequence[str]) -> pd.Series:
    """Rows whose values are rates in percent: ``--rate`` (every row, or the metrics it names),
    a % unit (``jdcli.loading.units.PERCENT_UNITS``), or a value written with %."""
    import pandas as pd

    from jdcli.loading.units import PERCENT_UNITS

    if rate is True:
        return pd.Series(True, index=frame.index)
    given = frame["unit"].notna()
    if bool(given.any()):
        unit = frame["unit"].astype("str").str.strip().str.casefold()
        by_unit = unit.isin(PERCENT_UNITS) & given
    else:
        by_unit = given
    if not isinstance(rate, bool) and rate:
        by_unit |= frame["metric"].isin(list(rate)).fillna(False)
    written = frame["value_percent"].astype("boolean").fillna(False)
    # Rows added for an index base have no unit of their own: an index is never a rate.
    return (by_unit | written).astype("bool") & frame["index_base"].isna()


def rate_hints(frame: pd.DataFrame, is_rate: pd.Series, source: str) -> list[str]:
    """A note naming the metrics called a rate (率, rate) that nothing makes one: no unit, no
    value written with %, no ``--rate``. Their changes stay relative; the note says how to
    get points. A name alone never makes a rate (发病率 may be per 100,000)."""
    if "metric" not in frame.columns:
        return []
    names = frame["metric"].dropna().astype("str").unique()
    named = [n for n in names if RATE_WORD.search(n)]
    if not named:
        return []
    rows = frame.loc[frame["metric"].isin(named)]
    plain = is_rate.loc[rows.index].eq(False) & rows["unit"].isna() & rows["index_base"].isna()
    settled = (~plain).groupby(rows["metric"]).any()
    hinted = [n for n in named if not bool(settled.get(n, False))]
    if not hinted:
        return []
    options = " ".join(f"--rate {shell_word(n)}" for n in hinted)
    example = hinted[0] + ("（%）" if re.search(r"[^\x00-\x7f]", hinted[0]) else " (%)")
    one = len(hinted) == 1
    return [
        f"{source}: {', '.join(hinted)} {'looks like a rate' if one else 'look like rates'} "
        f"(率/rate) but {'has' if one else 'have'} no unit: changes are relative (change_pct); "
        f"if in percent, add {options} or write the unit in the header ({example}) for "
        "changes in points (change_pp)"
    ]


def shell_word(text: str) -> str:
    """``text`` as one word of a shell command: quoted only when it must be (戒断率 stays)."""
    import shlex

    return text if re.fullmatch(r"[\w.%+=:,/@-]+", text) else shlex.quote(text)


def _nullable(numbers: pd.Series, *, writable: bool) -> pd.Series:
    """``numbers.astype("Float64")`` on the same numbers: NaN masked, no copy of a long
    column (15 MB on the 1.93M-row benchmark), unless ``writable`` is asked of numbers that
    cannot be written to (Arrow's)."""
    import numpy as np
    import pandas as pd

    data = numbers.to_numpy(dtype="float64")
    if writable and not data.flags.writeable:
        data = data.copy()
    array = pd.arrays.FloatingArray(data, np.isnan(data))
    return pd.Series(array, index=numbers.index, name=numbers.name, copy=False)
