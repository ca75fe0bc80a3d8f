"""What a staffing ratio is: its columns and kind (:class:`RatioSpec`), the options that choose
them, its caption and the formula of each row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jdcli.analyses.inputs import resolve_names
from jdcli.errors import InputError, UsageError

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.loading import Loaded, Schema
    from jdcli.metrics.staffing import RatioKind

#: What a base column is, for captions.
BASE_WORDS = {
    "population": "residents",
    "clients": "people served",
    "total_staff": "all staff",
    "total_police": "all police",
    "staff": "staff",
    "towns": "towns and streets (街镇)",
    "beds": "beds",
}
NUMERATORS = ("staff", "social_workers", "police")
BASES = ("clients", "population", "total_staff", "total_police", "towns", "beds")
UNDEFINED_SHOWN = 5


@dataclass(frozen=True)
class RatioSpec:
    """Which columns make the ratio, of what kind, and why that kind (for the caption)."""

    staff: str
    base: str
    kind: RatioKind
    per: int
    reason: str
    staff_label: str
    base_label: str

    @property
    def column(self) -> str:
        from jdcli.metrics.staffing import ratio_column

        return ratio_column(self.kind, self.per)


def schema() -> Schema:
    """The staffing schema (imported when first needed: it brings in pandas)."""
    from jdcli.loading.schemas import STAFFING

    return STAFFING


# ------------------------------------------------------------------ options


def parse_ratio(ratio: str | None, per: str | None) -> tuple[RatioKind | None, int | None]:
    """``--ratio`` and ``--per`` checked: a known kind, a positive whole N only for ``per``."""
    from jdcli.metrics.staffing import RATIO_KINDS

    kind: Any = None
    if ratio is not None:
        kind = ratio.strip().casefold()
        if kind not in RATIO_KINDS:
            raise UsageError(f"--ratio must be one of {', '.join(RATIO_KINDS)}, got {ratio!r}")
    n: int | None = None
    if per is not None:
        text = per.strip().replace(",", "").replace("_", "")
        if not text.isdigit() or int(text) <= 0:
            raise UsageError(f"--per expects a positive whole number such as 100000, got {per!r}")
        n = int(text)
        if kind is None:
            kind = "per"
        elif kind != "per":
            raise UsageError(f"--per applies to --ratio per, not --ratio {kind}")
    return kind, n


def parse_target(text: str | float | None, kind: RatioKind) -> float | None:
    """``--target`` as a number: ``30`` or ``30:1`` for a caseload, ``1.9`` or ``1.9%`` for a
    share, ``25`` for a rate per N (or the number itself); above zero, or a usage error saying
    what is expected."""
    if text is None:
        return None
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise UsageError(f"--target expects a number or text such as 30:1, got {text!r}")
    body = str(text).strip().replace(" ", "").replace("：", ":")
    if kind == "caseload" and ":" in body:
        head, _, tail = body.partition(":")
        body = head if tail == "1" else ""
    elif kind == "share":
        body = body.removesuffix("%")
    try:
        value = float(body.replace(",", ""))
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        example = {"caseload": "30 or 30:1", "share": "1.9 or 1.9%", "per": "25"}[kind]
        raise UsageError(
            f"--target for a {kind} expects a number above 0 such as {example}, got {text!r}"
        )
    return value


def numeric_column(loaded: Loaded, option: str, name: str) -> tuple[str, str]:
    """Resolve a column named on the command line and make sure it holds numbers.

    Returns the frame column and how the file writes its header. Schema counts are parsed by
    the loader; any other column is parsed here (bad cells name their line and column).
    """
    from jdcli.loading import parse_numbers

    column = resolve_names([name], loaded, option)[0]
    header = loaded.headers.get(column, column)
    series = loaded.frame[column]
    if not is_number_dtype(series):
        try:
            loaded.frame[column] = parse_numbers(
                series, source=loaded.name, column=header, non_negative=True
            )
        except InputError as error:
            if loaded.path is not None or loaded.encoding:
                raise
            # A DataFrame's rows are named by their index label, as the loader names them.
            message = str(error).replace(f"{loaded.name} line ", f"{loaded.name} row ")
            raise InputError(message) from None
    return column, header


def is_number_dtype(series: pd.Series) -> bool:
    """Whether ``series`` already holds numbers (no text left to parse)."""
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series.dtype))


def _present(loaded: Loaded, names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in loaded.frame.columns]


def resolve_spec(
    loaded: Loaded,
    staff: str | None,
    base: str | None,
    ratio: str | None,
    per: str | None,
    base_loaded: Loaded | None = None,
) -> RatioSpec:
    """The staff and base columns and the ratio, from the options or the columns' meaning."""
    from jdcli.loading.schema import found_columns
    from jdcli.metrics.staffing import default_ratio

    kind, n = parse_ratio(ratio, per)
    if staff is None:
        found = _present(loaded, NUMERATORS)
        if not found:
            raise UsageError(
                f"{loaded.name}: no staff column (staff, 工作人员, 专职人员, 社工, 民警 …; found: "
                f"{found_columns(loaded.frame.columns, loaded.headers)}); "
                "name one with --staff COL"
            )
        staff = found[0]
    staff_col, staff_header = numeric_column(loaded, "--staff", staff)
    source = base_loaded or loaded
    if base is None:
        found = [b for b in _present(source, BASES) if b != staff_col or base_loaded is not None]
        if not found and base_loaded is None and staff_col != "staff" and "staff" in source.frame:
            found = ["staff"]
        if not found:
            raise UsageError(
                f"{source.name}: no base column (clients, population, total_staff, total_police, "
                "towns, beds or their aliases; found: "
                f"{found_columns(source.frame.columns, source.headers)}); name one with --base COL"
            )
        if len(found) > 1:
            shown = ", ".join(f"{source.headers.get(b, b)} ({b})" for b in found)
            raise UsageError(
                f"{source.name}: several base columns: {shown}; choose one with --base"
            )
        base = found[0]
    base_col, base_header = numeric_column(source, "--base", base)
    if base_col == staff_col and base_loaded is None:
        raise UsageError(f"--staff and --base are the same column ({staff_header})")
    meaning = default_ratio(base_col)
    if kind is None:
        if meaning is None:
            kind, reason = (
                "per",
                f"--ratio per 1 by default: the meaning of {base_header} is unknown",
            )
        else:
            kind = meaning[0]
            reason = f"chosen from the base {base_header} ({BASE_WORDS[base_col]})"
        if n is None and kind == "per":
            n = meaning[1] if meaning and meaning[0] == "per" else 1
    else:
        reason = f"--ratio {kind}"
        if kind == "per" and n is None:
            n = meaning[1] if meaning and meaning[0] == "per" else 1
            reason += f", N = {n:,} " + (
                f"from the base {base_header}" if meaning and meaning[0] == "per" else "by default"
            )
    return RatioSpec(
        staff=staff_col,
        base=base_col,
        kind=kind,
        per=n or 1,
        reason=reason,
        staff_label=staff_header,
        base_label=base_header,
    )


