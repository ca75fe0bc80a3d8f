"""Warnings and notes of an analysis: data on its result, shown to people only by a face.

An analysis calls :func:`warn` or :func:`note`; whoever runs it opens :func:`collecting` and
gets the notes as a list (the Python API puts them on the :class:`~jdcli.result.Result`); the
command line also passes ``echo``, which prints each one on stderr as it comes, so a long run
says what it found before it ends and a note made before an error is printed before it.
Outside :func:`collecting`, notes go nowhere: the library never prints.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

Level = Literal["Warning", "Note"]


@dataclass(frozen=True)
class Note:
    """One message for people: ``Warning`` (a figure may be wrong or was left out) or
    ``Note`` (how a figure was made)."""

    level: Level
    text: str

    def __str__(self) -> str:
        return f"{self.level}: {self.text}"


_SINKS: ContextVar[tuple[tuple[list[Note], Callable[[Note], None] | None], ...]] = ContextVar(
    "jdcli_note_sinks", default=()
)


def active() -> bool:
    """Whether someone is collecting notes."""
    return bool(_SINKS.get())


def warn(text: str) -> None:
    """Record a warning for whoever is collecting."""
    _record(Note("Warning", text))


def note(text: str) -> None:
    """Record a note for whoever is collecting."""
    _record(Note("Note", text))


def _record(item: Note) -> None:
    sinks = _SINKS.get()
    if not sinks:
        return
    found, echo = sinks[-1]
    found.append(item)
    if echo is not None:
        echo(item)


@contextlib.contextmanager
def collecting(echo: Callable[[Note], None] | None = None) -> Iterator[list[Note]]:
    """Collect the notes recorded inside the block (the innermost block gets them), each
    passed to ``echo`` too when given."""
    found: list[Note] = []
    token = _SINKS.set((*_SINKS.get(), (found, echo)))
    try:
        yield found
    finally:
        _SINKS.reset(token)
