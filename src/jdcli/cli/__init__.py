"""The Typer application: commands are registered here, one module per command."""

from __future__ import annotations

from typing import Annotated

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


def main() -> None:
    """Console-script entry point."""
    keep_arrow_memory()
    try:
        app(prog_name="jdcli")
    finally:
        without_last_collection()


def without_last_collection() -> None:
    """Spare the process the garbage collection Python runs as it exits.

    When a command is done, everything left is about to go with the process; a last full
    collection would walk every object pandas and Arrow created on import to free nothing
    the system does not reclaim anyway: about 0.12 s of a command that imported pandas (the
    interpreter's exit after ``import pandas``: 0.147 → 0.026 s, median of 7). Objects are
    still released as their modules are cleared, and exit handlers still run.
    """
    import gc

    gc.freeze()


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
