"""Colours with a meaning for table views: status words and changes by the metric's polarity.

Styles are rich colour names only (no bold or reverse), so ``NO_COLOR`` leaves no code of
them; machine formats never see them. A table renderer applies them to the cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: Rendered with this style when a change goes the desirable / undesirable way.
GOOD_STYLE, BAD_STYLE = "green", "red"
#: Change columns coloured by the metric's polarity.
CHANGE_COLUMNS = (
    "change",
    "change_pct",
    "change_pp",
    "cumulative_change_pct",
    "total_change_pct",
    "cagr_pct",
    "avg_annual_change_pct",
)

#: Status columns (as the table views name them) → word → style: occupancy bands, verify
#: status, staffing status against a target.
STATUS_STYLES: Mapping[str, Mapping[str, str]] = {
    "band": {"normal": "green", "high": "yellow", "critical": "red", "over": "magenta"},
    "status": {
        "pass": "green",
        "fail": "red",
        "unverifiable": "yellow",
        "meets": "green",
        "short": "red",
    },
}


def status_styles(frame: pd.DataFrame) -> dict[str, list[str | None]]:
    """A style per cell of each status column of ``frame`` (None for another word)."""
    styles: dict[str, list[str | None]] = {}
    for column in frame.columns:
        words = STATUS_STYLES.get(str(column))
        if words is not None:
            styles[str(column)] = [
                words.get(value.strip()) if isinstance(value, str) else None
                for value in frame[column]
            ]
    return styles


def polarity_styles(
    table: pd.DataFrame, polarity: Mapping[str, str]
) -> dict[str, list[str | None]]:
    """Colours for the change columns: green where the change goes the desirable way for its
    metric, red where it does not; nothing for a metric without a stated direction."""
    import pandas as pd

    if not polarity:
        return {}
    metric = table["metric"] if "metric" in table.columns else None
    direction: list[Any] = [
        {"down-is-good": -1, "up-is-good": 1}.get(
            polarity.get(str(m), polarity.get("value", "")), 0
        )
        for m in (metric if metric is not None else [None] * len(table))
    ]
    styles: dict[str, list[str | None]] = {}
    for column in CHANGE_COLUMNS:
        if column not in table.columns:
            continue
        cells: list[str | None] = []
        for sign, value in zip(direction, table[column], strict=True):
            if not sign or pd.isna(value) or value == 0:
                cells.append(None)
            else:
                cells.append(GOOD_STYLE if (value > 0) == (sign > 0) else BAD_STYLE)
        styles[column] = cells
    return styles


def cell_styles(
    frame: pd.DataFrame, given: Mapping[str, Sequence[str | None]]
) -> dict[str, Sequence[str | None]]:
    """The styles a table view draws: the status words', then those ``given`` (which win)."""
    return {**status_styles(frame), **given}
