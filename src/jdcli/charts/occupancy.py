"""The occupancy chart: one bar per group against the band limits (reference lines), over
100% plainly past the full line; several periods as small multiples, many as a line per group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jdcli.charts.base import GREY, PALETTE, figure, finish, label

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Up to this many periods are small multiples (a panel each); more are lines over time.
PANELS_UP_TO = 4
#: At most this many bars in a panel, or lines in the line chart.
MAX_GROUPS = 40
MAX_LINES = 10
BAND_COLOURS = {"normal": "#56B4E9", "high": "#E69F00", "critical": "#D55E00", "over": "#8B0000"}
NOT_KEYS = {"period", "band", "explain", "flag", "note"}


def group_keys(frame: pd.DataFrame) -> list[str]:
    """The text columns naming a group (facility, region, --by columns)."""
    import pandas as pd

    return [
        str(c)
        for c in frame.columns
        if c not in NOT_KEYS
        and not pd.api.types.is_numeric_dtype(frame[c].dtype)
        and not pd.api.types.is_bool_dtype(frame[c].dtype)
    ]


def names(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """Each row's group name (its key values joined); ``Total`` for the total row."""
    import pandas as pd

    if not keys:
        return pd.Series(label("total"), index=frame.index)
    return frame[list(keys)].fillna("—").astype("str").agg(" · ".join, axis=1)


def draw(
    frame: pd.DataFrame,
    *,
    caption: str,
    bands: tuple[float, float, float] = (85.0, 92.0, 100.0),
    title: str | None = None,
    decimals: int = 1,
) -> Figure:
    """The figure for an occupancy table (``jdcli occupancy`` frame)."""
    keys = group_keys(frame)
    named = frame.assign(_name=names(frame, keys))
    periods = list(dict.fromkeys(named["period"].astype("str"))) if "period" in named else [""]
    notes: list[str] = []
    if len(periods) > PANELS_UP_TO:
        fig = _lines(named, periods, bands, notes)
    else:
        fig, axes = figure(len(periods), columns=1, panel_height=_height(named, periods))
        for ax, period in zip(axes, periods, strict=True):
            rows = named if period == "" else named.loc[named["period"].astype("str").eq(period)]
            if len(rows) > MAX_GROUPS:
                notes.append(label("occupancy.capped", shown=MAX_GROUPS, total=len(rows)))
                rows = rows.head(MAX_GROUPS)
            _bars(ax, rows, bands, decimals)
            if period:
                ax.set_title(period, loc="left")
        handles, texts = axes[0].get_legend_handles_labels()
        fig.legend(handles, texts, loc="upper right", ncols=3, frameon=False, fontsize=8)
    finish(fig, title or label("occupancy.title"), caption, notes)
    return fig


def _height(frame: pd.DataFrame, periods: list[str]) -> float:
    per_panel = len(frame) / max(1, len(periods))
    return max(1.6, 0.32 * min(per_panel, MAX_GROUPS) + 0.9)


def _bars(ax: Axes, rows: pd.DataFrame, bands: tuple[float, float, float], decimals: int) -> None:
    from jdcli.formatting import format_number

    labels = rows["_name"].tolist()[::-1]
    values = rows["occupancy_pct"].astype("float64").tolist()[::-1]
    band = rows["band"].astype("str").tolist()[::-1] if "band" in rows else ["normal"] * len(rows)
    positions = list(range(len(labels)))
    total = label("total")
    for y, name, value, kind in zip(positions, labels, values, band, strict=True):
        if value != value:  # undefined (no capacity): no bar, and say so
            ax.text(0.5, y, label("occupancy.undefined"), va="center", fontsize=8, color=GREY)
            continue
        is_total = name == total or name.endswith(total)
        ax.barh(
            y,
            value,
            color=BAND_COLOURS.get(kind, GREY),
            height=0.65,
            hatch="//" if is_total else None,
            edgecolor="white" if is_total else None,
        )
        ax.text(
            value,
            y,
            f" {format_number(value, decimals)}%",
            va="center",
            fontsize=8,
            fontweight="bold" if value > bands[2] else None,
        )
    ax.set_yticks(positions, labels)
    highest = max([v for v in values if v == v] or [0.0])
    ax.set_xlim(0, max(bands[2] * 1.12, highest * 1.12))
    ax.set_ylim(-0.6, len(labels) - 0.4)
    for (name, limit), colour in zip(
        (("high", bands[0]), ("critical", bands[1]), ("full", bands[2])),
        ("#E69F00", "#D55E00", "#000000"),
        strict=True,
    ):
        ax.axvline(
            limit,
            color=colour,
            linewidth=1,
            linestyle="--" if name != "full" else "-",
            label=label("occupancy.band", name=name, limit=limit),
        )
    ax.set_xlabel(label("occupancy.axis"))
    ax.grid(axis="y", visible=False)


def _lines(
    named: pd.DataFrame, periods: list[str], bands: tuple[float, float, float], notes: list[str]
) -> Figure:
    from jdcli.charts.trends import runs
    from jdcli.metrics.trends import parse_periods

    fig, (ax,) = figure(1, columns=1, panel_height=4.0)
    ordinal, _ = parse_periods(named["period"].astype("str").reset_index(drop=True))
    work = named.assign(_ordinal=ordinal.astype("int64").to_numpy())
    groups = list(dict.fromkeys(work["_name"]))
    if len(groups) > MAX_LINES:
        notes.append(label("occupancy.capped", shown=MAX_LINES, total=len(groups)))
        groups = groups[:MAX_LINES]
    for number, group in enumerate(groups):
        rows = work.loc[work["_name"].eq(group) & work["occupancy_pct"].notna()]
        rows = rows.sort_values("_ordinal")
        xs, ys = rows["_ordinal"].tolist(), rows["occupancy_pct"].astype("float64").tolist()
        colour = "#333333" if group == label("total") else PALETTE[number % len(PALETTE)]
        for part, run in enumerate(runs(xs)):
            ax.plot(
                [xs[i] for i in run],
                [ys[i] for i in run],
                color=colour,
                marker="o",
                markersize=3,
                gid=f"g{number}-run{part}",
            )
        ax.plot([], [], color=colour, label=group)
    for name, limit in (("high", bands[0]), ("critical", bands[1]), ("full", bands[2])):
        ax.axhline(
            limit,
            color=GREY if name != "full" else "#000000",
            linewidth=0.9,
            linestyle="--" if name != "full" else "-",
        )
        ax.text(
            1.0,
            limit,
            f" {label('occupancy.band', name=name, limit=limit)}",
            fontsize=7,
            transform=ax.get_yaxis_transform(),
            va="center",
        )
    ax.legend(loc="lower left", frameon=False, ncols=2)
    ticks = work.drop_duplicates("_ordinal").sort_values("_ordinal")
    step = max(1, -(-len(ticks) // 12))
    ax.set_xticks(
        ticks["_ordinal"].tolist()[::step], ticks["period"].astype("str").tolist()[::step]
    )
    ax.set_ylim(0, max(bands[2] * 1.1, float(work["occupancy_pct"].max(skipna=True) or 0) * 1.1))
    ax.set_ylabel(label("occupancy.axis"))
    ax.set_xlabel(label("axis.period", freq="in order"))
    return fig
