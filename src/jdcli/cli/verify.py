"""``jdcli verify``: the command line of :mod:`jdcli.analyses.verify`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jdcli.cli import app
from jdcli.cli.common import (
    ColOpt,
    DecimalsOpt,
    EncodingOpt,
    ExcelOpt,
    FilterOpt,
    FormatOpt,
    HeaderRowOpt,
    HeaderRowsOpt,
    LangOpt,
    OutputOpt,
    SheetOpt,
    SkipOpt,
    WideOpt,
    language,
    layout_options,
    parse_filters,
    reading_progress,
    reported_errors,
    result_options,
    write_output,
)
from jdcli.errors import CheckFailed
from jdcli.render import Format

ClaimsArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Claims such as '7020/7654 = 91.72%', or a claims CSV file (- for stdin). "
        "Omitted: the claims of the bundled Guangzhou article.",
        show_default=False,
        metavar="CLAIM|FILE",
    ),
]


TextOpt = Annotated[
    str | None,
    typer.Option(
        "--text",
        metavar="FILE",
        help="Find and check every rate, change and multiple stated in an article or report "
        "(plain text or Markdown, Chinese or English; - for stdin).",
        show_default=False,
    ),
]
ExtractOpt = Annotated[
    bool,
    typer.Option(
        "--extract",
        help="With --text: write the claims found as a claims file (unchecked), to edit and "
        "run through jdcli verify.",
    ),
]


@app.command()
def verify(
    claims: ClaimsArg = None,
    fmt: FormatOpt = Format.AUTO,
    output: OutputOpt = None,
    decimals: DecimalsOpt = 4,
    col: ColOpt = None,
    filters: FilterOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    skip: SkipOpt = None,
    header_row: HeaderRowOpt = None,
    header_rows: HeaderRowsOpt = None,
    excel: ExcelOpt = False,
    text: TextOpt = None,
    extract: ExtractOpt = False,
    lang: LangOpt = None,
    wide: WideOpt = False,
) -> None:
    """Check published figures against their own inputs, allowing for rounding.

    \b
    Claims (quote each one; full-width characters and → are fine):
      A / B = N%          ratio: A ÷ B in percent      7020/7654 = 91.72%
      A -> B = ±N%        relative change              25 -> 15 = -40%
      A -> B = ±Npp       change in points             1.48% -> 1.9% = +0.42pp
      A -> B = xN         multiple (×N, N倍)           100 -> 400 = x4
      A -> B = 翻N番      doubled N times (×2^N)       100 -> 400 = 翻两番
      A -> B = 增长N倍    N times more: ×(N+1)         100 -> 300 = 增长两倍
      LABEL: CLAIM        names the claim in the output
    ~55 (or 约55) marks an approximate input.

    A number with decimals stands for every value that rounds to it (112.4 is 112.35 to
    112.45); an integer is exact unless marked ~. The stated figure stands for what rounds
    half-up to it (−40% is −40.5 to −39.5). A claim passes when inputs within their
    intervals give a value within the stated interval. A claims file has columns label,
    kind (ratio, change, pp_change, multiple, doublings), numerator/denominator or from/to,
    stated, optional decimals; a claim whose inputs are missing is unverifiable. Exit 1 when
    any claim fails (after writing the table), 0 otherwise.

    --text FILE reads an article sentence by sentence and checks each claim it states; the
    output gains line and sentence. --extract writes those claims as a claims file instead.
    """
    with reported_errors():
        chosen_lang = language(lang)
        from jdcli.analyses.verify import input_paths, run

        if text is not None or extract:
            _from_text(
                claims, text, extract, col or filters, encoding, fmt, output, decimals, excel,
                (chosen_lang, wide),
            )  # fmt: skip
            return
        from jdcli.loading import parse_mappings

        inputs = input_paths(claims)
        # --col and --filter apply to files: with inline claims only, they are not read.
        columns = parse_mappings(col or [], "--col") if inputs else None
        wanted = parse_filters(filters) if inputs else None
        # A bar for a large claims file read at a terminal (as for any command's FILE).
        single = str(inputs[0]) if claims and len(inputs) == 1 and inputs[0] else "-"
        with reading_progress(single) as progress:
            result = run(
                claims or None,
                columns=columns,
                filters=wanted,
                encoding=encoding,
                progress=progress,
                **layout_options(sheet, skip, header_row, header_rows),
            )
        options = result_options(
            result, "verify", decimals=decimals, excel=excel, lang=chosen_lang, wide=wide
        )
        write_output(result.frame, fmt, output, options, inputs=inputs)
        if result.failure:
            raise CheckFailed(result.failure)


def _from_text(
    claims: list[str] | None,
    text: str | None,
    extract: bool,
    file_options: object,
    encoding: str | None,
    fmt: Format,
    output: Path | None,
    decimals: int,
    excel: bool,
    view: tuple[str, bool],
) -> None:
    """``--text`` (and ``--extract``): the claims of an article, checked or written out;
    ``view`` is the table view's language and ``--wide``."""
    from jdcli.analyses.verify import run
    from jdcli.errors import UsageError

    if text is None:
        raise UsageError("--extract needs --text FILE (the article to find claims in)")
    if claims or file_options:
        raise UsageError("--text reads claims from prose: give no CLAIM|FILE, --col or --filter")
    result = run(text=text, extract=extract, encoding=encoding)
    options = result_options(
        result,
        "" if extract else "verify",
        decimals=decimals,
        excel=excel,
        lang=view[0],
        wide=view[1],
    )
    inputs = [None if text == "-" else Path(text)]
    write_output(result.frame, fmt, output, options, inputs=inputs)
    if result.failure:
        raise CheckFailed(result.failure)
