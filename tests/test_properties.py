"""Metric properties, gathered in one place and run for every metric registered in ``METRICS``:

- order invariance: shuffling the input rows changes nothing;
- split and combine: computing disjoint groups apart and concatenating equals computing them
  together; where a metric's figures are sums, splitting the *rows* anywhere and adding the
  parts' figures gives the whole's figures;
- Σ/Σ: every rate equals Σ numerator ÷ Σ denominator over the input rows it covers (never a
  mean of rates), total rows included; undefined exactly where the denominator is 0;
- no inf anywhere in any output, in the frame or in any rendered format.

To add a metric, append a ``MetricCase`` to ``METRICS``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from jdcli.metrics.occupancy import (
    TOTAL,
    census_means,
    census_partials,
    occupancy_from_census,
    occupancy_rate,
)
from jdcli.metrics.staffing import staffing_ratio
from jdcli.metrics.trends import period_change
from jdcli.render import BINARY_FORMATS, RENDERERS, Format, RenderOptions


@dataclass(frozen=True)
class Ratio:
    """``column`` = Σ ``numerator`` ÷ Σ ``denominator`` × ``scale`` (input column names)."""

    column: str
    numerator: str
    denominator: str
    scale: float = 100.0


@dataclass(frozen=True)
class MetricCase:
    """A metric under test.

    ``rows`` draws input frames; ``compute(rows, total)`` runs the metric; ``keys`` are the
    output columns that identify a row; ``group`` is the input column along which the input
    may be split into disjoint groups (``None``: no such split); ``sums`` maps output columns
    that are plain sums to their input columns (row splits add up: empty when the metric
    averages, e.g. over census dates); ``ratios`` are the Σ/Σ rates and ``ratio_keys`` the
    input columns a non-total output row covers.
    """

    name: str
    rows: st.SearchStrategy[pd.DataFrame]
    compute: Callable[[pd.DataFrame, bool], pd.DataFrame]
    keys: Sequence[str]
    group: str | None
    ratios: Sequence[Ratio] = ()
    ratio_keys: Sequence[str] = ()
    sums: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------ input strategies

FACILITIES = ["东区所", "西区所", "南山", "A", "b", "Zeta"]
REGIONS = ["天河", "越秀", "Haizhu"]
PERIODS = ["2017", "2018", "2019"]
COUNT = st.integers(0, 5_000)


@st.composite
def census_rows(draw: st.DrawFn) -> pd.DataFrame:
    """facility, region, capacity, occupied: zero capacities and over-capacity included."""
    n = draw(st.integers(1, 25))
    facility = draw(st.lists(st.sampled_from(FACILITIES), min_size=n, max_size=n))
    capacity = draw(st.lists(st.one_of(st.just(0), COUNT), min_size=n, max_size=n))
    occupied = draw(st.lists(COUNT, min_size=n, max_size=n))
    frame = pd.DataFrame(
        {
            "facility": facility,
            "region": [REGIONS[FACILITIES.index(f) % 3] for f in facility],
            "capacity": capacity,
            "occupied": occupied,
        }
    )
    return frame.astype({"facility": "str", "region": "str"}).astype(
        {"capacity": "Float64", "occupied": "Float64"}
    )


@st.composite
def bed_day_rows(draw: st.DrawFn) -> pd.DataFrame:
    """region, period, capacity_days, occupied_days."""
    n = draw(st.integers(1, 25))
    frame = pd.DataFrame(
        {
            "region": draw(st.lists(st.sampled_from(REGIONS), min_size=n, max_size=n)),
            "period": draw(st.lists(st.sampled_from(PERIODS), min_size=n, max_size=n)),
            "capacity_days": draw(st.lists(st.integers(0, 100_000), min_size=n, max_size=n)),
            "occupied_days": draw(st.lists(st.integers(0, 120_000), min_size=n, max_size=n)),
        }
    )  # fmt: skip
    return frame.astype({"region": "str", "period": "str"}).astype(
        {"capacity_days": "Float64", "occupied_days": "Float64"}
    )


@st.composite
def dated_census_rows(draw: st.DrawFn) -> pd.DataFrame:
    """facility, date, capacity, occupied, period (the month): several censuses per month."""
    frame = draw(census_rows())
    days = draw(
        st.lists(
            st.sampled_from(["2018-05-01", "2018-05-15", "2018-05-31", "2018-06-15"]),
            min_size=len(frame),
            max_size=len(frame),
        )
    )
    frame["date"] = pd.to_datetime(pd.Series(days, index=frame.index))
    frame["period"] = frame["date"].dt.strftime("%Y-%m").astype("str")
    return frame


@st.composite
def staffing_rows(draw: st.DrawFn) -> pd.DataFrame:
    """unit, region, staff, base (base ≥ 1: zero bases have their own tests in staffing's)."""
    n = draw(st.integers(1, 25))
    unit = draw(st.lists(st.sampled_from(FACILITIES), min_size=n, max_size=n))
    frame = pd.DataFrame(
        {
            "unit": unit,
            "region": [REGIONS[FACILITIES.index(u) % 3] for u in unit],
            "staff": draw(st.lists(COUNT, min_size=n, max_size=n)),
            "base": draw(st.lists(st.integers(1, 500_000), min_size=n, max_size=n)),
        }
    )
    return frame.astype({"unit": "str", "region": "str"}).astype(
        {"staff": "Float64", "base": "Float64"}
    )


@st.composite
def trend_rows(draw: st.DrawFn) -> pd.DataFrame:
    """metric, period (years with gaps), value (zeros and negatives included)."""
    parts = []
    for metric in draw(
        st.lists(st.sampled_from(["吸毒人员", "labs", "rate"]), unique=True, min_size=1)
    ):
        years = draw(st.lists(st.integers(2010, 2020), unique=True, min_size=1, max_size=8))
        values = draw(
            st.lists(
                st.one_of(st.just(0), st.integers(-1000, 100_000)),
                min_size=len(years),
                max_size=len(years),
            )
        )
        parts.append(
            pd.DataFrame({"metric": metric, "period": [str(y) for y in years], "value": values})
        )
    frame = pd.concat(parts, ignore_index=True)
    return frame.astype({"metric": "str", "period": "str", "value": "Float64"})


# ------------------------------------------------------------------ the metrics

METRICS = [
    MetricCase(
        name="occupancy census by facility",
        rows=census_rows(),
        compute=lambda rows, total: occupancy_rate(
            rows, ["facility"], unit=["facility"], total=total
        ),
        keys=["facility"],
        group="facility",
        ratios=[Ratio("occupancy_pct", "occupied", "capacity")],
        ratio_keys=["facility"],
        sums={"capacity": "capacity", "occupied": "occupied"},
    ),
    MetricCase(
        name="occupancy census by region (facilities as units)",
        rows=census_rows(),
        compute=lambda rows, total: occupancy_rate(
            rows, ["region"], unit=["facility"], total=total
        ),
        keys=["region"],
        group="region",
        ratios=[Ratio("occupancy_pct", "occupied", "capacity")],
        ratio_keys=["region"],
        sums={"capacity": "capacity", "occupied": "occupied"},
    ),
    MetricCase(
        name="occupancy bed-days by region and period",
        rows=bed_day_rows(),
        compute=lambda rows, total: occupancy_rate(rows, ["region"], period="period", total=total),
        keys=["region", "period"],
        group="region",
        ratios=[Ratio("occupancy_pct", "occupied_days", "capacity_days")],
        ratio_keys=["region", "period"],
        sums={"capacity_days": "capacity_days", "occupied_days": "occupied_days"},
    ),
    MetricCase(
        # a facility's monthly figure is its mean census over dates: not a plain sum of rows,
        # so no row-split or Σ/Σ-over-rows entry; order and group splits still hold
        name="occupancy dated census by region and month",
        rows=dated_census_rows(),
        compute=lambda rows, total: occupancy_rate(
            rows, ["region"], unit=["facility"], period="period", instant="date", total=total
        ),
        keys=["region", "period"],
        group="region",
    ),
    MetricCase(
        # the same table from the partial sums of three pieces of the rows, as a streamed
        # file is read (day masks ORed, so a date split across pieces counts once)
        name="occupancy dated census by region and month, from partials",
        rows=dated_census_rows(),
        compute=lambda rows, total: _from_partials(rows, ["region"], total),
        keys=["region", "period"],
        group="region",
    ),
]


def _from_partials(rows: pd.DataFrame, by: list[str], total: bool) -> pd.DataFrame:
    third = len(rows) // 3
    pieces = [rows.iloc[:third], rows.iloc[third : 2 * third], rows.iloc[2 * third :]]
    partials = [census_partials(piece, [*by, "facility"], "month") for piece in pieces]
    return occupancy_from_census(census_means(pd.concat(partials)), by, total=total)


METRICS += [
    MetricCase(
        name="staffing share by unit",
        rows=staffing_rows(),
        compute=lambda rows, total: staffing_ratio(rows, ["unit"], unit=["unit"], total=total),
        keys=["unit"],
        group="unit",
        ratios=[Ratio("share_pct", "staff", "base")],
        ratio_keys=["unit"],
        sums={"staff": "staff", "base": "base"},
    ),
    MetricCase(
        name="staffing per 1000 by region",
        rows=staffing_rows(),
        compute=lambda rows, total: staffing_ratio(
            rows, ["region"], unit=["unit"], ratio="per", per=1000, total=total
        ),
        keys=["region"],
        group="region",
        ratios=[Ratio("per_1000", "staff", "base", 1000.0)],
        ratio_keys=["region"],
        sums={"staff": "staff", "base": "base"},
    ),
    MetricCase(
        # changes against exact comparison periods: not sums, so order and series splits only
        name="trends yoy by metric",
        rows=trend_rows(),
        compute=lambda rows, total: period_change(rows, ["metric"]),
        keys=["metric", "period"],
        group="metric",
    ),
]

IDS = [m.name for m in METRICS]

# Each example runs a metric several times; a quarter of the profile's count keeps the ``ci``
# run short (``HYPOTHESIS_PROFILE=long`` still runs hundreds).
examples = settings(max_examples=max(10, (settings.default.max_examples or 40) // 4))


def canonical(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    return frame.sort_values(list(keys), kind="stable").reset_index(drop=True)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-9)


# ------------------------------------------------------------------ the properties


@pytest.mark.parametrize("metric", METRICS, ids=IDS)
@given(data=st.data())
@examples
def test_order_invariance(metric: MetricCase, data: st.DataObject) -> None:
    rows = data.draw(metric.rows)
    seed = data.draw(st.integers(0, 2**32 - 1))
    shuffled = rows.sample(frac=1, random_state=np.random.default_rng(seed))
    for total in (False, True):
        same(metric.compute(shuffled, total), metric.compute(rows, total))


@pytest.mark.parametrize("metric", [m for m in METRICS if m.group], ids=lambda m: m.name)
@given(data=st.data())
@examples
def test_disjoint_groups_split_and_combine(metric: MetricCase, data: st.DataObject) -> None:
    rows = data.draw(metric.rows)
    assert metric.group is not None
    values = sorted(rows[metric.group].unique())
    left = set(data.draw(st.lists(st.sampled_from(values), unique=True)))
    in_left = rows[metric.group].isin(left)
    parts = [metric.compute(rows.loc[mask], False) for mask in (in_left, ~in_left)]
    combined = pd.concat([p for p in parts if len(p)], ignore_index=True)
    whole = metric.compute(rows, False)
    same(canonical(combined, metric.keys), canonical(whole, metric.keys))


@pytest.mark.parametrize("metric", [m for m in METRICS if m.sums], ids=lambda m: m.name)
@given(data=st.data())
@examples
def test_any_row_split_adds_up(metric: MetricCase, data: st.DataObject) -> None:
    rows = data.draw(metric.rows)
    mask = pd.Series(
        data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows))),
        index=rows.index,
    )
    parts = [metric.compute(rows.loc[m], False) for m in (mask, ~mask)]
    sums = list(metric.sums)
    added = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        .groupby(list(metric.keys), sort=True)[sums]
        .sum()
        .reset_index()
    )
    whole = metric.compute(rows, False)[[*metric.keys, *sums]]
    same(canonical(added, metric.keys), canonical(whole, metric.keys))


