"""Parse CSV/TSV text into a DataFrame of strings, strictly: ragged rows and bad quotes are errors.

The frame's index holds the file line number of each row, so later errors can name it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jdcli.errors import InputError
from jdcli.loading.numbers import MAX_COUNT, MISSING_TOKENS
from jdcli.loading.source import Source
from jdcli.memory import use_malloc

if TYPE_CHECKING:
    import pandas as pd

DELIMITERS = (",", "\t", ";", "|")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most fields (comma if none)."""
    counts = {d: count_outside_quotes(header_line, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _line_of(text: str, row: str) -> int | None:
    # Match the row as whole line(s): a prefix of an earlier line ("A,1" in "A,1,1") is not it.
    position = f"\n{text}\n".find(f"\n{row}\n") if row else -1
    return text.count("\n", 0, position) + 1 if position >= 0 else None


def _unclosed_quote_line(text: str) -> int | None:
    """Line of the quote that opens a quoted field never closed (None when quotes pair up)."""
    # Quotes pair up in order (an escaped "" is a pair too), so with an odd count the last
    # quote is the one that opens a field and is never closed.
    last = text.rfind('"')
    if text.count('"') % 2 == 0 or last < 0:
        return None
    return text.count("\n", 0, last) + 1


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Lines:
    """How the parser's line numbers map to the file's: its line 1 (the header) is
    ``header``, every later line ``n`` is ``n + shift`` (a title above the header, or a
    two-row header read as one line, moves them)."""

    header: int = 1
    shift: int = 0

    def real(self, line: int) -> int:
        return self.header if line == 1 else line + self.shift


def parse_table(
    source: Source,
    delimiter: str | None = None,
    numeric: Mapping[str, bool] | None = None,
    progress: Progress | None = None,
    lines: Lines | None = None,
) -> pd.DataFrame:
    """All cells as strings, headers stripped; index = line number in the file (header is 1,
    or as ``lines`` maps it when the text is a table cut out of a file).

    A header cell left empty gets a positional name (``column_2``); the positions so named
    (1-based) are in ``frame.attrs["unnamed"]``.

    ``numeric`` names headers (as written, stripped) whose cells should be numbers, each with
    whether it must be non-negative. When every such cell is a plain number or a missing token,
    those columns come back already parsed as ``float64`` (NaN for missing), read by the CSV
    reader in C++; otherwise, or on any doubt, every column is text as without ``numeric``,
    so that the number parser can report the exact cell. ``progress(done, total)`` is called
    with the bytes parsed so far (from the reader's threads).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    lines = lines or Lines()
    payload = source.payload()
    if _blank(payload):
        raise InputError(f"{source.name}: the file is empty (no header row)")
    end = payload.find(b"\n")
    first_line = (payload if end < 0 else payload[:end]).decode("utf-8")
    sep = delimiter or sniff_delimiter(first_line)
    quoted = b'"' in payload
    if quoted and payload.count(b'"') % 2 == 1:
        opened = unterminated_quote_line(payload.decode("utf-8"), sep)
        if opened is not None:
            raise InputError(
                f"{source.name} line {lines.real(opened)}: "
                'unterminated quote (a " that is never closed)'
            )
    if numeric:
        # The reader may read a plain file itself: its bytes need not stay in memory meanwhile.
        direct = progress is None and not quoted and source.release()
        if direct:
            payload = b""  # drop this reference too
        typed = _parse_typed(
            source, None if direct else payload, first_line, sep, numeric, quoted, progress, lines
        )
        if typed is not None:
            return typed
        payload = source.payload()
    invalid: list[tuple[int, int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.expected_columns, row.actual_columns, row.text or ""))
        return "error"

    try:
        arrow_table = read_csv(
            _input(payload, progress),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=sep,
                # Only a quoted cell can hold a newline; without quotes the reader can split
                # the file into blocks and parse them in parallel.
                newlines_in_values=quoted,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                # large_string is what pandas' str dtype holds: no cast on conversion.
                column_types={
                    f"f{i}": pa.large_string() for i in range(first_line.count(sep) + 64)
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise _structure_error(
            source.name, payload.decode("utf-8"), sep, invalid, str(exc), lines
        ) from None
    if arrow_table.num_columns and not all(
        pa.types.is_large_string(t) for t in arrow_table.schema.types
    ):
        arrow_table = arrow_table.cast(
            pa.schema([(n, pa.large_string()) for n in arrow_table.column_names])
        )
    # Rows whose every cell is empty, found in Arrow (the header row is never one).
    blank_rows = None
    for column in arrow_table.columns:
        empty = pc.equal(column, "")
        blank_rows = empty if blank_rows is None else pc.and_(blank_rows, empty)
    any_blank = blank_rows is not None and bool(pc.any(blank_rows).as_py())
    import pandas as pd

    frame = arrow_table.to_pandas(self_destruct=True)
    del arrow_table
    header = [str(h).strip() for h in frame.iloc[0].tolist()]
    # Excel often exports trailing columns with no header and nothing in them ("a,b,,"):
    # they hold no data, so they are dropped; an unnamed column with values is still an error.
    while len(header) > 1 and header[-1] == "" and bool((frame.iloc[1:, -1] == "").all()):
        frame, header = frame.iloc[:, :-1], header[:-1]
    header, unnamed = named_header(source.name, header, lines.header)
    body = frame.iloc[1:]
    body.columns = pd.Index(header)
    body.index = pd.Index(_line_numbers(payload, quoted, sep, len(body), lines.shift), name="line")
    if any_blank:
        blank = (body == "").all(axis=1)
        body = body.loc[~blank]
    result: pd.DataFrame = body
    result.attrs["unnamed"] = unnamed
    return result


def read_csv(data: Any, read_options: Any, parse_options: Any, convert_options: Any) -> Any:
    """``pyarrow.csv.read_csv``. Arrow parses without holding the GIL: when pandas is not
    imported yet (a command reading its first file), the file is parsed on one thread while
    this one imports pandas, which the table is converted to next."""
    import sys

    import pyarrow.csv as pacsv

    use_malloc()  # the parse's buffers on the heap numpy uses (jdcli.memory)
    if "pandas" in sys.modules:
        return pacsv.read_csv(
            data,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    from concurrent.futures import ThreadPoolExecutor

    # One parsing thread: the import takes the other core.
    read_options.use_threads = False
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(
            pacsv.read_csv,
            data,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
        _import_pandas()
        return reading.result()


def _import_pandas() -> None:
    """Import pandas with the cyclic garbage collector paused (and then restored as it was).

    The import creates a few hundred thousand objects and no garbage, yet they trigger
    collection after collection, each scanning all of them: paused, importing pandas and
    pyarrow takes 0.57 s instead of 0.75 s (whole process, median of 9, busy machine).
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        import pandas  # noqa: F401
    finally:
        if enabled:
            gc.enable()


def unterminated_quote_line(text: str, sep: str) -> int | None:
    """The line where a quoted field opens and never closes, or None.

    A quote opens a quoted field only at the start of a field; inside one, ``""`` is an
    escaped quote. Only called when the file has an odd number of quote characters.
    """
    quoted, at_field_start, opened_at, line = False, True, 0, 1
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if quoted:
            if char == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
            elif char == "\n":
                line += 1
        elif char == '"' and at_field_start:
            quoted, opened_at = True, line
        elif char == "\n":
            line += 1
        at_field_start = not quoted and char in (sep, "\n")
        i += 1
    return opened_at if quoted else None


class _Reporting(io.RawIOBase):
    """``payload`` as a file that reports how far it has been read."""

    def __init__(self, payload: bytes, progress: Progress) -> None:
        self._view = memoryview(payload)
        self._position = 0
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), len(self._view) - self._position)
        buffer[:size] = self._view[self._position : self._position + size]
        self._position += size
        self._progress(self._position, len(self._view))
        return size


