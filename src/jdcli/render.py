"""Output formats: one renderer per format, chosen from a registry keyed by the ``Format`` enum.

Renderers own their missing-value policy (CSV empty, JSON ``null``, tables ``—``) and their
number policy: machine formats write floats at 15 significant digits (``format_machine``),
human formats round half-up for display. Frames keep full doubles; only the writing rounds.
"""

from __future__ import annotations

import codecs
import math
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TextIO

from jdcli.formatting import WHOLE_LIMIT, format_machine, format_number, round_significant

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
    XLSX = "xlsx"
    HTML = "html"


#: Formats written from the frame's own values (no rounding, no labels for people): a
#: command gives them its machine frame.
MACHINE_FORMATS = frozenset({Format.CSV, Format.TSV, Format.JSON, Format.JSONL, Format.XLSX})
#: Formats written as bytes (to the binary buffer under the stream they are given).
BINARY_FORMATS = frozenset({Format.XLSX})

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
    ".xlsx": Format.XLSX,
    ".html": Format.HTML,
    ".htm": Format.HTML,
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
    #: The command whose labels the views for people use (``trends/prev`` for a variant).
    command: str = ""
    #: ``en`` or ``zh``: labels, value words and titles of the views for people.
    lang: str = "en"
    #: Tables show every column at its natural width (the terminal scrolls).
    wide: bool = False


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
    """A column as strings for CSV: floats as ``format_machine``, empty for undefined.

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
    cells = series.tolist()
    if pd.api.types.is_object_dtype(series.dtype):
        # Whatever a mixed column holds as text; a float in it as in a float column.
        return [
            "" if m else format_machine(v) if isinstance(v, float) else str(v)
            for v, m in zip(cells, missing, strict=True)
        ]
    if not bool(missing.any()):
        return [str(v) for v in cells]
    return ["" if m else str(v) for v, m in zip(cells, missing, strict=True)]


def _machine_floats(values: Any) -> list[str]:
    """``format_machine`` over a float64 array: the Arrow form the CSV writer uses
    (``_arrow_floats``) as text, empty where undefined."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(_arrow_floats(values), pa.string()).fill_null("")
    return list(text.to_pylist())


def machine_value(value: Any) -> Any:
    """A cell as a JSON value: ``null`` for undefined; a float at 15 significant digits, an
    integer where that is integral below 1e16 (``json`` then writes ``format_machine``'s
    text)."""
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if math.isinf(value):
            return None
        rounded = round_significant(value)
        if rounded.is_integer() and abs(rounded) < WHOLE_LIMIT:
            return int(rounded)
        return rounded
    if isinstance(value, int):
        return value
    return str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


# ---------------------------------------------------------------- renderers


def to_delimited(frame: pd.DataFrame, stream: TextIO, options: RenderOptions, sep: str) -> None:
    """CSV/TSV: header row, ``\\n`` endings, floats as ``format_machine``, empty for
    undefined; a field is quoted only when it holds ``sep``, a quote, ``\\r`` or ``\\n``.

    Blocks of rows are written by Arrow's CSV writer, unquoted: it refuses a block with a
    field that would need quotes, and that block's fields are quoted and joined in Arrow
    instead (rows are independent, so a plain row comes out the same either way)."""
    if options.excel:
        stream.write("\ufeff")
    header = [str(c) for c in frame.columns]
    if options.excel:
        header = [_neutralise(c) for c in header]
    if len(header) < 2:
        # The csv module writes a row of one empty field as "" (else it would be a blank
        # line): keep its rules for a single column, which is never a large output.
        _single_column(frame, stream, header, options.excel, sep)
        return
    import pyarrow as pa

    # A column with no value at all is written as empty fields in every block: found once.
    empty = {
        str(i) for i, name in enumerate(frame.columns) if len(frame) and _all_missing(frame, i)
    }

    def rows(block: pd.DataFrame) -> Any:
        try:
            return _unquoted_rows(block, sep, options.excel, empty)
        except pa.ArrowInvalid:
            return _quoted_rows(block, sep, options.excel)

    stream.write(sep.join(_quote(c, sep) for c in header) + "\n")
    blocks = (
        frame.iloc[start : start + _ROWS_PER_WRITE]
        for start in range(0, len(frame), _ROWS_PER_WRITE)
    )
    if len(frame) <= _ROWS_PER_WRITE:
        for block in blocks:
            _write_utf8(stream, rows(block))
        return
    from concurrent.futures import Future, ThreadPoolExecutor

    # Arrow formats a block without holding the GIL: blocks are formatted on two threads and
    # written in order, with at most one waiting per thread.
    with ThreadPoolExecutor(max_workers=_WRITER_THREADS) as pool:
        pending: list[Future[Any]] = []
        for block in blocks:
            if len(pending) == _WRITER_THREADS:
                _write_utf8(stream, pending.pop(0).result())
            pending.append(pool.submit(rows, block))
        for future in pending:
            _write_utf8(stream, future.result())


