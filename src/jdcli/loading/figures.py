"""Figures as written: the number, the decimal place it was rounded at, and whether it is
marked approximate. The one reader of written precision for ``jdcli verify`` and ``trends``.

Reading text is loading's job; what a figure then stands for (its rounding interval) is
decided in ``jdcli.metrics.precision`` from the columns read here (value, places, approx),
so the metrics never see text.

- ``places`` is the number of decimals written (``91.72`` → 2, ``15`` → 0); for an
  approximate integer it is the place of its last non-zero digit (``~2300`` → −2: rounded
  to hundreds; ``~55`` → 0);
- a figure is approximate when a marker precedes it: ``~`` (also ``～``/``〜``), ``≈``,
  ``约``, ``大约``, ``近``, ``about``, ``approx.``/``approx``, ``ca.``, ``c.``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Markers of an approximate figure, written before the number (after ``normalise``).
APPROXIMATE_MARKERS = ("~", "≈", "大约", "约", "近", "about", "approx.", "approx", "ca.", "c.")

# Characters NFKC leaves alone that people use for these symbols.
_TRANSLATE = str.maketrans(
    {"−": "-", "–": "-", "〜": "~", "～": "~", "×": "x", "✕": "x", "⟶": "->", "→": "->"}
)

# A marker, then optional space: longest alternatives first (大约 before 约, approx. before c.).
_APPROX = "|".join(
    re.escape(m) + (r"\s+" if m.isalpha() and m.isascii() else r"\s*")
    for m in sorted(APPROXIMATE_MARKERS, key=len, reverse=True)
)
# The same at the start of a cell as typed (before ``normalise``): full-width tildes too.
_MARKER = re.compile(rf"^(?:～\s*|〜\s*|{_APPROX})", re.IGNORECASE)

#: A number as claims write it: digits with optional thousands separators and decimals.
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_FIGURE = re.compile(
    rf"(?P<approx>{_APPROX})?\s*(?P<sign>[+-])?\s*(?P<number>{NUMBER})\s*"
    r"(?P<unit>%|pp|p\.p\.|个百分点|百分点)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """A number as written: exact value, the decimal place it was rounded at, approximate?

    ``places`` is the number of decimals (2 for ``91.72``); for an approximate integer it is
    the place of its last non-zero digit (``~2300`` → −2, rounded to hundreds).
    """

    text: str
    value: Fraction
    places: int
    approx: bool
    unit: str


def normalise(text: str) -> str:
    """Full-width forms to ASCII, the minus sign and arrows to ``-`` and ``->``."""
    return unicodedata.normalize("NFKC", text).translate(_TRANSLATE).strip()


def rounding_places(number: str, approx: bool) -> int:
    """The decimal place ``number`` (digits as written, no sign) was rounded at."""
    digits, _, fraction = number.replace(",", "").partition(".")
    if fraction or not approx:
        return len(fraction)
    significant = digits.lstrip("0")
    return -(len(significant) - len(significant.rstrip("0")))


def parse_figure(text: str) -> Figure | None:
    """``"~7,654"``, ``"91.72%"``, ``"+0.42pp"`` → a Figure; anything else → None."""
    text = normalise(text)
    match = _FIGURE.fullmatch(text)
    if match is None:
        return None
    number = match["number"].replace(",", "")
    value = Fraction(number)
    if match["sign"] == "-":
        value = -value
    approx = match["approx"] is not None
    unit = (match["unit"] or "").lower()
    unit = "pp" if unit in ("pp", "p.p.", "个百分点", "百分点") else unit
    return Figure(
        text=text, value=value, places=rounding_places(number, approx), approx=approx, unit=unit
    )


def written_precision(text: pd.Series) -> pd.DataFrame:
    """How each cell of a column of figures is written, for ``parse_numbers`` and the checks.

    Columns (aligned to ``text``): ``number`` (the cell without its approximate marker, for
    ``parse_numbers``; missing stays missing), ``approx`` (``bool``: a marker was there),
    ``places`` (``Int64``, as in ``Figure``; ``<NA>`` for a cell without digits).
    ``"~55"`` → (``"55"``, True, 0); ``"约 2,300"`` → (``"2,300"``, True, −2);
    ``"12.50%"`` → (``"12.50%"``, False, 2).

    Each distinct cell is read once (a long column repeats its figures): the text rules run
    over the distinct cells and their answers are copied to the rows.
    """
    import numpy as np
    import pandas as pd

    cells = text.astype("str")
    codes, distinct = pd.factorize(cells, use_na_sentinel=True)
    read = _written_precision_distinct(pd.Series(distinct, dtype="str"))
    missing = codes < 0
    approx = (
        read["approx"].to_numpy(dtype=bool)[np.where(missing, 0, codes)] if len(read) else missing
    )
    return pd.DataFrame(
        {
            "number": pd.Series(
                read["number"].array.take(codes, allow_fill=True), index=text.index, copy=False
            ),
            "approx": pd.Series(approx & ~missing, index=text.index, copy=False),
            "places": pd.Series(
                read["places"].array.take(codes, allow_fill=True), index=text.index, copy=False
            ),
        },
        index=text.index,
    )


def _written_precision_distinct(cells: pd.Series) -> pd.DataFrame:
    """``written_precision`` of cells that are all present, one row per cell."""
    import pandas as pd

    stripped = cells.str.strip()
    approx = stripped.str.contains(_MARKER, regex=True)
    number = stripped.str.replace(_MARKER, "", regex=True)
    digits = number.map(normalise).str.extract(r"(\d[\d,]*(?:\.\d+)?)", expand=False)
    places = pd.Series(
        [
            pd.NA if not isinstance(d, str) else rounding_places(d, bool(a))
            for d, a in zip(digits, approx, strict=True)
        ],
        index=cells.index,
        dtype="Int64",
    )
    return pd.DataFrame(
        {"number": number.astype("str"), "approx": approx.astype("bool"), "places": places},
        index=cells.index,
    )
