"""``jdcli verify``: does a published figure follow from its own inputs, allowing for rounding?"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jdcli.cli import app
from jdcli.cli.common import (
    ColOpt,
    DecimalsOpt,
    EncodingOpt,
    ExcelOpt,
    FilterOpt,
    FormatOpt,
    OutputOpt,
    load_input,
    note,
    reported_errors,
    write_output,
)
from jdcli.errors import CheckFailed, UsageError
from jdcli.render import Format, RenderOptions

if TYPE_CHECKING:
    from fractions import Fraction

    import pandas as pd

    from jdcli.loading.claims import Claim

ClaimsArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Claims such as '7020/7654 = 91.72%', or a claims CSV file (- for stdin). "
        "Omitted: the claims of the bundled Guangzhou article.",
        show_default=False,
        metavar="CLAIM|FILE",
    ),
]

Row = dict[Any, Any]

COLUMNS = ["label", "kind", "computed", "low", "high", "stated", "status", "hint"]


@app.command()
def verify(
    claims: ClaimsArg = None,
    fmt: FormatOpt = Format.AUTO,
    output: OutputOpt = None,
    decimals: DecimalsOpt = 4,
    col: ColOpt = None,
    filters: FilterOpt = None,
    encoding: EncodingOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Check published figures against their own inputs, allowing for rounding.

    \b
    Claims (quote each one; full-width characters and → are fine):
      A / B = N%          ratio: A ÷ B in percent      7020/7654 = 91.72%
      A -> B = ±N%        relative change              25 -> 15 = -40%
      A -> B = ±Npp       change in points             1.48% -> 1.9% = +0.42pp
      A -> B = xN         multiple (×N, N倍)           100 -> 400 = x4
      A -> B = 翻N番      doubled N times (×2^N)       100 -> 400 = 翻两番
      A -> B = 增长N倍    N times more: ×(N+1)         100 -> 300 = 增长两倍
      LABEL: CLAIM        names the claim in the output
    ~55 (or 约55) marks an approximate input.

    A number with decimals stands for every value that rounds to it (112.4 is 112.35 to
    112.45); an integer is exact unless marked ~. The stated figure stands for what rounds
    half-up to it (−40% is −40.5 to −39.5). A claim passes when inputs within their
    intervals give a value within the stated interval. A claims file has columns label,
    kind (ratio, change, pp_change, multiple, doublings), numerator/denominator or from/to,
    stated, optional decimals; a claim whose inputs are missing is unverifiable. Exit 1 when
    any claim fails (after writing the table), 0 otherwise.
    """
    with reported_errors():
        parsed, inputs, source = gather(claims or [], col=col, filters=filters, encoding=encoding)
        result = compute(parsed)
        write_output(
            result,
            fmt,
            output,
            RenderOptions(decimals=decimals, title="Claims", caption=caption(source), excel=excel),
            inputs=inputs,
        )
        check_failures(result)


def gather(
    arguments: list[str],
    *,
    col: list[str] | None = None,
    filters: list[str] | None = None,
    encoding: str | None = None,
) -> tuple[list[Claim], list[Path | None], str]:
    """The claims of the arguments (inline claims and files, in order; none: the bundled
    claims), the files read, and a source line for the caption."""
    from jdcli.loading.claims import claims_from_file, looks_like_claim, parse_claim
    from jdcli.loading.schemas import CLAIMS

    if not arguments:
        loaded = load_input(None, CLAIMS, "verify", col=col, filters=filters, encoding=encoding)
        return claims_from_file(loaded), [loaded.path], loaded.name
    claims: list[Claim] = []
    inputs: list[Path | None] = []
    sources: list[str] = []
    for argument in arguments:
        if looks_like_claim(argument):
            claims.append(parse_claim(argument))
            if "command line" not in sources:
                sources.append("command line")
            continue
        check_file_argument(argument)
        loaded = load_input(argument, CLAIMS, "verify", col=col, filters=filters, encoding=encoding)
        claims.extend(claims_from_file(loaded))
        inputs.append(loaded.path)
        sources.append(loaded.name)
    return claims, inputs, ", ".join(sources)


def check_file_argument(argument: str) -> None:
    """An argument without ``=`` that is no file but looks like a claim is a grammar error."""
    from jdcli.loading.claims import EXAMPLES

    if argument == "-" or Path(argument).exists():
        return
    if (
        re.search(r"\d", argument)
        and re.search(r"->|→|/|%|倍|番", argument)
        and not re.search(r"\.(csv|tsv|txt|tab)$", argument, re.IGNORECASE)
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


def check_failures(result: pd.DataFrame) -> None:
    """A note about unverifiable claims; CheckFailed when any claim fails."""
    unverifiable = int(result["status"].eq("unverifiable").sum())
    if unverifiable:
        note(f"{unverifiable} claim(s) unverifiable: their inputs are not given")
    failed = result.loc[result["status"].eq("fail"), "label"].tolist()
    if failed:
        shown = "; ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        raise CheckFailed(f"{len(failed)} of {len(result)} claim(s) fail: {shown}")


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
