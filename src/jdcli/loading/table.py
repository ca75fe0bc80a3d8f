"""Parse CSV/TSV text into a DataFrame of strings, strictly: ragged rows and bad quotes are errors.

The frame's index holds the file line number of each row, so later errors can name it.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from jdcli.errors import InputError
from jdcli.loading.source import Source

if TYPE_CHECKING:
    import pandas as pd

DELIMITERS = (",", "\t", ";", "|")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most fields (comma if none)."""
    counts = {d: _count_outside_quotes(header_line, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
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


def parse_table(source: Source, delimiter: str | None = None) -> pd.DataFrame:
    """All cells as strings, headers stripped; index = line number in the file (header is 1)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    text = source.text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{source.name}: the file is empty (no header row)")
    first_line = text.split("\n", 1)[0]
    sep = delimiter or sniff_delimiter(first_line)
    if text.count('"') % 2 == 1:
        opened = unterminated_quote_line(text, sep)
        if opened is not None:
            raise InputError(
                f'{source.name} line {opened}: unterminated quote (a " that is never closed)'
            )
    invalid: list[tuple[int, int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.expected_columns, row.actual_columns, row.text or ""))
        return "error"

    try:
        arrow_table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=sep,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(first_line.count(sep) + 64)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise _structure_error(source.name, text, sep, invalid, str(exc)) from None
    if arrow_table.num_columns and not all(
        pa.types.is_string(t) or pa.types.is_large_string(t) for t in arrow_table.schema.types
    ):
        arrow_table = arrow_table.cast(
            pa.schema([(n, pa.string()) for n in arrow_table.column_names])
        )
    frame = arrow_table.to_pandas()
    header = [str(h).strip() for h in frame.iloc[0].tolist()]
    _check_header(source.name, header)
    body = frame.iloc[1:]
    body.columns = pd.Index(header)
    body.index = pd.Index(_line_numbers(text, sep, len(body)), name="line")
    blank = (body == "").all(axis=1) if len(body.columns) else None
    if blank is not None and bool(blank.any()):
        body = body.loc[~blank]
    result: pd.DataFrame = body
    return result


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


def _check_header(name: str, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for position, column in enumerate(header, start=1):
        if column == "":
            raise InputError(f"{name} line 1: column {position} has an empty header")
        key = column.casefold()
        if key in seen:
            raise InputError(
                f"{name} line 1: duplicate column {column!r} (columns {seen[key]} and {position})"
            )
        seen[key] = position


def _line_numbers(text: str, sep: str, rows: int) -> list[int]:
    """File line of each data row; exact even when quoted cells span lines."""
    if '"' not in text:
        return list(range(2, rows + 2))
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    next(reader, None)
    numbers = []
    start = reader.line_num + 1
    for _ in reader:
        numbers.append(start)
        start = reader.line_num + 1
    return (numbers + list(range(start, start + rows)))[:rows]


def _structure_error(
    name: str, text: str, sep: str, invalid: list[tuple[int, int, str]], message: str
) -> InputError:
    if invalid:
        expected, actual, row_text = invalid[0]
        line = _line_of(text, row_text)
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
        return InputError(f'{name} line {line}: unterminated quote (a " that is never closed)')
    return InputError(f"{name}: cannot parse as CSV ({message.splitlines()[0]})")
