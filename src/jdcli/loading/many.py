"""Several files read as one table (``jdcli occupancy 2018-01.csv 2018-02.xlsx …``): each is
loaded on its own (its header found, its numbers checked, its messages naming it), then the
rows are put together when the columns of every file resolve to the same canonical names.
Each row keeps its file and line (:class:`Line`), so a message about it names both."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from jdcli.errors import InputError

if TYPE_CHECKING:
    from jdcli.loading import Loaded


class Line(int):
    """A row's line number that knows its file: ``f"{line}"`` is ``5 of b.csv``, so that
    ``f"{name} line {line}"`` names the file the row came from."""

    file: str

    def __new__(cls, number: int, file: str) -> Line:
        line = super().__new__(cls, number)
        line.file = file
        return line

    def __str__(self) -> str:
        return f"{int(self)} of {self.file}"

    __repr__ = __str__

    # Lines of different files are different rows: the frame's index stays unique.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Line):
            return int(self) == int(other) and self.file == other.file
        return int(self) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((int(self), self.file))

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(int(self), spec)

    def __reduce__(self) -> tuple[Callable[[int, str], Line], tuple[int, str]]:
        return (Line, (int(self), self.file))


def combined_name(names: Sequence[str]) -> str:
    """How messages name files read together: ``a.csv + b.csv``, or the first and the last
    with the count (``2018-01.csv … 2018-12.csv (12 files)``)."""
    if len(names) <= 2:
        return " + ".join(names)
    return f"{names[0]} … {names[-1]} ({len(names)} files)"


def combine(parts: Sequence[Loaded]) -> Loaded:
    """``parts`` (loaded from several files) as one table, or an InputError naming the first
    file whose columns differ from the first file's."""
    import pandas as pd

    from jdcli.loading import Loaded

    first = parts[0]
    wanted = list(first.frame.columns)
    for part in parts[1:]:
        if part.frame.empty:
            continue
        if set(part.frame.columns) != set(wanted):
            missing = [c for c in wanted if c not in part.frame.columns]
            extra = [c for c in part.frame.columns if c not in wanted]
            said = []
            if missing:
                said.append(f"no {', '.join(map(str, missing))}")
            if extra:
                said.append(f"also {', '.join(map(str, extra))}")
            raise InputError(
                f"{part.name}: its columns differ from {first.name}'s ({'; '.join(said)}); "
                "files read together must have the same columns"
            )
    labels = [Line(int(line), part.name) for part in parts for line in part.frame.index]
    frame = pd.concat([part.frame[wanted] for part in parts], ignore_index=True)
    # set after concat, which would infer int64 from the labels and lose their files
    frame = frame.set_axis(pd.Index(labels, dtype=object), axis=0)
    for column in wanted:
        kinds = {str(p.frame[column].dtype) for p in parts}
        if len(kinds) == 1 and str(frame[column].dtype) != kinds.pop():
            frame[column] = frame[column].astype(first.frame[column].dtype)
    headers = dict(first.headers)
    name = combined_name([p.name for p in parts])
    same = all(p.title == first.title and p.unit_line == first.unit_line for p in parts)
    return Loaded(
        frame=frame,
        name=name,
        path=None,
        encoding=first.encoding,
        headers=headers,
        required=first.required,
        title=first.title if same else None,
        unit_line=first.unit_line if same else None,
        notes_text=first.notes_text
        if all(p.notes_text == first.notes_text for p in parts)
        else None,
    )
