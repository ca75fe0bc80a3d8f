"""``jdcli report``: one sectioned report of a dataset package (options, one analysis, output)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jdcli.cli import app
from jdcli.cli.common import (
    DecimalsOpt,
    LangOpt,
    OutputOpt,
    WideOpt,
    language,
    output_format,
    reported_errors,
    write_atomically,
)
from jdcli.errors import UsageError
from jdcli.render import Format

if TYPE_CHECKING:
    from jdcli.report_model import Report

DatasetArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="A dataset package: a folder with datapackage.json, or the name of a bundled one; "
        "or a folder of CSV files without one, or FILE …: each file is assigned to the command "
        "whose columns it fits. Omitted: the bundled guangzhou-2018.",
        show_default=False,
        metavar="[DATASET|FOLDER|FILE …]",
    ),
]
InitOpt = Annotated[
    bool,
    typer.Option(
        "--init",
        help="Write FOLDER/datapackage.json as inferred from its files (the command per file, "
        "titles, units; polarity left empty to fill in), print its path, and stop.",
    ),
]
ReportFormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Output format: auto (a table on a terminal, Markdown otherwise), table, markdown, "
        "json, xlsx (a workbook: a sheet per section, with -o or piped) or html (one "
        "self-contained page with charts). A report has no CSV form.",
        case_sensitive=False,
        # Only the formats a report has (the shared Format enum parses; others are refused
        # with a sentence saying why).
        metavar="<auto|table|markdown|json|xlsx|html>",
    ),
]


@app.command()
def report(
    dataset: DatasetArg = None,
    fmt: ReportFormatOpt = Format.AUTO,
    output: OutputOpt = None,
    decimals: DecimalsOpt = 2,
    lang: LangOpt = None,
    wide: WideOpt = False,
    init: InitOpt = False,
) -> None:
    """One report of a dataset package: key figures, then occupancy, trends, staffing and
    claim checks, each with its definition.

    Each section runs on the resource the package assigns to its command ("jdcli":
    {"command": ...} in datapackage.json); a section without one is skipped with a note, and
    a package with no section to show is an input error. Without datapackage.json each file
    goes to the command whose columns it fits (a note says which); --init writes that
    datapackage.json for editing. Formats: table (on a terminal), markdown (auto when piped
    or with -o FILE.md), json (one object, a key per section), xlsx (a workbook: key figures
    and a sheet per section), html (one self-contained page with charts, -o FILE.html). A
    report has no CSV form.
    """
    from jdcli.analyses import report as analysis

    with reported_errors():
        chosen_lang = language(lang)
        if init:
            written = analysis.write_descriptor(dataset or [])
            typer.echo(str(written))
            return
        chosen = report_format(fmt, output)
        result = analysis.run(dataset or None, decimals=decimals)
        if result.report is not None:
            write_report(
                result.report,
                chosen,
                output,
                decimals,
                inputs=list(result.inputs),
                lang=chosen_lang,
                wide=wide,
            )


def report_format(fmt: Format, output: Path | None) -> Format:
    """The report format: explicit, from ``-o``'s extension, or ``auto`` against stdout."""
    from jdcli.report_render import REPORT_RENDERERS

    formats = "markdown, json, table, xlsx or html"
    chosen = output_format(fmt, output, piped=Format.MARKDOWN, formats=formats)
    if chosen not in REPORT_RENDERERS:
        raise UsageError(
            f"a report has no {chosen.value} form (it is several tables); use --format {formats}"
        )
    return chosen


def write_report(
    built: Report,
    fmt: Format,
    output: Path | None,
    decimals: int,
    *,
    inputs: Sequence[Path | None] = (),
    lang: str = "en",
    wide: bool = False,
) -> None:
    """To stdout, or atomically to ``output`` (never over one of ``inputs``)."""
    from jdcli.report_render import emit_report

    if output is None:
        emit_report(built, fmt, sys.stdout, decimals, lang=lang, wide=wide)
        sys.stdout.flush()
        return
    write_atomically(
        output,
        lambda stream: emit_report(built, fmt, stream, decimals, lang=lang, wide=wide),
        inputs=inputs,
    )
