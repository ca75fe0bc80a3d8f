"""``jdcli trends``: year-on-year (同比) or sequential (环比) change per series, and summaries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jdcli.cli import app
from jdcli.cli.common import (
    BARE,
    BareOptionCommand,
    ByOpt,
    ColOpt,
    DecimalsOpt,
    EncodingOpt,
    ExcelOpt,
    FileArg,
    FilterOpt,
    FormatOpt,
    OutputOpt,
    StrictOpt,
    load_input,
    note,
    output_format,
    reported_errors,
    resolve_names,
    warn,
    write_output,
)
from jdcli.errors import InputError, UsageError
from jdcli.render import Format, RenderOptions

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.loading import Loaded


class Compare(StrEnum):
    """Which period a change is measured against."""

    YOY = "yoy"
    PREV = "prev"


class Freq(StrEnum):
    """Frequencies ``--freq`` accepts (detected from the labels when not given)."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"


CompareOpt = Annotated[
    Compare,
    typer.Option(
        "--compare",
        help="yoy: against the same period one year earlier (同比); prev: against the "
        "immediately preceding period (环比).",
        case_sensitive=False,
    ),
]
RateOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--rate",
        metavar="[METRIC]",
        help="Values are rates in percent, so changes are in percentage points (change_pp). "
        "--rate alone (after FILE): every value; --rate METRIC (repeatable; the name with or "
        "without its unit, e.g. 戒断三年未复吸率（%）): only those metrics. Without it, a unit "
        "of %, ％, pct, percent or 百分比 (in a unit column or at the end of a header) or a "
        "value written with % makes a rate.",
        show_default=False,
    ),
]
FreqOpt = Annotated[
    Freq | None,
    typer.Option(
        "--freq",
        help="Insist on one frequency (year, half, quarter, month, day); detected otherwise.",
        case_sensitive=False,
        show_default=False,
    ),
]
SummaryOpt = Annotated[
    bool,
    typer.Option(
        "--summary",
        help="One row per series: first and last period, total change, CAGR, doublings, "
        "and a sparkline in the table view.",
    ),
]
IndexOpt = Annotated[
    str | None,
    typer.Option(
        "--index",
        metavar="BASE_PERIOD",
        help="Add an index column with BASE_PERIOD = 100 in each series (a note names the "
        "series without a value then; an error lists the periods when none has one).",
        show_default=False,
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", metavar="PERIOD", help="Show periods from PERIOD on.", show_default=False
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until", metavar="PERIOD", help="Show periods up to PERIOD.", show_default=False
    ),
]
MetricOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--metric",
        help="Only this metric (repeatable; the name with or without its unit).",
        show_default=False,
    ),
]

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

#: Rendered with this style when the change goes the desirable / undesirable way.
GOOD_STYLE, BAD_STYLE = "green", "red"
CHANGE_COLUMNS = ("change", "change_pct", "change_pp", "cumulative_change_pct")

_SPARKS = "▁▂▃▄▅▆▇█"


@dataclass
class TrendsResult:
    """What ``compute`` hands to the output step."""

    frame: pd.DataFrame
    keys: list[str]
    rate: pd.Series
    mismatches: int = 0
    notes: list[str] = field(default_factory=list)


class TrendsCommand(BareOptionCommand):
    """``jdcli trends``: ``--rate`` alone means every value."""

    bare_options = ("--rate",)


