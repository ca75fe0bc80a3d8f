"""Output formats: one renderer per format, chosen from a registry keyed by the ``Format`` enum.

Renderers own their missing-value policy (CSV empty, JSON ``null``, tables ``—``) and their
number policy: machine formats keep full precision, human formats round half-up for display.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TextIO

from jdcli.formatting import format_machine, format_number

if TYPE_CHECKING:
    import pandas as pd


class Format(StrEnum):
    """Output formats accepted by ``--format``."""

    AUTO = "auto"
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    MARKDOWN = "markdown"


MACHINE_FORMATS = frozenset({Format.CSV, Format.TSV, Format.JSON, Format.JSONL})

EXTENSIONS: dict[str, Format] = {
    ".csv": Format.CSV,
    ".tsv": Format.TSV,
    ".tab": Format.TSV,
    ".json": Format.JSON,
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".txt": Format.TABLE,
}


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer may need besides the frame.

    ``styles`` maps a column to one rich style name (or ``None``) per row; only the table
    renderer uses it (e.g. a change coloured by the metric's desirable direction).
    """

    decimals: int = 2
    title: str | None = None
    caption: str | None = None
    excel: bool = False
    styles: Mapping[str, Sequence[str | None]] = field(default_factory=dict)


# Control characters (C0 except tab/newline, DEL, C1) would drive a terminal: show them escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_text(value: str) -> str:
    """Text with control characters shown as ``\\xNN`` escapes, never sent raw to a terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _is_numeric(series: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series.dtype)) and not pd.api.types.is_bool_dtype(
        series.dtype
    )


# ---------------------------------------------------------------- human cell formatting


def human_cell(column: str, value: Any, decimals: int) -> str:
    """One cell for people, by the column's naming convention.

    ``*_pct`` → ``91.72%``; ``*_pp`` → ``+0.42 pp``; a column whose name says it is a change
    is signed; other numbers get thousands separators; undefined is ``—``.
    """
    if _is_missing(value):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) or hasattr(value, "dtype"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return safe_text(str(value))
        signed = "change" in column or column.endswith("_pp")
        if column.endswith("_pp"):
            return f"{format_number(number, decimals, sign=True)} pp"
        if column.endswith("_pct"):
            return f"{format_number(number, decimals, sign=signed, thousands=True)}%"
        return format_number(number, decimals, sign=signed)
    return safe_text(str(value))


def human_rows(frame: pd.DataFrame, decimals: int) -> list[list[str]]:
    """Every cell of ``frame`` formatted for people."""
    columns = [str(c) for c in frame.columns]
    return [
        [human_cell(col, value, decimals) for col, value in zip(columns, row, strict=True)]
        for row in frame.itertuples(index=False, name=None)
    ]


def numeric_columns(frame: pd.DataFrame) -> list[bool]:
    """Which columns hold numbers (right-aligned in human formats)."""
    return [_is_numeric(frame[c]) for c in frame.columns]


# ---------------------------------------------------------------- machine cell formatting


def machine_strings(series: pd.Series) -> list[str]:
    """A column as strings for CSV: full precision, empty for undefined.

    Vectorised where it matters (missing values found once per column, not per cell):
    result tables can have hundreds of thousands of rows.
    """
    import pandas as pd

    missing = series.isna().to_numpy()
    if pd.api.types.is_bool_dtype(series.dtype):
        values = series.astype("object").tolist()
        return [
            "" if m else ("true" if v else "false") for v, m in zip(values, missing, strict=True)
        ]
    if pd.api.types.is_integer_dtype(series.dtype):
        ints = series.astype("object").tolist()
        return ["" if m else str(int(v)) for v, m in zip(ints, missing, strict=True)]
    if pd.api.types.is_float_dtype(series.dtype):
        return _machine_floats(series.astype("float64").to_numpy(na_value=math.nan))
    if not bool(missing.any()):
        return [str(v) for v in series.tolist()]
    cells = series.tolist()
    return ["" if m else str(v) for v, m in zip(cells, missing, strict=True)]


def _machine_floats(values: Any) -> list[str]:
    """``format_machine`` over a float64 array, vectorised: integral values via int64, values
    of ordinary size via Arrow's shortest round-trip formatting (the same digits as ``repr``
    there), the rest (tiny, huge, exponent forms) via ``repr`` itself."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = np.full(len(values), "", dtype=object)
    finite = np.isfinite(values)
    magnitude = np.abs(np.where(finite, values, 0.0))
    integral = finite & (values == np.trunc(np.where(finite, values, 0.0))) & (magnitude < 2**53)
    if integral.any():
        whole = pa.array(values[integral].astype(np.int64))
        cells[integral] = pc.cast(whole, pa.string()).to_numpy(zero_copy_only=False)
    ordinary = finite & ~integral & (magnitude >= 1e-4) & (magnitude < 1e9)
    if ordinary.any():
        text = pc.cast(pa.array(values[ordinary]), pa.string()).to_numpy(zero_copy_only=False)
        cells[ordinary] = text
    rest = finite & ~integral & ~ordinary
    exponent = np.zeros(len(values), dtype=bool)
    if ordinary.any():
        exponent[ordinary] = np.char.find(cells[ordinary].astype(str), "e") >= 0
    for index in np.flatnonzero(rest | exponent).tolist():
        cells[index] = format_machine(float(values[index]))
    return list(cells.tolist())