#: Rows converted and written at a time by ``to_delimited`` (bounds the memory it takes).
_ROWS_PER_WRITE = 100_000
#: Blocks ``to_delimited`` formats at once.
_WRITER_THREADS = 2


def _single_column(
    frame: pd.DataFrame, stream: TextIO, header: list[str], excel: bool, sep: str
) -> None:
    import csv

    columns = [_delimited_cells(frame[name], excel) for name in frame.columns]
    if any("\r" in c for cells in [header, *columns] for c in cells):
        # The csv module quotes a field holding "\n" but not a bare "\r" (with "\n" line
        # endings); unquoted, a reader would see a line break there.
        for row in [header, *zip(*columns, strict=True)]:
            stream.write(sep.join(_quote(cell, sep) for cell in row) + "\n")
        return
    writer = csv.writer(stream, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*columns, strict=True))


def _delimited_cells(series: pd.Series, excel: bool) -> list[str]:
    cells = machine_strings(series)
    if excel and not _is_numeric(series):
        cells = [_neutralise(c) for c in cells]
    return cells


def _quoted_rows(block: pd.DataFrame, sep: str, excel: bool) -> Any:
    """Rows of ``block`` as UTF-8 in an Arrow buffer, a field quoted where it holds ``sep``,
    a quote, CR or LF (as ``_quote``): each column made text in Arrow, rows joined there."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.large_string()
    columns = []
    for name in block.columns:
        arrow = _arrow_cells(block[name], excel)
        cells = pc.fill_null(pc.cast(arrow, text), pa.scalar("", text))
        if not (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
            columns.append(cells)  # numbers, booleans, empty: nothing to quote
            continue
        special = [pc.match_substring(cells, char) for char in (sep, '"', "\r", "\n")]
        needs_quotes = special[0]
        for more in special[1:]:
            needs_quotes = pc.or_(needs_quotes, more)
        if bool(pc.any(needs_quotes).as_py()):
            escaped = pc.replace_substring(cells, '"', '""')
            quote = pa.scalar('"', text)
            quoted = pc.binary_join_element_wise(quote, escaped, quote, pa.scalar("", text))
            cells = pc.if_else(needs_quotes, quoted, cells)
        columns.append(cells)
    newline = pa.scalar("\n", text)
    columns[-1] = pc.binary_join_element_wise(columns[-1], newline, pa.scalar("", text))
    return _text_buffer(pc.binary_join_element_wise(*columns, pa.scalar(sep, text)))


def _text_buffer(rows: Any) -> Any:
    """The text of a large_string array without nulls, all its values one after another, as
    an Arrow buffer: the array's own data buffer, not a joined copy."""
    import numpy as np
    import pyarrow as pa

    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    first, last = int(offsets[rows.offset]), int(offsets[rows.offset + len(rows)])
    return rows.buffers()[2].slice(first, last - first)


def _all_missing(frame: pd.DataFrame, position: int) -> bool:
    return bool(frame.iloc[:, position].isna().all())