@app.command(cls=TrendsCommand)
def trends(
    file: FileArg = None,
    by: ByOpt = None,
    compare: CompareOpt = Compare.YOY,
    rate: RateOpt = None,
    freq: FreqOpt = None,
    summary: SummaryOpt = False,
    index: IndexOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    metric: MetricOpt = None,
    fmt: FormatOpt = Format.AUTO,
    output: OutputOpt = None,
    decimals: DecimalsOpt = 2,
    col: ColOpt = None,
    filters: FilterOpt = None,
    encoding: EncodingOpt = None,
    strict: StrictOpt = False,
    excel: ExcelOpt = False,
) -> None:
    """Year-on-year (同比) or sequential (环比) change per series.

    A change is computed only against its exact comparison period: a missing year is a gap,
    never bridged; the first period has no change; a zero base gives no relative change.
    Rates change in percentage points. Reported changes (同比) chain into an index, derive a
    missing level from a single one, or are checked against the levels.
    """
    with reported_errors():
        from jdcli.loading.schemas import TRENDS

        loaded = load_input(file, TRENDS, "trends", col=col, filters=filters, encoding=encoding)
        result = compute(
            loaded,
            by=by or [],
            compare=compare.value,
            rate=True if BARE in (rate or []) else rate or False,
            freq=freq.value if freq else None,
            index=index,
            since=since,
            until=until,
            metrics=metric or [],
            strict=strict,
        )
        for message in result.notes:
            note(message)
        chosen = output_format(fmt, output)
        polarity = metric_polarity(loaded)
        if summary:
            table = summarise(result)
            if chosen is Format.TABLE:
                table["trend"] = sparklines(result)
        else:
            table = result.frame
        if chosen in (Format.TABLE, Format.MARKDOWN):
            table = human_view(table, decimals)
        styles = polarity_styles(table, polarity) if chosen is Format.TABLE else {}
        options = RenderOptions(
            decimals=decimals,
            title="Trends" if not summary else "Trends: summary",
            caption=caption(loaded, compare.value, summary, result.frame),
            excel=excel,
            styles=styles,
        )
        write_output(table, chosen, output, options, inputs=[loaded.path])


# ------------------------------------------------------------------ preparation


def compute(
    loaded: Loaded,
    *,
    by: list[str],
    compare: str = "yoy",
    rate: bool | Sequence[str] = False,
    freq: str | None = None,
    index: str | None = None,
    since: str | None = None,
    until: str | None = None,
    metrics: list[str] | None = None,
    strict: bool = False,
) -> TrendsResult:
    """Rows → one change per (series, period), plus the figures that have no single period.

    Steps: wide → long, units taken from the headers; read each figure with its precision;
    use reported changes (chain, derive, check); compute the change against the comparison
    period; filter; add the index. ``rate``: True for every value, or the metrics that are
    rates (each named with or without its unit).
    """
    import pandas as pd

    from jdcli.metrics import trends as tm
    from jdcli.metrics.trends import PeriodError

    frame = units_from_names(long_format(loaded, by), loaded)
    keys = resolve_names(by, loaded, "--by", reserved=BY_RESERVED) if by else []
    if "metric" in frame.columns:
        keys = [*[k for k in keys if k != "metric"], "metric"]
    if not isinstance(rate, bool):
        rate = chosen_metrics(frame, loaded, "--rate", rate) if rate else False
    if metrics:
        frame = frame.loc[frame["metric"].isin(chosen_metrics(frame, loaded, "--metric", metrics))]
    if frame.empty:
        warn(f"{loaded.name}: no data rows; the result is empty")
    frame = read_figures(frame, loaded, keys)
    statements, frame = split_statements(frame)
    frame = drop_unusable(frame, loaded, strict)
    notes: list[str] = []
    try:
        completed = tm.complete_with_reported(
            frame, keys, reported="reported_change_pct", freq=freq
        )
        is_rate = rate_mask(completed, rate)
        notes += rate_hints(completed, is_rate, loaded.name)
        reported = bool(completed["reported_change_pct"].notna().any())
        changes = tm.period_change(
            completed,
            keys,
            compare=compare,
            rate=is_rate,
            freq=freq,
            # How the levels are written matters only to checking reported changes.
            carry=["origin", "value_places", "value_approximate"] if reported else [],
            cumulative=True,
        )
        consistent = None
        if compare == "yoy" and reported:
            consistent = tm.reported_consistency(changes)
        elif reported:
            notes.append(
                "reported changes are year on year (同比); they are shown, not checked against "
                "sequential (环比) changes"
            )
        changes["flag"] = tm.combined_flags(changes, consistent)
        if index is not None:
            changes["index"], index_notes = index_column(changes, keys, index)
            notes += index_notes
        changes = filter_periods(changes, since, until)
    except PeriodError as exc:
        raise InputError(f"{loaded.name} {exc}") from None
    mismatches = int(changes["flag"].eq(tm.MISMATCH).sum())
    if mismatches:
        notes.append(
            f"{mismatches} reported change(s) disagree with the levels beyond rounding "
            "(flag mismatch; reports often revise their bases)"
        )
    unit = changes["unit"]
    if unit.dtype != "str" or bool(unit.notna().any()):
        unit = unit.astype("str").where(unit.notna())
        if keys and len(completed) > len(frame):  # rows added for a level take their series' unit
            unit = unit.fillna(
                unit.groupby([changes[k] for k in keys], dropna=False).transform("first")
            )
    indexed = changes["index_base"].notna()
    if bool(indexed.any()):
        unit = unit.astype("str").mask(
            indexed, "index (" + changes["index_base"].astype("str") + "=100)"
        )
    changes["unit"] = unit
    rate_rows = pd.Series(is_rate, index=completed.index).reindex(changes.index).fillna(False)
    # The columns of figures with no single period come with the input columns that hold them,
    # so filtering rows never changes the output's columns.
    special = {"reported_since", "reported_multiple"} & set(loaded.frame.columns)
    table = output_columns(changes, statements, keys, index is not None, bool(special))
    return TrendsResult(
        frame=table,
        keys=keys,
        rate=rate_rows.reindex(table.index).fillna(False),
        mismatches=mismatches,
        notes=notes,
    )


