"""The Typer application: commands are registered here, one module per command."""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer

from jdcli import __version__

app = typer.Typer(
    name="jdcli",
    help="Drug-control program statistics from CSV: occupancy, trends, staffing, claim checks.\n\n"
    "stdout carries data only; messages go to stderr. Exit codes: 0 ok, 1 a check failed, "
    "2 usage or input error.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jdcli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Drug-control program statistics from CSV."""
    without_huge_pages()


def without_huge_pages() -> None:
    """Ask Linux not to back this process's memory with transparent huge pages.

    numpy and Arrow's allocator ask for them on large blocks; each first touch then zeroes
    2 MB at once, and on the benchmark machine that made the 1.93M-row trends run slow and
    erratic: over 6 alternating runs, median 3.61 s → 3.27 s, system time 1.61 s → 0.87 s
    (occupancy, which streams, was unchanged). A command touches most of its memory once,
    so huge pages save little. Called before each command (not for ``jdcli --help``);
    elsewhere than Linux, or if the call fails, nothing changes.
    """
    import sys

    if sys.platform != "linux":
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


_PR_SET_THP_DISABLE = 41  # <linux/prctl.h>


COMMAND_MODULES = ("occupancy", "trends", "staffing", "verify", "report", "datasets")


def _register() -> None:
    # Each command module adds itself to ``app`` when imported; the imports stay light (no
    # pandas). Listed in the order ``--help`` shows them; a module not written yet is skipped.
    import importlib
    import importlib.util

    for name in COMMAND_MODULES:
        if importlib.util.find_spec(f"jdcli.cli.{name}") is not None:
            importlib.import_module(f"jdcli.cli.{name}")


_register()


def main() -> NoReturn:
    """Console-script entry point."""
    _end(run_command())


def run_command() -> object:
    """Run the command line in ``sys.argv`` and give its exit code (what ``SystemExit``
    carries: an int, None for 0, or a message), without ending the process."""
    keep_arrow_memory()
    try:
        app(prog_name="jdcli")
    except SystemExit as exc:
        return exc.code
    return 0


def _end(code: object) -> NoReturn:
    """End the process with ``code`` once the command is done: its output is flushed and the
    exit handlers run, then the process ends without the interpreter taking every module and
    object apart one by one (a tenth of a second after a large run, and nothing anyone
    sees). What the interpreter would do with ``code`` is done here: None is 0, an integer
    is itself, anything else is printed on stderr and gives 1; output that cannot be written
    at the end (a full disk) is one line on stderr and 120, as the interpreter would exit."""
    import atexit
    import contextlib
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass  # the reader went away (``| head``): nothing more to say to it
    except OSError as exc:  # a full disk: the output is not all there, and the status says so
        print(f"Error: the output could not be written: {exc.strerror or exc}", file=sys.stderr)
        status = status or 120  # as the interpreter's own exit
    except ValueError:
        pass  # closed by the command
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(status)


def keep_arrow_memory() -> None:
    """Let Arrow's allocator keep freed memory for reuse while this process runs.

    By default it (mimalloc) hands freed memory back to the system, so the next large block
    starts on fresh pages that the kernel must zero first; on the 1.93M-row trends benchmark
    that was most of the run's system time (median 3.40 s → 2.49 s without it, the same
    output and peak memory). A jdcli command is one short process, so the memory is kept
    until it ends. Set before pyarrow is imported (it reads the option when it loads); the
    user's own ``MIMALLOC_PURGE_DELAY`` wins.
    """
    import os

    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "-1")
