"""``jdcli staffing``: staffing ratios (share, per N, caseload), targets and parts of a total."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

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
    NoTotalOpt,
    OutputOpt,
    StrictOpt,
    load_input,
    note,
    output_format,
    reported_errors,
    resolve_names,
    warn,
    write_output,
)
from jdcli.errors import UsageError
from jdcli.render import MACHINE_FORMATS, Format, RenderOptions

if TYPE_CHECKING:
    import pandas as pd

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
    float | None,
    typer.Option(
        "--target",
        metavar="X",
        help="A staffing standard: caseload → at most X of base per staff member (30 for 30:1); "
        "per → at least X staff per N; share → at least X %. Adds target, staff_needed, "
        "shortfall, status.",
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
    by: ByOpt = None,
    explain: ExplainOpt = False,
    no_total: NoTotalOpt = False,
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
        asked = (staff, base, ratio, per, target, base_file, parts, total_col, by)
        if file is None and not any(asked) and not col and not filters:
            result, title, text = bundled_view()
            inputs: list[Path | None] = []
        elif parts or total_col:
            check_parts_options(staff, base, ratio, per, target, base_file)
            loaded = load_input(
                file, _schema(), "staffing", col=col, filters=filters, encoding=encoding
            )
            result, text = compute_parts(loaded, parts, total_col, by or [], not no_total, strict)
            title, inputs = "Parts and remainder", [loaded.path]
        else:
            loaded = load_input(
                file, _schema(), "staffing", col=col, filters=filters, encoding=encoding
            )
            base_loaded = load_base_file(base_file, col, filters, encoding)
            spec = resolve_spec(loaded, staff, base, ratio, per, base_loaded)
            result = compute(
                loaded,
                spec,
                by or [],
                target=target,
                total=not no_total,
                strict=strict,
                base_loaded=base_loaded,
            )
            if explain:
                result["explain"] = explain_column(result, spec, decimals)
            title, text = "Staffing", caption(loaded, spec, target, base_loaded)
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


def check_parts_options(*others: object) -> None:
    """Parts mode stands alone: it has no staff, base, ratio, target or comparison."""
    if any(o is not None for o in others):
        raise UsageError(
            "--parts/--total is a mode of its own; it cannot be combined with --staff, --base, "
            "--ratio, --per, --target or --base-file"
        )


def load_base_file(
    base_file: Path | None, col: list[str] | None, filters: list[str] | None, encoding: str | None
) -> Loaded | None:
    """The ``--base-file`` table, with ``--col`` and those ``--filter`` columns it has."""
    if base_file is None:
        return None
    from jdcli.loading import apply_filters, load, parse_mappings

    col_map = parse_mappings(col or [], "--col")
    loaded = load(str(base_file), _schema(), col_map=col_map, encoding=encoding)
    wanted: dict[str, list[str]] = {}
    names = {c.casefold() for c in map(str, loaded.frame.columns)}
    names |= {h.strip().casefold() for h in loaded.headers.values()}
    for pair in filters or []:
        name, _, value = pair.partition("=")
        if name.strip().casefold() in names:
            wanted.setdefault(name.strip(), []).append(value)
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
) -> pd.DataFrame:
    """The staffing table: ratio per unit or ``by`` group (and period), target columns asked."""
    from jdcli.loading import drop_incomplete
    from jdcli.metrics.staffing import join_base, staffing_ratio, undefined_units

    if target is not None and not target > 0:
        raise UsageError(f"--target must be above 0, got {target:g}")
    frame = loaded.frame
    keys = resolve_names(by, loaded, "--by") if by else (["unit"] if "unit" in frame else [])
    period = "period" if "period" in frame.columns else None
    keys = [k for k in keys if k != period]
    unit = ["unit"] if "unit" in frame.columns else []
    staff_col, base_col = spec.staff, spec.base
    if base_loaded is not None:
        frame, period = _joined(loaded, base_loaded, spec, keys, period, join_base)
        staff_col, base_col = "staff", "base"
    elif strict:
        drop_incomplete(frame, [staff_col, base_col], strict=True, source=loaded.name)
    if frame.empty:
        warn(f"{loaded.name}: no data rows; the result is empty")
    where = list(dict.fromkeys(keys + unit + ([period] if period else [])))
    bad = undefined_units(frame, where, staff=staff_col, base=base_col, ratio=spec.kind)
    if len(bad):
        _note_undefined(bad, spec, where, grouped=bool(keys))
    return staffing_ratio(
        frame,
        keys,
        unit=unit,
        period=period,
        staff=staff_col,
        base=base_col,
        ratio=spec.kind,
        per=spec.per,
        target=target,
        total=total,
    )


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


def explain_column(result: pd.DataFrame, spec: RatioSpec, decimals: int) -> list[str]:
    """The formula of each row: ``471 / 1427 = 33.01%``, ``1427 / 170 × 1 = 8.39``,
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
            left = f"{num(s)} / {num(b)}" + (f" × {spec.per}" if spec.kind == "per" else "")
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
    loaded: Loaded, spec: RatioSpec, target: float | None, base_loaded: Loaded | None = None
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
    source = loaded.name + (f" + {base_loaded.name}" if base_loaded else "")
    parts.append(f"Source: {source}")
    return " ".join(parts)


