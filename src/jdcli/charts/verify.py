"""The claim-check chart: how many claims pass, fail or cannot be checked (failures in red)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jdcli.charts.base import GREY, figure, finish, label

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

STATUSES = (("pass", "#009E73"), ("fail", "#C00000"), ("unverifiable", GREY))


def draw(frame: pd.DataFrame, *, caption: str, title: str | None = None) -> Figure:
    """One bar per status with its count (a status with none still shows, at zero)."""
    counts = frame["status"].astype("str").value_counts() if "status" in frame else None
    fig, (ax,) = figure(1, columns=1, panel_height=1.6)
    names = [name for name, _ in STATUSES][::-1]
    values = [int(counts.get(name, 0)) if counts is not None else 0 for name in names]
    colours = [colour for _, colour in STATUSES][::-1]
    ax.barh(range(len(names)), values, color=colours, height=0.6)
    for y, value in enumerate(values):
        ax.text(value, y, f" {value}", va="center", fontsize=9, fontweight="bold")
    ax.set_yticks(range(len(names)), [label(f"verify.{name}") for name in names])
    ax.set_xlim(0, max([*values, 1]) * 1.15)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(label("verify.axis"))
    ax.grid(axis="y", visible=False)
    finish(fig, title or label("verify.title"), caption)
    return fig
