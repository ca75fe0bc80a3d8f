"""Where a table starts and ends in a grid of cells: title, unit and blank rows above the
header, note rows below the table; pure functions, so a workbook reader can use them too.

The header is found with messytables' idea, counting **non-empty** cells (a title that
Excel padded with empty cells has as many fields as the header, but one filled cell): it is
the first row that labels every column the rows below it fill (an empty first cell, over
row names or an index, is allowed), holds no plain numbers, and has more filled cells than
every title row above it. When no row does, the first row is the header if its count of
filled cells is within one of the table's usual width (so a damaged header is still
reported as such), else the first later row that is within one and is followed by a row of
the same number of fields.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

Grid = Sequence[Sequence[str]]

#: Rows below the header looked at to learn the table's width.
BODY_ROWS = 20

NOTE_PREFIXES = ("注", "说明", "备注", "资料来源", "数据来源", "note", "source", "*", "※")
_CIRCLED = re.compile(r"[\u2460-\u2473]")  # ① … ⑳
_UNIT = re.compile(r"^(?:计量)?单位\s*[：:]|^units?\s*[：:]", re.IGNORECASE)
_NUMBER = re.compile(r"^[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?%?$")
_YEAR = re.compile(r"^(?:1[89]|2[01])\d\d$")


@dataclass(frozen=True)
class Layout:
    """Row indices (0-based) of a table in a grid.

    ``header_index`` is the first header row and ``header_rows`` how many there are; data
    rows run from ``header_index + header_rows`` up to ``end`` (exclusive; ``len(rows)`` when
    nothing follows the table). ``title_lines`` and ``unit_lines`` are the non-blank rows
    above the header, ``blank_lines`` the blank ones; ``note_lines`` the non-blank rows from
    ``end`` on.
    """

    header_index: int
    header_rows: int
    end: int
    title_lines: tuple[int, ...] = ()
    unit_lines: tuple[int, ...] = ()
    blank_lines: tuple[int, ...] = ()
    note_lines: tuple[int, ...] = ()

    @property
    def plain(self) -> bool:
        """A header on the first row, one header row, nothing after the table."""
        return self.header_index == 0 and self.header_rows == 1 and not self.note_lines


def filled(row: Sequence[str]) -> int:
    """How many cells hold something other than spaces."""
    return sum(1 for cell in row if cell.strip())


def span(row: Sequence[str]) -> int:
    """One past the position of the last non-empty cell (0 for a blank row)."""
    for position in range(len(row) - 1, -1, -1):
        if row[position].strip():
            return position + 1
    return 0


def is_number(cell: str) -> bool:
    """A plain number as a data cell holds it (``1,000``, ``-3.5``, ``91.7%``)."""
    text = cell.strip()
    return bool(text) and any(c.isdigit() for c in text) and bool(_NUMBER.match(text))


def is_unit(cell: str) -> bool:
    """A unit statement: ``单位：万人``, ``计量单位：张``, ``Unit: thousands``."""
    return bool(_UNIT.match(cell.strip()))


def is_note(row: Sequence[str]) -> bool:
    """A note row: text in the first cell only, starting 注, 说明, 备注, 资料来源, 数据来源,
    Note, Source, ``*`` or a circled number (①)."""
    if not row or filled(row) != 1 or not row[0].strip():
        return False
    text = row[0].strip()
    return text.casefold().startswith(NOTE_PREFIXES) or bool(_CIRCLED.match(text))


def _labels(row: Sequence[str]) -> bool:
    """No plain number among the cells (a year such as 2018 is a label)."""
    return not any(is_number(c) and not _YEAR.match(c.strip()) for c in row)


def _title_like(row: Sequence[str]) -> bool:
    """One filled cell, or empty cells beside the filled ones (a padded title)."""
    count = filled(row)
    return count <= 1 or len(row) > count


def table_end(rows: Grid, start: int = 0) -> int:
    """Index one past the table's last row: trailing rows that hold only a first cell or
    nothing, from the first that is a note (its continuation lines included), are not
    table rows. ``len(rows)`` when the table runs to the end; never below ``start``."""
    end = len(rows)
    position = len(rows)
    while position > start:
        row = rows[position - 1]
        if filled(row) == 0:
            position -= 1
            continue
        if filled(row) != 1 or not row[0].strip():
            break
        position -= 1
        if is_note(row):
            end = position
    while end > start and end < len(rows) and not filled(rows[end - 1]):
        end -= 1  # blank lines between the table and its notes
    return end


def _usual_width(counts: Sequence[int]) -> int:
    """The most common count of filled cells among rows with two or more (ties: the wider);
    1 when every row has one."""
    common = Counter(c for c in counts if c >= 2)
    if not common:
        return 1
    return max(common, key=lambda c: (common[c], c))


def find_header(rows: Grid, end: int | None = None) -> int | None:
    """Index of the header row among ``rows[:end]``, or None when none can be told."""
    stop = len(rows) if end is None else end
    nonblank = [i for i in range(stop) if filled(rows[i])]
    if not nonblank:
        return None
    if len(nonblank) == 1:
        return nonblank[0]
    counts = {i: filled(rows[i]) for i in nonblank}
    for place, i in enumerate(nonblank):
        body = nonblank[place + 1 : place + 1 + BODY_ROWS]
        if not body:
            break
        width = max(span(rows[j]) for j in body)
        row = rows[i]
        labels_all = all(row[c].strip() for c in range(1, width)) if len(row) >= width else False
        if not labels_all or len(rows[body[0]]) != len(row) or not _labels(row):
            continue
        above = nonblank[:place]
        if all(_title_like(rows[k]) and counts[k] < counts[i] for k in above):
            return i
    width = _usual_width([counts[i] for i in nonblank])
    first = nonblank[0]
    if counts[first] >= width - 1:
        return first
    for place, i in enumerate(nonblank[1:], start=1):
        row = rows[i]
        if counts[i] < width - 1 or not _labels(row):
            continue
        after = nonblank[place + 1 : place + 2]
        above = nonblank[:place]
        if (
            after
            and len(rows[after[0]]) == len(row)
            and all(_title_like(rows[k]) and counts[k] < counts[i] for k in above)
        ):
            return i
    return None


def detect_layout(
    rows: Grid,
    *,
    header_index: int | None = None,
    header_rows: int = 1,
    find_end: bool = True,
) -> Layout | None:
    """The table in ``rows``: the header found (or ``header_index`` when given), the rows
    above it sorted into titles, unit lines and blanks, and note rows at the end (not looked
    for when ``find_end`` is false, e.g. when ``rows`` are only the head of a file). None
    when no header can be found."""
    end = table_end(rows) if find_end else len(rows)
    if not any(filled(rows[i]) for i in range(end)):
        end = len(rows)  # nothing but "notes": they are the table (a one-column one)
    if header_index is None:
        header_index = find_header(rows, end)
        if header_index is None:
            return None
    end = max(end, min(len(rows), header_index + header_rows))
    titles, units, blanks = [], [], []
    for i in range(header_index):
        row = rows[i]
        if not filled(row):
            blanks.append(i)
        elif all(is_unit(c) for c in row if c.strip()):
            units.append(i)
        else:
            titles.append(i)
    notes = tuple(i for i in range(end, len(rows)) if filled(rows[i]))
    return Layout(
        header_index=header_index,
        header_rows=header_rows,
        end=end,
        title_lines=tuple(titles),
        unit_lines=tuple(units),
        blank_lines=tuple(blanks),
        note_lines=notes,
    )


def row_text(row: Sequence[str]) -> str:
    """The filled cells of a row, stripped, joined by a space."""
    return " ".join(c.strip() for c in row if c.strip())


def join_header(top: Sequence[str], bottom: Sequence[str]) -> list[str]:
    """Two header rows as one: a top cell merged over several columns (empty after its
    first) is carried right over each sub-header; the parts are joined with ``-`` and an
    empty part is dropped (``床位`` over ``核定`` → ``床位-核定``; ``在所人数`` over nothing
    stays ``在所人数``)."""
    width = max(len(top), len(bottom))
    names = []
    carried = ""
    for position in range(width):
        upper = top[position].strip() if position < len(top) else ""
        lower = bottom[position].strip() if position < len(bottom) else ""
        if upper:
            carried = upper
        elif lower:
            upper = carried  # under a merged cell
        else:
            carried = ""
        names.append("-".join(part for part in (upper, lower) if part))
    return names
