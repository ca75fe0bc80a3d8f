"""HTML for people: the report as one self-contained page (``jdcli report -f html``) and a
command's table as a page (``-f html``).

Inline CSS and inline SVG charts; nothing is fetched (no script, font or image from the
network), so the page opens offline and prints on A4. Numbers are formatted as in the table
view; every piece of text from the data is escaped.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, TextIO

from jdcli.render import RenderOptions, human_rows, numeric_columns, safe_text
from jdcli.report_model import Report, Section

if TYPE_CHECKING:
    import pandas as pd

#: Column headers for people (English; the one place a --lang lookup plugs in).
HEADERS = {
    "facility": "Facility",
    "region": "Region",
    "unit": "Unit",
    "units": "Units",
    "period": "Period",
    "capacity": "Beds",
    "occupied": "Occupied",
    "occupancy_pct": "Occupancy %",
    "free": "Free beds",
    "band": "Band",
    "metric": "Metric",
    "value": "Value",
    "base_period": "Compared with",
    "base_value": "Earlier value",
    "base": "Base",
    "change": "Change",
    "change_pct": "Change %",
    "change_pp": "Change (pp)",
    "cumulative_change_pct": "Change since first %",
    "reported_change_pct": "Reported change %",
    "avg_annual_change_pct": "Average annual change %",
    "multiple": "Multiple",
    "flag": "Flag",
    "measure": "Measure",
    "staff": "Staff",
    "share_pct": "Share %",
    "caseload": "Caseload",
    "target": "Target",
    "staff_needed": "Staff needed",
    "shortfall": "Shortfall",
    "status": "Status",
    "before_share_pct": "Share before %",
    "share_pct_change_pp": "Change in share (pp)",
    "label": "Claim",
    "kind": "Kind",
    "computed": "Computed",
    "low": "Low",
    "high": "High",
    "stated": "Stated",
    "hint": "Why",
    "explain": "How it is computed",
}


def header(column: str) -> str:
    """A column's header for people: ``occupancy_pct`` → ``Occupancy %``."""
    if column in HEADERS:
        return HEADERS[column]
    if column.startswith("per_") and column[4:].isdigit():
        return f"Per {int(column[4:]):,}"
    text = column.replace("_pct", " %").replace("_pp", " (pp)").replace("_", " ")
    return text[:1].upper() + text[1:]


def esc(text: Any) -> str:
    """Text from the data, safe inside HTML (markup and control characters neutralised)."""
    return html.escape(safe_text(str(text)), quote=True)


def table_html(frame: pd.DataFrame, decimals: int, *, claims: bool = False) -> str:
    """A table with human headers and cells formatted as in the table view; with ``claims``,
    a failing row is highlighted and each status marked."""
    columns = [str(c) for c in frame.columns]
    numeric = numeric_columns(frame)
    head = "".join(f'<th scope="col" title="{esc(c)}">{esc(header(c))}</th>' for c in columns)
    body = []
    status_at = columns.index("status") if claims and "status" in columns else -1
    for row in human_rows(frame, decimals):
        failing = status_at >= 0 and row[status_at] == "fail"
        cells = []
        for position, (cell, is_number) in enumerate(zip(row, numeric, strict=True)):
            classes = ["num"] if is_number else []
            if position == status_at:
                classes.append(f"status-{esc(cell)}")
                cell = ("✗ " if cell == "fail" else "✓ " if cell == "pass" else "") + cell
            attribute = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attribute}>{esc(cell)}</td>")
        row_class = ' class="fail"' if failing else ""
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    return (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n"
        "</table>"
    )


def to_html(frame: pd.DataFrame, stream: TextIO, options: RenderOptions) -> None:
    """A command's table as a self-contained HTML page (title, table, caption)."""
    from jdcli.charts.base import html_page

    title = options.title or "jdcli"
    parts = [f"<h1>{esc(title)}</h1>", table_html(frame, options.decimals)]
    if options.caption:
        parts.append(f'<p class="caption">{esc(options.caption)}</p>')
    stream.write(html_page(safe_text(title), "\n".join(parts)))


