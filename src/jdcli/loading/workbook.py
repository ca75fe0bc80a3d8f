"""Read one sheet of a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) as a grid of cells, and
write it as the CSV text the rest of :mod:`jdcli.loading` reads, one sheet row per line.

Values are taken as Excel saved them: a formula's cached result, numbers stored as numbers
kept exact (written with the shortest text that reads back as the same double), numbers
stored as text left for the usual number rules, dates as ISO dates (both date systems), a
cell formatted as a percentage (``0.9172`` shown as ``91.72%``) as the percentage the sheet
shows, an error cell (``#DIV/0!``) as a missing value, counted in a warning. Horizontally
merged cells in header rows are carried over the columns they span, and a header row with
such a cell over a row of sub-headers is read as a two-row header.

The reader is calamine (python-calamine), imported only when a workbook is read. It does not
report cell formats or error values, so for .xlsx and .xlsm the sheet's XML is scanned for
the cells styled as percentages and the error cells.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from jdcli.errors import InputError
from jdcli.loading.layout import detect_layout, filled, span

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PARQUET = b"PAR1"
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")

#: Workbook kinds, by what the file holds (not its name).
WORKBOOK_KINDS = ("xlsx", "xlsb", "xls", "ods")


def not_text(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a workbook, an archive or Parquet (no text)."""
    return head.startswith((_ZIP, _OLE, _PARQUET))


def sniff_kind(data: bytes) -> str | None:
    """What a file holds, from its first bytes: ``xlsx`` (and .xlsm), ``xlsb``, ``xls``,
    ``ods``, ``parquet``, ``zip`` (an archive that is no workbook), ``encrypted`` (a
    password-protected Office file) or None (text, read as CSV)."""
    if data.startswith(_PARQUET) and data.endswith(_PARQUET):
        return "parquet"
    if data.startswith(_OLE):
        return "encrypted" if _ENCRYPTED in data[:1_000_000] else "xls"
    if not data.startswith(_ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "content.xml" in names:
                mimetype = archive.read("mimetype") if "mimetype" in names else b""
                if not mimetype or b"spreadsheet" in mimetype:
                    return "ods"
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return "damaged"
    return "zip"


@dataclass
class Sheet:
    """A sheet read as CSV text: ``data`` (UTF-8, one line per sheet row from row 1),
    the sheet's ``name``, and how many header rows it was found to have (None: let the
    text's own detection decide). ``decided`` holds parts of the load note."""

    data: bytes
    name: str
    header_rows: int | None = None
    header_row: int | None = None
    decided: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # cell reference -> error value


def read_sheet(
    name: str,
    data: bytes,
    kind: str,
    sheet: str | None = None,
    *,
    header_row: int | None = None,
    header_rows: int | None = None,
) -> Sheet:
    """The sheet ``sheet`` (a name, or a 1-based number; default: the first that holds a
    table) of the workbook in ``data``. ``header_row`` and ``header_rows`` as the user gave
    them (None: not given)."""
    book = _open(name, data, kind)
    names = list(book.sheet_names)
    chosen, grid = _choose(name, book, names, sheet)
    marks = _xlsx_marks(data, names.index(chosen)) if kind == "xlsx" else _Marks()
    rows = _text_rows(grid, marks)
    result = Sheet(b"", chosen, errors=marks.errors)
    merges = _merges(book, chosen)
    if header_rows == 2:
        _fill_merged(rows, merges)
    elif header_rows is None and header_row is None:
        _two_row_header(rows, merges, result)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    result.data = out.getvalue().encode("utf-8")
    return result


def _open(name: str, data: bytes, kind: str) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own errors and ValueError
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"{name}: cannot read the {kind} workbook ({reason})") from None


