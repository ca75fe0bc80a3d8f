"""A data package inferred from plain files: each file assigned to the command whose columns
it fits, for ``jdcli report FOLDER`` without datapackage.json and ``jdcli report FILE …``.

The columns are matched as every command matches them (aliases, units in headers, ``--col``
is not available here); the first command a file fits, in the order claims (verify),
occupancy, staffing, trends, is the one it feeds. ``package_descriptor`` is what
``jdcli report --init`` writes: titles, the command per resource, units, and an empty
``polarity`` for the user to fill.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jdcli.errors import JdcliError, UsageError

if TYPE_CHECKING:
    from jdcli.loading import Loaded

#: Columns of a trends file that are not figures (no polarity to fill in for them).
KEYS = ("period", "metric", "unit", "region", "note", "reported_since")
#: File name endings read as tables.
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class Assignment:
    """A file, the command it fits (None: none), and the columns that decided it (as the file
    names them), or why it fits none."""

    path: Path
    command: str | None
    reason: str
    #: (header as written, canonical name or None) of each column of the file.
    fields: tuple[tuple[str, str | None], ...] = ()


def table_files(folder: Path) -> list[Path]:
    """The CSV/TSV files directly in ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)


def assign(path: Path) -> Assignment:
    """The command ``path`` fits, tried in order: claims, occupancy, staffing, trends."""
    from jdcli.analyses.staffing_spec import BASES, NUMERATORS
    from jdcli.loading.schemas import CLAIMS, OCCUPANCY, STAFFING, TRENDS

    def shown(loaded: Loaded, names: list[str]) -> str:
        return ", ".join(loaded.headers.get(n, n) for n in names)

    def fitted(loaded: Loaded, command: str, reason: str) -> Assignment:
        fields = tuple(
            (loaded.headers.get(c, c), c if c in loaded.headers else None)
            for c in map(str, loaded.frame.columns)
        )
        return Assignment(path, command, reason, fields)

    loaded = _try(path, CLAIMS)
    if loaded is not None:
        return fitted(loaded, "verify", f"claims: {shown(loaded, list(loaded.required))}")
    loaded = _try(path, OCCUPANCY)
    if loaded is not None:
        return fitted(loaded, "occupancy", f"beds: {shown(loaded, list(loaded.required))}")
    loaded = _try(path, STAFFING)
    if loaded is not None:
        staff = [n for n in NUMERATORS if n in loaded.frame.columns]
        base = [n for n in BASES if n in loaded.frame.columns]
        if staff and base:
            return fitted(loaded, "staffing", f"staff and base: {shown(loaded, staff + base)}")
    loaded = _try(path, TRENDS)
    if loaded is not None:
        return fitted(loaded, "trends", f"series over {shown(loaded, ['period'])}")
    return Assignment(path, None, "its columns fit no command (see each command's input columns)")


def _try(path: Path, schema: Any) -> Loaded | None:
    """``path`` loaded against ``schema``, or None when it does not fit; the notes loading
    makes are dropped (the command that reads the file makes them again)."""
    from jdcli.loading import load
    from jdcli.notes import collecting

    try:
        with collecting():
            return load(path, schema)
    except JdcliError:
        return None


def package_descriptor(name: str, folder: Path, assignments: list[Assignment]) -> dict[str, Any]:
    """A datapackage.json for the files assigned a command (paths relative to ``folder``)."""
    from jdcli.loading.units import split_unit

    resources = []
    for item in assignments:
        if item.command is None:
            continue
        fields = []
        for header, canonical in item.fields:
            spec: dict[str, Any] = {"name": header}
            unit = split_unit(header)[1]
            if unit is not None:
                spec["unit"] = unit
            if item.command == "trends" and canonical not in KEYS:
                # Which way is good is the user's to say: up-is-good or down-is-good.
                spec["polarity"] = ""
            fields.append(spec)
        jd: dict[str, Any] = {"command": item.command}
        try:
            relative = item.path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            relative = str(item.path.resolve())
        resources.append(
            {
                "name": _resource_name(item.path),
                "path": relative,
                "title": item.path.stem,
                "format": item.path.suffix.lstrip(".").lower() or "csv",
                "jdcli": jd,
                "schema": {"fields": fields},
            }
        )
    return {
        "profile": "data-package",
        "name": _resource_name(Path(name)),
        "title": name,
        "resources": resources,
    }


def _resource_name(path: Path) -> str:
    """A Frictionless name: lower case, digits, ``-_.``; other characters kept (Chinese file
    names stay readable)."""
    stem = path.stem if path.suffix else path.name
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in stem.lower()) or "data"


def infer(paths: list[Path], folder: Path, name: str) -> tuple[dict[str, Any], list[Assignment]]:
    """The inferred package of ``paths`` and each file's assignment."""
    if not paths:
        raise UsageError(f"{folder}: no CSV or TSV files and no datapackage.json")
    assignments = [assign(path) for path in paths]
    return package_descriptor(name, folder, assignments), assignments
