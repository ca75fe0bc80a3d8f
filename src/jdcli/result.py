"""The finished result of an analysis: a frame, its title and caption, and the notes on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jdcli.notes import Note

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Result:
    """What a command computes, for the command line and the Python API alike.

    ``frame`` holds exactly the columns and values that ``-f csv`` writes, as full doubles
    (the CSV rounds them to 15 significant digits when it writes them). ``notes`` are the
    warnings and notes the command line prints on stderr, in order. ``decimals`` is the
    display rounding of the table views; ``sections`` and ``key_figures`` are a report's.
    ``exit_code`` is what the command line would exit with (1 when a check asked for failed;
    the data is written first).
    """

    frame: pd.DataFrame
    title: str = ""
    caption: str = ""
    notes: tuple[Note, ...] = ()
    decimals: int = 2
    sections: tuple[Result, ...] = field(default=(), repr=False)
    key_figures: pd.DataFrame | None = field(default=None, repr=False)
    failure: str | None = None

    @property
    def warnings(self) -> tuple[Note, ...]:
        """The notes that are warnings."""
        return tuple(n for n in self.notes if n.level == "Warning")

    def to_markdown(self) -> str:
        """The table for people (labels rounded half-up at ``decimals``) as Markdown."""
        import io

        from jdcli.render import RenderOptions, to_markdown

        buffer = io.StringIO()
        to_markdown(
            self.frame,
            buffer,
            RenderOptions(decimals=self.decimals, title=self.title, caption=self.caption),
        )
        return buffer.getvalue()

    def __str__(self) -> str:
        return self.to_markdown()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        """The table for people as HTML (a notebook shows this)."""
        import html

        import pandas as pd

        from jdcli.render import human_rows

        cells = human_rows(self.frame, self.decimals)
        shown = pd.DataFrame(cells, columns=[str(c) for c in self.frame.columns])
        parts = []
        if self.title:
            parts.append(f"<p><strong>{html.escape(self.title)}</strong></p>")
        parts.append(shown.to_html(index=False, escape=True))
        if self.caption:
            parts.append(f"<p><small>{html.escape(self.caption)}</small></p>")
        parts.extend(f"<p><small>{html.escape(str(n))}</small></p>" for n in self.notes)
        return "\n".join(parts)

    def with_notes(self, notes: list[Note] | tuple[Note, ...]) -> Result:
        """The same result with ``notes`` (as collected while it was computed)."""
        from dataclasses import replace

        return replace(self, notes=tuple(notes))
