"""Notes on coverage: units missing from a period, periods missing from a span, partial periods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jdcli.notes import note

if TYPE_CHECKING:
    import pandas as pd

#: How many periods, and units per period, a note names before it says "and N more".
SHOWN = 5


def note_coverage(
    rows: pd.DataFrame,
    *,
    unit: list[str],
    period: str | None,
    name: str,
    freq: str | None = None,
    dates: pd.Series | None = None,
) -> None:
    """Say when totals of different periods add up different sets of units: the periods where
    some of the file's units have no row, the periods inside the span with no row at all, and
    (``freq`` rollups of ``dates``) the periods only partly reported."""
    from jdcli.metrics.coverage import missing_periods, missing_units, reported_parts

    if period is None or period not in rows.columns or rows.empty:
        return
    if unit:
        gaps = missing_units(rows, unit, period)
        if len(gaps):
            parts = []
            for row in gaps.head(SHOWN).itertuples(index=False):
                names = [str(n) for n in row.missing]  # type: ignore[union-attr]
                shown = ", ".join(map(str, names[:SHOWN]))
                more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
                parts.append(f"{row.period} has {row.units} of {row.of} ({shown}{more} missing)")
            more = f"; and {len(gaps) - SHOWN} more period(s)" if len(gaps) > SHOWN else ""
            note(
                f"{name}: totals cover different units: {'; '.join(parts)}{more}; "
                "compare such totals with care (units column)"
            )
    absent = missing_periods(rows[period], freq)
    if absent:
        more = f" and {len(absent) - SHOWN} more" if len(absent) > SHOWN else ""
        note(
            f"{name}: no rows at all for {', '.join(absent[:SHOWN])}{more} "
            "(inside the span of the data; not shown, never bridged)"
        )
    if freq is not None and dates is not None:
        counts = reported_parts(dates, freq)
        partial = counts.loc[counts["reported"] < counts["expected"]]
        if len(partial):
            shown = "; ".join(
                f"{r.period}: {r.reported} of {r.expected} {r.part}s"
                for r in partial.head(SHOWN).itertuples(index=False)
            )
            more = f"; and {len(partial) - SHOWN} more" if len(partial) > SHOWN else ""
            note(
                f"{name}: --freq {freq} periods only partly reported ({shown}{more}); each "
                f"unit's figure is its average over the {counts['part'].iloc[0]}s it reported"
            )
