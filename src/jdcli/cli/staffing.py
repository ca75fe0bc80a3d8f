"""``jdcli staffing``: staffing ratios (share, per N, caseload), targets and parts of a total."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jdcli.analyses.coverage import note_coverage
from jdcli.analyses.totals import place_reported, relabel_reported, set_aside_totals
from jdcli.cli import app
from jdcli.cli.common import (
    ByOpt,
    ColOpt,
    DecimalsOpt,
    EncodingOpt,
    ExcelOpt,
    ExplainOpt,
    FileArg,
    FilterOpt,
    FormatOpt,
    KeepTotalRowsOpt,
    NoTotalOpt,
    OutputOpt,
    StrictOpt,
    load_input,
    note,
    output_format,
    parse_filters,
    reported_errors,
    resolve_names,
    warn,
    write_output,
)
from jdcli.errors import UsageError
from jdcli.render import MACHINE_FORMATS, Format, RenderOptions

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.datasets import Resource
    from jdcli.loading import Loaded
    from jdcli.metrics.staffing import RatioKind

StaffOpt = Annotated[
    str | None,
    typer.Option(
        "--staff",
        metavar="COL",
        help="The staff count (numerator): any numeric column, canonical or as written. "
        "Default: staff (工作人员, 专职人员 …), else social_workers (社工) or police (民警).",
        show_default=False,
    ),
]
BaseOpt = Annotated[
    str | None,
    typer.Option(
        "--base",
        metavar="COL",
        help="The base (denominator): any numeric column. Default: the one base column found "
        "(clients, population, total_staff, total_police, towns, beds).",
        show_default=False,
    ),
]
RatioOpt = Annotated[
    str | None,
    typer.Option(
        "--ratio",
        metavar="share|per|caseload",
        help="share: staff ÷ base in %; per: staff per N of base; caseload: base per staff "
        "member. Default: from the base column's meaning (stated in the caption).",
        show_default=False,
    ),
]
PerOpt = Annotated[
    str | None,
    typer.Option(
        "--per",
        metavar="N",
        help="N for --ratio per (a positive whole number: 1, 1000, 100000; 100,000 is fine).",
        show_default=False,
    ),
]
TargetOpt = Annotated[
    str | None,
    typer.Option(
        "--target",
        metavar="X",
        help="A staffing standard: caseload → at most X of base per staff member (30, or 30:1); "
        "per → at least X staff per N; share → at least X % (1.9 or 1.9%). Adds target, "
        "staff_needed, shortfall, status.",
        show_default=False,
    ),
]
BaseFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--base-file",
        metavar="PATH",
        help="Take the base from a second file, joined on unit (and period when both have one).",
        show_default=False,
    ),
]
PartsOpt = Annotated[
    str | None,
    typer.Option(
        "--parts",
        metavar="COL,COL,…",
        help="Parts mode: columns that should add up to --total; reports the remainder.",
        show_default=False,
    ),
]
TotalColOpt = Annotated[
    str | None,
    typer.Option(
        "--total", metavar="COL", help="The total the --parts should add up to.", show_default=False
    ),
]
CompareOpt = Annotated[
    str | None,
    typer.Option(
        "--compare",
        metavar="yoy|prev",
        help="Add the change of the ratio: yoy (same period a year earlier) or prev (the "
        "preceding period). Shares change in percentage points.",
        show_default=False,
    ),
]


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


@app.command()
def staffing(
    file: FileArg = None,
    staff: StaffOpt = None,
    base: BaseOpt = None,
    ratio: RatioOpt = None,
    per: PerOpt = None,
    target: TargetOpt = None,
    base_file: BaseFileOpt = None,
    parts: PartsOpt = None,
    total_col: TotalColOpt = None,
    compare: CompareOpt = None,
    by: ByOpt = None,
    explain: ExplainOpt = False,
    no_total: NoTotalOpt = False,
    keep_total_rows: KeepTotalRowsOpt = False,
    fmt: FormatOpt = Format.AUTO,
    output: OutputOpt = None,
    decimals: DecimalsOpt = 2,
    col: ColOpt = None,
    filters: FilterOpt = None,
    encoding: EncodingOpt = None,
    strict: StrictOpt = False,
    excel: ExcelOpt = False,
) -> None:
    """Staffing ratios per unit: share of staff, staff per N of population, caseload.

    Every aggregate is a ratio of totals (Σ staff ÷ Σ base); a zero or missing denominator
    gives an empty ratio and leaves the unit out of the totals. Without FILE and options: the
    bundled Guangzhou figures, one row per ratio.
    """
    with reported_errors():
        chosen = output_format(fmt, output)
        asked = (staff, base, ratio, per, target, base_file, parts, total_col, compare, by)
        if file is None and not any(asked) and not col and not filters:
            result, title, text = bundled_view(explain, decimals)
            inputs: list[Path | None] = []
        elif parts or total_col:
            check_parts_options(staff, base, ratio, per, target, base_file, compare)
            loaded = load_input(
                file, _schema(), "staffing", col=col, filters=filters, encoding=encoding
            )
            result, text = compute_parts(
                loaded, parts, total_col, by or [], not no_total, strict, explain, decimals
            )
            title, inputs = "Parts and remainder", [loaded.path]
        else:
            loaded = load_input(
                file, _schema(), "staffing", col=col, filters=filters, encoding=encoding
            )
            base_loaded = load_base_file(base_file, col, filters, encoding)
            spec = resolve_spec(loaded, staff, base, ratio, per, base_loaded)
            result, text = ratio_table(
                loaded, spec, by or [], target=parse_target(target, spec.kind),
                total=not no_total, strict=strict, base_loaded=base_loaded, compare=compare,
                explain=explain, decimals=decimals, keep_total_rows=keep_total_rows,
            )  # fmt: skip
            title = "Staffing"
            inputs = [loaded.path, base_loaded.path if base_loaded else None]
        if chosen not in MACHINE_FORMATS:
            result = for_people(result, decimals)
        write_output(
            result,
            chosen,
            output,
            RenderOptions(decimals=decimals, title=title, caption=text, excel=excel),
            inputs=inputs,
        )


def _schema() -> Any:
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


def parse_target(text: str | None, kind: RatioKind) -> float | None:
    """``--target`` as a number: ``30`` or ``30:1`` for a caseload, ``1.9`` or ``1.9%`` for a
    share, ``25`` for a rate per N; above zero, or a usage error saying what is expected."""
    if text is None:
        return None
    body = text.strip().replace(" ", "").replace("：", ":")
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


def check_parts_options(*others: object) -> None:
    """Parts mode stands alone: it has no staff, base, ratio, target or comparison."""
    if any(o is not None for o in others):
        raise UsageError(
            "--parts/--total is a mode of its own; it cannot be combined with --staff, --base, "
            "--ratio, --per, --target, --base-file or --compare"
        )


def load_base_file(
    base_file: Path | None, col: list[str] | None, filters: list[str] | None, encoding: str | None
) -> Loaded | None:
    """The ``--base-file`` table, with ``--col`` and those ``--filter`` columns it has."""
    if base_file is None:
        return None
    from jdcli.loading import apply_filters, load, parse_mappings, unit_warnings

    col_map = parse_mappings(col or [], "--col")
    loaded = load(str(base_file), _schema(), col_map=col_map, encoding=encoding)
    for message in unit_warnings(loaded.headers, _schema(), loaded.name):
        warn(message)
    names = {c.casefold() for c in map(str, loaded.frame.columns)}
    names |= {h.strip().casefold() for h in loaded.headers.values()}
    wanted = {
        name: values for name, values in parse_filters(filters).items() if name.casefold() in names
    }
    if wanted:
        loaded.frame = apply_filters(loaded.frame, wanted, loaded.headers, loaded.name)
    return loaded


def _numeric_column(loaded: Loaded, option: str, name: str) -> tuple[str, str]:
    """Resolve a column named on the command line and make sure it holds numbers.

    Returns the frame column and how the file writes its header. Schema counts are parsed by
    the loader; any other column is parsed here (bad cells name their line and column).
    """
    from jdcli.loading import parse_numbers

    column = resolve_names([name], loaded, option)[0]
    header = loaded.headers.get(column, column)
    series = loaded.frame[column]
    if not _is_number_dtype(series):
        loaded.frame[column] = parse_numbers(
            series, source=loaded.name, column=header, non_negative=True
        )
    return column, header


def _is_number_dtype(series: pd.Series) -> bool:
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
    from jdcli.metrics.staffing import default_ratio

    kind, n = parse_ratio(ratio, per)
    if staff is None:
        found = _present(loaded, NUMERATORS)
        if not found:
            raise UsageError(
                f"{loaded.name}: no staff column (staff, 工作人员, 专职人员, 社工, 民警 …; found: "
                f"{', '.join(map(str, loaded.frame.columns))}); name one with --staff COL"
            )
        staff = found[0]
    staff_col, staff_header = _numeric_column(loaded, "--staff", staff)
    source = base_loaded or loaded
    if base is None:
        found = [b for b in _present(source, BASES) if b != staff_col or base_loaded is not None]
        if not found and base_loaded is None and staff_col != "staff" and "staff" in source.frame:
            found = ["staff"]
        if not found:
            raise UsageError(
                f"{source.name}: no base column (clients, population, total_staff, total_police, "
                f"towns, beds or their aliases; found: {', '.join(map(str, source.frame.columns))}"
                "); name one with --base COL"
            )
        if len(found) > 1:
            shown = ", ".join(f"{source.headers.get(b, b)} ({b})" for b in found)
            raise UsageError(
                f"{source.name}: several base columns: {shown}; choose one with --base"
            )
        base = found[0]
    base_col, base_header = _numeric_column(source, "--base", base)
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


# ------------------------------------------------------------------ computation


def compute(
    loaded: Loaded,
    spec: RatioSpec,
    by: list[str],
    *,
    target: float | None = None,
    total: bool = True,
    strict: bool = False,
    base_loaded: Loaded | None = None,
    keep_total_rows: bool = False,
) -> pd.DataFrame:
    """The staffing table: ratio per unit or ``by`` group (and period), target columns asked.

    Labelled total rows (合计 …) are set aside and checked, in both files; those that differ
    from their rows' sum are shown as ``合计 (reported)`` after the computed total.
    """

    from jdcli.loading import drop_incomplete
    from jdcli.metrics.staffing import join_base, staffing_ratio, undefined_units

    if target is not None and not target > 0:
        raise UsageError(f"--target must be above 0, got {target:g}")
    frame = loaded.frame
    keys = resolve_names(by, loaded, "--by") if by else default_keys(frame)
    period = "period" if "period" in frame.columns else None
    keys = [k for k in keys if k != period]
    unit = ["unit"] if "unit" in frame.columns else []
    labels = [c for c in dict.fromkeys(["region", *keys, *unit]) if c in frame.columns]
    staff_col, base_col = spec.staff, spec.base
    own = [staff_col] + ([base_col] if base_loaded is None else [])
    frame, published, matches = set_aside_totals(
        frame,
        keys=labels,
        values=own,
        time=[period] if period else [],
        name=loaded.name,
        headers=loaded.headers,
        keep=keep_total_rows,
    )
    warn_unlabelled_totals(frame, own, [period] if period else [], loaded.name)
    if base_loaded is not None:
        base_frame = base_loaded.frame
        base_labels = [c for c in ("region", "unit") if c in base_frame.columns]
        base_time = ["period"] if "period" in base_frame.columns else []
        base_frame, _, _ = set_aside_totals(
            base_frame,
            keys=base_labels,
            values=[spec.base],
            time=base_time,
            name=base_loaded.name,
            headers=base_loaded.headers,
            keep=keep_total_rows,
        )
        warn_unlabelled_totals(base_frame, [spec.base], base_time, base_loaded.name)
        joined = replace(loaded, frame=frame)
        frame, period = _joined(
            joined, replace(base_loaded, frame=base_frame), spec, keys, period, join_base
        )
        staff_col, base_col = "staff", "base"
    elif strict:
        drop_incomplete(frame, [staff_col, base_col], strict=True, source=loaded.name)
    if frame.empty:
        warn(f"{loaded.name}: no data rows; the result is empty")
    where = list(dict.fromkeys(keys + unit + ([period] if period else [])))
    bad = undefined_units(frame, where, staff=staff_col, base=base_col, ratio=spec.kind)
    if len(bad):
        _note_undefined(bad, spec, where, grouped=bool(keys))
    if period:
        note_coverage(frame, unit=unit or keys, period=period, name=loaded.name)

    def table(rows: pd.DataFrame, with_total: bool) -> pd.DataFrame:
        return staffing_ratio(
            rows,
            keys,
            unit=unit,
            period=period,
            staff=staff_col,
            base=base_col,
            ratio=spec.kind,
            per=spec.per,
            target=target,
            total=with_total,
        )

    result = table(frame, total)
    if base_loaded is None and not bool(matches.all()) and keys:
        differ = table(relabel_reported(published.loc[~matches], keys, unit, labels), False)
        reported = differ
        if "period" in differ.columns:
            reported = table(relabel_reported(published, keys, unit, labels), False)
            reported = reported.loc[reported["period"].isin(differ["period"])]
        result = place_reported(result, reported, keys)
    return result


def default_keys(frame: pd.DataFrame) -> list[str]:
    """Rows per unit; a file of regions without a unit column, per region (never one row)."""
    if "unit" in frame.columns:
        return ["unit"]
    return ["region"] if "region" in frame.columns else []


def warn_unlabelled_totals(
    frame: pd.DataFrame, values: list[str], within: list[str], name: str
) -> None:
    """Warn when rows with no total label equal the sum of the others of their period."""
    from jdcli.metrics.consistency import total_rows

    flagged = total_rows(frame, values, within=within)
    if bool(flagged.any()):
        lines = [str(line) for line in frame.index[flagged.to_numpy()]]
        shown = ", ".join(lines[:5]) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        warn(
            f"{name} line{'s' if len(lines) > 1 else ''} {shown}: {' and '.join(values)} equal "
            f"the sum of the other rows{' of the same period' if within else ''}; a total row "
            "mixed into detail rows is counted twice (label it 合计, or remove it)"
        )


def ratio_table(
    loaded: Loaded,
    spec: RatioSpec,
    by: list[str],
    *,
    target: float | None = None,
    total: bool = True,
    strict: bool = False,
    base_loaded: Loaded | None = None,
    compare: str | None = None,
    explain: bool = False,
    decimals: int = 2,
    keep_total_rows: bool = False,
) -> tuple[pd.DataFrame, str]:
    """The whole ratio mode: :func:`compute`, then the change (``compare``) and the formulas
    (``explain``), with the caption that defines them."""
    result = compute(
        loaded,
        spec,
        by,
        target=target,
        total=total,
        strict=strict,
        base_loaded=base_loaded,
        keep_total_rows=keep_total_rows,
    )
    if compare:
        result = add_change(result, spec, compare, loaded.name)
    if explain:
        result["explain"] = explain_column(result, spec, decimals)
    text = caption(loaded, spec, target, base_loaded, compare)
    if not by and "unit" not in loaded.frame.columns and "region" in loaded.frame.columns:
        region = loaded.headers.get("region", "region")
        text = f"One row per {region} (the file has no unit column). {text}"
    return result, text


def _joined(
    loaded: Loaded,
    base_loaded: Loaded,
    spec: RatioSpec,
    keys: list[str],
    period: str | None,
    join_base: Any,
) -> tuple[pd.DataFrame, str | None]:
    for side in (loaded, base_loaded):
        if "unit" not in side.frame.columns:
            raise UsageError(
                f"--base-file joins on the unit column; {side.name} has none "
                "(单位名称, 机构, 部门, agency …; map one with --col unit=NAME)"
            )
    both = period is not None and "period" in base_loaded.frame.columns
    on = ["unit"] + (["period"] if both else [])
    keep = [k for k in keys + ([period] if period and not both else []) if k not in on]
    joined = join_base(
        loaded.frame, base_loaded.frame, on, keep=keep, staff=spec.staff, base=spec.base
    )
    for found, label, other in (
        ("staff", loaded.name, base_loaded.name),
        ("base", base_loaded.name, loaded.name),
    ):
        alone = joined.loc[joined["found_in"] == found, on].drop_duplicates()
        if len(alone):
            shown = ", ".join(
                " ".join(map(str, r))
                for r in alone.head(UNDEFINED_SHOWN).itertuples(index=False, name=None)
            )
            more = (
                f" and {len(alone) - UNDEFINED_SHOWN} more" if len(alone) > UNDEFINED_SHOWN else ""
            )
            note(
                f"{len(alone)} unit(s){' and period(s)' if len(on) > 1 else ''} only in "
                f"{label}, not in {other} (shown with an empty ratio): {shown}{more}"
            )
    return joined.drop(columns="found_in"), ("period" if period else None)


def _note_undefined(bad: pd.DataFrame, spec: RatioSpec, where: list[str], grouped: bool) -> None:
    denominator = "staff" if spec.kind == "caseload" else "base"
    names = [
        " ".join("—" if _missing(v) else str(v) for v in r)
        for r in bad[where].head(UNDEFINED_SHOWN).itertuples(index=False, name=None)
    ]
    more = f" and {len(bad) - UNDEFINED_SHOWN} more" if len(bad) > UNDEFINED_SHOWN else ""
    shown = f": {', '.join(names)}{more}" if names and where else ""
    tail = ", and are left out of the totals" if grouped else ""
    note(
        f"{len(bad)} unit(s) have no {spec.column} (a {denominator} of 0, or a missing "
        f"figure){tail}{shown}"
    )


def add_change(result: pd.DataFrame, spec: RatioSpec, compare: str, source: str) -> pd.DataFrame:
    """The change of the ratio over time, from the trends engine.

    Adds ``base_period`` (the period compared with) and, named after the ratio column,
    ``<ratio>_change`` and ``<ratio>_change_pct`` — for a share ``share_pct_change_pp``, the
    change in percentage points. Empty for the first period, across a gap (never bridged), and
    where either ratio is undefined; ``_change_pct`` is empty for a zero base.
    """
    from jdcli.errors import InputError
    from jdcli.metrics.trends import PeriodError, period_change

    mode = compare.strip().casefold()
    if mode not in ("yoy", "prev"):
        raise UsageError(f"--compare must be yoy or prev, got {compare!r}")
    if "period" not in result.columns:
        raise UsageError("--compare needs a period column (年份, 年度, 月份, year, month …)")
    column = spec.column
    figures = {"period", "staff", "base", column, "target", "staff_needed", "shortfall", "status"}
    keys = [c for c in result.columns if c not in figures]
    dated = result.loc[result["period"].notna()]
    try:
        changes = period_change(dated, keys, period="period", value=column, compare=mode)
    except PeriodError as exc:
        raise InputError(f"{source}: --compare {mode}: {exc.detail}") from None
    out = result.copy()
    out["base_period"] = changes["base_period"].reindex(out.index).astype("str")
    if spec.kind == "share":
        out[f"{column}_change_pp"] = changes["change"].reindex(out.index).astype("Float64")
    else:
        out[f"{column}_change"] = changes["change"].reindex(out.index).astype("Float64")
        out[f"{column}_change_pct"] = changes["change_pct"].reindex(out.index).astype("Float64")
    gaps = int(changes["flag"].eq("gap").sum())
    if gaps:
        note(
            f"{gaps} row(s) have no change: the period they compare with is missing "
            "(gaps are never bridged)"
        )
    return out


def explain_column(result: pd.DataFrame, spec: RatioSpec, decimals: int) -> list[str]:
    """The formula of each row: ``471 / 1427 = 33.01%``, ``12 / 2711000 × 100000 = 0.44``,
    ``360 / 12 = 30 : 1``; ``undefined`` where the ratio is."""
    from jdcli.formatting import format_number

    def num(value: Any) -> str:
        return format_number(float(value), decimals, thousands=False)

    lines = []
    for s, b, value in zip(result["staff"], result["base"], result[spec.column], strict=True):
        if _missing(s) or _missing(b):
            lines.append("undefined (a figure is missing)")
            continue
        if spec.kind == "caseload":
            left = f"{num(b)} / {num(s)}"
            right = None if _missing(value) else caseload_text(float(value), decimals)
        else:
            left = f"{num(s)} / {num(b)}" + (
                f" × {spec.per}" if spec.kind == "per" and spec.per != 1 else ""
            )
            suffix = "%" if spec.kind == "share" else ""
            right = None if _missing(value) else f"{num(value)}{suffix}"
        if right is None:
            right = "undefined (no staff)" if spec.kind == "caseload" else "undefined (base is 0)"
        lines.append(f"{left} = {right}")
    return lines


def _missing(value: Any) -> bool:
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
        [None if _missing(v) else caseload_text(float(v), decimals) for v in result["caseload"]],
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
    source = loaded.name + (f" + {base_loaded.name}" if base_loaded else "")
    parts.append(f"Source: {source}")
    return " ".join(parts)


# ------------------------------------------------------------------ parts mode


def compute_parts(
    loaded: Loaded,
    parts: str | None,
    total_col: str | None,
    by: list[str],
    total: bool = True,
    strict: bool = False,
    explain: bool = False,
    decimals: int = 2,
) -> tuple[pd.DataFrame, str]:
    """Parts mode: each unit's remainder of ``--total`` not explained by ``--parts``, and the
    caption; with ``explain`` an ``explain`` column (``1427 − 471 = 956 (66.99%)``)."""
    from jdcli.loading import drop_incomplete
    from jdcli.metrics.staffing import parts_remainder

    if not parts or not total_col:
        raise UsageError("--parts and --total go together: --parts COL,COL --total COL")
    names = [p.strip() for p in parts.split(",") if p.strip()]
    if not names:
        raise UsageError("--parts expects one or more column names separated by commas")
    part_cols = [_numeric_column(loaded, "--parts", n)[0] for n in names]
    total_name, total_header = _numeric_column(loaded, "--total", total_col)
    if total_name in part_cols:
        raise UsageError(f"--total {total_header} is also one of the --parts")
    if len(set(part_cols)) != len(part_cols):
        raise UsageError("--parts names a column twice")
    frame = loaded.frame
    if strict:
        drop_incomplete(frame, [*part_cols, total_name], strict=True, source=loaded.name)
    keys = resolve_names(by, loaded, "--by") if by else (["unit"] if "unit" in frame else [])
    period = "period" if "period" in frame.columns else None
    keys = [k for k in keys if k != period]
    unit = ["unit"] if "unit" in frame.columns else []
    result = parts_remainder(
        frame, part_cols, total_name, keys, unit=unit, period=period, total=total
    )
    incomplete = frame[[*part_cols, total_name]].isna().any(axis=1).sum()
    if incomplete:
        note(
            f"{incomplete} row(s) with a missing part or total have no remainder and are left "
            "out of the totals"
        )
    headers = [loaded.headers.get(c, c) for c in part_cols]
    text = (
        f"remainder = {total_header} − ({' + '.join(headers)}); remainder_pct = remainder ÷ "
        f"{total_header} × 100 (ratio of totals). The parts are never forced to fit. "
        f"Source: {loaded.name}"
    )
    if explain:
        result["explain"] = parts_explain(result, part_cols, decimals)
    return result, text


def parts_explain(result: pd.DataFrame, columns: list[str], decimals: int) -> list[str]:
    """``1427 − 471 = 956 (66.99%)`` per row: the total less each part (``columns``)."""
    from jdcli.formatting import format_number

    def num(value: Any) -> str:
        return format_number(float(value), decimals, thousands=False)

    lines = []
    for _, row in result.iterrows():
        if _missing(row["remainder"]):
            lines.append("undefined (a figure is missing)")
            continue
        share = "" if _missing(row["remainder_pct"]) else f" ({num(row['remainder_pct'])}%)"
        figures = " − ".join(num(row[c]) for c in columns)
        lines.append(f"{num(row['total'])} − {figures} = {num(row['remainder'])}{share}")
    return lines


# ------------------------------------------------------------------ the bundled view


def bundled_view(
    explain: bool = False,
    decimals: int = 2,
    resource: Resource | None = None,
    label: str | None = None,
) -> tuple[pd.DataFrame, str, str]:
    """A package's staffing figures, one row per ratio, with title and caption.

    ``resource`` defaults to the bundled Guangzhou staffing resource; ``label`` is how the
    caption names it (default: ``resource.label``). With ``explain``, an ``explain`` column
    gives each row's formula (``471 / 1427 = 33.01%``, ``1.9% − 1.48% = +0.42 pp``).
    A resource without ``views`` is a usage error.

    The ratios are declared in the resource's ``jdcli.views`` (datapackage.json): a view with
    ``staff`` and ``base`` is computed by the general machinery (its kind chosen from the base
    column's meaning, as for any file); a view with ``stated``, ``before`` and ``after`` is a
    share in % stated twice without dates (no counts), set side by side as a before/after
    pair with the change in percentage points.
    """
    import pandas as pd

    from jdcli.datasets import default_resource
    from jdcli.loading import load, parse_numbers
    from jdcli.metrics.staffing import default_ratio, pair_change, ratio_column, staffing_ratio

    if resource is None:
        resource = default_resource("staffing")
    loaded = load(resource.path, _schema(), name=label or resource.label)
    frame = loaded.frame
    views = resource.meta.get("jdcli", {}).get("views", [])
    if not views:
        raise UsageError(
            f'{loaded.name}: its datapackage entry lists no staffing views ("jdcli": '
            '{"views": [...]}); run jdcli staffing on the file with --staff and --base'
        )
    rows: list[pd.DataFrame] = []
    kinds: list[str] = []
    for view in views:
        label = str(view.get("label", ""))
        named = [str(view[k]) for k in ("stated", "staff", "base") if k in view]
        needed = ["unit", "period", *named]
        absent = [c for c in needed if c not in frame.columns]
        complete = {"stated", "before", "after"} <= view.keys() or {"staff", "base"} <= view.keys()
        if absent or not complete:
            raise UsageError(
                f"{loaded.name}: staffing view {label or view!r} needs column(s) "
                f"{', '.join(absent) or 'staff and base, or stated with before and after'} "
                f"(found: {', '.join(map(str, frame.columns))})"
            )
        if "stated" in view:
            column = str(view["stated"])
            stated = frame.assign(
                **{
                    column: parse_numbers(
                        frame[column], source=loaded.name, column=column, allow_percent=True
                    )
                }
            )
            stated = stated.loc[stated["period"].isin([view["before"], view["after"]])]
            pair = pair_change(
                stated,
                column,
                before=str(view["before"]),
                after=str(view["after"]),
                keys=["unit"],
                rate=True,
            )
            name = "share_pct"  # a stated view is a share in %, stated twice
            # The pair's period reads "before → after"; the before value sits beside the after.
            span = pair["base_period"].fillna("?") + " → " + pair["period"]
            shown = pd.DataFrame(
                {
                    "measure": label,
                    "unit": pair["unit"],
                    "period": span,
                    name: pair["value"],
                    f"before_{name}": pair["base_value"],
                    f"{name}_change_pp": pair["change_pp"],
                }
            )
            if explain:
                shown["explain"] = pair_explain(pair, decimals)
            rows.append(shown)
            kinds.append(
                f"{label}: a before/after pair as stated (no years, no counts), "
                "change in percentage points"
            )
            continue
        staff, base = str(view["staff"]), str(view["base"])
        for column in (staff, base):
            if not _is_number_dtype(frame[column]):
                frame = frame.assign(
                    **{
                        column: parse_numbers(
                            frame[column], source=loaded.name, column=column, non_negative=True
                        )
                    }
                )
        meaning = default_ratio(base)
        kind, per = meaning if meaning else ("per", 1)
        usable = frame.loc[frame[staff].notna() & frame[base].notna()]
        result = staffing_ratio(
            usable,
            ["unit"],
            unit=["unit"],
            period="period",
            staff=staff,
            base=base,
            ratio=kind,
            per=per,
            total=False,
        )
        result.insert(0, "measure", label)
        if explain:
            spec = RatioSpec(staff, base, kind, per, "", staff, base)
            result["explain"] = explain_column(result, spec, decimals)
        rows.append(result)
        kinds.append(
            f"{staff} ÷ {base} → {ratio_column(kind, per)} (base: {BASE_WORDS[base]})"
            if base in BASE_WORDS
            else f"{staff} ÷ {base} → {ratio_column(kind, per)}"
        )
    table = pd.concat(rows, ignore_index=True)
    # One city: its name is in the title, not repeated on every row.
    if (table["unit"] == table["unit"].iloc[0]).all():
        table = table.drop(columns="unit")
    order = [c for c in ("measure", "unit", "period", "staff", "base") if c in table.columns]
    last = ["explain"] if explain else []
    table = table[order + [c for c in table.columns if c not in order + last] + last]
    for name in table.columns:
        if name not in ("measure", "unit", "period", "explain"):  # the rest are figures
            table[name] = table[name].astype("Float64")
    text = (
        "One row per ratio; each kind is chosen from its base column's meaning: "
        + "; ".join(kinds)
        + ". Ratios are computed from the counts the article states. Source: "
        + loaded.name
    )
    title = "Staffing" + (f" ({frame['unit'].iloc[0]})" if "unit" not in table.columns else "")
    return table, title, text


def pair_explain(pair: pd.DataFrame, decimals: int) -> list[str]:
    """``1.9% − 1.48% = +0.42 pp`` for each before/after pair (values as stated)."""
    from jdcli.formatting import format_number

    lines = []
    for after, before, change in zip(
        pair["value"], pair["base_value"], pair["change_pp"], strict=True
    ):
        if _missing(after) or _missing(before):
            lines.append("undefined (a figure is missing)")
            continue
        lines.append(
            f"{format_number(float(after), decimals)}% − {format_number(float(before), decimals)}%"
            f" = {format_number(float(change), decimals, sign=True)} pp"
        )
    return lines


def key_figures(table: pd.DataFrame) -> list[dict[str, object]]:
    """One headline figure per row of a ratio view (:func:`bundled_view`) or ratio table.

    Each: ``figure`` (the measure, or the unit), ``period``, ``value`` (the row's ratio),
    ``unit`` (``%``, ``per N``, ``: 1``), ``change`` and ``change_unit`` (a share's change in
    ``pp`` when the table has one) and ``note`` (the staff and base behind it). Rows whose
    ratio is undefined are left out.
    """
    from jdcli.formatting import format_machine

    ratio_columns = [
        c for c in table.columns if c == "share_pct" or c == "caseload" or c.startswith("per_")
    ]
    ratio_columns = [c for c in ratio_columns if not c.endswith(("_change", "_change_pct"))]
    units = {"share_pct": "%", "caseload": ": 1"}
    figures: list[dict[str, object]] = []
    for _, row in table.iterrows():
        found = [c for c in ratio_columns if not _missing(row[c])]
        if not found:
            continue
        column = found[0]
        change_column = f"{column}_change_pp" if column == "share_pct" else f"{column}_change"
        change = row.get(change_column)
        has_change = change is not None and not _missing(change)
        change_value = float(change) if change is not None and has_change else None
        has_counts = not (_missing(row.get("staff")) or _missing(row.get("base")))
        figures.append(
            {
                "figure": str(row.get("measure", row.get("unit", ""))),
                "period": "" if _missing(row.get("period")) else str(row.get("period")),
                "value": float(row[column]),
                "unit": units.get(column, column.replace("_", " ")),
                "change": change_value,
                "change_unit": ("pp" if column == "share_pct" else "") if has_change else "",
                "note": (
                    f"{format_machine(float(row['staff']))} / {format_machine(float(row['base']))}"
                    if has_counts
                    else "as stated"
                ),
            }
        )
    return figures