def _unquoted_rows(block: pd.DataFrame, sep: str, excel: bool, empty: Collection[str] = ()) -> Any:
    """Rows of ``block`` as UTF-8 in an Arrow buffer; ``pyarrow.ArrowInvalid`` if any field
    would need quoting. ``empty`` holds the positions (as text) of columns known to have no
    value (written as empty fields without looking)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    # Empty strings print as nulls do, and Arrow writes them faster: one array of them,
    # offsets all zero and no characters, serves every such column.
    blank = (
        pa.StringArray.from_buffers(
            len(block), pa.py_buffer(np.zeros(len(block) + 1, dtype=np.int32)), pa.py_buffer(b"")
        )
        if empty
        else None
    )
    arrays = [
        blank if str(i) in empty else _arrow_cells(block.iloc[:, i], excel)
        for i in range(block.shape[1])
    ]
    table = pa.Table.from_arrays(arrays, names=[str(i) for i in range(len(arrays))])
    sink = pa.BufferOutputStream()
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none", delimiter=sep)
    pa_csv.write_csv(table, sink, options)
    return sink.getvalue()


def _arrow_cells(series: pd.Series, excel: bool) -> Any:
    """A column as an Arrow array that Arrow's CSV writer prints exactly as
    ``machine_strings`` (null for undefined, which it writes empty)."""
    import pandas as pd
    import pyarrow as pa

    dtype = series.dtype
    if len(series) and bool(series.isna().all()):
        return pa.nulls(len(series))  # written as empty fields, at no cost
    if pd.api.types.is_bool_dtype(dtype):
        return pa.array(series, from_pandas=True)  # printed as true/false
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return _arrow_numbers(series)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        cells = pa.array(series, from_pandas=True)
    else:
        cells = pa.array(machine_strings(series), type=pa.string())
    return _arrow_neutralise(cells) if excel else cells


def _arrow_numbers(series: pd.Series) -> Any:
    """An integer or float column as an Arrow array that Arrow prints (CSV writer, cast to
    string) as ``format_machine`` does, null where undefined; each distinct number is
    formatted once (``_once_each``)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if pd.api.types.is_integer_dtype(series.dtype):
        # Arrow prints plain integers; ``_once_each`` gives the same text, cast once per value.
        return _once_each(pa.array(series, from_pandas=True), lambda values: values)
    values = series.to_numpy(dtype="float64", na_value=math.nan)
    finite = np.isfinite(values)
    # Undefined is null (printed empty, as ``_arrow_floats`` has it); + 0.0 makes -0.0 and 0.0
    # one value (they print alike).
    cells = pa.array(np.where(finite, values, 0.0) + 0.0, mask=~finite)
    return _once_each(cells, lambda part: _arrow_floats(part.to_numpy(zero_copy_only=False)))


def _once_each(cells: Any, arrow_form: Callable[[Any], Any]) -> Any:
    """``arrow_form(cells)`` (an Arrow array that Arrow prints as wanted), formatting each
    distinct value once when values repeat, as a long table's figures usually do: printing a
    number (a float rounded to 15 digits, then printed) costs far more than finding it in a
    hash table and copying its text. ``arrow_form`` takes and returns Arrow arrays; nulls
    stay null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(cells, pa.ChunkedArray):  # an Arrow-backed column: one dictionary for all
        cells = cells.combine_chunks()
    encoded = pc.dictionary_encode(cells)
    if len(encoded.dictionary) * _REPEATS_TO_SHARE > len(cells):
        return arrow_form(cells)
    text = pc.cast(arrow_form(encoded.dictionary), pa.string())
    return pc.take(text, encoded.indices)


#: ``_once_each`` formats the distinct values only when each appears this often on average.
_REPEATS_TO_SHARE = 2


def _arrow_floats(values: Any) -> Any:
    """``format_machine`` over a float64 array, as an Arrow array that Arrow prints (CSV
    writer, cast to string) that way, null where not finite. The values are first rounded to
    15 significant digits (``_round_significant``); then integers where every value is
    integral below 1e16; the rounded floats themselves where Arrow prints them as ``repr``
    does (integral below 1e9, others from 1e-4 to 1e9); otherwise text built from both and,
    for the rest (tiny, huge), ``format_machine`` itself."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = ~np.isfinite(values)
    safe = _round_significant(np.where(missing, 0.0, values)) + 0.0  # + 0.0: -0.0 to 0.0
    magnitude = np.abs(safe)
    integral = safe == np.trunc(safe)
    whole = integral & (magnitude < WHOLE_LIMIT)
    if bool(whole.all()):
        return pa.array(safe.astype(np.int64), mask=missing)
    arrow_form = (magnitude < 1e9) & (integral | (magnitude >= 1e-4))
    if bool(arrow_form.all()):
        return pa.array(safe, mask=missing)
    text = pc.cast(pa.array(np.where(whole, safe, 0.0).astype(np.int64)), pa.string())
    decimal = arrow_form & ~whole & ~missing
    if bool(decimal.any()):
        shortest = pc.cast(pa.array(safe[decimal]), pa.string())
        text = pc.replace_with_mask(text, pa.array(decimal), shortest)
    rest = ~arrow_form & ~whole & ~missing
    if bool(rest.any()):
        exact = pa.array([format_machine(v) for v in values[rest].tolist()], type=pa.string())
        text = pc.replace_with_mask(text, pa.array(rest), exact)
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), text)


