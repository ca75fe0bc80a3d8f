"""A census block's partial sums computed in Arrow, where the block was parsed.

The streamed occupancy reader parses blocks of a census on worker threads; Arrow computes
there without holding the GIL, so doing each block's partial sums there too leaves the main
thread only small tables to combine. :func:`block_partials` gives, from one parsed block,
exactly what :func:`jdcli.metrics.occupancy.census_partials` and
:func:`jdcli.metrics.consistency.total_row_partials` give from the same rows as a
DataFrame (:func:`partial_frames` makes them DataFrames of those shapes); a block it cannot
do exactly (the same unit on the same day twice, where bits must be ORed, not added) comes
back as None, for those functions.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


@dataclass
class BlockPartials:
    """One block's partials in Arrow: ``census`` (unit keys, ``period``, the census sums
    and ``days_<w>`` masks), ``sums`` (per date: sums, maxima, rows), ``candidates`` (the
    rows that could be a date's total row: ``position`` in the block and the block's
    columns) and ``names`` (each text column's distinct values, less any
    the reader already knows to be plain names)."""

    census: pa.Table
    sums: pa.Table
    candidates: pa.Table
    names: dict[str, pa.Array]


def block_partials(
    table: pa.Table,
    dates: np.ndarray,
    unit: Sequence[str],
    freq: str,
    values: Sequence[str],
) -> BlockPartials | None:
    """The partials of a parsed census block: text columns dictionary-encoded, ``date`` too
    (``dates``: its dictionary as ``datetime64[s]``), ``values`` whole counts; every cell
    present. None when a unit reports the same day twice in the block (or its keys are too
    many to count): the DataFrame functions do that block."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from jdcli.metrics.occupancy import DAY_WORDS, PERIOD_MONTHS

    keys = list(dict.fromkeys(unit))
    rows = table.num_rows
    date_code = table.column("date").chunk(0).indices.to_numpy()
    days = dates.astype("datetime64[D]")
    months = days.astype("datetime64[M]").astype(np.int64)
    months -= months % PERIOD_MONTHS[freq]
    offset_of = (days - months.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    starts, period_of = np.unique(months, return_inverse=True)
    # One integer per row for its (unit, period): the keys' dictionary codes, then the period.
    key = np.zeros(rows, dtype=np.int64)
    widths = []
    cells = 1
    for name in keys:
        column = table.column(name).chunk(0)
        width = max(len(column.dictionary), 1)
        cells *= width
        if cells * len(starts) >= 2**62:
            return None
        widths.append(width)
        key *= width
        key += column.indices.to_numpy()
    key *= len(starts)
    key += period_of[date_code]
    cells *= len(starts)
    if rows == 0 or cells > 8 * rows + (1 << 16):
        return None  # cells too many to count in an array: the DataFrame functions hash them
    # The (unit, period) cells that occur, numbered densely (no hashing: cells are few).
    occurs = np.bincount(key, minlength=cells) > 0
    number = np.cumsum(occurs) - 1
    group = number[key]
    count = int(number[-1]) + 1 if cells else 0
    found = np.flatnonzero(occurs)
    offsets = offset_of[date_code]
    words = DAY_WORDS[freq]
    bit = np.left_shift(np.uint64(1), (offsets % 64).astype(np.uint64))
    word_of = offsets // 64
    masks = []
    reported = np.zeros(count, dtype=np.int64)
    for word in range(words):
        bits = bit if words == 1 else np.where(word_of == word, bit, np.uint64(0))
        # Added in halves of 32 bits, each exact as a float sum; a day added twice would
        # carry into another bit, which the count of ones below catches.
        low = np.bincount(group, weights=bits & np.uint64(0xFFFFFFFF), minlength=count)
        high = np.bincount(group, weights=bits >> np.uint64(32), minlength=count)
        mask = (high.astype(np.uint64) << np.uint64(32)) + low.astype(np.uint64)
        reported += np.bitwise_count(mask)
        masks.append(mask)
    if not np.array_equal(reported, np.bincount(group, minlength=count)):
        return None  # a unit reported the same day twice: its day is counted once elsewhere
    census: dict[str, Any] = {}
    rest, period = np.divmod(found, len(starts))
    codes = []
    for width in reversed(widths):
        rest, code = np.divmod(rest, width)
        codes.append(code)
    for name, code in zip(keys, reversed(codes), strict=True):
        census[name] = pc.take(table.column(name).chunk(0).dictionary, pa.array(code))
    labels = _period_labels(freq, tuple(starts.tolist()))
    census["period"] = pc.take(labels, pa.array(period))
    for v in values:
        column = table.column(v).chunk(0).to_numpy()
        census[v] = np.bincount(group, weights=column, minlength=count)
    for word in range(words):
        census[f"days_{word}"] = masks[word]
    sums, candidates = _total_row_partials(table, dates, date_code, values)
    names = {
        name: table.column(name).chunk(0).dictionary
        for name in table.column_names
        if name != "date" and pa.types.is_dictionary(table.column(name).type)
    }
    return BlockPartials(pa.table(census), sums, candidates, names)


@functools.lru_cache(maxsize=64)
def _period_labels(freq: str, months: tuple[int, ...]) -> pa.Array:
    """The labels of periods starting on these months (counted from 1970-01), as
    :func:`~jdcli.metrics.occupancy.period_labels` writes them; blocks share their periods."""
    import pandas as pd
    import pyarrow as pa

    from jdcli.metrics.occupancy import period_labels

    starts = np.array(months, dtype="datetime64[M]").astype("datetime64[s]")
    return pa.array(period_labels(pd.Series(starts), freq).tolist(), type=pa.string())


def _total_row_partials(
    table: pa.Table, dates: np.ndarray, date_code: np.ndarray, values: Sequence[str]
) -> tuple[pa.Table, pa.Table]:
    """Per date: each value's sum and maximum and the rows; and the rows at (within 1e-6
    of) their date's maximum in every value and above zero in one (a date's total row, if
    any, is among them), as :func:`jdcli.metrics.consistency.total_row_partials`."""
    import pyarrow as pa

    from jdcli.metrics.consistency import NEAR_MAXIMUM

    occurs = np.bincount(date_code, minlength=len(dates))
    found = np.flatnonzero(occurs)
    where = np.full(len(dates), -1, dtype=np.int64)
    where[found] = np.arange(len(found))
    row_group = where[date_code]
    columns = {v: table.column(v).chunk(0).to_numpy() for v in values}
    starts = np.flatnonzero(np.diff(row_group)) + 1
    runs = len(starts) == len(found) - 1 and bool((np.diff(row_group) >= 0).all())
    sums: dict[str, Any] = {"date": pa.array(dates[found])}
    peaks: dict[str, Any] = {}
    for v in values:
        if runs:  # a block of a census exported date by date: one run of rows per date
            edges = np.concatenate(([0], starts))
            sums[v] = np.add.reduceat(columns[v], edges)
            peaks[v] = np.maximum.reduceat(columns[v], edges)
        else:
            sums[v] = np.bincount(row_group, weights=columns[v], minlength=len(found))
            peaks[v] = np.full(len(found), -np.inf)
            np.maximum.at(peaks[v], row_group, columns[v])
    for v in values:
        sums[f"max_{v}"] = peaks[v]
    sums["rows"] = occurs[found].astype(np.int64)
    keep = np.ones(table.num_rows, dtype=bool)
    positive = np.zeros(table.num_rows, dtype=bool)
    for v in values:
        keep &= columns[v] >= (peaks[v] * NEAR_MAXIMUM)[row_group]
        positive |= columns[v] > 0
    position = np.flatnonzero(keep & positive)
    taken = table.take(pa.array(position))
    candidates: dict[str, Any] = {"position": position}
    for name in table.column_names:
        column = taken.column(name)
        if name == "date":
            candidates[name] = pa.array(dates[column.chunk(0).indices.to_numpy()])
        elif pa.types.is_dictionary(column.type):
            candidates[name] = column.cast(pa.string())
        else:
            candidates[name] = column
    return pa.table(sums), pa.table(candidates)


def partial_frames(
    blocks: Sequence[tuple[int, BlockPartials]], columns: Sequence[str]
) -> tuple[pd.DataFrame, tuple[pd.DataFrame, pd.DataFrame]]:
    """Blocks (each with the file line of its first row) as the DataFrames the functions
    they stand for give over all their rows: the census partial
    (:func:`~jdcli.metrics.occupancy.census_partials`) and the total-row partial
    (:func:`~jdcli.metrics.consistency.total_row_partials`), its candidate rows indexed by
    file line, with the blocks' ``columns``."""
    import pandas as pd
    import pyarrow as pa

    census_table = pa.concat_tables([block.census for _, block in blocks])
    census = pd.DataFrame(
        {name: _frame_column(census_table.column(name)) for name in census_table.column_names}
    )
    sums_table = pa.concat_tables([block.sums for _, block in blocks])
    index = pd.Index(sums_table.column("date").to_numpy(), name="date")
    sums = pd.DataFrame(
        {
            name: sums_table.column(name).to_numpy()
            for name in sums_table.column_names
            if name != "date"
        },
        index=index,
    )
    chosen = pa.concat_tables([block.candidates for _, block in blocks])
    lines = np.concatenate(
        [block.candidates.column("position").to_numpy() + line for line, block in blocks]
    )
    candidates = pd.DataFrame(
        {name: _frame_column(chosen.column(name)) for name in columns},
        index=pd.Index(lines, name="line"),
    )
    return census, (sums, candidates)


def _frame_column(column: pa.ChunkedArray) -> Any:
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pd.array(column, dtype="str")
    if pa.types.is_timestamp(column.type):
        return column.to_numpy().astype("datetime64[s]")
    return column.to_numpy()
