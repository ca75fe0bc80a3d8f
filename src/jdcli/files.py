"""Files written whole or not at all: a temporary file beside the target, renamed into
place, never over an input. Used by ``-o`` and ``--chart`` alike."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jdcli.errors import UsageError


def write_atomically(
    output: Path, render: Any, *, inputs: Sequence[Path | None] = (), option: str = "-o"
) -> None:
    """Call ``render(stream)`` on a temporary file next to ``output``, then rename it into place.

    ``stream`` is UTF-8 text; a binary format (xlsx, PNG) writes bytes to its ``buffer``.
    Nothing is written over one of ``inputs``; errors name ``option`` (``-o``, ``--chart``)."""
    for source in inputs:
        if source is not None and output.exists() and _same_file(output, source):
            raise UsageError(f"{option} {output}: refusing to overwrite the input file")
    if output.is_dir():
        raise UsageError(f"{option} {output}: is a directory; give a file name")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{option} {output}: folder {folder} does not exist")
    import tempfile

    try:
        fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(
            f"{option} {output}: cannot write in {folder} ({exc.strerror or exc})"
        ) from None
    try:
        # mkstemp makes the file private (0600); give it the mode a plain write would have.
        os.fchmod(fd, _file_mode(output))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            render(stream)
        os.replace(temp, output)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise UsageError(f"{option} {output}: cannot write ({exc.strerror or exc})") from None
        raise


def _file_mode(output: Path) -> int:
    """The mode of the file being replaced, or what the umask gives a new file."""
    try:
        return stat.S_IMODE(output.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    except OSError:
        return False