@pytest.mark.parametrize("metric", [m for m in METRICS if m.ratios], ids=lambda m: m.name)
@given(data=st.data())
@examples
def test_ratio_of_totals(metric: MetricCase, data: st.DataObject) -> None:
    """Each rate is Σ numerator ÷ Σ denominator over the input rows it covers."""
    rows = data.draw(metric.rows)
    result = metric.compute(rows, True)
    keys = list(metric.ratio_keys)
    is_total = result[keys[0]].eq(TOTAL)
    time = [k for k in keys if k not in (keys[0],)]
    for ratio in metric.ratios:
        # each group row against its own input rows
        sums = rows.groupby(keys, sort=True)[[ratio.numerator, ratio.denominator]].sum()
        groups = result.loc[~is_total, [*keys, ratio.column]].merge(
            sums.reset_index(), on=keys, how="left", validate="one_to_one"
        )
        check_rates(groups[ratio.column], groups[ratio.numerator], groups[ratio.denominator], ratio)
        # a total row covers every group of its period (Σ/Σ again, never a mean of rates)
        totals = result.loc[is_total, [*time, ratio.column]]
        if time:
            covered = rows.groupby(time, sort=True)[[ratio.numerator, ratio.denominator]].sum()
            totals = totals.merge(covered.reset_index(), on=time, how="left")
        else:
            for column in (ratio.numerator, ratio.denominator):
                totals[column] = rows[column].sum()
        check_rates(totals[ratio.column], totals[ratio.numerator], totals[ratio.denominator], ratio)


