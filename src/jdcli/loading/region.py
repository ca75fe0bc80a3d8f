"""Find the table in a delimited text file from its head and its tail: where the header is,
which lines above it are a title or a unit line, which lines after it are notes.

A file whose header is its first line and that ends without notes comes back unchanged, so
the parser reads it exactly as before; only the first ~100 lines and the last ~16 KiB are
read to decide. Otherwise the table's text is cut out (a two-row header joined into one
line) and :class:`Lines` maps the parser's line numbers back to the file's.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from jdcli.errors import InputError, UsageError
from jdcli.loading.layout import Layout, detect_layout, is_unit, join_header, row_text, table_end
from jdcli.loading.source import Source
from jdcli.loading.table import DELIMITERS, Lines, count_outside_quotes, sniff_delimiter

HEAD_BYTES = 65536
HEAD_LINES = 100
TAIL_BYTES = 16384
TAIL_LINES = 50


@dataclass
class Table:
    """Where the table is in ``source``: ``text`` holds it (header first), ``lines`` maps
    its line numbers to the file's. ``decided`` says, in parts of one sentence, what was
    found around it (empty for a plain file)."""

    text: Source
    sep: str
    lines: Lines = field(default_factory=Lines)
    title: str | None = None
    unit_line: str | None = None
    notes_text: str | None = None
    decided: list[str] = field(default_factory=list)


def sniff_lines(lines: Sequence[str]) -> str:
    """The delimiter of a file from its first lines: the one the first non-blank line is
    split by (as for a plain file), unless that line is a title, i.e. another delimiter
    splits at least twice as many lines into one same number of fields."""
    texts = [line for line in lines if line.strip()]
    if not texts:
        return ","
    consistent = {}
    for sep in DELIMITERS:
        counts = Counter(count_outside_quotes(t, sep) if '"' in t else t.count(sep) for t in texts)
        counts.pop(0, None)
        consistent[sep] = max(counts.values(), default=0)
    best = max(DELIMITERS, key=lambda d: consistent[d])
    first = sniff_delimiter(texts[0])
    if count_outside_quotes(texts[0], first) and consistent[first] * 2 > consistent[best]:
        return first
    return best if consistent[best] else ","


def _grid(text: str, sep: str) -> tuple[list[list[str]], list[int]]:
    """Rows of ``text`` and the line each starts on (1-based), with one more entry: the
    line after the last row."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    rows: list[list[str]] = []
    starts = [1]
    for row in reader:
        rows.append(row)
        starts.append(reader.line_num + 1)
    return rows, starts


def _lines_of(head: bytes, complete: bool, limit: int) -> tuple[str, bool]:
    """The first ``limit`` whole lines of ``head`` as text, and whether they are the whole
    file."""
    if not complete:
        head = head[: head.rfind(b"\n") + 1]
    text = head.decode("utf-8", "replace")
    parts = text.split("\n", limit)
    if len(parts) > limit:
        return "\n".join(parts[:limit]) + "\n", False
    return text, complete


def _line_offset(payload: bytes, line: int) -> int:
    """Byte offset where ``line`` (1-based) starts."""
    offset = 0
    for _ in range(line - 1):
        offset = payload.index(b"\n", offset) + 1
    return offset


def _spans(numbers: Sequence[int]) -> str:
    first, last = min(numbers), max(numbers)
    return f"line {first}" if first == last else f"lines {first}–{last}"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def find_table(
    source: Source,
    delimiter: str | None = None,
    *,
    skip: int | None = None,
    header_row: int | None = None,
    header_rows: int = 1,
) -> Table:
    """Where the table of ``source`` is; an InputError when no header row can be told.

    ``skip`` (lines before the header) or ``header_row`` (its line, 1-based) name the header
    instead of detecting it; ``header_rows=2`` joins the header line with the next one.
    """
    wanted = _wanted_line(skip, header_row, header_rows)
    size = source.size()
    head_bytes = HEAD_BYTES if wanted is None else max(HEAD_BYTES, size)
    limit = HEAD_LINES if wanted is None else wanted + HEAD_LINES
    head = source.head(head_bytes)
    text, complete = _lines_of(head, size <= head_bytes, limit)
    if not text.strip():
        if complete:
            return Table(source, delimiter or ",")  # empty: the parser says so
        text = "\n"
    sep = delimiter or sniff_lines(text.split("\n", HEAD_LINES)[:HEAD_LINES])
    try:
        rows, starts = _grid(text, sep)
    except csv.Error:
        return Table(source, sep)  # the parser reports what is wrong
    index = None
    if wanted is not None:
        if wanted >= starts[-1] or wanted not in starts[:-1]:
            option = "--header-row" if header_row is not None else "--skip"
            shown = header_row if header_row is not None else skip
            raise InputError(
                f"{source.name}: {option} {shown}: no such line "
                f"(the file has {starts[-1] - 1} line(s))"
                if wanted >= starts[-1]
                else f"{source.name}: {option} {shown}: line {wanted} is inside a quoted cell"
            )
        index = starts.index(wanted)
        if header_rows > 1 and index + header_rows > len(rows):
            raise InputError(
                f"{source.name}: --header-rows {header_rows}: the header on line {wanted} "
                "is the last line"
            )
    layout = detect_layout(rows, header_index=index, header_rows=header_rows, find_end=complete)
    if layout is None:
        raise InputError(
            f"{source.name}: no header row found in {_spans([1, starts[-1] - 1])} (a header "
            "names every column of the rows below it, holds no plain numbers and has more "
            "filled cells than any title above it); give its line with --header-row N"
        )
    tail = None if complete else _tail_notes(source)
    if layout.plain and tail is None:
        return Table(source, sep)
    return _cut(source, sep, rows, starts, layout, tail)