def long_format(loaded: Loaded, by: list[str]) -> pd.DataFrame:
    """The rows in long format: a wide file (a period column and one column per metric) is
    melted into ``metric``/``value`` rows; text columns that are not keys are left out."""
    import pandas as pd

    from jdcli.loading.figures import written_precision

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
            f"metric (found: {', '.join(map(str, frame.columns))}); map one with --col value=NAME"
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
    from jdcli.metrics.columns import missing_numbers, missing_text

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
    value = fast.astype("Float64")
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
    frame["period"] = frame["period"].astype("str").str.strip()
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


def output_columns(
    changes: pd.DataFrame,
    statements: pd.DataFrame,
    keys: list[str],
    with_index: bool,
    with_statements: bool,
) -> pd.DataFrame:
    """The documented output columns, period rows first (by series and period), then the
    figures with no single period: an average annual change, a multiple."""
    import pandas as pd

    columns = [
        *keys,
        *(["unit"] if "unit" not in keys else []),
        "period",
        "value",
        "base_period",
        "base_value",
        "change",
        "change_pct",
        "change_pp",
        "cumulative_change_pct",
        *(["index"] if with_index else []),
        "reported_change_pct",
    ]
    table = changes[columns]
    extra = []
    if with_statements or len(statements):
        extra = ["avg_annual_change_pct", "multiple"]
        since = statements["reported_since"]
        ends = statements["period"].where(statements["period"].ne(""))
        # "since 2016", or "2016–2017" when the span's end is given; a multiple keeps its
        # period if it has one.
        label = ends.where(since.isna(), "since " + since.astype("str"))
        label = label.mask(since.notna() & ends.notna(), since + "–" + ends)
        averages = statements["reported_change_pct"].where(since.notna())
        rows = pd.DataFrame(
            {
                **{k: statements[k] for k in keys},
                "unit": statements["unit"],
                "period": label,
                "avg_annual_change_pct": averages.astype("Float64"),
                "multiple": statements["reported_multiple"].astype("Float64"),
                "flag": pd.Series("average annual", index=statements.index, dtype="str")
                .where(since.notna(), "multiple")
                .mask(since.isna() & ends.isna(), "multiple (no period)"),
            },
            index=statements.index,
        )
        table["avg_annual_change_pct"] = pd.array([pd.NA] * len(table), dtype="Float64")
        table["multiple"] = pd.array([pd.NA] * len(table), dtype="Float64")
        table["flag"] = changes["flag"]
        table = pd.concat([table, rows.reindex(columns=table.columns)])
    else:
        table["flag"] = changes["flag"]
    for column in (
        "value",
        "base_value",
        "change",
        "change_pct",
        "change_pp",
        "cumulative_change_pct",
        "reported_change_pct",
        *extra,
    ):
        table[column] = table[column].astype("Float64")
    return table[[*columns, *extra, "flag"]]


