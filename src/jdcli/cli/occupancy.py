"""``jdcli occupancy``: bed occupancy (occupied ÷ capacity) per facility, region or period."""

from __future__ import annotations

from typing import Annotated

import typer

from jdcli.cli import app
from jdcli.cli.common import (
    ByOpt,
    ChartOpt,
    ColOpt,
    DecimalsOpt,
    EncodingOpt,
    ExcelOpt,
    ExplainOpt,
    FilesArg,
    FilterOpt,
    FontOpt,
    FormatOpt,
    HeaderRowOpt,
    HeaderRowsOpt,
    KeepTotalRowsOpt,
    LangOpt,
    NoTotalOpt,
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
    parse_filters,
    reading_progress,
    reported_errors,
    result_options,
    write_output,
)
from jdcli.errors import CheckFailed
from jdcli.render import Format

FreqOpt = Annotated[
    str | None,
    typer.Option(
        "--freq",
        help="Roll dated census rows into periods: month, quarter or year.",
        show_default=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Take each facility's latest census at or before DATE.",
        show_default=False,
    ),
]
BandsOpt = Annotated[
    str,
    typer.Option(
        "--bands",
        metavar="HIGH,CRITICAL,FULL",
        help="Band limits in %: normal < HIGH ≤ high < CRITICAL ≤ critical ≤ FULL < over.",
    ),
]
FailAboveOpt = Annotated[
    float | None,
    typer.Option(
        "--fail-above",
        metavar="PCT",
        help="Exit 1 when any group's occupancy is above PCT (the data is still written).",
        show_default=False,
    ),
]


@app.command()
def occupancy(
    file: FilesArg = None,
    by: ByOpt = None,
    freq: FreqOpt = None,
    as_of: AsOfOpt = None,
    bands: BandsOpt = "85,92,100",
    explain: ExplainOpt = False,
    fail_above: FailAboveOpt = None,
    no_total: NoTotalOpt = False,
    keep_total_rows: KeepTotalRowsOpt = False,
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
    """Bed occupancy rate (occupied ÷ capacity) per facility, region or period.

    Every aggregate is a ratio of totals (Σ occupied ÷ Σ capacity), never a mean of rates;
    over 100% is shown, not clipped; zero capacity gives an empty rate.
    """
    with reported_errors():
        chosen_lang = language(lang)
        from jdcli.analyses import occupancy as analysis
        from jdcli.loading import parse_mappings

        check_chart(chart)
        columns = parse_mappings(col or [], "--col")
        wanted = parse_filters(filters)
        source = one_or_many(file)
        with reading_progress(source) as progress:
            result = analysis.run(
                source,
                by=by or (),
                freq=freq,
                as_of=as_of,
                bands=bands,
                total=not no_total,
                explain=explain,
                fail_above=fail_above,
                keep_total_rows=keep_total_rows,
                strict=strict,
                columns=columns,
                filters=wanted,
                encoding=encoding,
                **layout_options(sheet, skip, header_row, header_rows),
                decimals=decimals,
                progress=progress if source is not None else None,
            )
        draw_chart(
            "occupancy", result, chart, font, input_paths(source, "occupancy"),
            bands=analysis.parse_bands(bands), decimals=decimals,
        )  # fmt: skip
        write_output(
            result.frame,
            fmt,
            output,
            result_options(
                result,
                "occupancy",
                decimals=result.decimals,
                excel=excel,
                lang=chosen_lang,
                wide=wide,
            ),
            inputs=input_paths(source, "occupancy") if output is not None else [],
        )
        if result.failure is not None:
            raise CheckFailed(result.failure)
