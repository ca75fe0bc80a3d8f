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


def headline_frame(report: Report, decimals: int, lang: str = "en") -> pd.DataFrame:
    """The key figures as cells for people (``headline_rows``), one column per header."""
    import pandas as pd

    from jdcli.labels import word
    from jdcli.phrases import key_figure

    rows = headline_rows(report.headline, decimals)
    if lang != "en":
        words = ("section", "direction")
        rows = [
            [
                word(c, lang) if h in words else key_figure(c, lang)
                for c, h in zip(row, HEADLINE_HEADERS, strict=True)
            ]
            for row in rows
        ]
    return pd.DataFrame(rows, columns=HEADLINE_HEADERS, dtype="str")


def to_markdown_report(
    report: Report, stream: TextIO, decimals: int, *, lang: str = "en", wide: bool = False
) -> None:
    """Markdown: a heading, the source, the key figures, then each section with its caption."""
    from tabulate import tabulate

    from jdcli.labels import column_label, text

    stream.write(f"# {_md(report.title)}\n\n")
    dataset, source = text("Dataset", lang), text("Source", lang)
    colon, stop = ("：", "。") if lang == "zh" else (": ", ". ")
    stream.write(f"{dataset} `{_md(report.dataset)}`{stop}{source}{colon}{_md(report.source)}\n\n")
    stream.write(f"## {text('Key figures', lang)}\n\n")
    if report.headline.empty:
        stream.write("No key figures: no section could be computed.\n")
    else:
        headline = headline_frame(report, decimals, lang)
        rows = [[_md(c) for c in row] for row in headline.itertuples(index=False, name=None)]
        align = ["left", "left", "left", "right", "right", "left", "left"]
        headers = [column_label("report", h, lang) for h in HEADLINE_HEADERS]
        table = tabulate(
            rows, headers=headers, tablefmt="github", colalign=align, disable_numparse=True
        )
        stream.write(table.rstrip("\n") + "\n")
    for section in report.sections:
        stream.write(f"\n## {_md(text(section.title, lang))}\n\n")
        if section.shown is None:
            stream.write(f"_Skipped: {_md(section.skipped)}_\n")
            continue
        to_markdown(
            section.shown,
            stream,
            RenderOptions(
                decimals=section.decimals, caption=section.caption, command=section.key, lang=lang
            ),
        )


def to_table_report(
    report: Report, stream: TextIO, decimals: int, *, lang: str = "en", wide: bool = False
) -> None:
    """Terminal: a title, the key figures, then each section, every table laid out by the
    same policy (``render.to_table``)."""
    from rich.text import Text

    from jdcli.labels import text
    from jdcli.styles import polarity_styles

    console = data_console(stream)
    console.print(Text(safe_text(report.title), style="bold"))
    dataset, source = text("Dataset", lang), text("Source", lang)
    colon, stop = ("：", "。") if lang == "zh" else (": ", ". ")
    console.print(
        Text(safe_text(f"{dataset} {report.dataset}{stop}{source}{colon}{report.source}"))
    )
    console.print()
    to_table(
        headline_frame(report, decimals, lang),
        stream,
        RenderOptions(title="Key figures", command="report", lang=lang, wide=wide),
    )
    for section in report.sections:
        console.print()
        if section.shown is None:
            title = text(section.title, lang)
            console.print(Text(f"{title}: {text('skipped', lang)} ({section.skipped})"))
            continue
        to_table(
            section.shown,
            stream,
            RenderOptions(
                decimals=section.decimals,
                title=section.title,
                caption=section.caption,
                command=section.key,
                lang=lang,
                wide=wide,
                # Changes coloured by the metric's polarity, as ``jdcli trends`` shows them.
                styles=polarity_styles(section.shown, section.polarity),
            ),
        )


def to_json_report(
    report: Report, stream: TextIO, decimals: int, *, lang: str = "en", wide: bool = False
) -> None:
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


def to_xlsx_report(
    report: Report, stream: TextIO, decimals: int, *, lang: str = "en", wide: bool = False
) -> None:
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


def to_html_report(report: Report, stream: TextIO, decimals: int, **_: object) -> None:
    """One self-contained HTML page (see :mod:`jdcli.report_html`); its labels are English
    whatever ``--lang`` says (not translated yet)."""
    from jdcli.report_html import to_html_report as page

    page(report, stream, decimals)


ReportRenderer = Callable[..., None]

REPORT_RENDERERS: dict[Format, ReportRenderer] = {
    Format.TABLE: to_table_report,
    Format.MARKDOWN: to_markdown_report,
    Format.JSON: to_json_report,
    Format.XLSX: to_xlsx_report,
    Format.HTML: to_html_report,
}


def resolve_report_format(fmt: Format, stream: TextIO) -> Format:
    """``auto`` is a table on a terminal and Markdown otherwise (a report has no CSV form)."""
    return resolve_format(fmt, stream, piped=Format.MARKDOWN)


def emit_report(
    report: Report,
    fmt: Format,
    stream: TextIO,
    decimals: int = 2,
    *,
    lang: str = "en",
    wide: bool = False,
) -> None:
    """Write ``report`` in ``fmt`` (one of ``REPORT_RENDERERS``; ``auto`` resolved); ``lang``
    and ``wide`` shape the views for people (table, Markdown)."""
    renderer = REPORT_RENDERERS[resolve_report_format(fmt, stream)]
    renderer(report, stream, decimals, lang=lang, wide=wide)
