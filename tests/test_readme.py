"""The README and CI agree, and every command is documented (help text and a page in docs/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jdcli.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```(?:sh|bash)?\n(.*?)```", text, re.S)]


def commands() -> list[str]:
    names = [c.name or getattr(c.callback, "__name__", "") for c in app.registered_commands]
    return sorted(n.replace("_", "-") for n in names)


def test_readme_opens_with_install_and_test_commands() -> None:
    first, second = code_blocks(README)[:2]
    # A virtual environment first: a system Python under PEP 668 (Debian, Ubuntu) refuses
    # ``pip install``; ``python3 -m venv .venv`` over an existing one is harmless, so each
    # command also works on its own.
    assert first == (
        "python3 -m venv .venv && .venv/bin/python -m pip install . && .venv/bin/jdcli report"
    )
    assert second == (
        'python3 -m venv .venv && .venv/bin/python -m pip install ".[test]" '
        "&& .venv/bin/python -m pytest"
    )


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    second = code_blocks(README)[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert second in ci.splitlines()


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_and_a_readme_section(invoke, name: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke([name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    page = ROOT / "docs" / f"{name}.md"
    assert f"](docs/{name}.md)" in README  # the front page links the command's reference
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# `jdcli {name}`\n")
    assert "Not yet available" not in text


def test_every_docs_link_resolves() -> None:
    for source in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = source.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (source.parent / target).exists(), f"{source.name}: broken link {target}"


def test_changelog_has_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