def _wanted_line(skip: int | None, header_row: int | None, header_rows: int) -> int | None:
    if skip is not None and header_row is not None:
        raise UsageError("--skip and --header-row both say where the header is: give one")
    if skip is not None and skip < 0:
        raise UsageError(f"--skip expects a number of lines (0 or more), got {skip}")
    if header_row is not None and header_row < 1:
        raise UsageError(f"--header-row expects a line number (1 or more), got {header_row}")
    if header_rows not in (1, 2):
        raise UsageError(f"--header-rows expects 1 or 2, got {header_rows}")
    if header_row is not None:
        return header_row
    return None if skip is None else skip + 1


@dataclass
class _Tail:
    rows: list[list[str]]
    starts: list[int]  # line of each row counted from the end: 1 is the last line
    end: int


def _tail_notes(source: Source) -> _Tail | None:
    """Note rows at the end of a file too large to read whole for this, or None."""
    data = source.tail(TAIL_BYTES)
    data = data[data.find(b"\n") + 1 :]  # from a line start
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = lines[-TAIL_LINES:]
    if not lines:
        return None
    sep_text = "\n".join(lines) + "\n"
    try:
        rows, starts = _grid(sep_text, sniff_lines(lines))
    except csv.Error:
        return None
    end = table_end(rows)
    if end == len(rows) or end == 0:
        return None
    total = starts[-1] - 1
    return _Tail(rows, [total - s + 1 for s in starts], end)


def _cut(
    source: Source,
    sep: str,
    rows: list[list[str]],
    starts: list[int],
    layout: Layout,
    tail: _Tail | None,
) -> Table:
    """The table's text cut out of ``source`` and what was found around it."""
    payload = source.payload()
    header = layout.header_index
    header_line = starts[header]
    first_data = starts[min(header + layout.header_rows, len(rows))]
    decided = []
    if layout.header_rows > 1:
        last = starts[header + layout.header_rows] - 1
        decided.append(f"header on lines {header_line}–{last}, joined")
    elif header_line != 1:
        decided.append(f"header on line {header_line}")
    title = unit = notes_text = None
    above = [*layout.title_lines, *layout.unit_lines, *layout.blank_lines]
    if above:
        kinds = []
        if layout.title_lines:
            kinds.append("a title" if len(layout.title_lines) == 1 else "titles")
            title = " ".join(row_text(rows[i]) for i in layout.title_lines)
        if layout.unit_lines:
            kinds.append("a unit line")
            unit = " ".join(row_text(rows[i]) for i in layout.unit_lines)
        if layout.blank_lines:
            kinds.append("a blank line" if len(layout.blank_lines) == 1 else "blank lines")
        where = _spans([min(starts[i] for i in above), header_line - 1])
        verb = "is" if where.startswith("line ") else "are"
        decided.append(f"{where} {verb} {_and(kinds)}")
    # a title row may carry the unit in another cell ("标题,,单位：人")
    for i in layout.title_lines:
        for cell in rows[i]:
            if is_unit(cell) and unit is None:
                unit = cell.strip()
    if unit is not None:
        decided.append(f"its unit ({unit}) is not applied to the figures")
    end_byte = len(payload)
    if layout.note_lines:
        notes = [row_text(rows[i]) for i in layout.note_lines]
        note_lines = [starts[i] for i in layout.note_lines]
        end_byte = _line_offset(payload, starts[layout.end])
        last_line = starts[len(rows)] - 1
    elif tail is not None:
        picked = [i for i in range(tail.end, len(tail.rows)) if row_text(tail.rows[i])]
        notes = [row_text(tail.rows[i]) for i in picked]
        total = payload.count(b"\n") + (0 if payload.endswith(b"\n") else 1)
        note_lines = [total - tail.starts[i] + 1 for i in picked]
        end_line = total - tail.starts[tail.end] + 1
        end_byte = _line_offset(payload, end_line)
        last_line = total
    else:
        notes, note_lines, last_line = [], [], 0
    if notes:
        notes_text = "\n".join(notes)
        kind = "a note" if len(notes) == 1 else "notes"
        where = _spans([min(note_lines), max(note_lines, default=last_line)])
        verb = "is" if where.startswith("line ") else "are"
        decided.append(f"{where} after the table {verb} {kind}, not data")
    start_byte = _line_offset(payload, header_line)
    if layout.header_rows == 1:
        body = payload[start_byte:end_byte]
        lines_map = Lines(header=header_line, shift=header_line - 1)
    else:
        names = join_header(rows[header], rows[header + 1])
        out = io.StringIO()
        csv.writer(out, delimiter=sep, lineterminator="\n").writerow(names)
        data_start = _line_offset(payload, first_data) if first_data < starts[-1] else end_byte
        body = out.getvalue().encode("utf-8") + payload[data_start:end_byte]
        lines_map = Lines(header=header_line, shift=first_data - 2)
    del payload
    text = Source(source.name, encoding=source.encoding, data=body)
    return Table(text, sep, lines_map, title, unit, notes_text, decided)


def plain_table(head: bytes, tail: bytes, sep: str) -> bool:
    """Whether a file whose first bytes are ``head`` and last bytes ``tail`` (both cut at
    line ends) has its header on the first line and no notes after the table, i.e. can be
    read as it is."""
    text, _ = _lines_of(head, True, HEAD_LINES)
    try:
        rows, _starts = _grid(text, sep)
    except csv.Error:
        return False
    layout = detect_layout(rows, find_end=False)
    if layout is None or not layout.plain:
        return False
    lines = tail.decode("utf-8", "replace").split("\n")[-TAIL_LINES:]
    try:
        tail_rows, _starts = _grid("\n".join(lines), sep)
    except csv.Error:
        return False
    return table_end(tail_rows) == len(tail_rows)
