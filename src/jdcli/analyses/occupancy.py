"""Bed occupancy (occupied ÷ capacity) per facility, region or period: the request → a Result.

The whole-file path loads the input and computes the table; a long dated census on disk
with ``freq`` or ``as_of`` is read in blocks instead (:func:`compute_streamed`), with the
same answer, warnings and notes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jdcli.analyses.coverage import note_coverage
from jdcli.analyses.inputs import Filters, Source, load_source, resolve_names
from jdcli.analyses.totals import set_aside_totals, with_reported
from jdcli.errors import UsageError
from jdcli.notes import warn
from jdcli.result import Result

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.loading import Condition, Loaded
    from jdcli.loading.stream import Stream

#: The band limits when none are given: normal < 85 ≤ high < 92 ≤ critical ≤ 100 < over.
BANDS = "85,92,100"
#: Band limits as ``"HIGH,CRITICAL,FULL"`` or three numbers.
Bands = str | Sequence[float]


def run(
    source: Source = None,
    *,
    by: str | Sequence[str] = (),
    freq: str | None = None,
    as_of: str | None = None,
    bands: Bands = BANDS,
    total: bool = True,
    explain: bool = False,
    fail_above: float | None = None,
    keep_total_rows: bool = False,
    strict: bool = False,
    columns: Mapping[str, str] | None = None,
    filters: Filters = None,
    encoding: str | None = None,
    sheet: str | None = None,
    skip: int | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
    decimals: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """The occupancy table of ``source`` (a path, a DataFrame, or None for the bundled data),
    as ``jdcli occupancy`` writes it with ``-f csv``.

    ``by`` groups (column names as canonical or as written); ``freq`` (month, quarter, year)
    rolls a dated census into periods; ``as_of`` takes each facility's latest census at or
    before a date; ``bands`` are the band limits; ``total`` adds the total row; ``explain``
    adds the formula behind each figure (numbers at ``decimals``); ``fail_above`` sets
    ``failure`` when a group is above that percentage. ``progress(done, total)`` is told
    how many bytes of a file have been read. ``sheet``, ``skip``, ``header_row`` and
    ``header_rows`` say where the table is in the file (``--sheet`` …).
    """
    check_limit(fail_above)
    plain = sheet is None and skip is None and header_row is None and header_rows is None
    limits = parse_bands(bands)
    keys = [by] if isinstance(by, str) else list(by)
    streamed = (
        None
        if not plain
        else compute_streamed(
            source,
            keys,
            freq,
            as_of,
            limits,
            total,
            columns,
            filters,
            encoding,
            keep_total_rows,
            progress=progress,
        )
    )
    if streamed is not None:
        loaded, frame = streamed
    else:
        from jdcli.loading.schemas import OCCUPANCY

        loaded = load_source(
            source,
            OCCUPANCY,
            "occupancy",
            columns=columns,
            filters=filters,
            encoding=encoding,
            progress=progress,
            sheet=sheet,
            skip=skip,
            header_row=header_row,
            header_rows=header_rows,
        )
        frame = compute(loaded, keys, freq, as_of, limits, total, strict, keep_total_rows)
    if explain:
        frame["explain"] = explain_column(frame, decimals)
    return Result(
        frame,
        title="Bed occupancy",
        caption=caption(loaded, limits),
        decimals=decimals,
        failure=check_fail_above(frame, fail_above, decimals),
    )


def parse_bands(bands: Bands) -> tuple[float, float, float]:
    """``"85,92,100"`` (or three numbers) → ``(85.0, 92.0, 100.0)``; three increasing numbers
    or a usage error."""
    text = bands if isinstance(bands, str) else ",".join(map(str, bands))
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or not values[0] < values[1] <= values[2]:
        raise UsageError(
            f"--bands expects three increasing percentages like 85,92,100, got {text!r}"
        )
    return values[0], values[1], values[2]


def compute(
    loaded: Loaded,
    by: Sequence[str],
    freq: str | None,
    as_of: str | None,
    bands: tuple[float, float, float],
    total: bool,
    strict: bool,
    keep_total_rows: bool = False,
) -> pd.DataFrame:
    """Prepare rows (required values, dates, periods) and compute the occupancy table.

    Labelled total rows (合计 …) are set aside and checked (:func:`set_aside_totals`); those
    that differ from their rows' sum are shown as ``合计 (reported)`` after the computed total.
    """
    from jdcli.loading import drop_incomplete
    from jdcli.loading.dates import parse_date_option, parse_dates
    from jdcli.metrics.occupancy import FREQ_CODES, latest_census, occupancy_rate, period_labels

    frame = loaded.frame
    needed = list(loaded.required)
    frame, skipped = drop_incomplete(frame, needed, strict=strict, source=loaded.name)
    if skipped:
        warn(f"{loaded.name}: skipped {skipped} row(s) with a missing {' or '.join(needed)} value")
    keys = (
        resolve_names(by, loaded, "--by") if by else (["facility"] if "facility" in frame else [])
    )
    unit = ["facility"] if "facility" in frame.columns else []
    labels = [c for c in dict.fromkeys(["region", *keys, *unit]) if c in frame.columns]
    frame, published, matches = set_aside_totals(
        frame,
        keys=labels,
        values=needed,
        time=[c for c in ("period", "date") if c in frame.columns],
        name=loaded.name,
        headers=loaded.headers,
        keep=keep_total_rows,
    )
    warn_total_rows(frame, needed, loaded.name, loaded.headers)
    if frame.empty:
        warn(f"{loaded.name}: no data rows; the result is empty")
    has_date = "date" in frame.columns
    if (freq or as_of) and not has_date:
        option = "--freq" if freq else "--as-of"
        raise UsageError(f"{option} needs a date column (日期/date) in {loaded.name}")
    if freq and freq not in FREQ_CODES:
        raise UsageError(f"--freq must be one of {', '.join(FREQ_CODES)}, got {freq!r}")
    if freq and as_of:
        raise UsageError("--freq and --as-of cannot be combined")

    def table(rows: pd.DataFrame, with_total: bool, main: bool = False) -> pd.DataFrame:
        period: str | None = "period" if "period" in rows.columns else None
        instant: str | None = None
        if has_date:
            rows = rows.assign(
                date=parse_dates(rows["date"], source=loaded.name, column=loaded.headers["date"])
            )
            if as_of:
                rows = latest_census(rows, parse_date_option(as_of, "--as-of"), unit=unit or keys)
                period = None
            elif freq:
                rows = rows.assign(period=period_labels(rows["date"], freq))
                period, instant = "period", "date"
            elif period:
                instant = "date"
            else:
                rows = rows.assign(period=rows["date"].dt.strftime("%Y-%m-%d"))
                period = "period"
        by_keys = [k for k in keys if k != period] if period else keys
        if main:
            note_coverage(
                rows,
                unit=unit or by_keys,
                period=period,
                name=loaded.name,
                freq=freq,
                dates=rows["date"] if freq else None,
            )
        return occupancy_rate(
            rows, by_keys, unit=unit, period=period, instant=instant, total=with_total, bands=bands
        )

    return with_reported(
        table(frame, total, main=True),
        lambda rows: table(rows, False),
        published,
        matches,
        keys=[k for k in keys if k != "period"],
        unit=unit,
        labels=labels,
    )


def compute_streamed(
    source: Source,
    by: Sequence[str],
    freq: str | None,
    as_of: str | None,
    bands: tuple[float, float, float],
    total: bool,
    columns: Mapping[str, str] | None = None,
    filters: Filters = None,
    encoding: str | None = None,
    keep_total_rows: bool = False,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Loaded, pd.DataFrame] | None:
    """The occupancy table of a dated census rolled into periods (``--freq``) or taken at
    each facility's latest date (``--as-of``), computed while the file is read in blocks, so
    memory stays flat however long the file is; None when this input or these options need
    the whole file at once (``compute`` then does it, and reports anything wrong).

    Streams: a plain UTF-8 file on disk with a ``date`` column and no ``period`` column,
    census columns (not bed-days), ``--freq`` or ``--as-of`` (not both), no ``--encoding``,
    ``--filter`` on text columns only, and every row clean (whole non-negative counts, ISO
    dates, nothing missing; rows the filter drops included). Each block, filtered, gives
    partial sums per unit and period with a bitmask of the days reported (combined exactly:
    a day reported in two blocks counts once), or its rows on each unit's latest date so far
    (the latest of those is the latest overall), and its share of the total-row check; only
    the small combined table is kept.
    """
    if (freq is None) == (as_of is None) or not isinstance(source, str | os.PathLike):
        return None  # decided before any import: the bundled data stays quick
    from jdcli.analyses.inputs import column_map
    from jdcli.errors import JdcliError
    from jdcli.loading.schemas import OCCUPANCY
    from jdcli.loading.stream import open_stream

    try:
        stream = open_stream(
            os.fspath(source),
            OCCUPANCY,
            col_map=column_map(columns),
            encoding=encoding,
        )
    except JdcliError:
        return None
    if stream is None or "date" not in stream.columns or "period" in stream.columns:
        return None
    # Parsing starts now, on other threads, while pandas and the rest are imported.
    known = {c.name for c in OCCUPANCY.columns if c.kind != "number"}
    stream.read_ahead([c for c in stream.columns if c in known], progress=progress)
    try:
        return _compute_streamed(
            stream, by, freq, as_of, bands, total, filters, keep_total_rows, progress
        )
    finally:
        stream.close()


def _compute_streamed(
    stream: Stream,
    by: Sequence[str],
    freq: str | None,
    as_of: str | None,
    bands: tuple[float, float, float],
    total: bool,
    filters: Filters,
    keep_total_rows: bool,
    progress: Callable[[int, int], None] | None,
) -> tuple[Loaded, pd.DataFrame] | None:
    from jdcli.analyses.inputs import filter_map
    from jdcli.errors import JdcliError
    from jdcli.loading import filter_conditions
    from jdcli.loading.dates import parse_date_option
    from jdcli.loading.numbers import MAX_COUNT
    from jdcli.loading.stream import NotStreamable
    from jdcli.metrics.consistency import flag_total_rows
    from jdcli.metrics.occupancy import (
        CENSUS,
        FREQ_CODES,
        census_dates,
        census_means,
        latest_census,
        occupancy_from_census,
        occupancy_rate,
    )

    if freq is not None and freq not in FREQ_CODES:
        return None
    try:
        moment = parse_date_option(as_of, "--as-of") if as_of is not None else None
    except JdcliError:
        return None
    loaded = stream.loaded
    present = set(loaded.frame.columns)
    if loaded.required != CENSUS or "date" not in present or "period" in present:
        return None
    try:
        keys = (
            resolve_names(list(by), loaded, "--by")
            if by
            else (["facility"] if "facility" in present else [])
        )
    except JdcliError:
        return None
    if "date" in keys or any(loaded.frame[k].dtype != "str" for k in keys):
        return None
    try:
        conditions = filter_conditions(
            loaded.frame.columns, filter_map(filters), loaded.headers, loaded.name
        )
    except JdcliError:
        return None  # the whole-file path reports it
    if any(loaded.frame[c.target].dtype != "str" or c.target == "date" for c in conditions):
        return None  # numbers and dates are filtered as written: the whole-file path does it
    unit = keys + (["facility"] if "facility" in present and "facility" not in keys else [])
    # As the whole-file path: the latest census is each facility's (each key's without one).
    latest_unit = ["facility"] if "facility" in present else keys
    labels = (
        [] if keep_total_rows else [c for c in dict.fromkeys(["region", *unit]) if c in present]
    )
    try:
        if freq is not None:
            parts, sums, candidates = _stream_census(
                stream, unit, freq, progress, conditions, labels
            )
        elif moment is not None:
            parts, sums, candidates = _stream_latest(
                stream, unit, latest_unit, moment, progress, conditions, labels
            )
        else:
            return None
    except NotStreamable:
        return None
    if parts.empty:
        return None  # no row passed: the whole-file path says what that means
    values = list(CENSUS)
    if float(sums[values].to_numpy().sum()) >= MAX_COUNT:
        return None  # sums past 2**53 are not exact: the whole-file path adds its own way
    flagged = flag_total_rows(sums, candidates, values)
    if bool(flagged.any()):
        warn_flagged_totals(
            candidates.loc[flagged.to_numpy()].sort_index(),
            values,
            ["date"],
            loaded.name,
            loaded.headers,
        )
    if moment is not None:
        latest = latest_census(parts, moment, unit=latest_unit)
        facility = ["facility"] if "facility" in present else []
        return loaded, occupancy_rate(latest, keys, unit=facility, total=total, bands=bands)
    note_coverage(
        parts, unit=unit, period="period", name=loaded.name, freq=freq, dates=census_dates(parts)
    )
    census = census_means(parts, combined=True)  # _stream_census combined them
    del parts  # the partial sums: not needed while the table is built and written
    return loaded, occupancy_from_census(census, keys, total=total, bands=bands)


def _stream_census(
    stream: Stream,
    unit: list[str],
    freq: str,
    progress: Callable[[int, int], None] | None,
    conditions: Sequence[Condition] = (),
    labels: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read ``stream`` block by block: the census partials of the rows that meet the filter
    ``conditions`` (combined as they come, so they stay about as small as the result) and
    the total-row check's partial."""
    import pandas as pd

    from jdcli.metrics.consistency import combine_total_row_partials
    from jdcli.metrics.occupancy import CENSUS, census_partials, combine_census_partials

    values = list(CENSUS)
    partials: list[pd.DataFrame] = []
    pending = 0
    totals: list[tuple[pd.DataFrame, pd.DataFrame]] = []
    blocks: Iterator[tuple[pd.DataFrame, pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]]]
    if conditions:
        blocks = (
            (census_partials(batch, unit, freq), batch)
            for batch in _filtered_batches(
                stream, [*unit, "date", *values], progress, conditions, labels
            )
        )
    else:
        blocks = _reduced_blocks(stream, unit, freq, progress, labels)
    for partial, block_totals in blocks:
        partials.append(partial)
        pending += len(partial)
        if isinstance(block_totals, tuple):
            totals = _add_total_row_partials(totals, block_totals, values)
        else:
            totals = _add_total_rows(totals, block_totals, values)
        del partial, block_totals
        if len(partials) > 1 and pending > 2 * len(partials[0]) + 100_000:
            partials = [combine_census_partials(pd.concat(partials, ignore_index=True))]
            pending = len(partials[0])
    sums, candidates = combine_total_row_partials(totals, values)
    return combine_census_partials(pd.concat(partials, ignore_index=True)), sums, candidates