# ------------------------------------------------------------------ parts mode


def compute_parts(
    loaded: Loaded,
    parts: str | None,
    total_col: str | None,
    by: list[str],
    total: bool,
    strict: bool,
) -> tuple[pd.DataFrame, str]:
    """Parts mode: each unit's remainder of ``--total`` not explained by ``--parts``."""
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
    return result, text


# ------------------------------------------------------------------ the bundled view


def bundled_view() -> tuple[pd.DataFrame, str, str]:
    """The bundled Guangzhou staffing figures, one row per ratio, with title and caption.

    The ratios are declared in the resource's ``jdcli.views`` (datapackage.json): a view with
    ``staff`` and ``base`` is computed by the general machinery (its kind chosen from the base
    column's meaning, as for any file); a view with ``stated``, ``before`` and ``after`` is a
    stated figure given twice without dates, set side by side as a before/after pair.
    """
    import pandas as pd

    from jdcli.datasets import default_resource
    from jdcli.loading import load, parse_numbers
    from jdcli.metrics.staffing import default_ratio, pair_change, ratio_column, staffing_ratio

    resource = default_resource("staffing")
    loaded = load(resource.path, _schema(), name=resource.label)
    frame = loaded.frame
    views = resource.meta.get("jdcli", {}).get("views", [])
    rows: list[pd.DataFrame] = []
    kinds: list[str] = []
    for view in views:
        label = str(view.get("label", ""))
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
            name = "share_pct" if column.endswith("_pct") else column
            # The pair's period reads "before → after"; the before value sits beside the after.
            span = pair["base_period"].fillna("?") + " → " + pair["period"]
            rows.append(
                pd.DataFrame(
                    {
                        "measure": label,
                        "unit": pair["unit"],
                        "period": span,
                        name: pair["value"],
                        f"before_{name}": pair["base_value"],
                        f"{name}_change_pp": pair["change_pp"],
                    }
                )
            )
            kinds.append(
                f"{label}: a before/after pair as stated (no years, no counts), "
                "change in percentage points"
            )
            continue
        staff, base = str(view["staff"]), str(view["base"])
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
    table = table[order + [c for c in table.columns if c not in order]]
    for name in table.columns:
        if name not in ("measure", "unit", "period"):  # the rest are figures
            table[name] = table[name].astype("Float64")
    text = (
        "One row per ratio; each kind is chosen from its base column's meaning: "
        + "; ".join(kinds)
        + ". Ratios are computed from the counts the article states. Source: "
        + loaded.name
    )
    title = "Staffing" + (f" ({frame['unit'].iloc[0]})" if "unit" not in table.columns else "")
    return table, title, text
