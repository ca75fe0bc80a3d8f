"""The structure of a report: the key figures panel and one section per command."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Columns of the headline panel, in order.
HEADLINE_COLUMNS = (
    "section",
    "figure",
    "period",
    "value",
    "unit",
    "change",
    "change_unit",
    "direction",
    "note",
)


@dataclass(frozen=True)
class Section:
    """One section: its table and definition line, or the reason it was skipped.

    ``frame`` is the command's result (JSON writes it as the machine formats do);
    ``people``, when given, is the command's own view of it for people (tables and Markdown);
    ``polarity``, each metric's desirable direction (trends), colours its changes in tables.
    """

    key: str
    title: str
    frame: pd.DataFrame | None
    caption: str
    decimals: int = 2
    skipped: str = ""
    people: pd.DataFrame | None = None
    polarity: Mapping[str, str] = field(default_factory=dict)

    @property
    def shown(self) -> pd.DataFrame | None:
        """What tables and Markdown show."""
        return self.frame if self.people is None else self.people


@dataclass(frozen=True)
class Report:
    """The whole report: what it covers, the key figures, then the sections in order."""

    title: str
    dataset: str
    source: str
    headline: pd.DataFrame
    sections: tuple[Section, ...] = field(default_factory=tuple)
