"""Read a file or stdin into a typed DataFrame, or fail with an error the user can act on.

``load`` is the one entry point every command uses: it reads and decodes the bytes, finds
the table (a title above the header, notes below it), parses the CSV strictly, maps headers
to canonical columns, applies ``--filter`` and parses numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jdcli.errors import InputError, UsageError
from jdcli.loading.numbers import check_range, parse_numbers
from jdcli.loading.schema import (
    Column,
    Schema,
    check_required,
    parse_mappings,
    resolve_columns,
)
from jdcli.loading.source import STDIN, Source
from jdcli.loading.table import parse_table
from jdcli.memory import LARGE_INPUT_BYTES, release_freed_memory

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "STDIN",
    "Column",
    "Condition",
    "Loaded",
    "Schema",
    "drop_incomplete",
    "load",
    "load_frame",
    "parse_mappings",
    "parse_numbers",
    "unit_warnings",
]


@dataclass
class Loaded:
    """A loaded table: canonical column names, numbers parsed, index = file line numbers."""

    frame: pd.DataFrame
    name: str
    path: Path | None
    encoding: str
    headers: dict[str, str]  # canonical name -> header as written in the file
    required: tuple[str, ...]
    title: str | None = None  # the title above the header, if the file has one
    unit_line: str | None = None  # a unit line above the header (``单位：张、人``), not applied
    notes_text: str | None = None  # note lines after the table, one per line
    sheet: str | None = None  # the workbook sheet read, if the file is a workbook

    @property
    def described(self) -> str:
        """The source as a caption names it: the file, its sheet, the table's title, unit
        line and notes (``title.csv: 广州市…情况表 (单位：张、人). 注：…``)."""
        text = self.name if self.sheet is None else f"{self.name}, sheet {self.sheet}"
        if self.title:
            text += f": {self.title}"
        if self.unit_line:
            text += f" ({self.unit_line}, not applied)"
        if self.notes_text:
            text += ". " + " ".join(self.notes_text.splitlines())
        return text

    @property
    def units(self) -> dict[str, str]:
        """Canonical name → the unit its header ends with (``常住人口（万人）`` → 万人)."""
        from jdcli.loading.units import split_unit

        found = {name: split_unit(header)[1] for name, header in self.headers.items()}
        return {name: unit for name, unit in found.items() if unit is not None}


def load(
    location: str | Path,
    schema: Schema,
    *,
    col_map: Mapping[str, str] | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    encoding: str | None = None,
    name: str | None = None,
    delimiter: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    skip: int | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
    sheet: str | None = None,
) -> Loaded:
    """Load ``location`` (a path or ``-`` for stdin) against ``schema``.

    The header is found by itself: title, unit and blank lines above it and note lines
    after the table are left out (kept as ``title``, ``unit_line`` and ``notes_text``), and
    one note says what was decided. ``skip`` (lines before the header) or ``header_row``
    (its line, 1-based) say where it is instead; ``header_rows=2`` joins it with the next
    line (``床位`` over ``核定`` → ``床位-核定``). A first column without a header (row names,
    an index) is left out unless ``col_map`` names it (``column_1``). Line numbers in errors
    and in the frame's index are the file's.
    A workbook (.xlsx, .xlsm, .xlsb, .xls, .ods, told by its content) is read from its sheet
    ``sheet`` (a name or a 1-based number; default: the first holding a table) the same way,
    its rows numbered as lines; a Parquet file as a DataFrame (:func:`load_frame`).
    ``progress(done, total)``, when given, is told how many bytes have been parsed.
    """
    from jdcli.loading.inputs import open_input
    from jdcli.loading.region import find_table

    opened = open_input(location, encoding, sheet, name, header_row, header_rows)
    if opened.frame is not None:
        return load_frame(
            opened.frame, schema, col_map=col_map, filters=filters, name=opened.source.name
        )
    source = opened.source
    if opened.header_rows is not None:
        header_row, header_rows = opened.header_row, opened.header_rows
    table = find_table(
        source, delimiter, skip=skip, header_row=header_row, header_rows=header_rows or 1
    )
    table.decided[:0] = opened.decided
    name, path, used = source.name, opened.path, source.encoding
    text, sep, lines, decided = table.text, table.sep, table.lines, table.decided
    around = {"title": table.title, "unit_line": table.unit_line, "notes_text": table.notes_text}
    # The table's text (the file itself when it is plain) is all that is needed now.
    del source, table
    numeric = _numeric_headers(text, schema, col_map or {}, filters or {}, sep)
    large = text.size() >= LARGE_INPUT_BYTES
    try:
        raw = parse_table(text, sep, numeric, progress, lines)
    except InputError:
        _decided(name, decided)  # said before the error, whose line it explains
        raise
    del text  # the file's bytes: free them before the numbers are parsed
    if large:
        release_freed_memory()  # the parsing buffers, now that the table is a DataFrame
    raw = _unnamed_columns(raw, col_map or {}, filters or {}, decided)
    _decided(name, decided)
    loaded = _typed(raw, schema, name, path, used, col_map, filters)
    loaded.title, loaded.unit_line = around["title"], around["unit_line"]
    loaded.notes_text = around["notes_text"]
    loaded.sheet = opened.sheet
    return loaded


def _decided(name: str, parts: Sequence[str]) -> None:
    """One note saying how the table was found, when anything about it was not plain."""
    if parts:
        from jdcli.notes import note

        note(f"{name}: {'; '.join(parts)}")


def _unnamed_columns(
    raw: pd.DataFrame,
    col_map: Mapping[str, str],
    filters: Mapping[str, Sequence[str]],
    decided: list[str],
) -> pd.DataFrame:
    """Columns whose header was empty: a first one (row names, an index) dropped unless
    ``--col`` or ``--filter`` names it; any other kept under its positional name. What was
    done is added to ``decided``."""
    from jdcli.loading.table import positional_name

    unnamed: list[int] = raw.attrs.pop("unnamed", [])
    if not unnamed:
        return raw
    named = {v.strip().casefold() for v in col_map.values()}
    named |= {filter_key(k)[0].casefold() for k in filters}
    others = list(unnamed)
    if unnamed[0] == 1 and positional_name(1) not in named:
        raw = raw.drop(columns=positional_name(1))
        others = unnamed[1:]
        decided.append(
            "column 1 has no header (row names or an index): it is left out "
            f"(use it with --col NAME={positional_name(1)})"
        )
    if others:
        names = ", ".join(positional_name(p) for p in others)
        which = "column" if len(others) == 1 else "columns"
        positions = _and_list([str(p) for p in others])
        verb = "has" if len(others) == 1 else "have"
        decided.append(f"{which} {positions} {verb} no header: read as {names}")
    return raw


def _and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def load_frame(
    data: pd.DataFrame,
    schema: Schema,
    *,
    col_map: Mapping[str, str] | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    name: str = "DataFrame",
) -> Loaded:
    """A pandas DataFrame loaded as a file would be: the same aliases, number rules (text
    cells such as ``"7,654"`` or ``"91.72%"`` parsed as in a file; numeric columns taken as
    they are, range rules still applied) and validation. Errors name the row by its index
    label (``DataFrame row 3, column 床位: …``)."""
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise UsageError(f"expected a path or a pandas DataFrame, got {type(data).__name__}")
    headers = [str(c).strip() for c in data.columns]
    if len(set(headers)) != len(headers):
        raise InputError(f"{name}: duplicate column names ({', '.join(headers)})")
    raw = pd.DataFrame(index=data.index)
    for header, column in zip(headers, data.columns, strict=True):
        values = data[column]
        if pd.api.types.is_bool_dtype(values.dtype):
            raw[header] = values.astype("str")
        elif pd.api.types.is_numeric_dtype(values.dtype):
            numbers = values.astype("float64")
            known = numbers.dropna()
            if len(known) and bool((known == known.round()).all()) and known.abs().max() < 2**53:
                # Whole numbers are written as a file would hold them, so a year (2016) is a
                # period label and a count is parsed by the usual rules to the same value.
                whole = numbers.astype("Int64").astype("str")
                raw[header] = whole.where(numbers.notna(), None).astype("str")
            else:
                raw[header] = numbers
        else:
            text = values.astype("str").where(values.notna(), None)
            raw[header] = text.astype("str")
    try:
        return _typed(raw, schema, name, None, "", col_map, filters)
    except (InputError, UsageError) as error:
        message = str(error).replace(f"{name} line ", f"{name} row ")
        raise type(error)(message) from None


def _typed(
    raw: pd.DataFrame,
    schema: Schema,
    name: str,
    path: Path | None,
    used: str,
    col_map: Mapping[str, str] | None,
    filters: Mapping[str, Sequence[str]] | None,
) -> Loaded:
    """Headers mapped to canonical names, filters applied and numbers parsed."""
    headers = [str(c) for c in raw.columns]
    found = resolve_columns(headers, schema, name, col_map or {})
    required = check_required(found, headers, schema, name)
    frame = raw.rename(columns={actual: canonical for canonical, actual in found.items()})
    if filters:
        frame = apply_filters(frame, filters, found, name)
    for column in schema.columns:
        if column.name in frame.columns and column.kind in ("count", "number"):
            if frame[column.name].dtype == "float64":  # already parsed by the CSV reader
                values = frame[column.name].astype("Float64")
                # The reader checked the syntax; the range rules still apply to what it read.
                check_range(
                    None,
                    values,
                    source=name,
                    column=found[column.name],
                    count=column.kind == "count",
                )
                frame[column.name] = values
                continue
            frame[column.name] = parse_numbers(
                frame[column.name],
                source=name,
                column=found[column.name],
                allow_percent=column.kind == "number",
                non_negative=column.kind == "count",
            )
    return Loaded(
        frame=frame,
        name=name,
        path=path,
        encoding=used,
        headers=found,
        required=required,
    )


def unit_warnings(headers: Mapping[str, str], schema: Schema, source: str) -> list[str]:
    """A warning for each count or number column whose header gives a multiplier
    (``常住人口（万人）``): its figures are used as written, never multiplied."""
    from jdcli.loading.units import multiplier, split_unit

    warnings = []
    for column in schema.columns:
        header = headers.get(column.name)
        if header is None or column.kind not in ("count", "number"):
            continue
        unit = split_unit(header)[1]
        times = multiplier(unit)
        if times is not None:
            warnings.append(
                f"{source}: column {header} is in {unit} (×{times:,}); its figures are used "
                "as written, not multiplied"
            )
    return warnings


def _numeric_headers(
    source: Source,
    schema: Schema,
    col_map: Mapping[str, str],
    filters: Mapping[str, Sequence[str]],
    delimiter: str | None,
) -> dict[str, bool]:
    """Headers (as written) of the schema's numeric columns, each with whether it must be
    non-negative: the CSV reader may parse these directly. Any doubt gives none, and the
    strict path then reports problems in its usual order. A column used in ``--filter`` is
    compared as written, so it stays text."""
    from jdcli.errors import JdcliError
    from jdcli.loading.table import sniff_delimiter

    head = source.head(65536)
    if b"\n" not in head:
        return {}
    try:
        first_line = head.split(b"\n", 1)[0].decode("utf-8")
    except UnicodeDecodeError:
        return {}
    if '"' in first_line:
        return {}
    sep = delimiter or sniff_delimiter(first_line)
    headers = [h.strip() for h in first_line.split(sep)]
    try:
        found = resolve_columns(headers, schema, source.name, col_map)
    except JdcliError:
        return {}
    filtered = {filter_key(key)[0].casefold() for key in filters}
    numeric = {}
    for column in schema.columns:
        actual = found.get(column.name)
        if actual is None or column.kind not in ("count", "number"):
            continue
        if {column.name.casefold(), actual.strip().casefold()} & filtered:
            continue
        numeric[actual] = column.kind == "count"
    return numeric


#: A filter key ending in this mark excludes its values (``--filter 'COL!=VALUE'``).
NEGATION = "!"


@dataclass(frozen=True)
class Condition:
    """One ``--filter`` condition: the column of the loaded frame, the values compared (as
    written, less surrounding spaces), and whether a row must hold none of them."""

    target: str
    values: frozenset[str]
    negated: bool = False

    def keeps(self, cells: pd.Series) -> pd.Series:
        """Which of ``cells`` (text, stripped) meet the condition; a missing cell holds no
        value, so it passes a negated condition and fails a positive one."""
        hit = cells.isin(self.values).fillna(False).astype(bool)
        return ~hit if self.negated else hit


def filter_key(column: str) -> tuple[str, bool]:
    """A filter's column and whether it is negated: ``机构名称!`` → (``机构名称``, True)."""
    name = column.strip()
    if name.endswith(NEGATION):
        return name[: -len(NEGATION)].strip(), True
    return name, False


