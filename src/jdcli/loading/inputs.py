"""Open what a path holds, told by its content rather than its name: text (CSV, TSV), a
workbook sheet written as CSV text, or a Parquet file as a DataFrame."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jdcli.errors import InputError, UsageError
from jdcli.loading.source import Source, read_bytes, source_from_bytes

if TYPE_CHECKING:
    import pandas as pd

_NOT_TABLES = {
    "encrypted": "a password-protected workbook; save a copy without a password",
    "damaged": "a damaged ZIP archive (a workbook cut short or not saved completely?)",
    "zip": "a ZIP archive that holds no workbook",
}


@dataclass
class Opened:
    """An input ready for the table finder (``source``), or a ``frame`` (Parquet).
    ``header_row``/``header_rows`` are set when the workbook's merged cells decided them;
    ``decided`` holds parts of the load note."""

    source: Source
    path: Path | None
    frame: pd.DataFrame | None = None
    sheet: str | None = None
    header_row: int | None = None
    header_rows: int | None = None
    decided: list[str] = field(default_factory=list)


def open_input(
    location: str | Path,
    encoding: str | None = None,
    sheet: str | None = None,
    name: str | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
) -> Opened:
    """Read ``location`` (a path or ``-``) and open it by what it holds."""
    from jdcli.loading.workbook import WORKBOOK_KINDS, sniff_kind

    label, data, path = read_bytes(location)
    label = name or label
    kind = sniff_kind(data)
    if kind is None:
        if sheet is not None:
            raise UsageError(f"--sheet {sheet}: {label} is not a workbook")
        return Opened(source_from_bytes(label, data, path, encoding), path)
    if kind in _NOT_TABLES:
        raise InputError(f"{label}: {_NOT_TABLES[kind]}")
    if encoding is not None:
        raise UsageError(f"--encoding {encoding}: {label} is a {kind} file, not text")
    if kind == "parquet":
        if sheet is not None:
            raise UsageError(f"--sheet {sheet}: {label} is a Parquet file, not a workbook")
        return Opened(Source(label, data=b"\n"), path, frame=read_parquet(label, data))
    assert kind in WORKBOOK_KINDS
    return _open_sheet(label, data, path, kind, sheet, header_row, header_rows)


def _open_sheet(
    label: str,
    data: bytes,
    path: Path | None,
    kind: str,
    sheet: str | None,
    header_row: int | None,
    header_rows: int | None,
) -> Opened:
    from jdcli.loading.workbook import error_warning, read_sheet
    from jdcli.notes import warn

    read = read_sheet(label, data, kind, sheet, header_row=header_row, header_rows=header_rows)
    message = error_warning(label, read.errors)
    if message is not None:
        warn(message)
    return Opened(
        Source(label, encoding="utf-8", data=read.data),
        path,
        sheet=read.name,
        header_row=read.header_row,
        header_rows=read.header_rows,
        decided=[f"sheet {read.name} (its row numbers are the line numbers here)", *read.decided],
    )


def read_parquet(label: str, data: bytes) -> pd.DataFrame:
    """A Parquet file's columns as a DataFrame; dates as ISO text, as a CSV would hold them."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"{label}: cannot read as Parquet ({reason})") from None
    frame: pd.DataFrame = table.to_pandas()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            moments = pd.to_datetime(values)
            midnight = bool((moments.dropna() == moments.dropna().dt.normalize()).all())
            shown = moments.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S")
            frame[column] = shown.where(moments.notna(), None)
        elif values.dtype == object and len(values.dropna()):
            sample = values.dropna().iloc[0]
            if hasattr(sample, "isoformat"):
                frame[column] = values.map(lambda v: None if v is None else v.isoformat())
    return frame