def _reduced_blocks(
    stream: Stream,
    unit: list[str],
    freq: str,
    progress: Callable[[int, int], None] | None,
    labels: Sequence[str],
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]]]:
    """Each block's census partial and its share of the total-row check, computed on the
    reader's threads (:mod:`jdcli.metrics.census_blocks`); a block that needs the exact
    DataFrame functions (a unit reporting a day twice) is made a DataFrame and given with
    its rows instead of the share. NotStreamable when a ``labels`` column holds a total
    label."""
    import pyarrow as pa

    from jdcli.metrics.census_blocks import block_partials, partial_frames
    from jdcli.metrics.occupancy import CENSUS, census_partials

    values = list(CENSUS)
    columns = list(dict.fromkeys([*unit, "date", *values, *labels]))
    checked = _LabelCheck(labels)

    def reduce(table: pa.Table, dates: Any) -> Any:
        block = block_partials(table, dates, unit, freq, values)
        if block is None:
            return table
        # Names already found not to be total labels are left out here, on the worker.
        block.names = {c: checked.unknown(c, block.names[c]) for c in labels}
        return block

    held: list[tuple[int, Any]] = []  # reduced blocks not yet made DataFrames
    rows = 0
    for line, block in stream.blocks(columns, reduce, progress=progress):
        if isinstance(block, pa.Table):
            batch = stream.frame(block, columns, line)
            checked.frame(batch)
            yield census_partials(batch, unit, freq), batch
            continue
        checked.names(block.names)
        held.append((line, block))
        rows += block.census.num_rows
        if rows >= _HELD_ROWS:
            # Several blocks made DataFrames at once: a DataFrame costs milliseconds to make.
            yield partial_frames(held, columns)
            held, rows = [], 0
    if held:
        yield partial_frames(held, columns)