def _round_significant(values: Any) -> Any:
    """``round_significant`` over a finite float64 array, vectorised: each value as the
    double nearest to its decimal of 15 significant digits.

    A value ``x`` with ``1e14 < |x|·10^k < 1e15`` (``k`` from 0 to 22, so ``10^k`` is an exact
    double) has as its 15 digits the integer ``m`` nearest to ``x·10^k``, and ``m / 10^k``
    (both exact, one correctly rounded division) is the double wanted. The product is
    rounded, so its exact error (Dekker's two-product) settles the halfway cases. Integral
    values below 1e15 are left as they are (15 digits at most); values outside that scale
    (below 1e-8, from 1e15) and products too near 1e14 or 1e15 to be sure of ``k`` go
    through ``round_significant`` one by one.
    """
    import numpy as np

    result = np.array(values, dtype=np.float64, copy=True)
    magnitude = np.abs(result)
    needed = ~((result == np.trunc(result)) & (magnitude < 1e15))
    scaled = needed & (magnitude >= 1e-8) & (magnitude < 1e15)
    x = result[scaled]
    k = np.clip(14 - np.floor(np.log10(np.abs(x))), 0, 22).astype(np.int64)
    power = np.array(_POWERS_OF_TEN)[k]
    product = x * power
    digits = np.rint(product)
    halfway = np.flatnonzero(np.abs(product - digits) == 0.5)  # exact: both on one grid
    if len(halfway):
        # rint went to the even neighbour of a halfway product; the product's error says on
        # which side the exact product lies (a true tie stays even, as in Python's formatting).
        rounded_product = product[halfway]
        up = rounded_product - digits[halfway]  # +0.5: rint went down; -0.5: up
        error = _product_error(x[halfway], power[halfway], rounded_product)
        digits[halfway] += np.where(up * error > 0, np.sign(up), 0.0)
    sure = (np.abs(product) >= 1e14 + 1) & (np.abs(product) <= 1e15 - 1)
    rounded = np.where(sure, digits / power, x)
    result[scaled] = rounded
    one_by_one = needed.copy()
    one_by_one[scaled] = ~sure
    if bool(one_by_one.any()):
        result[one_by_one] = [round_significant(v) for v in result[one_by_one].tolist()]
    return result


def _product_error(a: Any, b: Any, product: Any) -> Any:
    """``a·b − product`` exactly, where ``product`` is the rounded ``a * b`` (Dekker's
    two-product with Veltkamp's split; exact for the magnitudes ``_round_significant`` uses)."""
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    return ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low


def _split(values: Any) -> tuple[Any, Any]:
    """Each double as a sum of two halves of 26 bits each (Veltkamp)."""
    scaled = values * 134217729.0  # 2**27 + 1
    high = scaled - (scaled - values)
    return high, values - high


#: 10^0 .. 10^22, every one an exact double (converted from exact integers).
_POWERS_OF_TEN = [float(10**k) for k in range(23)]