# ------------------------------------------------------------------ summary and presentation


def summarise(result: TrendsResult) -> pd.DataFrame:
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


def sparklines(result: TrendsResult) -> list[str]:
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


def summary_extra_rows(result: TrendsResult) -> pd.DataFrame:
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


def metric_polarity(loaded: Loaded) -> dict[str, str]:
    """Each metric's desirable direction from a datapackage.json next to the data:
    ``"polarity": "down-is-good"`` (or ``up-is-good``) on the resource's ``jdcli.metrics``
    entry, on a field named like the metric (wide files; with or without the unit its header
    ends with) or on the ``value`` field."""
    from jdcli.datasets import read_package
    from jdcli.loading.units import split_unit

    if loaded.path is None:
        return {}
    folder = Path(loaded.path).parent
    if not (folder / "datapackage.json").is_file():
        return {}
    try:
        package = read_package(folder)
    except UsageError:
        return {}
    polarity: dict[str, str] = {}
    for resource in package.get("resources", []):
        if Path(str(resource.get("path", ""))).name != Path(loaded.path).name:
            continue
        fields = resource.get("schema", {}).get("fields", [])
        for spec in fields:
            if spec.get("polarity"):
                polarity[str(spec.get("name"))] = str(spec["polarity"])
                # A wide file's metric is shown without the unit its header ends with.
                polarity.setdefault(split_unit(str(spec.get("name")))[0], str(spec["polarity"]))
        for name, spec in resource.get("jdcli", {}).get("metrics", {}).items():
            if isinstance(spec, dict) and spec.get("polarity"):
                polarity[str(name)] = str(spec["polarity"])
                polarity[split_unit(str(name))[0]] = str(spec["polarity"])
    return polarity


def polarity_styles(table: pd.DataFrame, polarity: dict[str, str]) -> dict[str, list[str | None]]:
    """Colours for the change columns: green where the change goes the desirable way for its
    metric, red where it does not; nothing for a metric without a stated direction."""
    import pandas as pd

    if not polarity:
        return {}
    metric = table["metric"] if "metric" in table.columns else None
    direction: list[Any] = [
        {"down-is-good": -1, "up-is-good": 1}.get(
            polarity.get(str(m), polarity.get("value", "")), 0
        )
        for m in (metric if metric is not None else [None] * len(table))
    ]
    styles: dict[str, list[str | None]] = {}
    for column in (*CHANGE_COLUMNS, "total_change_pct", "cagr_pct", "avg_annual_change_pct"):
        if column not in table.columns:
            continue
        cells: list[str | None] = []
        for sign, value in zip(direction, table[column], strict=True):
            if not sign or pd.isna(value) or value == 0:
                cells.append(None)
            else:
                cells.append(GOOD_STYLE if (value > 0) == (sign > 0) else BAD_STYLE)
        styles[column] = cells
    return styles


def caption(loaded: Loaded, compare: str, summary: bool, frame: pd.DataFrame | None = None) -> str:
    """Which comparison the table shows, the rules that matter for reading it, the source
    (and, given the result ``frame``, how reported changes were used in it)."""
    if summary:
        what = (
            "First and last period with a value per series; CAGR over the years between their "
            "labels; doublings = log2(last ÷ first) (翻两番 = 2)."
        )
    elif compare == "yoy":
        what = (
            "Change year on year (同比): each period against the same period one year earlier; "
            "a missing comparison period is a gap, never bridged."
        )
    else:
        what = (
            "Sequential change (环比): each period against the immediately preceding one; "
            "a missing period is a gap, never bridged."
        )
    used = ""
    if frame is not None and "flag" in frame.columns:
        flags = set(frame["flag"].dropna().unique())
        if flags & {"chained", "index base"}:
            used += " Series with only reported changes are chained into an index (base = 100)."
        if "derived" in flags:
            used += " Derived levels come from the one given level and the reported changes."
        if flags & {"consistent", "mismatch"}:
            used += " Reported changes are checked against the levels, counting rounding."
    return (
        f"{what} Rates change in percentage points (pp); change_pct is the relative change."
        f"{used} Source: {loaded.name}"
    )