def check_rates(
    value: pd.Series, numerator: pd.Series, denominator: pd.Series, ratio: Ratio
) -> None:
    """Undefined exactly where the denominator is 0; elsewhere Σnum ÷ Σden × scale."""
    den = denominator.astype("float64").to_numpy()
    got = value.astype("Float64")
    assert (got.isna().to_numpy() == (den == 0)).all(), "undefined exactly where Σ den is 0"
    defined = den != 0
    expected = numerator.astype("float64").to_numpy()[defined] / den[defined] * ratio.scale
    np.testing.assert_allclose(
        got.to_numpy(dtype="float64", na_value=np.nan)[defined], expected, rtol=1e-12
    )


@pytest.mark.parametrize("metric", METRICS, ids=IDS)
@given(data=st.data())
@examples
def test_no_inf_anywhere(metric: MetricCase, data: st.DataObject) -> None:
    rows = data.draw(metric.rows)
    result = metric.compute(rows, True)
    numeric = result.select_dtypes("number")
    values = numeric.astype("float64").to_numpy(na_value=np.nan)
    assert not np.isinf(values).any()
    for fmt in Format:
        if fmt is Format.AUTO or fmt in BINARY_FORMATS:
            continue  # a workbook's numbers are checked in test_xlsx.py
        stream = io.StringIO()
        RENDERERS[fmt](result, stream, RenderOptions())
        text = stream.getvalue()
        assert "inf" not in text.casefold() and "∞" not in text and "nan" not in text.casefold()
        if fmt is Format.JSON:
            json.loads(text, parse_constant=reject_constant)


def reject_constant(name: str) -> None:
    raise AssertionError(f"JSON output holds {name}")
