"""Shared fixtures: a pinned environment, a CLI runner, paths to test data and golden files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from jdcli.cli import app

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(autouse=True)
def pinned_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Same output everywhere: no colour, a fixed width."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # English labels whatever the machine's locale (tests of --lang set their own).
    for name in ("JDCLI_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner):  # type: ignore[no-untyped-def]
    """``invoke(args, input=None)`` → Result with separate stdout and stderr."""

    def run(args: list[str], input: str | bytes | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, args, input=input, catch_exceptions=False)

    return run


def assert_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with ``tests/golden/NAME``; rewrite it when JDCLI_UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("JDCLI_UPDATE_GOLDEN") == "1" or not path.exists():
        if os.environ.get("CI") and not path.exists():
            raise AssertionError(f"golden file {name} is missing")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")