def explain_column(result: pd.DataFrame, spec: RatioSpec, decimals: int) -> list[str]:
    """The formula of each row: ``471 / 1427 = 33.01%``, ``12 / 2711000 × 100000 = 0.44``,
    ``360 / 12 = 30 : 1``; ``undefined`` where the ratio is."""
    from jdcli.formatting import format_number

    def num(value: Any) -> str:
        return format_number(float(value), decimals, thousands=False)

    lines = []
    for s, b, value in zip(result["staff"], result["base"], result[spec.column], strict=True):
        if missing(s) or missing(b):
            lines.append("undefined (a figure is missing)")
            continue
        if spec.kind == "caseload":
            left = f"{num(b)} / {num(s)}"
            right = None if missing(value) else caseload_text(float(value), decimals)
        else:
            left = f"{num(s)} / {num(b)}" + (
                f" × {spec.per}" if spec.kind == "per" and spec.per != 1 else ""
            )
            suffix = "%" if spec.kind == "share" else ""
            right = None if missing(value) else f"{num(value)}{suffix}"
        if right is None:
            right = "undefined (no staff)" if spec.kind == "caseload" else "undefined (base is 0)"
        lines.append(f"{left} = {right}")
    return lines


def missing(value: Any) -> bool:
    """None or a missing value (``<NA>``, NaN)."""
    import pandas as pd

    return value is None or bool(pd.isna(value))


def caseload_text(value: float, decimals: int) -> str:
    """A caseload the way staffing rules write it: ``24.4 : 1`` (half-up, no trailing zeros)."""
    from jdcli.formatting import format_number

    text = format_number(value, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} : 1"


def for_people(result: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """Human formats show a caseload as ``24.4 : 1``; machine formats keep the number."""
    import pandas as pd

    if "caseload" not in result.columns:
        return result
    shown = result.copy()
    shown["caseload"] = pd.Series(
        [None if missing(v) else caseload_text(float(v), decimals) for v in result["caseload"]],
        index=result.index,
        dtype="str",
    )
    return shown


def caption(
    loaded: Loaded,
    spec: RatioSpec,
    target: float | None,
    base_loaded: Loaded | None = None,
    compare: str | None = None,
) -> str:
    """Definition of the ratio, why this kind, the target rule and the source."""
    s, b = spec.staff_label, spec.base_label
    formula = {
        "share": f"share_pct = Σ {s} ÷ Σ {b} × 100",
        "per": f"{spec.column} = Σ {s} ÷ Σ {b} × {spec.per:,} ({s} per {spec.per:,} {b})",
        "caseload": f"caseload = Σ {b} ÷ Σ {s} ({b} per staff member)",
    }[spec.kind]
    parts = [f"{formula}: a ratio of totals, {spec.reason}."]
    if target is not None:
        rule = {
            "share": f"at least {target:g}% of {b}",
            "per": f"at least {target:g} {s} per {spec.per:,} {b}",
            "caseload": f"at most {target:g} {b} per staff member ({target:g}:1)",
        }[spec.kind]
        parts.append(
            f"Target: {rule}; staff_needed rounded up; an aggregate's shortfall is the sum of "
            "its units' shortfalls."
        )
    if compare:
        against = (
            "the same period a year earlier (同比)"
            if compare.strip().casefold() == "yoy"
            else "the preceding period (环比)"
        )
        unit = "percentage points" if spec.kind == "share" else "units of the ratio and in %"
        parts.append(f"Change against {against}, in {unit}; empty across a gap.")
    source = loaded.described + (f" + {base_loaded.described}" if base_loaded else "")
    parts.append(f"Source: {source}")
    return " ".join(parts)
