"""``jdcli staffing``: staffing ratios (share, per N, caseload), targets and parts of a total.

The options, one call of :func:`jdcli.analyses.staffing.run`, and the output: a caseload is
shown ``24.4 : 1`` in the table views only (the machine formats keep the number)."""

from __future__ import annotations

from pathlib import Path
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
    output_format,
    parse_filters,
    reading_progress,
    reported_errors,
    result_options,
    write_output,
)
from jdcli.render import MACHINE_FORMATS, Format

StaffOpt = Annotated[
    str | None,
    typer.Option(
        "--staff",
        metavar="COL",
        help="The staff count (numerator): any numeric column, canonical or as written. "
        "Default: staff (工作人员, 专职人员 …), else social_workers (社工) or police (民警).",
        show_default=False,
    ),
]
BaseOpt = Annotated[
    str | None,
    typer.Option(
        "--base",
        metavar="COL",
        help="The base (denominator): any numeric column. Default: the one base column found "
        "(clients, population, total_staff, total_police, towns, beds).",
        show_default=False,
    ),
]
RatioOpt = Annotated[
    str | None,
    typer.Option(
        "--ratio",
        metavar="share|per|caseload",
        help="share: staff ÷ base in %; per: staff per N of base; caseload: base per staff "
        "member. Default: from the base column's meaning (stated in the caption).",
        show_default=False,
    ),
]
PerOpt = Annotated[
    str | None,
    typer.Option(
        "--per",
        metavar="N",
        help="N for --ratio per (a positive whole number: 1, 1000, 100000; 100,000 is fine).",
        show_default=False,
    ),
]
TargetOpt = Annotated[
    str | None,
    typer.Option(
        "--target",
        metavar="X",
        help="A staffing standard: caseload → at most X of base per staff member (30, or 30:1); "
        "per → at least X staff per N; share → at least X % (1.9 or 1.9%). Adds target, "
        "staff_needed, shortfall, status.",
        show_default=False,
    ),
]
BaseFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--base-file",
        metavar="PATH",
        help="Take the base from a second file, joined on unit (and period when both have one).",
        show_default=False,
    ),
]
PartsOpt = Annotated[
    str | None,
    typer.Option(
        "--parts",
        metavar="COL,COL,…",
        help="Parts mode: columns that should add up to --total; reports the remainder.",
        show_default=False,
    ),
]
TotalColOpt = Annotated[
    str | None,
    typer.Option(
        "--total", metavar="COL", help="The total the --parts should add up to.", show_default=False
    ),
]
CompareOpt = Annotated[
    str | None,
    typer.Option(
        "--compare",
        metavar="yoy|prev",
        help="Add the change of the ratio: yoy (same period a year earlier) or prev (the "
        "preceding period). Shares change in percentage points.",
        show_default=False,
    ),
]


@app.command()
def staffing(
    file: FilesArg = None,
    staff: StaffOpt = None,
    base: BaseOpt = None,
    ratio: RatioOpt = None,
    per: PerOpt = None,
    target: TargetOpt = None,
    base_file: BaseFileOpt = None,
    parts: PartsOpt = None,
    total_col: TotalColOpt = None,
    compare: CompareOpt = None,
    by: ByOpt = None,
    explain: ExplainOpt = False,
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
    """Staffing ratios per unit: share of staff, staff per N of population, caseload.

    Every aggregate is a ratio of totals (Σ staff ÷ Σ base); a zero or missing denominator
    gives an empty ratio and leaves the unit out of the totals. Without FILE and options: the
    bundled Guangzhou figures, one row per ratio.
    """
    with reported_errors():
        chosen_lang = language(lang)
        from jdcli.loading import parse_mappings

        chosen = output_format(fmt, output)
        check_chart(chart)
        columns, wanted = parse_mappings(col or [], "--col"), parse_filters(filters)
        source = one_or_many(file)
        with reading_progress(source) as progress:
            from jdcli.analyses import staffing as analysis

            result = analysis.run(
                source, staff=staff, base=base, ratio=ratio, per=per, target=target,
                base_file=base_file, parts=parts, total_col=total_col, compare=compare,
                by=by or [], total=not no_total, explain=explain,
                keep_total_rows=keep_total_rows, strict=strict, columns=columns,
                filters=wanted, encoding=encoding, decimals=decimals,
                **layout_options(sheet, skip, header_row, header_rows),
                progress=progress if source is not None else None,
            )  # fmt: skip
        draw_chart(
            "staffing", result, chart, font,
            [*input_paths(source, "staffing"), base_file], decimals=decimals,
        )  # fmt: skip
        frame = result.frame
        if chosen not in MACHINE_FORMATS:
            frame = analysis.for_people(frame, decimals)
        write_output(
            frame,
            chosen,
            output,
            result_options(
                result, "staffing", decimals=decimals, excel=excel, lang=chosen_lang, wide=wide
            ),
            inputs=[*input_paths(source, "staffing"), base_file],
        )
