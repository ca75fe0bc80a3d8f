"""How a table for people fits the terminal: column widths, wrapped headers, cut cells and the
columns left out, decided here and drawn by rich.

The policy: widths are display widths (a CJK character counts two); a header wraps only
between words (Chinese between characters, a bracketed unit kept whole) onto at most two
lines; a number never wraps; a text cell wraps onto at most two lines and is cut with ``…``
beyond; repeated series keys are shown once per group. When the columns do not fit even at
their narrowest, the least important ones are hidden and named under the table. ``wide``
shows every column at its natural width.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

#: A text column may shrink to this many cells (then its cells wrap onto two lines and cut).
TEXT_FLOOR = 12
#: A cell wraps onto at most this many lines.
MAX_LINES = 2

_OPENERS = "（(《“‘[【"
_CLOSERS = "）)》”’]】，。、：；！？%％"
_GROUP = re.compile(r"（[^（）]{0,6}）|\([^()\s]{0,10}\)")


@functools.lru_cache(maxsize=65536)
def cell_width(text: str) -> int:
    """Display width in terminal cells (rich's measure, CJK double)."""
    from rich.cells import cell_len

    return int(cell_len(text))


def tokens(text: str) -> list[tuple[str, bool]]:
    """The unbreakable pieces of ``text`` and whether a space came before each: an ASCII word,
    one wide character, or a short bracketed group (（%）); openers stick to what follows,
    closers and punctuation to what precedes."""
    pieces: list[tuple[str, bool]] = []
    position, space = 0, False
    while position < len(text):
        char = text[position]
        if char.isspace():
            space, position = True, position + 1
            continue
        group = _GROUP.match(text, position)
        if group:
            piece = group.group()
        elif cell_width(char) == 2:
            piece = char
        else:
            end = position
            while end < len(text) and not text[end].isspace() and cell_width(text[end]) < 2:
                if end > position and _GROUP.match(text, end):
                    break
                end += 1
            piece = text[position:end]
        position += len(piece)
        if pieces and not space and (piece[0] in _CLOSERS or pieces[-1][0][-1] in _OPENERS):
            previous, had_space = pieces[-1]
            pieces[-1] = (previous + piece, had_space)
        else:
            pieces.append((piece, space))
        space = False
    return pieces


def _join(parts: Sequence[tuple[str, bool]]) -> str:
    return "".join((" " if space and i else "") + piece for i, (piece, space) in enumerate(parts))


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken only between tokens (a token wider
    than ``width`` is folded by characters)."""
    lines: list[str] = []
    current: list[tuple[str, bool]] = []
    for piece, space in tokens(text):
        if cell_width(piece) > width:
            if current:
                lines.append(_join(current))
                current = []
            chunk = ""
            for char in piece:
                if cell_width(chunk + char) > width and chunk:
                    lines.append(chunk)
                    chunk = ""
                chunk += char
            current = [(chunk, False)]
            continue
        if current and cell_width(_join([*current, (piece, space)])) > width:
            lines.append(_join(current))
            current = [(piece, False)]
        else:
            current.append((piece, space))
    if current:
        lines.append(_join(current))
    return lines or [""]


def header_min(text: str) -> int:
    """The narrowest width at which ``text`` fits on two lines without breaking a token."""
    parts = tokens(text)
    best = cell_width(_join(parts))
    for cut in range(1, len(parts)):
        first, second = _join(parts[:cut]), _join([(parts[cut][0], False), *parts[cut + 1 :]])
        best = min(best, max(cell_width(first), cell_width(second)))
    return best


@functools.lru_cache(maxsize=65536)
def fit_cell(text: str, width: int, lines: int = MAX_LINES) -> str:
    """A text cell wrapped onto at most ``lines`` lines of ``width``, cut with ``…`` after
    (cached: a column repeats its values)."""
    if "\n" not in text and cell_width(text) <= width:
        return text
    wrapped = wrap(" ".join(text.split("\n")), width)
    if len(wrapped) <= lines:
        return "\n".join(wrapped)
    kept = wrapped[:lines]
    last = kept[-1]
    while last and cell_width(last + "…") > width:
        last = last[:-1]
    kept[-1] = last + "…"
    return "\n".join(kept)


def sparse(rows: list[list[str]], keys: int) -> list[list[str]]:
    """Rows with a repeated series key blanked: a cell of the first ``keys`` columns is shown
    only when it, or a key to its left, differs from the row above (pandas' multi_sparse)."""
    shown: list[list[str]] = []
    previous: list[str] | None = None
    for row in rows:
        cells = list(row)
        if previous is not None:
            for i in range(min(keys, len(row))):
                if row[i] != previous[i]:
                    break
                cells[i] = ""
        previous = row
        shown.append(cells)
    return shown


@dataclass(frozen=True)
class Layout:
    """Which columns are shown (indices, in order), at which widths, and those hidden."""

    shown: list[int]
    widths: list[int]
    hidden: list[int]

    def total(self) -> int:
        """The table's width with rich's heavy-head box and one space of padding each side."""
        return sum(self.widths) + 3 * len(self.widths) + 1


def plan(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    rank: Sequence[int],
    width: int,
    *,
    wide: bool = False,
) -> Layout:
    """Widths for a table ``width`` cells wide. ``rank``: each column's importance (0 is kept
    longest; a larger rank is hidden first, the rightmost of equals first)."""
    count = len(headers)
    cells = [
        [cell_width(line) for row in rows for line in row[i].split("\n")] for i in range(count)
    ]
    widest = [max(c, default=0) for c in cells]
    natural = [max(cell_width(h), w, 1) for h, w in zip(headers, widest, strict=True)]
    if wide:
        return Layout(list(range(count)), natural, [])
    least = []
    for i, header in enumerate(headers):
        floor = widest[i] if numeric[i] else min(widest[i], TEXT_FLOOR)
        least.append(max(header_min(header), floor, 1))
    shown = list(range(count))
    hidden: list[int] = []

    def needed(columns: list[int]) -> int:
        return sum(least[i] for i in columns) + 3 * len(columns) + 1

    while len(shown) > 1 and needed(shown) > width:
        drop = max(shown, key=lambda i: (rank[i], i))
        shown.remove(drop)
        hidden.append(drop)
    widths = {i: natural[i] for i in shown}
    excess = sum(widths.values()) + 3 * len(shown) + 1 - width
    while excess > 0:
        room = [i for i in shown if widths[i] > least[i]]
        if not room:
            break
        widest_col = max(room, key=lambda i: (widths[i], i))
        widths[widest_col] -= 1
        excess -= 1
    return Layout(shown, [widths[i] for i in shown], sorted(hidden))
