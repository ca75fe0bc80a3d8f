"""The staffing chart: the ratio per unit as bars (one panel per kind of ratio), the target
as a reference line, shortfalls marked; a before/after pair shows its before value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jdcli.charts.base import GREY, figure, finish, label
from jdcli.charts.occupancy import group_keys, names

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_BARS = 40
SHORT, MEETS = "#D55E00", "#0072B2"


def ratio_columns(frame: pd.DataFrame) -> list[str]:
    """The ratio columns present: share_pct, per_N, caseload."""
    return [
        str(c)
        for c in frame.columns
        if c in ("share_pct", "caseload") or (str(c).startswith("per_") and str(c)[4:].isdigit())
    ]


def axis_label(column: str) -> str:
    """The axis title of a ratio column, with its unit."""
    if column == "share_pct":
        return "Share of the base (%) = staff ÷ base × 100"
    if column == "caseload":
        return "Caseload (base per staff member) = base ÷ staff"
    return f"Staff per {int(column[4:]):,} of the base"


def draw(
    frame: pd.DataFrame, *, caption: str, title: str | None = None, decimals: int = 2
) -> Figure:
    """The figure for a staffing table (``jdcli staffing`` frame, ratio mode)."""
    from jdcli.errors import UsageError

    columns = ratio_columns(frame)
    if not columns:
        raise UsageError("--chart draws a ratio per unit; this table has none (parts mode)")
    keys = [k for k in group_keys(frame) if k not in ("status",)]
    multi_period = "period" in frame.columns and len(frame["period"].unique()) > 1
    shown = names(frame, keys)
    if multi_period:
        shown = shown + " " + frame["period"].astype("str")
    named = frame.assign(_name=shown)
    panels = [c for c in columns if bool(named[c].notna().any())] or columns[:1]
    notes: list[str] = []
    sizes = [int(named[c].notna().sum()) for c in panels]
    height = max(1.6, 0.32 * min(max(sizes), MAX_BARS) + 0.9)
    fig, axes = figure(len(panels), columns=1, panel_height=height)
    for ax, column in zip(axes, panels, strict=True):
        rows = named.loc[named[column].notna() | named.get("status", named[column]).notna()]
        rows = rows.loc[rows[column].notna()] if len(panels) > 1 else rows
        if len(rows) > MAX_BARS:
            notes.append(label("staffing.capped", shown=MAX_BARS, total=len(rows)))
            rows = rows.head(MAX_BARS)
        _bars(ax, rows, column, decimals)
    handles, texts = axes[0].get_legend_handles_labels()
    if "status" in frame.columns and bool(frame["status"].eq("short").any()):
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor=SHORT))
        texts.append(label("staffing.shortfall"))
    if handles:
        fig.legend(handles, texts, loc="upper right", ncols=3, frameon=False, fontsize=8)
    finish(fig, title or label("staffing.title"), caption, notes)
    return fig


def _bars(ax: Axes, rows: pd.DataFrame, column: str, decimals: int) -> None:
    from jdcli.formatting import format_number

    def number(value: float) -> str:
        text = format_number(value, decimals)
        if column == "share_pct":
            return f"{text}%"
        return f"{text} : 1" if column == "caseload" else text

    labels = rows["_name"].tolist()[::-1]
    values = rows[column].astype("float64").tolist()[::-1]
    status = rows["status"].astype("str").tolist()[::-1] if "status" in rows else [""] * len(rows)
    short = rows["shortfall"].tolist()[::-1] if "shortfall" in rows else [None] * len(rows)
    before_column = f"before_{column}"
    before = rows[before_column].astype("float64").tolist()[::-1] if before_column in rows else []
    total = label("total")
    for y, (name, value, state) in enumerate(zip(labels, values, status, strict=True)):
        if value != value:
            gap = short[y]
            more = (
                f"  ({label('staffing.short', n=format_number(float(gap), 0))})"
                if gap is not None and gap == gap and gap > 0
                else ""
            )
            ax.text(
                0,
                y,
                f" {label('staffing.undefined')}{more}",
                va="center",
                fontsize=8,
                color=SHORT if more else GREY,
            )
            continue
        is_total = name.split(" ")[0] == total
        colour = SHORT if state == "short" else MEETS
        ax.barh(
            y,
            value,
            height=0.65,
            color=colour,
            hatch="//" if is_total else None,
            edgecolor="white" if is_total else None,
        )
        text = f" {number(value)}"
        gap = short[y]
        if state == "short" and gap is not None and gap == gap:
            text += f"  ({label('staffing.short', n=format_number(float(gap), 0))})"
        ax.text(
            value, y, text, va="center", fontsize=8, color=SHORT if state == "short" else "#222222"
        )
    if before:
        ys = [y for y, b in enumerate(before) if b == b]
        ax.plot(
            [before[y] for y in ys],
            ys,
            linestyle="none",
            marker="D",
            color="#333333",
            markerfacecolor="white",
            label=label("staffing.before"),
        )
        for y in ys:
            ax.text(
                before[y],
                y + 0.34,
                f"{label('staffing.before')} {number(before[y])}",
                ha="left",
                va="bottom",
                fontsize=7,
                color="#333333",
            )
    if "target" in rows and bool(rows["target"].notna().any()):
        target = float(rows["target"].dropna().iloc[0])
        rule = "≤" if column == "caseload" else "≥"
        ax.axvline(
            target,
            color="#000000",
            linewidth=1.2,
            linestyle="--",
            label=label("staffing.target", text=f"{rule} {number(target).strip()}"),
        )
    ax.set_yticks(list(range(len(labels))), labels)
    highest = max([v for v in values + before if v == v] or [1.0])
    if "target" in rows and bool(rows["target"].notna().any()):
        highest = max(highest, float(rows["target"].dropna().iloc[0]))
    ax.set_xlim(0, highest * 1.3)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_xlabel(axis_label(column))
    ax.grid(axis="y", visible=False)