def _arrow_neutralise(cells: Any) -> Any:
    """``_neutralise`` over an Arrow string array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    formula = pc.match_substring_regex(cells, "^[=+@\\t\\r-]")
    text = cells.type
    quoted = pc.binary_join_element_wise(pa.scalar("'", text), cells, pa.scalar("", text))
    return pc.if_else(formula, quoted, cells)


def _write_utf8(stream: TextIO, data: Any) -> None:
    """Write UTF-8 bytes to a text stream: straight to its binary buffer when it encodes
    UTF-8 without newline translation, else as text."""
    raw = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None) or ""
    if raw is not None and os.linesep == "\n" and _is_utf8(encoding):
        stream.flush()
        raw.write(data)
    else:
        stream.write(data.to_pybytes().decode("utf-8"))


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


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
    """A JSON array of records, two-space indented (as ``json.dump`` of ``records``)."""
    import json

    if not _json_in_blocks(frame):
        json.dump(records(frame), stream, ensure_ascii=False, indent=2, allow_nan=False)
        stream.write("\n")
        return
    if not len(frame):
        stream.write("[]\n")
        return
    stream.write("[")
    for start in range(0, len(frame), _ROWS_PER_WRITE):
        block = frame.iloc[start : start + _ROWS_PER_WRITE]
        objects = _json_objects(block, (",\n  {\n    ", ",\n    ", "\n  }"))
        # Each object comes after ",\n"; the first after "[\n".
        _write_utf8(stream, objects if start else objects.slice(1))
    stream.write("\n]\n")


def to_jsonl(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """One JSON object per line."""
    import json

    if not _json_in_blocks(frame):
        for record in records(frame):
            stream.write(json.dumps(record, ensure_ascii=False, allow_nan=False))
            stream.write("\n")
        return
    for start in range(0, len(frame), _ROWS_PER_WRITE):
        block = frame.iloc[start : start + _ROWS_PER_WRITE]
        _write_utf8(stream, _json_objects(block, ("{", ", ", "}\n")))


def _json_in_blocks(frame: pd.DataFrame) -> bool:
    """Whether ``_json_objects`` can write the frame: it needs columns, each name once (a
    record keeps only the last of repeated names)."""
    names = [str(c) for c in frame.columns]
    return bool(names) and len(set(names)) == len(names)


def _json_objects(block: pd.DataFrame, shape: tuple[str, str, str]) -> Any:
    """The rows of ``block`` as JSON objects, each the text ``json.dumps`` gives its
    ``records`` entry, one after another as UTF-8 in an Arrow buffer. ``shape``: the text
    that opens an object, separates its members and closes it. Each column's values are made
    text in Arrow; strings go through ``json.dumps`` once per distinct value."""
    import json

    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.large_string()
    opening, separator, closing = shape
    parts = []
    for i, name in enumerate(block.columns):
        key = json.dumps(str(name), ensure_ascii=False)
        parts.append(pa.scalar(f"{separator if i else opening}{key}: ", text))
        parts.append(_json_values(block[name]))
    parts.append(pa.scalar(closing, text))
    return _text_buffer(pc.binary_join_element_wise(*parts, pa.scalar("", text)))


def _json_values(series: pd.Series) -> Any:
    """A column as JSON text per value (``machine_value`` dumped): a large_string array."""
    import json

    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.large_string()
    dtype = series.dtype
    if len(series) and bool(series.isna().all()):
        values = pa.nulls(len(series), text)
    elif pd.api.types.is_bool_dtype(dtype):
        values = pc.cast(pa.array(series, from_pandas=True), text)
    elif pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        # JSON numbers are format_machine's text, which is what json writes for machine_value.
        values = pc.cast(_arrow_numbers(series), text)
    elif pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        strings = pa.array(series, from_pandas=True)
        if isinstance(strings, pa.ChunkedArray):
            strings = strings.combine_chunks()
        encoded = pc.dictionary_encode(strings)
        quoted = [json.dumps(v, ensure_ascii=False) for v in encoded.dictionary.to_pylist()]
        values = pa.array(quoted, type=text).take(encoded.indices)
    else:
        cells = series.tolist()
        dumped = [json.dumps(machine_value(v), ensure_ascii=False, allow_nan=False) for v in cells]
        return pa.array(dumped, type=text)
    return pc.fill_null(values, pa.scalar("null", text))


def to_markdown(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """A GitHub-flavoured Markdown table (cells formatted first: tabulate ignores NA rules)."""
    from tabulate import tabulate

    rows = people_rows(frame, options)
    rows = [[_md_escape(c) for c in row] for row in rows]
    align = ["right" if n else "left" for n in numeric_columns(frame)]
    if options.title:
        stream.write(f"**{_md_escape(safe_text(people_title(options)))}**\n\n")
    table = tabulate(
        rows,
        headers=[_md_escape(safe_text(h)) for h in people_headers(frame, options)],
        tablefmt="github",
        colalign=align or None,
        disable_numparse=True,
    )
    stream.write(table.rstrip("\n") + "\n")
    if options.caption:
        stream.write(f"\n{_md_escape(safe_text(people_caption(options)))}\n")


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
    # As rich reads them: FORCE_COLOR (non-empty) colours a pipe too; NO_COLOR wins.
    terminal = bool(isatty and isatty()) or bool(os.environ.get("FORCE_COLOR"))
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

    rows = [[cell.replace("\n", " ") for cell in row] for row in people_rows(frame, options)]
    align = ["right" if n else "left" for n in numeric_columns(frame)]
    if options.title:
        stream.write(f"{safe_text(people_title(options))}\n")
    table = tabulate(
        rows,
        headers=[safe_text(h) for h in people_headers(frame, options)],
        tablefmt="simple_outline",
        colalign=align or None,
        disable_numparse=True,
    )
    stream.write(table.rstrip("\n") + "\n")
    if options.caption:
        stream.write(f"{safe_text(people_caption(options))}\n")


def people_headers(frame: pd.DataFrame, options: RenderOptions) -> list[str]:
    """The column labels people see (``labels.column_label``; unknown names unchanged)."""
    from jdcli.labels import column_label

    return [column_label(options.command, str(c), options.lang) for c in frame.columns]


def people_title(options: RenderOptions) -> str:
    """The title in the view's language."""
    from jdcli.labels import text

    return text(options.title or "", options.lang)


