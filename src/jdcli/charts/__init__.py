"""Charts of a command's result (``--chart PATH``): SVG, PNG or a self-contained HTML page.

One module per command draws its figure from the command's frame; :mod:`jdcli.charts.base`
holds what they share (labels, fonts, caption, writing). matplotlib is imported only when a
chart is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jdcli.result import Result

COMMANDS = ("trends", "occupancy", "staffing")


def save_chart(
    command: str,
    result: Result,
    path: str | Path,
    *,
    font: str | Path | None = None,
    inputs: Sequence[Path | None] = (),
    **options: Any,
) -> None:
    """Draw ``result`` (of ``jdcli COMMAND``) and write it to ``path`` (.svg, .png, .html).

    ``options`` go to the command's ``draw`` (``bands`` for occupancy). A PNG of Chinese text
    needs a font with the glyphs (``font``, else one of ``base.CJK_FONTS``): a UsageError
    otherwise, and nothing is written."""
    import importlib

    from jdcli.charts.base import check_chart_path, save, style

    path = Path(path)
    check_chart_path(path)
    module = importlib.import_module(f"jdcli.charts.{command}")
    frame = result.frame
    changes = getattr(result, "changes", None)
    if command == "trends" and changes is not None:
        # A summary is one row per series; the chart draws the levels it summarises.
        frame = changes.frame
        options.setdefault("keys", changes.keys)
    with style():
        fig = module.draw(frame, caption=result.caption, **options)
        save(
            fig,
            path,
            title=fig.get_suptitle() or command,
            caption=result.caption,
            font=Path(font) if font is not None else None,
            inputs=inputs,
        )
