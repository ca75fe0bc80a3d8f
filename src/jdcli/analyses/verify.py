"""``jdcli verify``: does a published figure follow from its own inputs, allowing for rounding?

Claims come inline (``"7020/7654 = 91.72%"``), from claims files or a DataFrame, or from the
bundled claims; ``jdcli.metrics.claims`` checks them and each claim that does not pass gets a
hint saying what it needs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from jdcli.errors import UsageError
from jdcli.notes import note
from jdcli.result import Result

if TYPE_CHECKING:
    from collections.abc import Sequence
    from fractions import Fraction

    import pandas as pd

    from jdcli.analyses.inputs import Filters
    from jdcli.loading.claims import Claim

#: Inline claims and claims files (a list), one file or claim (a str), a path, a DataFrame of
#: claims, or None for the bundled claims.
Claims: TypeAlias = (
    "Sequence[str | os.PathLike[str]] | str | os.PathLike[str] | pd.DataFrame | None"
)

Row = dict[Any, Any]

COLUMNS = ["label", "kind", "computed", "low", "high", "stated", "status", "hint"]
TITLE = "Claims"
#: Decimal places of the table views (the command line's ``--decimals`` default).
DECIMALS = 4

_FILE_NAME = re.compile(r"\.(csv|tsv|txt|tab)$", re.IGNORECASE)


def run(
    claims: Claims = None,
    *,
    columns: Mapping[str, str] | None = None,
    filters: Filters = None,
    encoding: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    text: str | os.PathLike[str] | None = None,
    extract: bool = False,
    sheet: str | None = None,
    skip: int | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
) -> Result:
    """Check published figures against their own inputs, allowing for rounding.

    ``claims`` is one of:

    - a list: each item is read as the command line reads its arguments, in order: a str
      with ``=`` is an inline claim (``"7020/7654 = 91.72%"``, ``"labs: 25 -> 15 = -40%"``),
      any other str or an ``os.PathLike`` names a claims file (``"-"`` for stdin);
    - a single str: a claims file when it is ``"-"``, names an existing file or ends in
      ``.csv``, ``.tsv``, ``.txt`` or ``.tab``; otherwise one inline claim;
    - an ``os.PathLike``: a claims file;
    - a pandas DataFrame with the columns of a claims file (label, kind, numerator/denominator
      or from/to, stated, optional decimals; the same aliases). The precision of a figure is
      read from how it is written, so give the inputs and stated figures as text
      (``"91.70%"``); a number cell is read as Python writes it (``91.72``; a whole float such
      as ``7020.0`` as the count ``7020``);
    - None or an empty list: the claims of the bundled dataset.

    ``columns`` (``{canonical: actual}``, ``--col``), ``filters`` (``{column: value or
    [values]}``, ``--filter``) and ``encoding`` apply to the claims files, the DataFrame and
    the bundled claims; ``sheet``, ``skip``, ``header_row`` and ``header_rows`` say where the
    table is in each claims file. The frame has the columns label, kind, computed, low,
    high, stated, status (pass, fail, unverifiable) and hint; ``failure`` is set when a claim
    fails (the command line writes the table, then exits 1 with it).

    ``text`` (a path, or ``"-"`` for stdin) finds the claims of an article or report and
    checks them (``jdcli verify --text``; see ``jdcli.analyses.verify_text``); ``extract``
    returns the claims found as a claims file, unchecked.
    """
    if text is not None:
        if claims is not None or columns or filters:
            raise UsageError("text= reads claims from prose: give no claims, columns or filters")
        from jdcli.analyses import verify_text

        return verify_text.run(text, extract=extract, encoding=encoding)
    if extract:
        raise UsageError("extract= needs text= (the article to find claims in)")
    parsed, source = gather(
        claims, columns=columns, filters=filters, encoding=encoding, progress=progress,
        sheet=sheet, skip=skip, header_row=header_row, header_rows=header_rows,
    )  # fmt: skip
    frame = compute(parsed)
    unverifiable = int(frame["status"].eq("unverifiable").sum())
    if unverifiable:
        note(f"{unverifiable} claim(s) unverifiable: their inputs are not given")
    return Result(
        frame,
        title=TITLE,
        caption=caption(source),
        decimals=DECIMALS,
        failure=failure(frame),
    )


def arguments(claims: Claims) -> list[tuple[str, Any]]:
    """``claims`` as ``(what, item)`` pairs in order: ``("claim", text)``, ``("file", path)``
    or ``("frame", DataFrame)``; no pairs for the bundled claims."""
    if claims is None:
        return []
    if isinstance(claims, os.PathLike):
        return [("file", claims)]
    if isinstance(claims, str):
        clearly_a_file = claims == "-" or Path(claims).exists() or _FILE_NAME.search(claims)
        return [("file" if clearly_a_file else "claim", claims)]
    import pandas as pd

    if isinstance(claims, pd.DataFrame):
        return [("frame", claims)]
    if not isinstance(claims, list | tuple):
        raise UsageError(
            "claims are a list of claims and files, a path, a pandas DataFrame or None, "
            f"not {type(claims).__name__}"
        )
    from jdcli.loading.claims import looks_like_claim

    found: list[tuple[str, Any]] = []
    for item in claims:
        if isinstance(item, os.PathLike):
            found.append(("file", item))
        elif isinstance(item, str):
            found.append(("claim" if looks_like_claim(item) else "file", item))
        else:
            raise UsageError(f"a claim or a file name is a str, not {type(item).__name__}")
    return found


def input_paths(claims: Claims) -> list[Path | None]:
    """The files ``run(claims)`` reads (None for stdin), which ``-o`` must not overwrite."""
    found = arguments(claims)
    if not found:
        from jdcli.datasets import default_resource

        return [default_resource("verify").path]
    return [None if str(item) == "-" else Path(item) for what, item in found if what == "file"]


def gather(
    claims: Claims,
    *,
    columns: Mapping[str, str] | None = None,
    filters: Filters = None,
    encoding: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    sheet: str | None = None,
    skip: int | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
) -> tuple[list[Claim], str]:
    """The claims (inline claims, files and frames in order; none: the bundled claims) and a
    source line for the caption."""
    from jdcli.analyses.inputs import load_source
    from jdcli.loading.claims import claims_from_file, parse_claim
    from jdcli.loading.schemas import CLAIMS

    options: dict[str, Any] = {"columns": columns, "filters": filters, "encoding": encoding}
    layout: dict[str, Any] = {
        "sheet": sheet,
        "skip": skip,
        "header_row": header_row,
        "header_rows": header_rows,
    }  # for files only
    found = arguments(claims)
    if not found:
        loaded = load_source(None, CLAIMS, "verify", **options)
        return claims_from_file(loaded), loaded.name
    parsed: list[Claim] = []
    sources: list[str] = []
    for what, item in found:
        if what == "claim":
            parsed.append(parse_claim(item))
            if "command line" not in sources:
                sources.append("command line")
            continue
        if what == "frame":
            loaded = load_source(_as_text(item), CLAIMS, "verify", **options)
            parsed.extend(claims_from_file(loaded, place="row"))
        else:
            if isinstance(item, str):
                check_file_argument(item)
            loaded = load_source(
                item, CLAIMS, "verify", progress=progress, **options, **layout
            )  # fmt: skip
            parsed.extend(claims_from_file(loaded))
        sources.append(loaded.name)
    return parsed, ", ".join(sources)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Number columns as text, as Python writes the numbers (``91.72``; a whole float such as
    ``7020.0`` as ``7020``), since a claim's precision is read from its written figures."""
    import pandas as pd

    def text(value: object) -> object:
        if pd.isna(value):  # type: ignore[call-overload]
            return None
        number = float(str(value))
        if number.is_integer() and abs(number) < 2**53:
            return str(int(number))
        return f"{Decimal(repr(number)):f}"

    out = frame.copy()
    for name, values in frame.items():
        numeric = pd.api.types.is_numeric_dtype(values.dtype)
        if numeric and not pd.api.types.is_bool_dtype(values.dtype):
            out[name] = values.astype(object).map(text)
    return out


