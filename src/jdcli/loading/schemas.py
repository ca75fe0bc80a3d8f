"""The column schema of each command: canonical names and the headers that mean them.

Aliases belong to a command's schema: a bare 单位 in a Chinese table is a unit of measure,
so it is never an alias of an organisation here; 单位名称 or 机构 is.
"""

from __future__ import annotations

from jdcli.loading.schema import Column, Schema

PERIOD = Column(
    "period", ("年份", "年度", "月份", "时间", "期间", "统计期", "year", "month", "quarter")
)
DATE = Column("date", ("日期", "统计日期", "census_date", "as_of", "day"), kind="date")
FACILITY = Column(
    "facility",
    (
        "机构",
        "单位名称",
        "戒毒所",
        "机构名称",
        "所名",
        "centre",
        "center",
        "facility_name",
        "institution",
    ),
)
REGION = Column(
    "region", ("地区", "区", "区域", "市", "城市", "province", "省份", "district", "area")
)

OCCUPANCY = Schema(
    columns=(
        FACILITY,
        REGION,
        PERIOD,
        DATE,
        Column(
            "capacity",
            ("床位", "床位数", "核定床位", "核定床位数", "beds", "bed_count", "capacity_beds"),
            kind="count",
        ),
        Column(
            "occupied",
            (
                "在所人数",
                "收治人数",
                "在押人数",
                "在册人数",
                "收治戒毒人员",
                "occupied_beds",
                "inmates",
                "population",
                "census",
                "patients",
                "residents",
            ),
            kind="count",
        ),
        Column(
            "capacity_days",
            ("实际开放总床日数", "开放床日数", "available_bed_days", "bed_days_available"),
            kind="count",
        ),
        Column(
            "occupied_days",
            (
                "实际占用总床日数",
                "占用床日数",
                "occupied_bed_days",
                "bed_days_occupied",
                "patient_days",
            ),
            kind="count",
        ),
    ),
    required=(("capacity", "occupied"), ("capacity_days", "occupied_days")),
)

# Trends: a period and a value per series. ``value`` and the reported change are read as text
# here, so the trends command can see how precisely each figure is written (12.5 vs 12.50,
# ``~55``) before parsing it; ``unit`` is a unit of measure (a bare 单位 in a Chinese table).
TRENDS = Schema(
    columns=(
        Column(
            "period",
            (
                "年份",
                "年度",
                "时间",
                "月份",
                "季度",
                "期间",
                "统计期",
                "year",
                "month",
                "quarter",
                "date",
                "日期",
            ),
        ),
        Column("metric", ("指标", "指标名称", "项目", "indicator", "series", "measure")),
        Column("value", ("数值", "数量", "值", "数据", "level", "amount", "count", "number")),
        Column("unit", ("单位", "计量单位", "unit_of_measure", "units")),
        Column(
            "reported_change_pct",
            (
                "同比",
                "同比增长",
                "同比增减",
                "同比变化",
                "同比增长率",
                "同比(%)",
                "同比增减(%)",
                "reported_change",
                "yoy_pct",
                "reported_yoy_pct",
            ),
        ),
        Column("reported_since", ("年均起始", "起始年份", "since")),
        Column("reported_multiple", ("倍数", "multiple", "times")),
        REGION,
    ),
    required=(("period",),),
)

# Claims files keep every input and stated value as text: the check needs the decimals as
# written ("91.70%" is not "91.7%"), which a float would lose; jdcli.loading.claims reads them.
CLAIMS = Schema(
    columns=(
        Column("label", ("名称", "指标", "说明", "claim", "description", "name")),
        Column("kind", ("类型", "type", "claim_kind")),
        Column("numerator", ("分子", "num", "part")),
        Column("denominator", ("分母", "den", "base", "whole", "total")),
        Column("from", ("基期值", "原值", "上年", "before", "old", "previous", "start")),
        Column("to", ("报告期值", "现值", "本年", "after", "new", "current", "end")),
        Column("stated", ("公布值", "声称", "published", "claimed", "reported", "value")),
        Column("decimals", ("小数位", "precision", "places"), kind="count"),
        Column("missing", ("inputs_not_given", "缺少", "not_given", "needs")),
    ),
    required=(("kind", "stated"),),
)