def _machine_array(series: pd.Series) -> Any:
    """``machine_strings`` as an Arrow large_string array, built in Arrow for text, integer
    and float columns; None for other columns and for floats that need ``repr`` (tiny, huge
    or exponent forms): those take ``machine_strings``."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.large_string()
    if pd.api.types.is_bool_dtype(series.dtype):
        return None
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(
        series.dtype
    ):
        return _one_chunk(pa.array(series, from_pandas=True).cast(text).fill_null(""))
    if pd.api.types.is_integer_dtype(series.dtype):
        return _one_chunk(pc.cast(pa.array(series, from_pandas=True), text).fill_null(""))
    if not pd.api.types.is_float_dtype(series.dtype):
        return None
    values = series.astype("float64").to_numpy(na_value=np.nan)
    finite = np.isfinite(values)
    safe = np.where(finite, values, 0.0)
    magnitude = np.abs(safe)
    integral = finite & (values == np.trunc(safe)) & (magnitude < 2**53)
    ordinary = finite & ~integral & (magnitude >= 1e-4) & (magnitude < 1e9)
    if bool((finite & ~integral & ~ordinary).any()):
        return None
    whole = pc.cast(pa.array(np.where(integral, safe, 0.0).astype(np.int64)), text)
    decimal = pc.cast(pc.cast(pa.array(safe), pa.string()), text)
    if bool(pc.any(pc.and_(pa.array(ordinary), pc.match_substring(decimal, "e"))).as_py()):
        return None
    empty = pa.scalar("", text)
    return pc.if_else(pa.array(integral), whole, pc.if_else(pa.array(ordinary), decimal, empty))


def _one_chunk(array: Any) -> Any:
    import pyarrow as pa

    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def machine_value(value: Any) -> Any:
    """A cell as a JSON value: ``null`` for undefined, integral floats as integers."""
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if math.isinf(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if isinstance(value, int):
        return value
    return str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


# ---------------------------------------------------------------- renderers


def to_delimited(frame: pd.DataFrame, stream: TextIO, options: RenderOptions, sep: str) -> None:
    """CSV/TSV: header row, ``\\n`` endings, full precision, empty for undefined."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if options.excel:
        stream.write("\ufeff")
    header = [str(c) for c in frame.columns]
    if options.excel:
        header = [_neutralise(c) for c in header]
    # Each column's cells go into Arrow at once (one column of Python strings alive at a
    # time); rows are joined there, unless a cell needs quoting: then the csv module writes.
    arrays = []
    plain = len(header) > 1 and all(_quote(c, sep) == c for c in header)
    for name in frame.columns:
        array = None if options.excel else _machine_array(frame[name])
        if array is None:
            cells = machine_strings(frame[name])
            if options.excel and not _is_numeric(frame[name]):
                cells = [_neutralise(c) for c in cells]
            array = pa.array(cells, type=pa.large_string())
            del cells
        plain = plain and not any(
            bool(pc.any(pc.match_substring(array, special)).as_py())
            for special in {sep, '"', "\r", "\n"}
        )
        arrays.append(array)
    if plain:
        stream.write(sep.join(header) + "\n")
        for start in range(0, len(frame), _ROWS_PER_WRITE):
            chunk = [array.slice(start, _ROWS_PER_WRITE) for array in arrays]
            stream.write(_joined_rows(chunk, sep))
        return
    columns = [array.to_pylist() for array in arrays]
    del arrays
    has_cr = any("\r" in c for cells in [header, *columns] for c in cells)
    if has_cr:
        # The csv module quotes a field holding "\n" but not a bare "\r" (with "\n" line
        # endings); unquoted, a reader would see a line break there.
        for row in [header, *zip(*columns, strict=True)]:
            stream.write(sep.join(_quote(cell, sep) for cell in row) + "\n")
        return
    writer = csv.writer(stream, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*columns, strict=True))


#: Rows joined and written at a time by the Arrow path of ``to_delimited``.
_ROWS_PER_WRITE = 200_000


