"""The choices of ``trends``' options, importable without the engine (the command line
declares its options with them before anything is computed)."""

from __future__ import annotations

from enum import StrEnum


class Compare(StrEnum):
    """Which period a change is measured against."""

    YOY = "yoy"
    PREV = "prev"


class Freq(StrEnum):
    """Frequencies ``freq`` accepts (detected from the labels when not given)."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"