def _choose(
    name: str, book: Any, names: list[str], sheet: str | None
) -> tuple[str, list[list[Any]]]:
    """The sheet asked for (or the first holding a table) and its cells from A1."""
    if not names:
        raise InputError(f"{name}: the workbook has no sheets")
    if sheet is not None:
        wanted = sheet.strip()
        chosen = next((n for n in names if n == wanted), None)
        if chosen is None:
            chosen = next((n for n in names if n.casefold() == wanted.casefold()), None)
        if chosen is None and wanted.isdigit() and 1 <= int(wanted) <= len(names):
            chosen = names[int(wanted) - 1]
        if chosen is None:
            listed = ", ".join(f"{i} {n}" for i, n in enumerate(names, start=1))
            raise InputError(f"{name}: no sheet {sheet!r} (sheets: {listed})")
        grid = _cells(name, book, chosen)
        if not any(filled(_plain(row)) for row in grid):
            raise InputError(f"{name}: sheet {chosen} is empty")
        return chosen, grid
    for candidate in names:
        grid = _cells(name, book, candidate)
        if sum(1 for row in grid if filled(_plain(row))) >= 2:
            return candidate, grid
    raise InputError(f"{name}: no sheet holds a table (sheets: {', '.join(names)})")


def _cells(name: str, book: Any, sheet: str) -> list[list[Any]]:
    try:
        rows: list[list[Any]] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as error:
        raise InputError(f"{name}: cannot read sheet {sheet} ({error})") from None
    return rows


def _plain(row: Sequence[Any]) -> list[str]:
    return ["" if v is None else str(v) for v in row]


@dataclass
class _Marks:
    percent: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)
    error_cells: set[tuple[int, int]] = field(default_factory=set)


def _text_rows(grid: list[list[Any]], marks: _Marks) -> list[list[str]]:
    """Each cell as the text a CSV export would hold; columns empty in every row dropped
    from the right."""
    rows = [
        [_cell_text(value, (r, c) in marks.percent) for c, value in enumerate(row)]
        for r, row in enumerate(grid)
    ]
    for r, c in marks.error_cells:
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = ""
    width = max((span(row) for row in rows), default=0)
    while rows and not filled(rows[-1]):
        rows.pop()
    return [row[:width] for row in rows]


def _cell_text(value: Any, percent: bool) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return f"{value * 100}%" if percent else str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if percent:
            shown = Decimal(repr(value)) * 100
            return f"{_decimal_text(shown)}%"
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return _decimal_text(Decimal(repr(value)))
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    text = str(value)
    if "\n" in text or "\r" in text:
        text = _one_line(text)
    return text