def check_file_argument(argument: str) -> None:
    """An argument without ``=`` that is no file but looks like a claim is a grammar error."""
    from jdcli.loading.claims import EXAMPLES

    if argument == "-" or Path(argument).exists():
        return
    if (
        re.search(r"\d", argument)
        and re.search(r"->|→|/|%|倍|番", argument)
        and not _FILE_NAME.search(argument)
    ):
        raise UsageError(
            f"{argument!r} is neither a file nor a claim (a claim needs '=' before the stated "
            f"figure); write claims like {', '.join(EXAMPLES)}"
        )


def compute(claims: list[Claim]) -> pd.DataFrame:
    """Check the claims: label, kind, computed, low, high, stated, status, hint."""
    from jdcli.loading.claims import claims_frame
    from jdcli.metrics.claims import check_claims

    checked = check_claims(claims_frame(claims))
    checked["hint"] = hints(checked)
    return checked[COLUMNS]


def caption(source: str) -> str:
    """The rule, and where the claims came from."""
    return (
        "pass: inputs within their rounding intervals give a value that rounds half-up to the "
        "stated figure; computed uses the inputs as written, low–high is the range they allow. "
        f"Source: {source}"
    )


def failure(checked: pd.DataFrame) -> str | None:
    """How many claims fail, and which (the first five); None when none fails."""
    failed = checked.loc[checked["status"].eq("fail"), "label"].tolist()
    if not failed:
        return None
    shown = "; ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
    return f"{len(failed)} of {len(checked)} claim(s) fail: {shown}"


# ---------------------------------------------------------------- hints


_NAMES = {
    "ratio": ("numerator", "denominator"),
    "change": ("the later value", "the earlier value"),
    "pp_change": ("the later value", "the earlier value"),
    "multiple": ("the later value", "the earlier value"),
    "doublings": ("the later value", "the earlier value"),
}