def people_caption(options: RenderOptions) -> str:
    """The caption in the view's language (``phrases.caption``)."""
    from jdcli.phrases import caption

    return caption(options.caption or "", options.lang)


def people_rows(frame: pd.DataFrame, options: RenderOptions) -> list[list[str]]:
    """Every cell for people, jdcli's own value words (bands, flags, statuses) in the view's
    language; the user's values as they are."""
    from jdcli.labels import WORD_COLUMNS, word

    rows = human_rows(frame, options.decimals)
    if options.lang == "en":
        return rows
    translate = [str(c) in WORD_COLUMNS for c in frame.columns]
    # The total row's label is jdcli's own word too (in whichever key column holds it).
    return [
        [
            word(cell, options.lang) if t or cell == "Total" else cell
            for cell, t in zip(row, translate, strict=True)
        ]
        for row in rows
    ]


def to_table(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """A rich table laid out for the console's width (``table_layout``); cell text is data,
    never markup. Large frames go to ``to_plain_table``."""
    if len(frame) > LARGE_TABLE_ROWS:
        to_plain_table(frame, stream, options)
        return
    from rich.table import Table
    from rich.text import Text

    from jdcli import table_layout
    from jdcli.labels import importance, series_keys, text

    columns = [str(c) for c in frame.columns]
    headers = [safe_text(h) for h in people_headers(frame, options)]
    rows = people_rows(frame, options)
    rows = table_layout.sparse(rows, series_keys(options.command, columns))
    numeric = numeric_columns(frame)
    console = data_console(stream)
    layout = table_layout.plan(
        headers,
        rows,
        numeric,
        importance(options.command, columns),
        console.width,
        wide=options.wide,
    )
    if options.wide and layout.total() > console.width:
        console.width = layout.total()
    table = Table(
        title=Text(safe_text(people_title(options))) if options.title else None,
        caption=Text(safe_text(people_caption(options))) if options.caption else None,
        caption_justify="left",
        show_lines=False,
    )
    for i, width in zip(layout.shown, layout.widths, strict=True):
        header = "\n".join(table_layout.wrap(headers[i], width))
        table.add_column(
            Text(header),
            justify="right" if numeric[i] else "left",
            width=width,
            no_wrap=True,
            overflow="ellipsis",
        )
    from jdcli.styles import cell_styles

    given = cell_styles(frame, options.styles)  # status words coloured (bands, pass/fail …)
    for r, row in enumerate(rows):
        cells = []
        for i, width in zip(layout.shown, layout.widths, strict=True):
            cell = row[i] if numeric[i] else table_layout.fit_cell(row[i], width)
            styles = given.get(columns[i])
            style = styles[r] if styles is not None else None
            cells.append(Text(cell, style=style or ""))
        table.add_row(*cells)
    console.print(table)
    if layout.hidden:
        names = ("、" if options.lang == "zh" else ", ").join(headers[i] for i in layout.hidden)
        hint = text("see them with --wide or -f csv", options.lang)
        zh = options.lang == "zh"
        footer = f"{text('Hidden', options.lang)}{'：' if zh else ': '}{names}"
        console.print(Text(footer + ("；" if zh else " — ") + hint))


def to_xlsx(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """An Excel workbook, written as bytes to the stream's binary buffer (``render_xlsx``)."""
    from jdcli.render_xlsx import to_xlsx as write_xlsx

    write_xlsx(frame, stream, options)


def to_html(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """A self-contained HTML page of the table (see :mod:`jdcli.report_html`)."""
    from jdcli.report_html import to_html as page

    page(frame, stream, options)


Renderer = Callable[["pd.DataFrame", TextIO, RenderOptions], None]

RENDERERS: dict[Format, Renderer] = {
    Format.TABLE: to_table,
    Format.CSV: to_csv,
    Format.TSV: to_tsv,
    Format.JSON: to_json,
    Format.JSONL: to_jsonl,
    Format.MARKDOWN: to_markdown,
    Format.XLSX: to_xlsx,
    Format.HTML: to_html,
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