def _input(payload: bytes, progress: Progress | None) -> Any:
    import pyarrow as pa

    return pa.py_buffer(payload) if progress is None else _Reporting(payload, progress)


def _blank(payload: bytes) -> bool:
    """Whether the content is only whitespace (as ``str.strip`` sees it), without decoding a
    large file: the first 64 KiB nearly always settle it."""
    head = payload[:65536]
    if head.decode("utf-8", "ignore").strip():
        return False
    return len(payload) <= len(head) or not payload.decode("utf-8").strip()


_TRAILING_POINT = re.compile(rb"\d\.(?![0-9])")


def _missing_spellings() -> list[str]:
    spellings = {"NaN"}
    for token in MISSING_TOKENS:
        spellings.update({token, token.upper(), token.title(), token.capitalize()})
    return sorted(spellings)


def _parse_typed(
    source: Source,
    payload: bytes | None,
    first_line: str,
    sep: str,
    numeric: Mapping[str, bool],
    quoted: bool,
    progress: Progress | None = None,
    line_map: Lines | None = None,
) -> pd.DataFrame | None:
    """The table with ``numeric`` columns parsed by the CSV reader, or None to fall back.

    Only the easy case is taken: an unquoted header, a rectangular body, numeric cells that
    are plain numbers or missing tokens, no negative where counts are expected, no inf/nan
    spelled as a number, and blank rows only where a line is truly blank. Anything else goes
    the strict text path, which finds and reports the offending cell exactly.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    if '"' in first_line:
        return None
    header = [h.strip() for h in first_line.split(sep)]
    if len(header) > 1 and header[-1] == "":
        return None  # a trailing unnamed column may be Excel's padding: the text path decides
    try:
        header, unnamed = named_header(source.name, header)
    except InputError:
        return None
    positions = {i: numeric[h] for i, h in enumerate(header) if h in numeric}
    if not positions:
        return None
    names = [f"f{i}" for i in range(len(header))]
    try:
        table = read_csv(
            str(source.path) if payload is None else _input(payload, progress),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=quoted, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={
                    # large_string is what pandas' str dtype holds: no cast on conversion.
                    name: pa.float64() if i in positions else pa.large_string()
                    for i, name in enumerate(names)
                },
                null_values=_missing_spellings(),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # ragged, unconvertible or empty: the text path says exactly what
    if table.num_columns != len(header) or table.num_rows == 0:
        return None
    blank = None
    if any(table[f"f{i}"].null_count for i in positions) and _TRAILING_POINT.search(
        source.payload() if payload is None else payload
    ):
        # With a missing value in the column the text path checks every cell's form, and
        # "5." (a point without decimals) is not a number there: let it say so.
        return None
    for i, name in enumerate(names):
        column = table[name]
        if i in positions:
            values = column.drop_null()
            if pc.any(pc.invert(pc.is_finite(values))).as_py():
                return None  # inf or nan written as a number: the text path decides
            if positions[i] and pc.any(pc.less(values, 0)).as_py():
                return None  # a negative count: the text path reports the cell as written
            if positions[i] and pc.any(pc.greater_equal(pc.abs(values), MAX_COUNT)).as_py():
                return None  # a count too large to be exact: the text path reports it
            empty = pc.is_null(column)
        else:
            empty = pc.equal(column, "")
        blank = empty if blank is None else pc.and_(blank, empty)
    keep: Any = None
    if blank is not None and bool(pc.any(blank).as_py()):
        # A numeric NaN may have been "NA" rather than an empty cell: confirm in the text.
        if quoted:
            return None
        rows = pc.indices_nonzero(blank).to_pylist()
        lines = (source.payload() if payload is None else payload).split(b"\n")
        if any(lines[row + 1].replace(sep.encode(), b"") for row in rows):
            return None
        keep = pc.invert(blank)
    import pandas as pd

    frame = table.to_pandas(self_destruct=True)
    del table
    frame.columns = pd.Index(header)
    if quoted and payload is None:
        payload = source.payload()
    shift = (line_map or Lines()).shift
    frame.index = pd.Index(
        _line_numbers(payload or b"", quoted, sep, len(frame), shift), name="line"
    )
    if keep is not None:
        frame = frame.loc[keep.to_numpy(zero_copy_only=False)]
    result: pd.DataFrame = frame
    result.attrs["unnamed"] = unnamed
    return result


def _check_header(name: str, header: list[str]) -> None:
    """An InputError for an empty or a duplicate header (for readers that take only plain
    headers)."""
    for position, column in enumerate(header, start=1):
        if column == "":
            raise InputError(f"{name} line 1: column {position} has an empty header")
    named_header(name, header)


def positional_name(position: int) -> str:
    """The name of a column whose header is empty: ``column_3`` for the third."""
    return f"column_{position}"


def named_header(name: str, header: list[str], line: int = 1) -> tuple[list[str], list[int]]:
    """``header`` with each empty cell given its positional name, and those positions
    (1-based); an InputError for a duplicate name (which column is meant would be a guess)."""
    names = [column or positional_name(p) for p, column in enumerate(header, start=1)]
    seen: dict[str, int] = {}
    for position, column in enumerate(names, start=1):
        key = column.casefold()
        if key in seen:
            raise InputError(
                f"{name} line {line}: duplicate column {column!r} "
                f"(columns {seen[key]} and {position})"
            )
        seen[key] = position
    return names, [p for p, column in enumerate(header, start=1) if column == ""]


def _line_numbers(
    payload: bytes, quoted: bool, sep: str, rows: int, shift: int = 0
) -> list[int] | range:
    """File line of each data row; exact even when quoted cells span lines."""
    if not quoted:
        return range(2 + shift, rows + 2 + shift)
    lines = payload.count(b"\n") + (0 if payload.endswith(b"\n") else 1)
    if lines - 1 == rows:
        return range(2 + shift, rows + 2 + shift)  # as many rows as lines: none spans two
    text = payload.decode("utf-8")
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    next(reader, None)
    numbers = []
    start = reader.line_num + 1
    for _ in reader:
        numbers.append(start)
        start = reader.line_num + 1
    return [n + shift for n in (numbers + list(range(start, start + rows)))[:rows]]


def _structure_error(
    name: str,
    text: str,
    sep: str,
    invalid: list[tuple[int, int, str]],
    message: str,
    lines: Lines,
) -> InputError:
    if invalid:
        expected, actual, row_text = invalid[0]
        line = _line_of(text, row_text)
        line = None if line is None else lines.real(line)
        where = f"{name} line {line}" if line else name
        if row_text.count('"') % 2 == 1:
            return InputError(f'{where}: unterminated quote (a " that is never closed)')
        shown = row_text if len(row_text) <= 60 else row_text[:57] + "..."
        delim = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[sep]
        return InputError(
            f"{where}: expected {expected} fields ({delim}-separated, as in the header) "
            f"but found {actual}: {shown!r}"
        )
    line = _unclosed_quote_line(text)
    if line is not None:
        return InputError(
            f'{name} line {lines.real(line)}: unterminated quote (a " that is never closed)'
        )
    return InputError(f"{name}: cannot parse as CSV ({message.splitlines()[0]})")