# ---------------------------------------------------------------- the report


def to_html_report(report: Report, stream: TextIO, decimals: int) -> None:
    """The report as one page: title and source, key figures, then each section with its
    chart, table, definition and source; the claim checks with failures marked."""
    from jdcli import __version__
    from jdcli.charts.base import html_page

    parts = [
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="source">Dataset <code>{esc(report.dataset)}</code>. '
        f"Source: {esc(report.source)}</p>",
        "<h2>Key figures</h2>",
        key_figures(report.headline, decimals),
    ]
    for section in report.sections:
        parts.append(f'<section id="{esc(section.key)}">')
        parts.append(f"<h2>{esc(section.title)}</h2>")
        if section.shown is None:
            parts.append(f'<p class="caption">Skipped: {esc(section.skipped)}</p></section>')
            continue
        if section.key == "verify" and section.frame is not None:
            parts.append(claims_banner(section.frame))
        parts.append(section_chart(section))
        parts.append(table_html(section.shown, section.decimals, claims=section.key == "verify"))
        parts.append(f'<p class="caption">Definition and source: {esc(section.caption)}</p>')
        parts.append("</section>")
    parts.append(f'<p class="source">Made with jdcli {esc(__version__)}.</p>')
    stream.write(html_page(safe_text(report.title), "\n".join(parts)))


def key_figures(headline: pd.DataFrame, decimals: int) -> str:
    """The key figures as cards: the figure, its value with unit, its change and period."""
    from jdcli.report_render import ARROWS, headline_rows

    if headline.empty:
        return '<p class="caption">No key figures: no section could be computed.</p>'
    cards = []
    for section, figure, period, value, change, direction, note in headline_rows(
        headline, decimals
    ):
        arrow = direction if direction in ARROWS.values() else ""
        change_text = f"{change} {arrow}".strip() if change != "—" else ""
        cards.append(
            '<div class="figure-card">'
            f'<div class="label">{esc(section)} · {esc(figure)}</div>'
            f'<div class="value">{esc(value)}</div>'
            + (f'<div class="note">{esc(change_text)}</div>' if change_text else "")
            + f'<div class="note">{esc(period if period != "—" else "")}'
            + (f" · {esc(note)}" if note else "")
            + "</div></div>"
        )
    return '<div class="keyfigures">\n' + "\n".join(cards) + "\n</div>"


def claims_banner(frame: pd.DataFrame) -> str:
    """One line: how many claims pass, fail, cannot be checked (red when any fails)."""
    counts = frame["status"].astype("str").value_counts() if "status" in frame else None
    passed, failed, unknown = (
        int(counts.get(name, 0)) if counts is not None else 0
        for name in ("pass", "fail", "unverifiable")
    )
    kind = "fail" if failed else "ok"
    lead = f"✗ {failed} claim(s) fail" if failed else "✓ No claim fails"
    return (
        f'<p class="banner {kind}"><strong>{lead}</strong> · {passed} pass · '
        f"{unknown} cannot be checked (inputs not given)</p>"
    )


def section_chart(section: Section) -> str:
    """The section's chart as inline SVG, or a line saying why there is none."""
    import importlib

    from jdcli.charts.base import inline_svg, style, svg_text
    from jdcli.errors import JdcliError

    if section.frame is None:
        return ""
    try:
        module = importlib.import_module(f"jdcli.charts.{section.key}")
        # The definition and source follow the table: the chart need not repeat them.
        import inspect

        options: dict[str, object] = {"caption": "", "title": section.title}
        if "decimals" in inspect.signature(module.draw).parameters:
            options["decimals"] = section.decimals
        with style():
            fig = module.draw(section.frame, **options)
            svg = svg_text(fig)
    except (ModuleNotFoundError, JdcliError) as exc:
        return f'<p class="caption">No chart: {esc(exc)}</p>'
    return f"<figure>\n{inline_svg(svg)}\n</figure>"
