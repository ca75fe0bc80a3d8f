"""What every analysis takes: a source (a path, a DataFrame or the bundled data), the column
mapping (``--col``) and filters (``--filter``), and names of columns given by the user."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from jdcli.errors import UsageError
from jdcli.notes import warn

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.loading import Loaded, Schema

#: A path (``"-"`` for stdin), several paths (read as one table), a pandas DataFrame, or
#: None for the bundled data.
Source: TypeAlias = (
    "str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | pd.DataFrame | None"
)
#: ``{column: value}`` or ``{column: [values]}``: rows whose column holds one of the values;
#: ``{"column!": value}``: rows whose column holds none of them.
Filters: TypeAlias = "Mapping[str, str | Sequence[str]] | None"


def filter_map(filters: Filters) -> dict[str, list[str]]:
    """Filters as ``{column: [values]}`` (one value or several alternatives per column); a
    column ending in ``!`` (``{"机构名称!": "合计"}``) keeps the rows holding none of them."""
    from jdcli.loading import filter_key

    result: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        if not filter_key(str(name))[0]:
            raise UsageError("a filter needs a column name")
        listed = [values] if isinstance(values, str) else [str(v) for v in values]
        result.setdefault(str(name).strip(), []).extend(listed)
    return result


def column_map(columns: Mapping[str, str] | None) -> dict[str, str]:
    """``{canonical: actual}`` with names trimmed (``--col CANONICAL=ACTUAL``)."""
    result = {}
    for canonical, actual in (columns or {}).items():
        if not str(canonical).strip():
            raise UsageError(f"--col expects NAME=VALUE, got {canonical!r}={actual!r}")
        result[str(canonical).strip()] = str(actual).strip()
    return result


def is_path(source: Any) -> bool:
    """Whether ``source`` names a file (a str or an ``os.PathLike``)."""
    return isinstance(source, str | os.PathLike)


def load_source(
    source: Source,
    schema: Schema,
    command: str,
    *,
    columns: Mapping[str, str] | None = None,
    filters: Filters = None,
    encoding: str | None = None,
    sheet: str | None = None,
    skip: int | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Loaded:
    """Load ``source`` (or ``command``'s bundled resource when it is None; several paths as
    one table, :mod:`jdcli.loading.many`) against ``schema``,
    with the column mapping and filters applied; a warning for each count whose header gives
    a multiplier (``常住人口（万人）``). ``sheet`` (a workbook's), ``skip``, ``header_row`` and
    ``header_rows`` say where the table is (:func:`jdcli.loading.load`)."""
    from jdcli.loading import load, load_frame, unit_warnings

    col_map, wanted = column_map(columns), filter_map(filters)
    # A file of the user's, read with the layout options (the bundled one is read plainly).
    read = functools.partial(
        load,
        schema=schema,
        col_map=col_map,
        filters=wanted,
        encoding=encoding,
        sheet=sheet,
        skip=skip,
        header_row=header_row,
        header_rows=header_rows,
    )
    if source is None:
        from jdcli.datasets import default_resource

        resource = default_resource(command)
        loaded = load(
            resource.path,
            schema,
            col_map=col_map,
            filters=wanted,
            encoding=encoding,
            name=resource.label,
        )
    elif isinstance(source, list | tuple):
        if not source:
            raise UsageError("no files given")
        from jdcli.loading.many import combine

        seen: set[str] = set()
        for path in source:
            if os.fspath(path) in seen:
                raise UsageError(f"{os.fspath(path)} is given twice: its rows would count twice")
            seen.add(os.fspath(path))

        parts = [read(os.fspath(path)) for path in source]
        loaded = parts[0] if len(parts) == 1 else combine(parts)
    elif isinstance(source, str | os.PathLike):
        loaded = read(os.fspath(source), progress=progress)
    else:
        if (sheet, skip, header_row, header_rows) != (None, None, None, None):
            raise UsageError(
                "sheet, skip, header_row and header_rows apply to files, not DataFrames"
            )
        loaded = load_frame(cast("pd.DataFrame", source), schema, col_map=col_map, filters=wanted)
    for message in unit_warnings(loaded.headers, schema, loaded.name):
        warn(message)
    return loaded


def resolve_names(
    names: Sequence[str],
    loaded: Loaded,
    option: str,
    *,
    reserved: Mapping[str, str] | None = None,
) -> list[str]:
    """Column names given by the user (canonical or as written) → frame columns.

    For ``--by``, a column of numbers the command adds up, or one of ``reserved`` (column →
    what it is, e.g. the period axis), is a usage error: it cannot also be a grouping key.
    """
    import pandas as pd

    from jdcli.loading.schema import found_columns

    found = {str(c).strip().casefold(): str(c) for c in loaded.frame.columns}
    for canonical, actual in loaded.headers.items():
        found[actual.strip().casefold()] = canonical
    resolved = []
    for name in names:
        target = found.get(name.strip().casefold())
        if target is None:
            raise UsageError(
                f"{option} {name}: no column {name!r} in {loaded.name} "
                f"(found: {found_columns(loaded.frame.columns, loaded.headers)})"
            )
        if option == "--by":
            reason = (reserved or {}).get(target)
            if reason is None and pd.api.types.is_numeric_dtype(loaded.frame[target].dtype):
                reason = "a column of numbers that are added up"
            if reason is not None:
                raise UsageError(f"--by {name}: {target} is {reason}, not a grouping key")
        resolved.append(target)
    return resolved