#: Census partial rows of reduced blocks held (as Arrow tables) before they are made one
#: DataFrame.
_HELD_ROWS = 100_000


def _stream_latest(
    stream: Stream,
    unit: list[str],
    latest_unit: list[str],
    moment: pd.Timestamp,
    progress: Callable[[int, int], None] | None,
    conditions: Sequence[Condition] = (),
    labels: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read ``stream`` block by block: the rows (meeting the filter ``conditions``) on each
    ``latest_unit``'s latest date so far at or before ``moment`` — kept per block and narrowed
    as blocks come, so they stay about one census long; the latest of them is the latest
    overall — and the total-row check's partial.
    The rows come as the whole-file path holds them: text as ``str``, counts ``Float64``."""
    import numpy as np
    import pandas as pd

    from jdcli.metrics.consistency import combine_total_row_partials
    from jdcli.metrics.occupancy import CENSUS

    values = list(CENSUS)
    kept: list[pd.DataFrame] = []
    pending = 0
    totals: list[tuple[pd.DataFrame, pd.DataFrame]] = []
    for batch in _filtered_batches(stream, [*unit, "date", *values], progress, conditions, labels):
        totals = _add_total_rows(totals, batch, values)
        batch["date"] = np.asarray(batch["date"], dtype="datetime64[s]")  # compared, not grouped
        latest = _latest_rows(batch, moment, latest_unit)
        del batch
        text = [c for c in latest.columns if isinstance(latest[c].dtype, pd.CategoricalDtype)]
        kept.append(latest.astype(dict.fromkeys(text, "str") | dict.fromkeys(values, "Float64")))
        pending += len(kept[-1])
        if len(kept) > 1 and pending > 2 * len(kept[0]) + 100_000:
            kept = [_latest_rows(pd.concat(kept), moment, latest_unit)]
            pending = len(kept[0])
    sums, candidates = combine_total_row_partials(totals, values)
    return pd.concat(kept), sums, candidates  # the caller takes the latest of these


def _latest_rows(rows: pd.DataFrame, moment: pd.Timestamp, unit: list[str]) -> pd.DataFrame:
    """``rows`` on each unit's latest date, in file order (without ``latest_census``'s label)."""
    from jdcli.metrics.occupancy import latest_census

    return latest_census(rows, moment, unit=unit).drop(columns="latest_date").sort_index()


def _filtered_batches(
    stream: Stream,
    columns: list[str],
    progress: Callable[[int, int], None] | None,
    conditions: Sequence[Condition],
    labels: Sequence[str] = (),
) -> Iterator[pd.DataFrame]:
    """``stream``'s blocks of ``columns`` (and the filtered ones), only the rows that meet
    every filter condition; :class:`NotStreamable` when a ``labels`` column holds a total
    label (合计 …)."""
    import numpy as np

    wanted = list(dict.fromkeys([*columns, *(c.target for c in conditions), *labels]))

    checked = _LabelCheck(labels)
    for batch in stream.batches(wanted, progress=progress):
        checked.frame(batch)
        if conditions:
            keep = np.ones(len(batch), dtype=bool)
            for condition in conditions:
                # Text comes as categories: each distinct cell is compared once, as written
                # less its surrounding spaces (as the whole-file filter compares it).
                text = batch[condition.target].cat
                hit = text.categories.str.strip().isin(condition.values)[text.codes]
                keep &= ~hit if condition.negated else hit
            batch = batch.loc[keep]
        yield batch


class _LabelCheck:
    """NotStreamable when a block holds a total label (合计 …) in one of ``labels``: such
    rows are set aside and checked by the whole-file path. A census repeats its names block
    after block: each distinct name is looked at once."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self._known: dict[str, Any] = {}  # per column: names known not to be total labels

    def frame(self, batch: pd.DataFrame) -> None:
        """Check a block as :meth:`Stream.batches` gives it."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa

        from jdcli.loading.stream import NotStreamable
        from jdcli.metrics.totals import is_total_label

        for column in self.labels:
            values = batch[column]
            if not isinstance(values.dtype, pd.CategoricalDtype):
                if bool(is_total_label(values).any()):
                    raise NotStreamable
                continue
            found = self._labels(column, pa.array(values.cat.categories, type=pa.string()))
            if found.any() and bool(np.isin(values.cat.codes, np.flatnonzero(found)).any()):
                raise NotStreamable

    def names(self, names: Mapping[str, Any]) -> None:
        """Check a block's distinct names per column (each one used in the block)."""
        from jdcli.loading.stream import NotStreamable

        for column in self.labels:
            if self._labels(column, names[column]).any():
                raise NotStreamable

    def unknown(self, column: str, names: Any) -> Any:
        """``names`` (an Arrow array) less those known not to be total labels (as far as
        known yet: callable from a worker thread, which may miss the latest additions)."""
        import pyarrow.compute as pc

        known = self._known.get(column)
        if known is None or not len(names):
            return names
        return names.filter(pc.invert(pc.is_in(names, value_set=known)))

    def _labels(self, column: str, names: Any) -> Any:
        """Which of ``names`` (an Arrow array) are total labels."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        from jdcli.metrics.totals import is_total_label

        found = np.zeros(len(names), dtype=bool)
        if not len(names):
            return found
        if not pa.types.is_string(names.type):
            names = names.cast(pa.string())
        known = self._known.get(column)
        new = np.ones(len(names), dtype=bool)
        if known is not None:
            new = ~pc.is_in(names, value_set=known).to_numpy(zero_copy_only=False)
        if not new.any():
            return found
        fresh = names.filter(pa.array(new))
        found[new] = is_total_label(pd.Series(fresh, dtype="str")).to_numpy()
        clean = names.filter(pa.array(new & ~found))
        self._known[column] = clean if known is None else pa.concat_arrays([known, clean])
        return found


def _add_total_rows(
    totals: list[tuple[pd.DataFrame, pd.DataFrame]], batch: pd.DataFrame, values: list[str]
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """``totals`` with ``batch``'s share of the total-row check, combined when it grows."""
    from jdcli.metrics.consistency import total_row_partials

    share = total_row_partials(batch, values, within=["date"])
    return _add_total_row_partials(totals, share, values)


