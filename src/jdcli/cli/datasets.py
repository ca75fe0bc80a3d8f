"""``jdcli datasets``: list the bundled datasets and their resources."""

from __future__ import annotations

from jdcli.cli import app
from jdcli.cli.common import DecimalsOpt, FormatOpt, OutputOpt, reported_errors, write_output
from jdcli.render import Format, RenderOptions


@app.command()
def datasets(
    fmt: FormatOpt = Format.AUTO,
    output: OutputOpt = None,
    decimals: DecimalsOpt = 2,
) -> None:
    """List the bundled datasets: name, resource, rows, command it serves, description, source."""
    with reported_errors():
        from jdcli.datasets import bundled_catalogue

        frame = bundled_catalogue()
        write_output(
            frame,
            fmt,
            output,
            RenderOptions(decimals=decimals, title="Bundled datasets"),
        )