def _decimal_text(number: Decimal) -> str:
    """Plain notation (no exponent), no trailing zeros."""
    text = format(number.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _one_line(text: str) -> str:
    """A cell's line breaks removed: joined without a space between CJK characters
    (``床位\\n（张）`` → ``床位（张）``), with one otherwise."""
    parts = [p.strip() for p in re.split(r"\r\n|\r|\n", text) if p.strip()]
    joined = parts[0] if parts else ""
    for part in parts[1:]:
        wide = _wide(joined[-1]) or _wide(part[0])
        joined += part if wide else " " + part
    return joined


def _wide(char: str) -> bool:
    return ord(char) >= 0x2E80


def _merges(book: Any, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    try:
        ranges = book.get_sheet_by_name(sheet).merged_cell_ranges
    except Exception:
        return []
    return list(ranges or [])


def _fill_merged(
    rows: list[list[str]], merges: Sequence[tuple[tuple[int, int], tuple[int, int]]]
) -> set[int]:
    """Carry each horizontally merged cell over the columns it spans, where it sits among
    other filled cells (a header; a title merged across the table is left alone). The rows
    changed."""
    changed = set()
    for (r0, c0), (_r1, c1) in merges:
        if c1 <= c0 or r0 >= len(rows) or c0 >= len(rows[r0]) or not rows[r0][c0].strip():
            continue
        row = rows[r0]
        if filled(row) <= 1:
            continue  # a title
        for c in range(c0 + 1, min(c1 + 1, len(row))):
            if not row[c].strip():
                row[c] = row[c0]
        changed.add(r0)
    return changed


def _two_row_header(
    rows: list[list[str]],
    merges: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    sheet: Sheet,
) -> None:
    """When the header row holds cells merged across columns over a row of sub-headers,
    read the header as those two rows (the merged names carried over their columns)."""
    trial = [list(row) for row in rows]
    changed = _fill_merged(trial, merges)
    if not changed:
        return
    layout = detect_layout(trial)
    if layout is None or layout.header_index not in changed:
        return
    header = layout.header_index
    if header + 1 < len(trial) and _sub_headers(trial[header + 1]):
        rows[header] = trial[header]
        sheet.header_rows = 2
        sheet.header_row = header + 1
        sheet.decided.append("cells merged across columns over a row of sub-headers")


def _sub_headers(row: Sequence[str]) -> bool:
    """A row of labels (no plain numbers): what sits under merged header cells."""
    from jdcli.loading.layout import is_number

    return filled(row) > 0 and not any(is_number(c) for c in row)


# ------------------------------------------------------------------ .xlsx cell styles

_CELL = re.compile(rb"<c\b([^>]*?)(/?)>")
_ATTR = re.compile(rb'\b([rst])="([^"]*)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_REF = re.compile(r"([A-Z]+)(\d+)")


def _xlsx_marks(data: bytes, index: int) -> _Marks:
    """Percentage-formatted and error cells of the ``index``-th sheet of an .xlsx."""
    marks = _Marks()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            percent_styles = _percent_styles(archive)
            path = _sheet_path(archive, index)
            if path is None:
                return marks
            xml = archive.read(path)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return marks
    if not percent_styles and b't="e"' not in xml:
        return marks
    for match in _CELL.finditer(xml):
        attrs = dict(_ATTR.findall(match.group(1)))
        ref = attrs.get(b"r")
        if ref is None:
            continue
        style, kind = attrs.get(b"s"), attrs.get(b"t")
        is_percent = style is not None and int(style) in percent_styles
        if not is_percent and kind != b"e":
            continue
        position = _position(ref.decode("ascii"))
        if position is None:
            continue
        if is_percent and kind in (None, b"n"):
            marks.percent.add(position)
        if kind == b"e" and match.group(2) != b"/":
            end = xml.find(b"</c>", match.end())
            found = _VALUE.search(xml, match.end(), end if end >= 0 else len(xml))
            marks.errors[ref.decode("ascii")] = found.group(1).decode("utf-8") if found else "#N/A"
            marks.error_cells.add(position)
    return marks


def _position(ref: str) -> tuple[int, int] | None:
    found = _REF.fullmatch(ref)
    if found is None:
        return None
    column = 0
    for char in found.group(1):
        column = column * 26 + ord(char) - ord("A") + 1
    return int(found.group(2)) - 1, column - 1


_BUILTIN_PERCENT = {9, 10}


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indices of the cell formats (``cellXfs``) whose number format shows a percentage."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    percent_ids = set(_BUILTIN_PERCENT)
    for fmt in root.iter(f"{ns}numFmt"):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            percent_ids.add(int(fmt.get("numFmtId", "-1")))
    xfs = root.find(f"{ns}cellXfs")
    if xfs is None:
        return set()
    return {
        i
        for i, xf in enumerate(xfs.findall(f"{ns}xf"))
        if int(xf.get("numFmtId", "0")) in percent_ids
    }


def _sheet_path(archive: zipfile.ZipFile, index: int) -> str | None:
    """The part holding the ``index``-th sheet (in workbook order)."""
    import xml.etree.ElementTree as ET

    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    sheets = [el for el in book.iter() if el.tag.endswith("}sheet") or el.tag == "sheet"]
    if index >= len(sheets):
        return None
    rid = next((v for k, v in sheets[index].attrib.items() if k.endswith("}id")), None)
    target = targets.get(rid)
    if not target:
        return None
    if target.startswith("/"):
        return target.lstrip("/")
    return str(PurePosixPath("xl") / target)


def error_warning(name: str, errors: dict[str, str]) -> str | None:
    """One warning for the error cells read as missing values, or None."""
    if not errors:
        return None
    shown = ", ".join(f"{ref} {value}" for ref, value in list(errors.items())[:5])
    more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
    count = len(errors)
    return f"{name}: {count} error cell{'s' if count != 1 else ''} read as missing ({shown}{more})"