def _add_total_row_partials(
    totals: list[tuple[pd.DataFrame, pd.DataFrame]],
    share: tuple[pd.DataFrame, pd.DataFrame],
    values: list[str],
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """``totals`` with one block's share of the total-row check, combined when it grows."""
    from jdcli.metrics.consistency import combine_total_row_partials

    totals = [*totals, share]
    if sum(len(rows) for _, rows in totals) > 100_000:
        totals = [combine_total_row_partials(totals, values)]
    return totals


def warn_total_rows(
    frame: pd.DataFrame, values: list[str], name: str, headers: Mapping[str, str] | None = None
) -> None:
    """Warn (once) when rows equal the sum of the other rows of their period or date."""
    from jdcli.metrics.consistency import total_rows

    within = [c for c in ("period", "date") if c in frame.columns]
    flagged = total_rows(frame, values, within=within)
    if bool(flagged.any()):
        warn_flagged_totals(frame.loc[flagged.to_numpy()], values, within, name, headers)


def warn_flagged_totals(
    flagged: pd.DataFrame,
    values: list[str],
    within: list[str],
    name: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """The total-row warning for the ``flagged`` rows (index = file lines, in file order),
    with the ``--filter`` that leaves them out, its column named as the file names it."""
    lines = [str(line) for line in flagged.index]
    shown = ", ".join(lines[:5]) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
    label = ""
    advice = "remove it, or leave it out with --filter 'COL!=VALUE'"
    if "facility" in flagged.columns:
        first = str(flagged["facility"].iloc[0])
        label = f" ({first!r})"
        column = (headers or {}).get("facility", "facility").strip()
        labels = list(dict.fromkeys(str(v).strip() for v in flagged["facility"]))
        if "'" not in column and all("'" not in v for v in labels):
            shown_filters = " ".join(f"--filter '{column}!={v}'" for v in labels[:3])
            advice = f"remove it, or leave it out with {shown_filters}"
    warn(
        f"{name} line{'s' if len(lines) > 1 else ''} {shown}{label}: "
        f"{' and '.join(values)} equal the sum of the other rows"
        f"{' of the same ' + '/'.join(within) if within else ''}; "
        f"a total row mixed into detail rows is counted twice ({advice})"
    )


def explain_column(result: pd.DataFrame, decimals: int) -> list[str]:
    """``7020 / 7654 = 91.72%`` for each row (``—`` where the rate is undefined)."""
    import pandas as pd

    from jdcli.formatting import format_number

    days = "capacity_days" in result.columns
    cap = result["capacity_days" if days else "capacity"]
    occ = result["occupied_days" if days else "occupied"]
    lines = []
    for c, o, pct in zip(cap, occ, result["occupancy_pct"], strict=True):
        left = (
            f"{format_number(o, decimals, thousands=False)} / "
            f"{format_number(c, decimals, thousands=False)}"
        )
        right = (
            "undefined (no capacity)"
            if pd.isna(pct)  # <NA> from Float64: `pct != pct` would raise
            else (f"{format_number(pct, decimals, thousands=False)}%")
        )
        lines.append(f"{left} = {right}")
    return lines


def caption(loaded: Loaded, bands: Bands) -> str:
    """Definition, source and band limits, shown under the table."""
    high, critical, full = parse_bands(bands)
    days = "capacity_days" in loaded.required
    basis = "Σ occupied bed-days ÷ Σ available bed-days" if days else "Σ occupied ÷ Σ capacity"
    return (
        f"Occupancy = {basis} (ratio of totals). Bands: normal < {high:g}% ≤ high < "
        f"{critical:g}% ≤ critical ≤ {full:g}% < over. Source: {loaded.described}"
    )


def check_limit(limit: float | None) -> None:
    """``fail_above`` must be a finite percentage (``nan`` could never trip)."""
    if limit is not None and not math.isfinite(limit):
        raise UsageError(f"--fail-above expects a finite percentage, got {limit}")


def check_fail_above(result: pd.DataFrame, limit: float | None, decimals: int) -> str | None:
    """The failure when any group (not the total row) is above ``limit`` percent, else None:
    ``1 group(s) above 100%: 第二戒毒所 (102%)``."""
    if limit is None:
        return None
    from jdcli.formatting import format_number
    from jdcli.metrics.occupancy import TOTAL

    key_columns = [
        c for c in result.columns if result[c].dtype == "str" and c not in ("band", "explain")
    ]
    is_total = result[key_columns[0]].eq(TOTAL) if key_columns else False
    above = result.loc[(result["occupancy_pct"] > limit).fillna(False) & ~is_total]
    if above.empty:
        return None
    shown = ", ".join(
        f"{' '.join(str(row[k]) for k in key_columns) or 'all'} "
        f"({format_number(row['occupancy_pct'], decimals)}%)"
        for _, row in above.head(5).iterrows()
    )
    more = f" and {len(above) - 5} more" if len(above) > 5 else ""
    return f"{len(above)} group(s) above {limit:g}%: {shown}{more}"
