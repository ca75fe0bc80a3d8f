"""``staffing``: staffing ratios (share, per N, caseload) per unit, with targets and changes;
the request → a finished :class:`~jdcli.result.Result`.

The ratio's columns and kind are chosen in :mod:`jdcli.analyses.staffing_spec`; parts mode and
the bundled view are in :mod:`jdcli.analyses.staffing_views`. This module holds :func:`run`
and the ratio table (:func:`ratio_table`); the names the report uses are importable from here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

from jdcli.analyses.coverage import note_coverage
from jdcli.analyses.inputs import (
    Filters,
    Source,
    column_map,
    filter_map,
    load_source,
    resolve_names,
)
from jdcli.analyses.staffing_spec import (
    UNDEFINED_SHOWN,
    RatioSpec,
    caption,
    caseload_text,
    explain_column,
    for_people,
    missing,
    parse_ratio,
    parse_target,
    resolve_spec,
    schema,
)
from jdcli.analyses.staffing_views import bundled_view, compute_parts, key_figures
from jdcli.analyses.totals import set_aside_totals, with_reported
from jdcli.errors import UsageError
from jdcli.notes import note, warn
from jdcli.result import Result

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.loading import Loaded

__all__ = [
    "RatioSpec",
    "bundled_view",
    "caption",
    "caseload_text",
    "compute",
    "explain_column",
    "for_people",
    "key_figures",
    "parse_ratio",
    "parse_target",
    "ratio_table",
    "resolve_spec",
    "run",
    "schema",
]


def run(
    source: Source = None,
    *,
    staff: str | None = None,
    base: str | None = None,
    ratio: str | None = None,
    per: str | int | None = None,
    target: str | float | None = None,
    base_file: str | os.PathLike[str] | pd.DataFrame | None = None,
    parts: str | Sequence[str] | None = None,
    total_col: str | None = None,
    compare: str | None = None,
    by: str | Sequence[str] = (),
    total: bool = True,
    explain: bool = False,
    keep_total_rows: bool = False,
    strict: bool = False,
    columns: Mapping[str, str] | None = None,
    filters: Filters = None,
    encoding: str | None = None,
    sheet: str | None = None,
    skip: int | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
    decimals: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Staffing ratios of ``source`` (a path, a DataFrame, or None for the bundled data).

    Without a source and without options: the bundled view, one row per declared ratio. With
    ``parts`` and ``total_col``: parts mode (the remainder of a total). Otherwise the ratio
    ``staff`` ÷ ``base`` (or ``base_file``'s base, joined on unit) of kind ``ratio`` per unit
    or ``by`` group, with ``target``, the change (``compare``: yoy or prev) and the total row
    (``total``). ``explain`` adds each row's formula, written at ``decimals``. The frame is
    the machine frame (what ``-f csv`` writes): a caseload is a number, shown ``24.4 : 1`` to
    people only by :func:`for_people`. ``sheet``, ``skip``, ``header_row`` and ``header_rows`` say
    where the table is in ``source`` (the base file's is found by itself).
    """
    groups = [by] if isinstance(by, str) else list(by)
    layout = _Layout(sheet, skip, header_row, header_rows)
    per_text = None if per is None else str(per)
    asked = (staff, base, ratio, per_text, target, base_file, parts, total_col, compare, groups)
    if source is None and not any(map(_given, asked)) and not columns and not filters:
        frame, title, text = bundled_view(explain, decimals)
        return Result(frame, title=title, caption=text, decimals=decimals)
    if _given(parts) or _given(total_col):
        check_parts_options(staff, base, ratio, per_text, target, base_file, compare)
        loaded = _load(source, columns, filters, encoding, progress, layout)
        frame, text = compute_parts(
            loaded, parts, total_col, groups, total, strict, explain, decimals
        )
        return Result(frame, title="Parts and remainder", caption=text, decimals=decimals)
    loaded = _load(source, columns, filters, encoding, progress, layout)
    base_loaded = load_base_file(base_file, columns, filters, encoding)
    spec = resolve_spec(loaded, staff, base, ratio, per_text, base_loaded)
    frame, text = ratio_table(
        loaded, spec, groups, target=parse_target(target, spec.kind), total=total,
        strict=strict, base_loaded=base_loaded, compare=compare, explain=explain,
        decimals=decimals, keep_total_rows=keep_total_rows,
    )  # fmt: skip
    return Result(frame, title="Staffing", caption=text, decimals=decimals)


class _Layout(NamedTuple):
    """Where the table is in the file: its sheet and header line(s)."""

    sheet: str | None
    skip: int | None
    header_row: int | None
    header_rows: int | None


def _given(value: object) -> bool:
    """Whether an option was asked for: text or a list that is not empty, anything else set."""
    if value is None:
        return False
    return bool(value) if isinstance(value, str | list | tuple) else True


def _load(
    source: Source,
    columns: Mapping[str, str] | None,
    filters: Filters,
    encoding: str | None,
    progress: Callable[[int, int], None] | None,
    layout: _Layout,
) -> Loaded:
    return load_source(
        source,
        schema(),
        "staffing",
        columns=columns,
        filters=filters,
        encoding=encoding,
        progress=progress,
        sheet=layout.sheet,
        skip=layout.skip,
        header_row=layout.header_row,
        header_rows=layout.header_rows,
    )


def check_parts_options(*others: object) -> None:
    """Parts mode stands alone: it has no staff, base, ratio, target or comparison."""
    if any(o is not None for o in others):
        raise UsageError(
            "--parts/--total is a mode of its own; it cannot be combined with --staff, --base, "
            "--ratio, --per, --target, --base-file or --compare"
        )


def load_base_file(
    base_file: str | os.PathLike[str] | pd.DataFrame | None,
    columns: Mapping[str, str] | None,
    filters: Filters,
    encoding: str | None,
) -> Loaded | None:
    """The ``--base-file`` table (a path or a DataFrame), with the column mapping (``--col``)
    and those filters (``--filter``) whose columns it has."""
    if base_file is None:
        return None
    from jdcli.loading import apply_filters, filter_key, load, load_frame, unit_warnings

    col_map = column_map(columns)
    if isinstance(base_file, str | os.PathLike):
        loaded = load(os.fspath(base_file), schema(), col_map=col_map, encoding=encoding)
    else:
        loaded = load_frame(base_file, schema(), col_map=col_map, name="base DataFrame")
    for message in unit_warnings(loaded.headers, schema(), loaded.name):
        warn(message)
    names = {c.casefold() for c in map(str, loaded.frame.columns)}
    names |= {h.strip().casefold() for h in loaded.headers.values()}
    wanted = {
        name: values
        for name, values in filter_map(filters).items()
        if filter_key(name)[0].casefold() in names
    }
    if wanted:
        loaded.frame = apply_filters(loaded.frame, wanted, loaded.headers, loaded.name)
    return loaded


# ------------------------------------------------------------------ computation


def compute(
    loaded: Loaded,
    spec: RatioSpec,
    by: Sequence[str],
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
    if base_loaded is not None:
        return result  # the published totals of two files are checked, not shown
    return with_reported(
        result,
        lambda rows: table(rows, False),
        published,
        matches,
        keys=keys,
        unit=unit,
        labels=labels,
    )


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
    by: Sequence[str],
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
        " ".join("—" if missing(v) else str(v) for v in r)
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
