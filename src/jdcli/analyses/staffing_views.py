"""Staffing views beside the ratio table: parts of a total and their remainder (``--parts``),
and a dataset package's declared ratios, one row each (the bundled view), with key figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jdcli.analyses.inputs import resolve_names
from jdcli.analyses.staffing_spec import (
    BASE_WORDS,
    RatioSpec,
    explain_column,
    is_number_dtype,
    missing,
    numeric_column,
    schema,
)
from jdcli.errors import UsageError
from jdcli.notes import note

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.datasets import Resource
    from jdcli.loading import Loaded

# ------------------------------------------------------------------ parts mode


def compute_parts(
    loaded: Loaded,
    parts: str | Sequence[str] | None,
    total_col: str | None,
    by: Sequence[str],
    total: bool = True,
    strict: bool = False,
    explain: bool = False,
    decimals: int = 2,
) -> tuple[pd.DataFrame, str]:
    """Parts mode: each unit's remainder of ``--total`` not explained by ``--parts``, and the
    caption; with ``explain`` an ``explain`` column (``1427 − 471 = 956 (66.99%)``).
    ``parts`` is ``"COL,COL"`` as on the command line, or a list of names."""
    from jdcli.loading import drop_incomplete
    from jdcli.metrics.staffing import parts_remainder

    if not parts or not total_col:
        raise UsageError("--parts and --total go together: --parts COL,COL --total COL")
    listed = parts.split(",") if isinstance(parts, str) else [str(p) for p in parts]
    names = [p.strip() for p in listed if p.strip()]
    if not names:
        raise UsageError("--parts expects one or more column names separated by commas")
    part_cols = [numeric_column(loaded, "--parts", n)[0] for n in names]
    total_name, total_header = numeric_column(loaded, "--total", total_col)
    if total_name in part_cols:
        raise UsageError(f"--total {total_header} is also one of the --parts")
    if len(set(part_cols)) != len(part_cols):
        raise UsageError("--parts names a column twice")
    frame = loaded.frame
    if strict:
        drop_incomplete(frame, [*part_cols, total_name], strict=True, source=loaded.name)
    keys = resolve_names(list(by), loaded, "--by") if by else (["unit"] if "unit" in frame else [])
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
        if missing(row["remainder"]):
            lines.append("undefined (a figure is missing)")
            continue
        share = "" if missing(row["remainder_pct"]) else f" ({num(row['remainder_pct'])}%)"
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
    from jdcli.loading.schema import found_columns
    from jdcli.metrics.staffing import default_ratio, pair_change, ratio_column, staffing_ratio

    if resource is None:
        resource = default_resource("staffing")
    loaded = load(resource.path, schema(), name=label or resource.label)
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
                f"(found: {found_columns(frame.columns, loaded.headers)})"
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
            if not is_number_dtype(frame[column]):
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
        if missing(after) or missing(before):
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
        found = [c for c in ratio_columns if not missing(row[c])]
        if not found:
            continue
        column = found[0]
        change_column = f"{column}_change_pp" if column == "share_pct" else f"{column}_change"
        change = row.get(change_column)
        has_change = change is not None and not missing(change)
        change_value = float(change) if change is not None and has_change else None
        has_counts = not (missing(row.get("staff")) or missing(row.get("base")))
        figures.append(
            {
                "figure": str(row.get("measure", row.get("unit", ""))),
                "period": "" if missing(row.get("period")) else str(row.get("period")),
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
