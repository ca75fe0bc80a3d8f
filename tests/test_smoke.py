"""Smoke tests: the CLI starts, shows its version, and runs on the bundled data."""

from __future__ import annotations

from jdcli import __version__


def test_version(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"jdcli {__version__}\n"


def test_occupancy_bundled_csv(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "7654,7020,91.7167494120721" in result.stdout
