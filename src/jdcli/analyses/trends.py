"""``trends``: year-on-year (同比) or sequential (环比) change per series, and summaries.

:func:`run` is the whole command: the input loaded, its figures read
(:mod:`jdcli.analyses.trends_figures`), reported changes used, changes computed over
:mod:`jdcli.metrics.trends`, and the views the options ask for
(:mod:`jdcli.analyses.trends_views`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from jdcli.analyses.inputs import is_path, load_source, resolve_names
from jdcli.analyses.trends_figures import (
    BY_RESERVED,
    chosen_metrics,
    drop_unusable,
    long_format,
    rate_hints,
    rate_mask,
    read_figures,
    split_statements,
    units_from_names,
)
from jdcli.analyses.trends_options import Compare, Freq
from jdcli.analyses.trends_views import (
    Changes,
    filter_periods,
    index_column,
    sparklines,
    summarise,
)
from jdcli.errors import InputError, UsageError
from jdcli.notes import note, warn
from jdcli.result import Result

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.analyses.inputs import Filters, Source
    from jdcli.loading import Loaded


@dataclass(frozen=True)
class TrendsResult(Result):
    """A trends :class:`~jdcli.result.Result`, with what its table view shows beyond the
    frame: ``polarity``, each metric's desirable direction (``down-is-good`` or
    ``up-is-good``, from a datapackage.json next to the data), and a sparkline per summary
    row (:meth:`sparklines`). ``changes`` is the table of changes the frame was made from (the
    frame itself unless it is a summary)."""

    polarity: Mapping[str, str] = field(default_factory=dict, repr=False)
    changes: Changes | None = field(default=None, repr=False, compare=False)

    def sparklines(self) -> list[str]:
        """One sparkline per row of a summary (a series' values in period order, a gap as a
        space; empty for the figures with no single period)."""
        return sparklines(self.changes) if self.changes is not None else []


def run(
    source: Source = None,
    *,
    by: Sequence[str] = (),
    compare: str = "yoy",
    rate: bool | Sequence[str] = False,
    freq: str | None = None,
    summary: bool = False,
    index: str | None = None,
    since: str | None = None,
    until: str | None = None,
    metrics: Sequence[str] | None = None,
    columns: Mapping[str, str] | None = None,
    filters: Filters = None,
    encoding: str | None = None,
    sheet: str | None = None,
    skip: int | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> TrendsResult:
    """``jdcli trends``: a change per (series, period), or with ``summary`` one row per series.

    ``source`` is a path (``"-"`` for stdin), a pandas DataFrame or None (the bundled data).
    ``by``: columns whose values make separate series (a ``metric`` column always does).
    ``compare``: ``"yoy"`` (同比, against the same period a year earlier) or ``"prev"`` (环比).
    ``rate``: True when every value is a rate in percent, or the metrics that are (named with
    or without their unit); a % unit or a value written with % makes a rate anyway.
    ``freq``: insist on one frequency. ``index``: add an index column (this period = 100).
    ``since``/``until``: keep the periods within. ``metrics``: keep only these metrics.
    ``columns`` is ``--col`` (``{canonical: actual}``), ``filters`` is ``--filter``,
    ``strict`` makes an incomplete row an error; ``sheet``, ``skip``, ``header_row`` and
    ``header_rows`` say where the table is in the file. ``progress(done, total)`` is told how
    many bytes of a file have been read.
    """
    from jdcli.loading.schemas import TRENDS

    compare = _choice("--compare", compare, Compare)
    freq = _choice("--freq", freq, Freq) if freq is not None else None
    loaded = load_source(
        source,
        TRENDS,
        "trends",
        columns=columns,
        filters=filters,
        encoding=encoding,
        progress=progress,
        sheet=sheet,
        skip=skip,
        header_row=header_row,
        header_rows=header_rows,
    )
    try:
        changes = compute(
            loaded,
            by=_names(by),
            compare=compare,
            rate=rate if isinstance(rate, bool) else _names(rate),
            freq=freq,
            index=index,
            since=since,
            until=until,
            metrics=_names(metrics),
            strict=strict,
            keep_rows=False,  # only the columns and the source's description are used below
        )
    except (InputError, UsageError) as error:
        if source is None or is_path(source):
            raise
        # A DataFrame has rows (named by their index labels), not file lines.
        raise type(error)(_in_rows(str(error), loaded.name)) from None
    for message in changes.notes:
        note(message)
    return TrendsResult(
        frame=summarise(changes) if summary else changes.frame,
        title="Trends: summary" if summary else "Trends",
        caption=caption(loaded, compare, summary, changes.frame),
        polarity=metric_polarity(loaded),
        changes=changes,
    )


def _choice(option: str, value: str, choices: type[StrEnum]) -> str:
    """``value`` as one of ``choices`` (any case), or a UsageError listing them."""
    allowed = [str(c) for c in choices]
    if str(value).lower() not in allowed:
        raise UsageError(f"{option} {value}: expected one of {', '.join(allowed)}")
    return str(value).lower()


def _in_rows(message: str, name: str) -> str:
    """``message`` about a DataFrame, with its rows called rows (``DataFrame row 3``)."""
    if not message.startswith(f"{name} line "):
        return message
    head, sep, rest = message.partition(": ")
    return re.sub(r"\bline (?=\S)", "row ", head) + sep + rest


def _names(names: str | Sequence[str] | None) -> list[str]:
    """One name or several as a list (a string is one name, not its characters)."""
    if names is None:
        return []
    return [names] if isinstance(names, str) else [str(n) for n in names]


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
    keep_rows: bool = True,
) -> Changes:
    """Rows → one change per (series, period), plus the figures that have no single period.

    Steps: wide → long, units taken from the headers; read each figure with its precision;
    use reported changes (chain, derive, check); compute the change against the comparison
    period; filter; add the index. ``rate``: True for every value, or the metrics that are
    rates (each named with or without its unit). ``keep_rows=False`` lets go of
    ``loaded.frame``'s rows once the figures are read (its columns stay): a caller that no
    longer needs them saves their memory (the values as written, 20 MB on a long file).
    """
    import pandas as pd

    from jdcli.memory import release_freed_memory
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
    if not keep_rows:
        loaded.frame = _no_rows(loaded.frame)
        # Freed on the heap of the thread that parsed the file, which this one does not
        # reuse: handed back now (20 MB of the peak on the 1.93M-row benchmark).
        release_freed_memory()
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
        if len(changes) >= LARGE_ROWS:
            # Its temporaries (a dozen arrays as long as the file) leave holes that the few
            # steps left would not refill: handed back (15 MB of the 1.93M-row peak).
            release_freed_memory()
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
    # Only a check of reported changes flags a mismatch.
    mismatches = int(changes["flag"].eq(tm.MISMATCH).sum()) if consistent is not None else 0
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
    return Changes(
        frame=table,
        keys=keys,
        rate=rate_rows.reindex(table.index).fillna(False),
        mismatches=mismatches,
        notes=notes,
    )


#: A change table this long is followed by ``release_freed_memory``.
LARGE_ROWS = 500_000


def _no_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s columns (names, dtypes, attributes) without a row, sharing no memory with
    it: a slice such as ``frame.iloc[:0]`` would keep every column's buffers alive."""
    import pandas as pd

    empty = pd.DataFrame(
        {i: pd.array([], dtype=dtype) for i, dtype in enumerate(frame.dtypes)},
        index=pd.Index([], dtype=frame.index.dtype, name=frame.index.name),
    )
    empty.columns = frame.columns.copy()
    empty.attrs = dict(frame.attrs)
    return empty


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
        f"{used} Source: {loaded.described}"
    )
