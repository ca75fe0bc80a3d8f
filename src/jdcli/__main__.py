"""Run jdcli as ``python -m jdcli``."""

from jdcli.cli import main

main()
