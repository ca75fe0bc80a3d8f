"""What every command shares: the option declarations, the error boundary, input and output."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jdcli.analyses.inputs import resolve_names as resolve_names  # for the command modules
from jdcli.errors import ExitCode, JdcliError, UsageError
from jdcli.render import (
    BINARY_FORMATS,
    EXTENSIONS,
    Format,
    RenderOptions,
    emit,
    resolve_format,
    safe_text,
)

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.loading import Loaded, Schema
    from jdcli.notes import Note
    from jdcli.result import Result

# ------------------------------------------------------------------ shared options

FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Output format: auto (a table on a terminal, CSV otherwise), table, csv, tsv, "
        "json, jsonl, markdown, xlsx (an Excel workbook: with -o, or piped), html (a page).",
        case_sensitive=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to PATH atomically (format from the extension unless --format is given).",
        show_default=False,
    ),
]
DecimalsOpt = Annotated[
    int,
    typer.Option(
        "--decimals", min=0, max=12, help="Decimal places in tables and Markdown (half-up)."
    ),
]
ColOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--col",
        metavar="CANONICAL=ACTUAL",
        help="Map a column of the file to a canonical name, e.g. --col capacity=核定床位. "
        "Repeatable.",
        show_default=False,
    ),
]
FilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--filter",
        metavar="COL=VALUE",
        help="Keep rows whose COL equals VALUE; COL!=VALUE leaves them out. Repeatable: "
        "values of one column are alternatives, COL!= values are all left out, different "
        "conditions must all hold.",
        show_default=False,
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Input encoding (default: detected; UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK).",
        show_default=False,
    ),
]
FilesArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="CSV or TSV file, Excel or OpenDocument workbook (.xlsx, .xls, .ods …), Parquet, "
        "or - for stdin; several files (or a shell glob) are read as one table when their "
        "columns match. Omitted: the bundled Guangzhou data.",
        show_default=False,
        metavar="[FILE]...",
    ),
]


def one_or_many(files: Sequence[str] | None) -> str | list[str] | None:
    """FILE arguments as an analysis takes them: None (the bundled data), one path, or a
    list of paths read as one table."""
    if not files:
        return None
    return files[0] if len(files) == 1 else list(files)


def input_paths(source: str | list[str] | None, command: str) -> list[Path | None]:
    """The files read (the command's bundled resource when none is given; None for stdin),
    which ``-o`` must never overwrite."""
    if source is None:
        from jdcli.datasets import default_resource

        return [Path(default_resource(command).path)]
    paths = [source] if isinstance(source, str) else source
    return [None if path == "-" else Path(path) for path in paths]


SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        metavar="NAME|N",
        help="Workbook sheet to read, by name or number (1 = first). Default: the first sheet "
        "that holds a table.",
        show_default=False,
    ),
]
SkipOpt = Annotated[
    int | None,
    typer.Option(
        "--skip",
        metavar="N",
        help="Lines (rows) before the header. Default: found (titles and unit lines are skipped).",
        show_default=False,
    ),
]
HeaderRowOpt = Annotated[
    int | None,
    typer.Option(
        "--header-row",
        metavar="N",
        help="Line (row) of the header, 1-based as an editor numbers lines. Default: found.",
        show_default=False,
    ),
]
HeaderRowsOpt = Annotated[
    int | None,
    typer.Option(
        "--header-rows",
        metavar="1|2",
        help="2 joins the header with the line below it (床位 over 核定 → 床位-核定). Default: "
        "1, or 2 for a workbook header with cells merged over sub-headers.",
        show_default=False,
    ),
]


def layout_options(
    sheet: str | None, skip: int | None, header_row: int | None, header_rows: int | None
) -> dict[str, Any]:
    """``--sheet``, ``--skip``, ``--header-row`` and ``--header-rows`` as keyword arguments of
    an analysis."""
    return {"sheet": sheet, "skip": skip, "header_row": header_row, "header_rows": header_rows}


StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Treat a row with a missing required value as an error."),
]
ByOpt = Annotated[
    list[str] | None,
    typer.Option("--by", help="Group by this column (repeatable; any column).", show_default=False),
]
ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="Add a column with the formula behind each figure.")
]
NoTotalOpt = Annotated[bool, typer.Option("--no-total", help="Leave out the total row.")]
KeepTotalRowsOpt = Annotated[
    bool,
    typer.Option(
        "--keep-total-rows",
        help="Count rows labelled 合计/总计/小计/全市/Total … as data (by default they are set "
        "aside and checked against the sum of their rows).",
    ),
]
ExcelOpt = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for spreadsheets: UTF-8 with BOM, and text cells starting with = + - @ "
        "neutralised with a leading ' against formula injection.",
    ),
]
ChartOpt = Annotated[
    Path | None,
    typer.Option(
        "--chart",
        metavar="PATH",
        help="Also draw a chart to PATH (.svg, .png or .html, written atomically); stdout "
        "still carries the data.",
        show_default=False,
    ),
]
FontOpt = Annotated[
    Path | None,
    typer.Option(
        "--font",
        metavar="PATH",
        help="A font file for a --chart .png with Chinese text (default: the first installed "
        "of Microsoft YaHei, PingFang SC, Noto Sans CJK SC, Source Han Sans SC, WenQuanYi …).",
        show_default=False,
    ),
]

LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="en|zh",
        help="Language of tables and Markdown (labels, titles, band and status words): en or "
        "zh. Default: JDCLI_LANG, else LC_ALL / LC_MESSAGES / LANG (zh* is Chinese). Machine "
        "formats (CSV, TSV, JSON, JSONL) are the same in every language.",
        show_default=False,
    ),
]
WideOpt = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Tables show every column, uncut (the terminal scrolls); by default the least "
        "important columns are hidden when they do not fit, and named under the table.",
    ),
]


def language(option: str | None) -> str:
    """``--lang``, else the environment's (``labels.resolve_lang``): ``en`` or ``zh``."""
    global _message_lang
    from jdcli.labels import resolve_lang

    if option is not None and option.lower() not in ("en", "zh"):
        raise UsageError(f"--lang expects en or zh, got {option!r}")
    _message_lang = str(resolve_lang(option, os.environ))
    return _message_lang


#: The language of messages on stderr, set by ``language`` when a command starts.
_message_lang = "en"


#: The value an option of ``BareOptionCommand.bare_options`` takes when given alone.
BARE = "\0"


class BareOptionCommand(typer.core.TyperCommand):
    """A command whose options named in ``bare_options`` may be given without a value.

    ``--rate`` alone is read as ``--rate=BARE``; ``--rate NAME`` takes NAME, as any option
    with a value does. As in Click's options with an optional value, the option is bare when
    nothing follows it or the next word starts with ``-`` (another option, or ``-`` for
    stdin). No one can type ``BARE`` (NUL) in a command line. Typer options cannot have an
    optional value themselves, so the words are rewritten before they are parsed.
    """

    bare_options: tuple[str, ...] = ()

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        takes_value = {
            name
            for param in self.params
            if isinstance(param, typer.core.TyperOption) and not param.is_flag and not param.count
            for name in (*param.opts, *param.secondary_opts)
        }
        rewritten: list[str] = []
        position = 0
        while position < len(args):
            word = args[position]
            following = args[position + 1] if position + 1 < len(args) else None
            position += 1
            if word == "--":
                rewritten += args[position - 1 :]
                break
            if word in self.bare_options and (following is None or following.startswith("-")):
                rewritten.append(f"{word}={BARE}")
            elif (word in self.bare_options or word in takes_value) and following is not None:
                # The value, even when it starts with - (as Click reads it).
                rewritten += [word, following]
                position += 1
            else:
                rewritten.append(word)
        return super().parse_args(ctx, rewritten)


# ------------------------------------------------------------------ messages and errors

_stderr_console: Any = None


def stderr_console() -> Any:
    """The one console for messages to people (stderr, no markup, no wrapping of long lines)."""
    global _stderr_console
    from rich.console import Console

    if _stderr_console is None or _stderr_console.file is not sys.stderr:
        _stderr_console = Console(
            file=sys.stderr, soft_wrap=True, markup=False, highlight=False, emoji=False
        )
    return _stderr_console


def say(kind: str, message: str) -> None:
    """``kind: message`` on one line of stderr, control characters and newlines escaped (a
    header or value quoted from the file may hold a line break)."""
    text = safe_text(message).replace("\r", "\\r").replace("\n", "\\n")
    if _message_lang != "en":
        from jdcli.phrases import message as translated

        kind, text = translated(kind, text, _message_lang)
        stderr_console().print(f"{kind}：{text}")
        return
    stderr_console().print(f"{kind}: {text}")


def warn(message: str) -> None:
    """A warning: recorded on the result being computed, and printed on stderr."""
    from jdcli import notes

    if notes.active():
        notes.warn(message)
    else:
        say("Warning", message)


def note(message: str) -> None:
    """A note: recorded on the result being computed, and printed on stderr."""
    from jdcli import notes

    if notes.active():
        notes.note(message)
    else:
        say("Note", message)


def print_note(item: Note) -> None:
    """A recorded note or warning, printed on stderr as it is recorded."""
    say(item.level, item.text)


@contextlib.contextmanager
def reported_errors() -> Iterator[list[Note]]:
    """The error boundary: an expected error becomes one line and its exit code:
    ``Check failed:`` for a failed check (exit 1, after the data is written), ``Error:`` for
    usage or input that cannot be used (exit 2).

    Inside it, the notes an analysis records are printed on stderr as they come (and
    collected: the block gets the list)."""
    from jdcli.notes import collecting

    try:
        with collecting(echo=print_note) as found:
            yield found
    except JdcliError as exc:
        failed = exc.exit_code is ExitCode.CHECK_FAILED
        say("Check failed" if failed else "Error", str(exc))
        raise typer.Exit(int(exc.exit_code)) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(int(ExitCode.OK)) from None
    finally:
        # A command sets the language of its messages (``language``); the next starts in English.
        global _message_lang
        _message_lang = "en"


def _silence_stdout() -> None:
    # The reader went away (``| head -1``): send the rest to /dev/null so the interpreter's
    # final flush does not raise again.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# ------------------------------------------------------------------ input


def load_input(
    file: str | None,
    schema: Schema,
    command: str,
    *,
    col: Sequence[str] | None,
    filters: Sequence[str] | None,
    encoding: str | None,
) -> Loaded:
    """Load FILE (or the command's bundled resource) with ``--col`` and ``--filter`` applied;
    a large file read for a person at a terminal shows a progress bar on stderr."""
    from jdcli.analyses.inputs import load_source
    from jdcli.loading import parse_mappings

    col_map = parse_mappings(col or [], "--col")
    with reading_progress(file or "-") as progress:
        return load_source(
            file,
            schema,
            command,
            columns=col_map,
            filters=parse_filters(filters),
            encoding=encoding,
            progress=progress if file is not None else None,
        )


def parse_filters(filters: Sequence[str] | None) -> dict[str, list[str]]:
    """``--filter COL=VALUE`` options as {COL: [VALUE, ...]}, ``COL!=VALUE`` as
    {COL!: [VALUE, ...]} (a UsageError for a bad one)."""
    from jdcli.loading import filter_key

    filter_map: dict[str, list[str]] = {}
    for pair in filters or []:
        name, sep, value = pair.partition("=")
        if not sep or not filter_key(name)[0]:
            raise UsageError(f"--filter expects COL=VALUE or COL!=VALUE, got {pair!r}")
        filter_map.setdefault(name.strip(), []).append(value)
    return filter_map


#: Inputs at least this large get a progress bar (when stderr is a terminal).
PROGRESS_FROM_BYTES = 50_000_000


@contextlib.contextmanager
def reading_progress(
    file: str | Sequence[str] | None,
) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback drawing a bar on stderr, or None: for stdin,
    several files, files under ``PROGRESS_FROM_BYTES`` and whenever stderr is not a terminal
    (silent)."""
    if not isinstance(file, str):
        yield None
        return
    try:
        size = os.path.getsize(file) if file != "-" else 0
    except OSError:
        size = 0
    isatty = getattr(sys.stderr, "isatty", None)
    if size < PROGRESS_FROM_BYTES or isatty is None or not isatty():
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    bar = Progress(
        TextColumn(safe_text(f"Reading {Path(file).name}")),
        BarColumn(),
        DownloadColumn(),
        console=stderr_console(),
        transient=True,
    )
    task = bar.add_task("read", total=size)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)


# ------------------------------------------------------------------ output


def check_chart(chart: Path | None) -> None:
    """Before any work: a usage error for a --chart path that cannot be written."""
    if chart is not None:
        from jdcli.charts.base import check_chart_path

        check_chart_path(chart)


def draw_chart(
    command: str,
    result: Any,
    chart: Path | None,
    font: Path | None,
    inputs: Sequence[Path | None] = (),
    **options: Any,
) -> None:
    """``--chart PATH``: draw the result (matplotlib is imported only now)."""
    if chart is not None:
        from jdcli.charts import save_chart

        save_chart(command, result, chart, font=font, inputs=inputs, **options)


def output_format(
    fmt: Format,
    output: Path | None,
    *,
    piped: Format = Format.CSV,
    formats: str = "",
) -> Format:
    """The format to write: explicit, from ``-o``'s extension, or ``auto`` against stdout
    (a table on a terminal, ``piped`` otherwise). ``formats`` names the choices in the hint.
    A binary format (xlsx) to stdout on a terminal is a usage error."""
    if output is not None and fmt is Format.AUTO:
        found = EXTENSIONS.get(output.suffix.lower())
        if found is None:
            raise UsageError(
                f"-o {output}: cannot tell the format from {output.suffix or 'no extension'!r}; "
                f"add --format{' ' + formats if formats else ''}"
            )
        return found
    if output is None and fmt in BINARY_FORMATS and _is_terminal(sys.stdout):
        raise UsageError(
            f"--format {fmt.value} writes a binary file, not text for a terminal; "
            f"add -o FILE.{fmt.value} (or redirect stdout to a file)"
        )
    return resolve_format(fmt, sys.stdout, piped) if output is None else fmt


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def result_options(
    result: Result,
    command: str,
    *,
    decimals: int,
    excel: bool,
    lang: str,
    wide: bool,
    styles: Mapping[str, Sequence[str | None]] | None = None,
) -> RenderOptions:
    """How a command writes its result: the result's title and caption, the command's labels
    (``command``, as :class:`RenderOptions` names them) and the output options."""
    return RenderOptions(
        decimals=decimals,
        title=result.title,
        caption=result.caption,
        excel=excel,
        styles=styles or {},
        command=command,
        lang=lang,
        wide=wide,
    )


#: The exit status when stdout cannot take the output (as the interpreter's own).
OUTPUT_NOT_WRITTEN = 120


def write_output(
    frame: pd.DataFrame,
    fmt: Format,
    output: Path | None,
    options: RenderOptions,
    *,
    inputs: Sequence[Path | None] = (),
) -> None:
    """Render ``frame`` to stdout, or atomically to ``output`` (never over an input file)."""
    chosen = output_format(fmt, output)
    if output is None:
        try:
            emit(frame, chosen, sys.stdout, options)
            sys.stdout.flush()
        except BrokenPipeError:
            raise  # the reader went away: the error boundary ends quietly
        except OSError as exc:
            # A full disk mid-way: one line and the status the end of the run would give
            # (``jdcli.cli._end``), not a traceback; the rest goes nowhere.
            say("Error", f"the output could not be written: {exc.strerror or exc}")
            _silence_stdout()
            raise typer.Exit(OUTPUT_NOT_WRITTEN) from None
        return
    write_atomically(output, lambda stream: emit(frame, chosen, stream, options), inputs=inputs)


def write_atomically(output: Path, render: Any, *, inputs: Sequence[Path | None] = ()) -> None:
    """``-o``: :func:`jdcli.files.write_atomically` with the option named in its errors."""
    from jdcli.files import write_atomically as write

    write(output, render, inputs=inputs, option="-o")
