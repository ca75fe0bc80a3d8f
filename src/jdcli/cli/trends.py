"""``jdcli trends``: year-on-year (同比) or sequential (环比) change per series, and summaries."""

from __future__ import annotations

from typing import Annotated

import typer

from jdcli.analyses.trends_options import Compare, Freq
from jdcli.cli import app
from jdcli.cli.common import (
    BARE,
    BareOptionCommand,
    ByOpt,
    ChartOpt,
    ColOpt,
    DecimalsOpt,
    EncodingOpt,
    ExcelOpt,
    FilesArg,
    FilterOpt,
    FontOpt,
    FormatOpt,
    HeaderRowOpt,
    HeaderRowsOpt,
    LangOpt,
    OutputOpt,
    SheetOpt,
    SkipOpt,
    StrictOpt,
    WideOpt,
    check_chart,
    draw_chart,
    input_paths,
    language,
    layout_options,
    one_or_many,
    output_format,
    parse_filters,
    reading_progress,
    reported_errors,
    result_options,
    write_output,
)
from jdcli.memory import release_freed_memory
from jdcli.render import Format
from jdcli.styles import polarity_styles

CompareOpt = Annotated[
    Compare,
    typer.Option(
        "--compare",
        help="yoy: against the same period one year earlier (同比); prev: against the "
        "immediately preceding period (环比).",
        case_sensitive=False,
    ),
]
RateOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--rate",
        metavar="[METRIC]",
        help="Values are rates in percent, so changes are in percentage points (change_pp). "
        "--rate alone (after FILE): every value; --rate METRIC (repeatable; the name with or "
        "without its unit, e.g. 戒断三年未复吸率（%）): only those metrics. Without it, a unit "
        "of %, ％, pct, percent or 百分比 (in a unit column or at the end of a header) or a "
        "value written with % makes a rate.",
        show_default=False,
    ),
]
FreqOpt = Annotated[
    Freq | None,
    typer.Option(
        "--freq",
        help="Insist on one frequency (year, half, quarter, month, day); detected otherwise.",
        case_sensitive=False,
        show_default=False,
    ),
]
SummaryOpt = Annotated[
    bool,
    typer.Option(
        "--summary",
        help="One row per series: first and last period, total change, CAGR, doublings, "
        "and a sparkline in the table view.",
    ),
]
IndexOpt = Annotated[
    str | None,
    typer.Option(
        "--index",
        metavar="BASE_PERIOD",
        help="Add an index column with BASE_PERIOD = 100 in each series (a note names the "
        "series without a value then; an error lists the periods when none has one).",
        show_default=False,
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", metavar="PERIOD", help="Show periods from PERIOD on.", show_default=False
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until", metavar="PERIOD", help="Show periods up to PERIOD.", show_default=False
    ),
]
MetricOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--metric",
        help="Only this metric (repeatable; the name with or without its unit).",
        show_default=False,
    ),
]


class TrendsCommand(BareOptionCommand):
    """``jdcli trends``: ``--rate`` alone means every value."""

    bare_options = ("--rate",)


@app.command(cls=TrendsCommand)
def trends(
    file: FilesArg = None,
    by: ByOpt = None,
    compare: CompareOpt = Compare.YOY,
    rate: RateOpt = None,
    freq: FreqOpt = None,
    summary: SummaryOpt = False,
    index: IndexOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    metric: MetricOpt = None,
    fmt: FormatOpt = Format.AUTO,
    output: OutputOpt = None,
    decimals: DecimalsOpt = 2,
    col: ColOpt = None,
    filters: FilterOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    skip: SkipOpt = None,
    header_row: HeaderRowOpt = None,
    header_rows: HeaderRowsOpt = None,
    strict: StrictOpt = False,
    excel: ExcelOpt = False,
    chart: ChartOpt = None,
    font: FontOpt = None,
    lang: LangOpt = None,
    wide: WideOpt = False,
) -> None:
    """Year-on-year (同比) or sequential (环比) change per series.

    A change is computed only against its exact comparison period: a missing year is a gap,
    never bridged; the first period has no change; a zero base gives no relative change.
    Rates change in percentage points. Reported changes (同比) chain into an index, derive a
    missing level from a single one, or are checked against the levels.
    """
    with reported_errors():
        chosen_lang = language(lang)
        from jdcli.analyses import trends as analysis
        from jdcli.analyses.trends_views import human_view
        from jdcli.loading import parse_mappings

        check_chart(chart)
        columns = parse_mappings(col or [], "--col")
        wanted = parse_filters(filters)
        source = one_or_many(file)
        with reading_progress(source) as progress:
            result = analysis.run(
                source,
                by=by or [],
                compare=compare.value,
                rate=True if BARE in (rate or []) else rate or False,
                freq=freq.value if freq else None,
                summary=summary,
                index=index,
                since=since,
                until=until,
                metrics=metric or [],
                columns=columns,
                filters=wanted,
                encoding=encoding,
                **layout_options(sheet, skip, header_row, header_rows),
                strict=strict,
                progress=progress if source is not None else None,
            )
        chosen = output_format(fmt, output)
        draw_chart("trends", result, chart, font, inputs=input_paths(source, "trends"))
        table = result.frame
        if summary and chosen is Format.TABLE:
            table = table.assign(trend=result.sparklines())
        if chosen in (Format.TABLE, Format.MARKDOWN):
            table = human_view(table, decimals)
        styles = polarity_styles(table, dict(result.polarity)) if chosen is Format.TABLE else {}
        options = result_options(
            result,
            "trends/summary" if summary else f"trends/{compare.value}",
            decimals=decimals,
            excel=excel,
            lang=chosen_lang,
            wide=wide,
            styles=styles,
        )
        release_freed_memory()
        write_output(table, chosen, output, options, inputs=input_paths(source, "trends"))
