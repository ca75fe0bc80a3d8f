"""The trends chart: each series' level over time, one panel per unit (and frequency).

A gap in the periods breaks the line (never bridged); a chained index or a derived level is
drawn dashed with hollow markers, a stated level solid with filled ones; the x axis is the
periods in order (their ordinal), labelled as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jdcli.charts.base import GREY, PALETTE, figure, finish, label

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: More series than this in one unit → one panel per series (small multiples).
LINES_PER_PANEL = 6
#: At most this many panels; the rest is left out with a note.
MAX_PANELS = 12
#: Flags of values that are not stated levels, and how each is drawn.
CHAINED = ("index base", "chained")
DERIVED = ("derived",)

FREQ_NAMES = {
    "year": "year",
    "half": "half-year",
    "quarter": "quarter",
    "month": "month",
    "day": "day",
}


def series_keys(frame: pd.DataFrame) -> list[str]:
    """The columns naming a series: those before ``unit``/``period`` (``metric`` and --by)."""
    keys = []
    for column in frame.columns:
        if column in ("unit", "period"):
            break
        keys.append(str(column))
    return keys


def points(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """One row per (series, period) with a level: ``series``, ``unit``, ``period``, ``ordinal``,
    ``freq``, ``value``, ``kind`` (stated, chained or derived)."""
    import pandas as pd

    from jdcli.metrics.trends import parse_periods

    rows = frame.loc[frame["value"].notna() & frame["period"].notna()]
    if rows.empty:
        return pd.DataFrame(
            columns=["series", "unit", "period", "ordinal", "freq", "value", "kind"]
        )
    # Rows whose period is no single period ("since 2016") have no level: already left out.
    ordinal, freq = parse_periods(rows["period"].astype("str").reset_index(drop=True))
    name = (
        rows[list(keys)].astype("str").agg(" · ".join, axis=1)
        if keys
        else pd.Series("value", index=rows.index)
    )
    flag = rows["flag"].astype("str") if "flag" in rows.columns else pd.Series("", index=rows.index)
    kind = flag.map(
        lambda f: "chained" if f in CHAINED else "derived" if f in DERIVED else "stated"
    )
    unit = rows["unit"].fillna("").astype("str") if "unit" in rows.columns else ""
    return pd.DataFrame(
        {
            "series": name.to_numpy(),
            "unit": unit.to_numpy() if not isinstance(unit, str) else unit,
            "period": rows["period"].astype("str").to_numpy(),
            "ordinal": ordinal.astype("int64").to_numpy(),
            "freq": freq.astype("str").to_numpy(),
            "value": rows["value"].astype("float64").to_numpy(),
            "kind": kind.to_numpy(),
        }
    ).sort_values(["series", "ordinal"], kind="stable")


def runs(ordinals: Sequence[int]) -> list[list[int]]:
    """Positions of consecutive periods: a gap in the ordinals starts a new run."""
    found: list[list[int]] = []
    for position, value in enumerate(ordinals):
        if found and value == ordinals[found[-1][-1]] + 1:
            found[-1].append(position)
        else:
            found.append([position])
    return found


def draw(
    frame: pd.DataFrame,
    *,
    caption: str,
    keys: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """The figure for a trends table (``jdcli trends`` frame, summary or not)."""
    data = points(frame, series_keys(frame) if keys is None else keys)
    if data.empty:
        from jdcli.errors import UsageError

        raise UsageError("--chart: no series has a level for a period; nothing to draw")
    panels = []
    for (unit, freq), group in data.groupby(["unit", "freq"], sort=False):
        names = list(dict.fromkeys(group["series"]))
        if len(names) > LINES_PER_PANEL:
            panels += [(str(unit), str(freq), [n]) for n in names]
        else:
            panels.append((str(unit), str(freq), names))
    total = len(panels)
    notes = []
    if total > MAX_PANELS:
        notes.append(label("trends.capped", shown=MAX_PANELS, total=total))
        panels = panels[:MAX_PANELS]
    skipped = _no_period(frame)
    if skipped:
        notes.append(label("trends.no_period", names=", ".join(skipped)))
    fig, axes = figure(len(panels), columns=1 if len(panels) == 1 else 2)
    every = dict.fromkeys(data["series"])
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(every)}
    kinds_seen: set[str] = set()
    for ax, (unit, freq, names) in zip(axes, panels, strict=True):
        for name in names:
            rows = data.loc[data["series"].eq(name) & data["unit"].eq(unit) & data["freq"].eq(freq)]
            kinds_seen |= set(rows["kind"])
            _draw_series(ax, rows, name, colours[name], f"s{list(colours).index(name)}")
        _axes(ax, data.loc[data["unit"].eq(unit) & data["freq"].eq(freq)], unit, freq, names)
    _style_legend(fig, kinds_seen)
    finish(fig, title or label("trends.title"), caption, notes)
    return fig


def _no_period(frame: pd.DataFrame) -> list[str]:
    """Series with no level in any period (an average annual change, a multiple)."""
    keys = series_keys(frame)
    if not keys or "value" not in frame.columns:
        return []
    names = frame[keys].astype("str").agg(" · ".join, axis=1)
    has_level = names.loc[frame["value"].notna()]
    return list(dict.fromkeys(names.loc[~names.isin(has_level)]))


def _draw_series(ax: Axes, rows: pd.DataFrame, name: str, colour: str, gid: str) -> None:
    ordinals = rows["ordinal"].tolist()
    values = rows["value"].tolist()
    kinds = rows["kind"].tolist()
    for number, run in enumerate(runs(ordinals)):
        xs = [ordinals[i] for i in run]
        ys = [values[i] for i in run]
        stated = [kinds[i] == "stated" for i in run]
        if len(run) > 1:
            # One line per run (a gap is a break); dashed between values not both stated.
            for step in range(len(run) - 1):
                solid = stated[step] and stated[step + 1]
                ax.plot(
                    xs[step : step + 2],
                    ys[step : step + 2],
                    color=colour,
                    linewidth=1.8,
                    linestyle="-" if solid else "--",
                    gid=f"{gid}-run{number}-{step}",
                )
        for x, y, kind, is_stated in zip(xs, ys, [kinds[i] for i in run], stated, strict=True):
            ax.plot(
                [x],
                [y],
                marker="s" if kind == "derived" else "o",
                markersize=6,
                color=colour,
                markerfacecolor=colour if is_stated else "white",
                markeredgewidth=1.5,
                linestyle="none",
            )
    ax.plot([], [], color=colour, linewidth=1.8, label=name)


def _axes(ax: Axes, rows: pd.DataFrame, unit: str, freq: str, names: list[str]) -> None:
    ticks = rows.drop_duplicates("ordinal").sort_values("ordinal")
    step = max(1, -(-len(ticks) // 10))
    ax.set_xticks(ticks["ordinal"].tolist()[::step], ticks["period"].tolist()[::step])
    low, high = int(ticks["ordinal"].min()), int(ticks["ordinal"].max())
    ax.set_xlim(low - 0.5, high + 0.5)
    ax.set_xlabel(label("axis.period", freq=FREQ_NAMES.get(freq, freq)))
    name = unit or label("trends.value")
    # A short unit (个, %) reads better upright than turned on its side.
    ax.set_ylabel(
        name, rotation=0 if len(name) <= 3 else 90, ha="right" if len(name) <= 3 else "center"
    )
    if unit.startswith("index"):
        ax.axhline(100, color=GREY, linewidth=0.8, linestyle=":")
    ax.set_title(names[0] if len(names) == 1 else unit or label("trends.value"), loc="left")
    if len(names) > 1:
        ax.legend(loc="best", frameon=False)


def _style_legend(fig: Figure, kinds: set[str]) -> None:
    """A legend of how stated, chained and derived values are drawn (those present)."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            color="#333333",
            linestyle="solid" if style == "solid" else "dashed",
            marker=marker,
            markerfacecolor=face,
            label=label(f"trends.{kind}"),
        )
        for kind, style, marker, face in (
            ("stated", "solid", "o", "#333333"),
            ("chained", "dashed", "o", "white"),
            ("derived", "dashed", "s", "white"),
        )
        if kind in kinds
    ]
    if len(handles) > 1 or (handles and "stated" not in kinds):
        fig.legend(
            handles=handles,
            loc="upper right",
            ncols=len(handles),
            frameon=False,
            fontsize=8,
            bbox_to_anchor=(1.0, 1.0),
        )
