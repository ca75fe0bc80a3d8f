"""The one-page report: a headline panel and one table per section, as a table, Markdown, JSON
or an Excel workbook (a sheet of key figures, then a sheet per section).

The report's structure (``Report``, ``Section``) lives in :mod:`jdcli.report_model`;
:mod:`jdcli.analyses.report` builds it from each command's analysis. A report has no CSV form:
it is several tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from jdcli.formatting import format_number
from jdcli.render import (
    Format,
    RenderOptions,
    data_console,
    records,
    resolve_format,
    safe_text,
    to_markdown,
    to_table,
)
from jdcli.report_model import Report

if TYPE_CHECKING:
    import pandas as pd

ARROWS = {"up": "↑ up", "down": "↓ down", "flat": "→ flat"}


# ---------------------------------------------------------------- headline for people


def headline_rows(headline: pd.DataFrame, decimals: int) -> list[list[str]]:
    """The headline panel's cells for people: value with its unit, signed change, arrow."""
    rows = []
    for row in headline.to_dict("records"):
        value = _with_unit(row["value"], str(row["unit"] or ""), decimals, signed=False)
        change = _with_unit(row["change"], str(row["change_unit"] or ""), decimals, signed=True)
        direction = ARROWS.get(str(row["direction"] or ""), "—")
        rows.append(
            [
                safe_text(str(row["section"])),
                safe_text(str(row["figure"])),
                safe_text(str(row["period"] or "")) or "—",
                value,
                change,
                direction,
                safe_text(str(row["note"] or "")),
            ]
        )
    return rows


HEADLINE_HEADERS = ["section", "figure", "period", "value", "change", "direction", "note"]


def _with_unit(value: Any, unit: str, decimals: int, *, signed: bool) -> str:
    if _missing(value):
        return "—"
    number = format_number(float(value), decimals, sign=signed)
    if unit == "%":
        return f"{number}%"
    if unit == "pp":
        return f"{number} pp"
    if unit == "x":
        return f"×{number}"
    return f"{number} {unit}" if unit else number


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


# ---------------------------------------------------------------- renderers


def to_markdown_report(report: Report, stream: TextIO, decimals: int) -> None:
    """Markdown: a heading, the source, the key figures, then each section with its caption."""
    from tabulate import tabulate

    stream.write(f"# {_md(report.title)}\n\n")
    stream.write(f"Dataset `{_md(report.dataset)}`. Source: {_md(report.source)}\n\n")
    stream.write("## Key figures\n\n")
    if report.headline.empty:
        stream.write("No key figures: no section could be computed.\n")
    else:
        rows = [[_md(c) for c in row] for row in headline_rows(report.headline, decimals)]
        align = ["left", "left", "left", "right", "right", "left", "left"]
        table = tabulate(
            rows, headers=HEADLINE_HEADERS, tablefmt="github", colalign=align, disable_numparse=True
        )
        stream.write(table.rstrip("\n") + "\n")
    for section in report.sections:
        stream.write(f"\n## {_md(section.title)}\n\n")
        if section.shown is None:
            stream.write(f"_Skipped: {_md(section.skipped)}_\n")
            continue
        to_markdown(
            section.shown,
            stream,
            RenderOptions(decimals=section.decimals, caption=section.caption),
        )


def to_table_report(report: Report, stream: TextIO, decimals: int) -> None:
    """Terminal: a title, the key figures panel, then each section as a rich table."""

    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from jdcli.styles import polarity_styles

    console = data_console(stream)
    console.print(Text(report.title, style="bold"))
    console.print(Text(f"Dataset {report.dataset}. Source: {report.source}"))
    panel = Table(show_header=True, box=None, pad_edge=False)
    for name in HEADLINE_HEADERS:
        if name in ("value", "change"):
            panel.add_column(Text(name), justify="right", overflow="fold")
        else:
            panel.add_column(Text(name), justify="left", overflow="fold")
    for row in headline_rows(report.headline, decimals):
        panel.add_row(*(Text(cell) for cell in row))
    console.print(Panel(panel, title=Text("Key figures"), title_align="left"))
    for section in report.sections:
        console.print()
        if section.shown is None:
            console.print(Text(f"{section.title}: skipped ({section.skipped})"))
            continue
        to_table(
            section.shown,
            stream,
            RenderOptions(
                decimals=section.decimals,
                title=section.title,
                caption=section.caption,
                # Changes coloured by the metric's polarity, as ``jdcli trends`` shows them.
                styles=polarity_styles(section.shown, section.polarity),
            ),
        )


def to_json_report(report: Report, stream: TextIO, decimals: int) -> None:
    """One JSON object: ``report`` (what it covers), ``headline``, then a key per section."""
    document: dict[str, Any] = {
        "report": {"title": report.title, "dataset": report.dataset, "source": report.source},
        "headline": records(report.headline),
    }
    for section in report.sections:
        if section.frame is None:
            document[section.key] = {"title": section.title, "skipped": section.skipped}
        else:
            document[section.key] = {
                "title": section.title,
                "definition": section.caption,
                "rows": records(section.frame),
            }
    json.dump(document, stream, ensure_ascii=False, indent=2, allow_nan=False)
    stream.write("\n")


def to_xlsx_report(report: Report, stream: TextIO, decimals: int) -> None:
    """An Excel workbook, as bytes to the stream's binary buffer: a "Key figures" sheet (the
    headline, then what the report covers and the sections skipped), then one sheet per
    section shown (its table, then its title and definition). Values are the machine
    frames' numbers; a key figure in % or pp is a percent or points cell."""
    from jdcli.render_xlsx import Sheet, table_lines, write_workbook

    headline = report.headline
    about = [report.title, f"Dataset {report.dataset}. Source: {report.source}"]
    about += [
        f"{section.title}: skipped ({section.skipped})"
        for section in report.sections
        if section.frame is None
    ]
    units = {
        column: ["" if _missing(u) else str(u) for u in headline[unit_column].tolist()]
        for column, unit_column in (("value", "unit"), ("change", "change_unit"))
        if column in headline.columns and unit_column in headline.columns
    }
    sheets = [Sheet("Key figures", headline, lines=about, decimals=decimals, row_units=units)]
    for section in report.sections:
        if section.frame is None:
            continue
        options = RenderOptions(title=section.title, caption=section.caption)
        lines = table_lines(options, [str(c) for c in section.frame.columns])
        sheets.append(Sheet(section.title, section.frame, lines=lines, decimals=section.decimals))
    write_workbook(sheets, stream)


def _md(text: str) -> str:
    return safe_text(text).replace("|", "\\|").replace("\n", " ")


ReportRenderer = Callable[[Report, TextIO, int], None]

REPORT_RENDERERS: dict[Format, ReportRenderer] = {
    Format.TABLE: to_table_report,
    Format.MARKDOWN: to_markdown_report,
    Format.JSON: to_json_report,
    Format.XLSX: to_xlsx_report,
}


def resolve_report_format(fmt: Format, stream: TextIO) -> Format:
    """``auto`` is a table on a terminal and Markdown otherwise (a report has no CSV form)."""
    return resolve_format(fmt, stream, piped=Format.MARKDOWN)


def emit_report(report: Report, fmt: Format, stream: TextIO, decimals: int = 2) -> None:
    """Write ``report`` in ``fmt`` (one of ``REPORT_RENDERERS``; ``auto`` resolved)."""
    REPORT_RENDERERS[resolve_report_format(fmt, stream)](report, stream, decimals)
