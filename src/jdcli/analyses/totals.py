"""Published total rows in an input table: set aside, checked against their parts, reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jdcli.notes import note, warn

if TYPE_CHECKING:
    import pandas as pd

#: How many lines a message names before it says "and N more".
SHOWN = 5
#: What the key of a published total kept in the output ends with.
REPORTED = "(reported)"


def set_aside_totals(
    frame: pd.DataFrame,
    *,
    keys: list[str],
    values: list[str],
    time: list[str],
    name: str,
    headers: dict[str, str],
    keep: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """``frame`` without its labelled total rows (合计, 小计, 全市 …, in a ``keys`` column),
    those rows, and whether each matches the sum of its rows (a published total that does
    not is shown beside jdcli's own). A note says when the published totals match; a warning
    names each difference. With ``keep`` (``--keep-total-rows``) nothing is set aside."""
    import pandas as pd

    from jdcli.metrics.totals import check_total_rows, labelled_total_rows

    labelled = labelled_total_rows(frame, keys)
    none = pd.Series([], dtype="bool")
    if not bool(labelled.any()):
        return frame, frame.iloc[:0], none
    if keep:
        note(
            f"{name}: {int(labelled.sum())} total row(s) ({_lines(frame.index[labelled])}) "
            "counted as data (--keep-total-rows)"
        )
        return frame, frame.iloc[:0], none
    totals = frame.loc[labelled.to_numpy()]
    detail = frame.loc[~labelled.to_numpy()]
    checks = check_total_rows(detail, totals, values, keys=keys, time=time)
    alone = checks["rows"].eq(0).to_numpy()
    if alone.any():
        # A published total with no rows under it is the only figure there is: it is data.
        note(
            f"{name}: {int(alone.sum())} total row(s) ({_lines(totals.index[alone])}) have no "
            "detail rows to check against; their figures are used as they are"
        )
        labelled.loc[totals.index[alone]] = False
        if not bool(labelled.any()):
            return frame, frame.iloc[:0], none
        totals = frame.loc[labelled.to_numpy()]
        detail = frame.loc[~labelled.to_numpy()]
        checks = checks.loc[~alone]
    matching = checks.loc[checks["matches"]]
    if len(matching):
        label = " / ".join(dict.fromkeys(matching["label"]))
        note(
            f"{name}: {len(matching)} published total row(s) ({label}, "
            f"line{'s' if len(matching) > 1 else ''} {_lines(matching.index)}) match the sum "
            "of their rows; they are checks, not counted as data"
        )
    for line, row in checks.loc[~checks["matches"]].iterrows():
        where = " ".join(
            str(row_value)
            for row_value in [
                *totals.loc[totals.index == line, time].iloc[0].tolist(),
                row["group"],
            ]
            if str(row_value)
        )
        diffs = []
        for column in values:
            published, summed = row[column], row[f"{column}_sum"]
            if _missing(published):
                continue
            total = 0.0 if _missing(summed) else float(summed)
            if abs(float(published) - total) <= 1e-9 * abs(total):
                continue
            diffs.append(
                f"{headers.get(column, column)} {_num(float(published))} ≠ sum of rows "
                f"{_num(total)} ({_num(total - float(published), sign=True)})"
            )
        warn(
            f"{name}: {row['label']} line {line}{f' ({where})' if where else ''}: "
            f"{'; '.join(diffs)}; shown in a row marked {REPORTED} beside the computed total"
        )
    return detail, totals, checks["matches"]


def relabel_reported(
    reported: pd.DataFrame, keys: list[str], unit: list[str], labels: list[str]
) -> pd.DataFrame:
    """Published totals with a key cell marked ``(reported)``, so that each one is a group
    (and a unit) of its own: ``合计`` → ``合计 (reported)``. Cells of the ``labels`` columns
    that are not keys name the group a subtotal covers: ``区=海珠, 机构=小计`` by facility →
    ``海珠 小计 (reported)``. The marked key is the one holding the label, else the last."""
    import pandas as pd

    from jdcli.metrics.totals import is_total_label

    frame = reported.copy()
    if not keys:
        return frame
    label = None
    prefix = None
    for column in [c for c in labels if c in frame.columns]:
        flags = is_total_label(frame[column])
        written = _written(frame[column])
        label = written.where(flags) if label is None else label.fillna(written.where(flags))
        if column not in keys:
            cell = written.where(~flags & written.ne("") & frame[column].notna(), "")
            prefix = cell if prefix is None else (prefix + " " + cell).str.strip()
    if label is None:
        return frame
    holder = pd.Series(keys[-1], index=frame.index, dtype="str")
    for column in reversed(keys):
        holder = holder.where(~is_total_label(frame[column]), column)
    for column in keys:
        # The holder's own cell names the group when it is not the label (越秀, under --by 区).
        own = _written(frame[column]).where(~is_total_label(frame[column]), "").fillna("")
        mark = (prefix + " " if prefix is not None else "") + own + " " + label.fillna("")
        mark = mark.str.split().str.join(" ") + " " + REPORTED
        frame[column] = frame[column].astype("str").where(holder.ne(column), mark)
    for column in unit:
        if column in frame.columns and column not in keys:
            # One unit per published row: its own key.
            frame[column] = frame[keys].astype("str").agg(" ".join, axis=1)
    return frame


def with_reported(
    result: pd.DataFrame,
    table: Callable[[pd.DataFrame], pd.DataFrame],
    published: pd.DataFrame,
    matches: pd.Series,
    *,
    keys: list[str],
    unit: list[str],
    labels: list[str],
) -> pd.DataFrame:
    """``result`` with the published totals that differ from their rows, computed by
    ``table`` (the command's own table, without a total) and placed after each period's
    rows. In a period where one published total differs, all of that period's published
    totals are rolled up together, as the rows are (a ``--freq`` month of daily totals)."""
    if bool(matches.all()) or not keys:
        return result
    differ = table(relabel_reported(published.loc[~matches.to_numpy()], keys, unit, labels))
    reported = differ
    if "period" in differ.columns:
        reported = table(relabel_reported(published, keys, unit, labels))
        reported = reported.loc[reported["period"].isin(differ["period"])]
    return place_reported(result, reported, keys)


def place_reported(result: pd.DataFrame, reported: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``result`` with the ``reported`` rows (same columns) after each period's rows, and a
    ``flag`` column that marks them."""
    import pandas as pd

    if reported.empty or not keys:
        return result
    combined = pd.concat(
        [result.assign(_rank=0), reported.reindex(columns=result.columns).assign(_rank=1)],
        ignore_index=True,
    )
    if "period" in combined.columns:
        order = pd.Index(pd.unique(pd.concat([result["period"], reported["period"]])))
        combined["_at"] = order.get_indexer(combined["period"])
        combined = combined.sort_values(["_at", "_rank"], kind="stable").drop(columns="_at")
    flag = pd.Series(pd.NA, index=combined.index, dtype="str")
    flag = flag.where(combined["_rank"].eq(0), "published ≠ sum")
    return combined.drop(columns="_rank").assign(flag=flag).reset_index(drop=True)


def _written(cells: pd.Series) -> pd.Series:
    """A label as written, less surrounding spaces and a trailing colon (``合计：`` → ``合计``)."""
    return cells.astype("str").str.strip(" \t\u3000").str.rstrip("：:").str.strip(" \t\u3000")


def _lines(index: pd.Index) -> str:
    lines = [str(line) for line in index]
    more = f" and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    return ", ".join(lines[:SHOWN]) + more


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _num(value: float, *, sign: bool = False) -> str:
    from jdcli.formatting import format_number

    text = format_number(value, 2, sign=sign)
    return text.replace("-", "−")
