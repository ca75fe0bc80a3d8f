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
    add_completion=False,
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
    app(prog_name="jdcli")