def hints(checked: pd.DataFrame) -> list[str]:
    """What each claim needs: the inputs not given, why it is undefined, or for a failure the
    value the inputs round to and the input ranges that would give the stated figure."""
    out = []
    for row in checked.to_dict("records"):
        status = row["status"]
        if status == "unverifiable":
            out.append(_unverifiable_hint(row))
        elif status == "pass":
            out.append("")
        elif row["undefined"]:
            out.append(_undefined_hint(row))
        else:
            out.append(_fail_hint(row))
    return out


def _unverifiable_hint(row: Row) -> str:
    text = f"not given: {row['missing']}" if row["missing"] else "inputs not given"
    kind = str(row["kind"])
    result_name, base_name = _NAMES[kind]
    result_key, base_key = ("a", "b") if kind == "ratio" else ("b", "a")
    for which, name, other_name, other_key in (
        ("base", base_name, result_name, result_key),
        ("result", result_name, base_name, base_key),
    ):
        if row[other_key] is None:
            continue
        # The missing input is taken to be written like the one given (a count if it is one).
        span = _span(row, which, other_key)
        if span:
            text += (
                f"; {row['stated']} with {other_name} {row[f'{other_key}_text']} "
                f"implies {name} {span}"
            )
    return text


def _undefined_hint(row: Row) -> str:
    if row["kind"] == "ratio":
        return "the denominator is 0: the ratio is undefined"
    what = {"change": "relative change", "multiple": "multiple", "doublings": "doubling"}
    return (
        f"a {what[str(row['kind'])]} from {row['a_text']} is undefined "
        "(the earlier value must be above 0)"
    )


def _fail_hint(row: Row) -> str:
    kind = str(row["kind"])
    result_name, base_name = _NAMES[kind]
    result_key, base_key = ("a", "b") if kind == "ratio" else ("b", "a")
    parts = []
    if row["low"] == row["high"]:
        parts.append(f"the inputs give {_shown(row, _rounded(row))}")
    else:
        low, high = (_trimmed(row[k], 4) for k in ("low", "high"))
        parts.append(f"the inputs allow {low} to {high}")
    needs = []
    for which, name, key, other_name, other_key in (
        ("result", result_name, result_key, base_name, base_key),
        ("base", base_name, base_key, result_name, result_key),
    ):
        span = _span(row, which, key)
        if span:
            needs.append(f"{name} {span}, with {other_name} {row[f'{other_key}_text']}")
    if needs:
        parts.append(f"{row['stated']} needs " + "; or ".join(needs))
    if kind == "ratio" and int(str(row["scale"])) == 1 and row["low"] == row["high"]:
        as_percent = _rounded({**row, "value": row["value"] * 100})
        try:
            same = Decimal(as_percent) == Decimal(str(row["stated"]).strip())
        except InvalidOperation:
            same = False
        if same:
            # Written without %, the stated figure is read as a plain quotient.
            parts.insert(0, f"as a percentage ({row['stated']}%) the claim would pass")
    return "; ".join(parts)


def _span(row: Row, which: str, key: str) -> str:
    """The values of one input that give the stated figure; whole numbers when input ``key``
    (the solved one, or for a missing input the given one) is a count."""
    low, high = row[f"{which}_fit_low"], row[f"{which}_fit_high"]
    if _missing(low) or _missing(high):
        return ""
    if row[f"{key}_exact"]:
        first, last = int(str(row[f"{which}_fit_first"])), int(str(row[f"{which}_fit_last"]))
        if first == last:
            return str(first)
        if first < last:
            return f"{first} to {last}"
        places = 4
        whole = " (no whole number)"
    else:
        places = int(str(row[f"{key}_places"])) + 2
        whole = ""
    return f"{_trimmed(low, places)} to {_trimmed(high, places)}{whole}"


def _trimmed(value: object, places: int) -> str:
    """Half-up at ``places`` decimals without trailing zeros: ``1.375``, ``14.625``."""
    from jdcli.formatting import format_number

    text = format_number(float(str(value)), places, thousands=False)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _missing(value: object) -> bool:
    import pandas as pd

    missing: Any = value
    return missing is None or bool(pd.isna(missing))


def _rounded(row: Row) -> str:
    """The exact computed value rounded half-up at the stated precision."""
    from decimal import ROUND_HALF_UP, Decimal, localcontext

    value: Fraction = row["value"]
    places = int(str(row["target_places"]))
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:f}"


def _shown(row: Row, number: str) -> str:
    """A value in the stated figure's unit: ``91.72%``, ``+0.42 pp``, ``×4``."""
    kind = str(row["kind"])
    if kind == "ratio":
        return f"{number}%" if int(str(row["scale"])) == 100 else number
    signed = number if number.startswith("-") else f"+{number}"
    if kind == "change":
        return f"{signed}%"
    if kind == "pp_change":
        return f"{signed} pp"
    return f"×{number}"