def _joined_rows(arrays: list[Any], sep: str) -> str:
    """Cells that need no quoting (Arrow large_string arrays of one length), each row joined
    by ``sep`` and ended by ``\\n``, as one string."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(arrays[0]):
        return ""
    rows = pc.binary_join_element_wise(*arrays, pa.scalar(sep, pa.large_string()))
    whole = pa.LargeListArray.from_arrays(pa.array([0, len(rows)], pa.int64()), rows)
    newline = pa.scalar("\n", pa.large_string())
    return str(pc.binary_join(whole, newline)[0].as_py()) + "\n"


def _quote(cell: str, sep: str) -> str:
    if sep in cell or any(char in cell for char in '"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def to_csv(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """Comma-separated values."""
    to_delimited(frame, stream, options, ",")


def to_tsv(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """Tab-separated values."""
    to_delimited(frame, stream, options, "\t")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame as JSON-ready records (``null`` for undefined)."""
    columns = [str(c) for c in frame.columns]
    return [
        {col: machine_value(v) for col, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def to_json(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """A JSON array of records."""
    json.dump(records(frame), stream, ensure_ascii=False, indent=2, allow_nan=False)
    stream.write("\n")


def to_jsonl(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """One JSON object per line."""
    for record in records(frame):
        stream.write(json.dumps(record, ensure_ascii=False, allow_nan=False))
        stream.write("\n")


def to_markdown(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """A GitHub-flavoured Markdown table (cells formatted first: tabulate ignores NA rules)."""
    from tabulate import tabulate

    rows = human_rows(frame, options.decimals)
    rows = [[_md_escape(c) for c in row] for row in rows]
    align = ["right" if n else "left" for n in numeric_columns(frame)]
    if options.title:
        stream.write(f"**{_md_escape(safe_text(options.title))}**\n\n")
    table = tabulate(
        rows,
        headers=[_md_escape(safe_text(str(c))) for c in frame.columns],
        tablefmt="github",
        colalign=align or None,
        disable_numparse=True,
    )
    stream.write(table.rstrip("\n") + "\n")
    if options.caption:
        stream.write(f"\n{_md_escape(safe_text(options.caption))}\n")


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def console_width(stream: TextIO) -> int:
    """Width for a rich table: the terminal's, ``COLUMNS``, or wide enough for a file."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return 200


#: Above this many rows a table is drawn as plain text: rich lays out every cell in Python
#: (about 13 s for 20,000 rows), while a plain grid of the same cells takes about a second.
LARGE_TABLE_ROWS = 2000


def data_console(stream: TextIO) -> Any:
    """A rich console for data on ``stream``: colour only on a terminal without ``NO_COLOR``,
    no markup, highlighting or emoji codes interpreted in cell text."""
    from rich.console import Console

    isatty = getattr(stream, "isatty", None)
    terminal = bool(isatty and isatty())
    return Console(
        file=stream,
        width=console_width(stream),
        force_terminal=terminal,
        no_color=("NO_COLOR" in os.environ) or not terminal,
        highlight=False,
        emoji=False,
        markup=False,
    )


def to_plain_table(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """A large table as a plain text grid (no colours): title, table, caption."""
    from tabulate import tabulate

    rows = [
        [cell.replace("\n", " ") for cell in row] for row in human_rows(frame, options.decimals)
    ]
    align = ["right" if n else "left" for n in numeric_columns(frame)]
    if options.title:
        stream.write(f"{safe_text(options.title)}\n")
    table = tabulate(
        rows,
        headers=[safe_text(str(c)) for c in frame.columns],
        tablefmt="simple_outline",
        colalign=align or None,
        disable_numparse=True,
    )
    stream.write(table.rstrip("\n") + "\n")
    if options.caption:
        stream.write(f"{safe_text(options.caption)}\n")


def to_table(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """A rich table; cell text is data, never markup. Large frames go to ``to_plain_table``."""
    if len(frame) > LARGE_TABLE_ROWS:
        to_plain_table(frame, stream, options)
        return
    from rich.table import Table
    from rich.text import Text

    console = data_console(stream)
    table = Table(
        title=Text(safe_text(options.title)) if options.title else None,
        caption=Text(safe_text(options.caption)) if options.caption else None,
        caption_justify="left",
        show_lines=False,
    )
    numeric = numeric_columns(frame)
    for name, is_num in zip(frame.columns, numeric, strict=True):
        table.add_column(
            Text(safe_text(str(name))), justify="right" if is_num else "left", overflow="fold"
        )
    columns = [str(c) for c in frame.columns]
    for i, row in enumerate(human_rows(frame, options.decimals)):
        cells = []
        for col, cell in zip(columns, row, strict=True):
            styles = options.styles.get(col)
            style = styles[i] if styles is not None else None
            cells.append(Text(cell, style=style or ""))
        table.add_row(*cells)
    console.print(table)


Renderer = Callable[["pd.DataFrame", TextIO, RenderOptions], None]

RENDERERS: dict[Format, Renderer] = {
    Format.TABLE: to_table,
    Format.CSV: to_csv,
    Format.TSV: to_tsv,
    Format.JSON: to_json,
    Format.JSONL: to_jsonl,
    Format.MARKDOWN: to_markdown,
}


def resolve_format(fmt: Format, stream: TextIO, piped: Format = Format.CSV) -> Format:
    """``auto`` is a table on a terminal and ``piped`` (CSV unless told) otherwise."""
    if fmt is not Format.AUTO:
        return fmt
    isatty = getattr(stream, "isatty", None)
    return Format.TABLE if isatty is not None and isatty() else piped


def emit(
    frame: pd.DataFrame, fmt: Format, stream: TextIO, options: RenderOptions | None = None
) -> None:
    """Write ``frame`` to ``stream`` in ``fmt`` (``auto`` resolved against the stream)."""
    RENDERERS[resolve_format(fmt, stream)](frame, stream, options or RenderOptions())