def apply_filters(
    frame: pd.DataFrame,
    filters: Mapping[str, Sequence[str]],
    found: Mapping[str, str],
    source: str,
) -> pd.DataFrame:
    """Keep rows whose COL equals one of its VALUEs (values of one column are alternatives,
    different columns must all match) and, for a negated key (``COL!``), holds none of its
    VALUEs. COL may be a canonical name or a header as written."""
    keep = None
    for condition in filter_conditions(frame.columns, filters, found, source):
        match = condition.keeps(frame[condition.target].astype("str").str.strip())
        keep = match if keep is None else keep & match
    return frame if keep is None else frame.loc[keep]


def filter_conditions(
    columns: Iterable[Hashable],
    filters: Mapping[str, Sequence[str]],
    found: Mapping[str, str],
    source: str,
) -> list[Condition]:
    """``--filter`` as conditions that must all hold: a key ``COL`` keeps rows holding one of
    its values, a key ``COL!`` rows holding none of them; a UsageError names a COL that is
    no column of ``source`` (listing the columns as the file names them)."""
    from jdcli.loading.schema import found_columns

    names = [str(c) for c in columns]
    by_key = {name.strip().casefold(): name for name in names}
    original = {canonical.casefold(): canonical for canonical in found}
    original.update({actual.strip().casefold(): canonical for canonical, actual in found.items()})
    conditions = []
    for key_as_given, values in filters.items():
        column, negated = filter_key(key_as_given)
        key = column.casefold()
        target = original.get(key) or by_key.get(key)
        if target is None:
            sign = "!=" if negated else "="
            raise UsageError(
                f"--filter {column}{sign}…: no column {column!r} in {source} "
                f"(found: {found_columns(names, found)})"
            )
        conditions.append(Condition(target, frozenset(v.strip() for v in values), negated))
    return conditions


def drop_incomplete(
    frame: pd.DataFrame, columns: Sequence[str], *, strict: bool, source: str
) -> tuple[pd.DataFrame, int]:
    """Rows with a value in every one of ``columns``, and how many were dropped.

    With ``strict`` a missing value is an InputError naming the first such line instead.
    """
    incomplete = frame[list(columns)].isna().any(axis=1)
    count = int(incomplete.sum())
    if count and strict:
        line = incomplete[incomplete].index[0]
        row = frame.loc[line, list(columns)].isna()
        empty = [c for c in columns if bool(row[c])]
        raise InputError(
            f"{source} line {line}, column {empty[0] if empty else columns[0]}: missing value "
            f"({count} row(s) incomplete; drop --strict to skip them)"
        )
    if not count:
        return frame, 0  # nothing to drop: no copy of a large frame
    return frame.loc[~incomplete], count
