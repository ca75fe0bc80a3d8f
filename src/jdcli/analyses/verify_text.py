"""``jdcli verify --text``: find the claims of an article or report and check them.

The claims come from ``jdcli.loading.text_claims``; they are checked by
``jdcli.analyses.verify.compute`` (the one rule of ``jdcli verify``), and each row gains the
``line`` of the text and the ``sentence`` around its figure. ``extract=True`` writes the
claims found as a claims file instead, for a person to edit and check.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from jdcli.notes import note
from jdcli.result import Result

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.loading.text_claims import TextClaim

#: The columns of ``--extract``: a claims file, plus where each claim was found.
EXTRACT_COLUMNS = [
    "label",
    "kind",
    "numerator",
    "denominator",
    "from",
    "to",
    "stated",
    "missing",
    "line",
    "sentence",
]


def run(
    text: str | os.PathLike[str], *, extract: bool = False, encoding: str | None = None
) -> Result:
    """Find and check every claim of the text at ``text`` (a path, or ``"-"`` for stdin).

    The frame has the columns of ``jdcli verify`` plus ``line`` and ``sentence``; with
    ``extract`` it is a claims file (``EXTRACT_COLUMNS``) and nothing is checked.
    """
    from jdcli.analyses.verify import caption, compute, failure
    from jdcli.loading.source import read_source
    from jdcli.loading.text_claims import find_claims

    source = read_source(str(os.fspath(text)), encoding)
    found = find_claims(source.text)
    if not found:
        note(f"{source.name}: no rates, changes or multiples found")
    if extract:
        return Result(
            _claims_file(found),
            title="Claims found",
            caption=f"Claims found in {source.name}; check them with jdcli verify FILE",
        )
    import pandas as pd

    frame = compute([t.claim for t in found])
    frame["line"] = pd.Series([t.line for t in found], index=frame.index, dtype="Int64")
    frame["sentence"] = pd.Series([t.sentence for t in found], index=frame.index, dtype="str")
    unverifiable = int(frame["status"].eq("unverifiable").sum())
    if unverifiable:
        note(f"{unverifiable} claim(s) unverifiable: their inputs are not given")
    placed = frame.assign(label=[f"line {t.line}: {t.claim.label}" for t in found])
    return Result(
        frame,
        title="Claims",
        caption=caption(f"{source.name} (claims found in the text)"),
        decimals=4,
        failure=failure(placed),
    )


def _claims_file(found: list[TextClaim]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for item in found:
        claim = item.claim
        a = "" if claim.a is None else claim.a.text
        b = "" if claim.b is None else claim.b.text
        ratio = claim.kind == "ratio"
        rows.append(
            {
                "label": claim.label,
                "kind": claim.kind,
                "numerator": a if ratio else "",
                "denominator": b if ratio else "",
                "from": "" if ratio else a,
                "to": "" if ratio else b,
                "stated": claim.stated,
                "missing": claim.missing,
                "line": item.line,
                "sentence": item.sentence,
            }
        )
    frame = pd.DataFrame(rows, columns=EXTRACT_COLUMNS)
    text = [c for c in EXTRACT_COLUMNS if c != "line"]
    return frame.astype(dict.fromkeys(text, "str")).astype({"line": "Int64"})
