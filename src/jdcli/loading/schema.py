"""Column schemas: canonical names, their aliases (per command), and how headers are matched."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from jdcli.errors import InputError, UsageError
from jdcli.loading.units import split_unit

Kind = Literal["text", "count", "number", "date"]


@dataclass(frozen=True)
class Column:
    """A canonical column: its name, the headers that mean it, and how its values parse.

    ``count``: a non-negative number, no percent sign; ``number``: any number, ``%`` allowed;
    ``text``: kept exactly as written (keys and labels: ``NA`` may be Namibia, codes keep
    leading zeros); ``date``: kept as text here, parsed where dates are needed.
    """

    name: str
    aliases: tuple[str, ...] = ()
    kind: Kind = "text"
    description: str = ""


@dataclass(frozen=True)
class Schema:
    """The columns a command knows and which sets of them it needs (any one set will do)."""

    columns: tuple[Column, ...]
    required: tuple[tuple[str, ...], ...] = ()
    hint: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _key(header: str) -> str:
    return header.strip().casefold()


def parse_mappings(pairs: Sequence[str], option: str) -> dict[str, str]:
    """``["capacity=床位数"]`` → ``{"capacity": "床位数"}``; a malformed pair is a usage error."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{option} expects NAME=VALUE, got {pair!r}")
        mapping[name.strip()] = value.strip() if option == "--col" else value
    return mapping


def found_columns(columns: Iterable[Hashable], headers: Mapping[str, str]) -> str:
    """The columns of a loaded table named as the file names them, with the canonical name in
    brackets where it differs: ``区 (region), 年份 (period), 备注`` (``no columns`` for none).
    ``headers`` maps canonical names to headers as written; other columns keep their name."""
    shown = []
    for column in map(str, columns):
        written = headers.get(column, column).strip()
        shown.append(written if _key(written) == _key(column) else f"{written} ({column})")
    return ", ".join(shown) if shown else "no columns"


def resolve_columns(
    headers: Sequence[str], schema: Schema, source: str, col_map: Mapping[str, str]
) -> dict[str, str]:
    """Map each canonical column found to its actual header.

    ``--col`` mappings win, then an exact canonical name, then an alias, then a header whose
    name before a bracketed unit is the canonical name or an alias (``床位（张）`` is
    ``capacity``; ``jdcli.loading.units``), then a joined two-row header by its sub-header
    (``2018年-床位`` is ``capacity``). Matching ignores case and surrounding spaces; two
    headers that both mean one column are an error, not a guess.
    """
    by_key = {_key(h): h for h in headers}
    known = {c.name for c in schema.columns}
    found: dict[str, str] = {}
    for canonical, actual in col_map.items():
        if canonical not in known:
            raise UsageError(
                f"--col {canonical}=…: unknown column {canonical!r} "
                f"(known: {', '.join(sorted(known))})"
            )
        if _key(actual) not in by_key:
            raise InputError(
                f"{source}: --col {canonical}={actual}: no column {actual!r} "
                f"(found: {', '.join(headers)})"
            )
        if by_key[_key(actual)] in found.values():
            other = next(k for k, v in found.items() if v == by_key[_key(actual)])
            raise UsageError(f"--col {other} and --col {canonical} both name column {actual!r}")
        found[canonical] = by_key[_key(actual)]
    taken = set(found.values())
    for column in schema.columns:
        if column.name in found:
            continue
        exact = by_key.get(_key(column.name))
        if exact is not None and exact not in taken:
            found[column.name] = exact
            taken.add(exact)
    for column in schema.columns:
        if column.name not in found:
            candidates = [by_key[_key(a)] for a in column.aliases if _key(a) in by_key]
            _take(found, taken, column.name, candidates, source)
    # Last, a header ending in a unit (床位（张）, 常住人口（万人）) by its name before the unit.
    by_name: dict[str, list[str]] = {}
    for header in headers:
        name, unit = split_unit(header)
        if unit is not None:
            by_name.setdefault(_key(name), []).append(header)
    for column in schema.columns:
        if column.name not in found:
            names = (column.name, *column.aliases)
            candidates = [h for a in names for h in by_name.get(_key(a), [])]
            _take(found, taken, column.name, candidates, source)
    # A two-row header joined with "-" (床位情况-核定床位) by its sub-header, with or without a
    # unit, when nothing else means the column.
    by_part: dict[str, list[str]] = {}
    for header in headers:
        if "-" in header.strip("-"):
            part = header.rsplit("-", 1)[1]
            by_part.setdefault(_key(part), []).append(header)
            by_part.setdefault(_key(split_unit(part)[0]), []).append(header)
    for column in schema.columns:
        if column.name not in found:
            names = (column.name, *column.aliases)
            candidates = [h for a in names for h in by_part.get(_key(a), [])]
            _take(found, taken, column.name, candidates, source)
    return found


def _take(
    found: dict[str, str], taken: set[str], name: str, candidates: list[str], source: str
) -> None:
    """Map ``name`` to the one candidate header not yet taken; two of them are an error."""
    matches = list(dict.fromkeys(h for h in candidates if h not in taken))
    if len(matches) > 1:
        raise InputError(
            f"{source}: columns {' and '.join(repr(m) for m in matches)} both mean "
            f"{name}; choose one with --col {name}=NAME"
        )
    if matches:
        found[name] = matches[0]
        taken.add(matches[0])


def check_required(
    found: Mapping[str, str], headers: Sequence[str], schema: Schema, source: str
) -> tuple[str, ...]:
    """The first required set that is complete, or an error listing every missing column."""
    if not schema.required:
        return ()
    for option in schema.required:
        if all(name in found for name in option):
            return option
    best = min(schema.required, key=lambda o: sum(name not in found for name in o))
    missing = [name for name in best if name not in found]
    example = missing[0]
    # The headers as written; those recognised carry their canonical name.
    canonical = {actual: name for name, actual in found.items()}
    shown = ", ".join(
        h if h not in canonical or _key(h) == _key(canonical[h]) else f"{h} ({canonical[h]})"
        for h in headers
    )
    shown = shown or "no columns"
    alternatives = ""
    if len(schema.required) > 1:
        alternatives = " or ".join("+".join(o) for o in schema.required)
        alternatives = f"; needs {alternatives}"
    raise InputError(
        f"{source}: missing column(s) {', '.join(missing)} (found: {shown}){alternatives}; "
        f"map one with --col {example}=NAME"
    )
