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

UNIT = Column(
    "unit",
    (
        "单位名称",
        "机构",
        "机构名称",
        "部门",
        "部门名称",
        "单位全称",
        "工作站",
        "agency",
        "organisation",
        "organization",
        "office",
        "department",
        "unit_name",
    ),
)

STAFFING = Schema(
    columns=(
        UNIT,
        REGION,
        PERIOD,
        Column(
            "staff",
            (
                "工作人员",
                "工作人员数",
                "专职人员",
                "禁毒专职人员",
                "专职人员数",
                "在岗人数",
                "人员数",
                "staff_count",
                "headcount",
                "workers",
                "employees",
            ),
            kind="count",
            description="staff counted (the default numerator)",
        ),
        Column(
            "social_workers",
            ("社工", "专业社工", "禁毒社工", "禁毒专业社工", "社工人数", "social_worker"),
            kind="count",
            description="social workers",
        ),
        Column(
            "police",
            ("民警", "禁毒民警", "缉毒民警", "禁毒警力", "narcotics_police", "officers"),
            kind="count",
            description="police officers (e.g. narcotics police)",
        ),
        Column(
            "total_police",
            ("总警力", "警力", "总警力编制", "警力编制", "民警总数", "all_police", "police_total"),
            kind="count",
            description="all police: the base of a police share",
        ),
        Column(
            "total_staff",
            (
                "总人数",
                "职工总数",
                "人员总数",
                "全部人员",
                "专职人员和专业社工",
                "all_staff",
                "workforce",
                "staff_total",
            ),
            kind="count",
            description="all staff: the base of a staff share",
        ),
        Column(
            "population",
            ("常住人口", "人口", "户籍人口", "常住人口数", "residents", "inhabitants", "pop"),
            kind="count",
            description="residents: the base of a per-100,000 rate",
        ),
        Column(
            "clients",
            (
                "社区戒毒人员",
                "社区康复人员",
                "社区戒毒社区康复人员",
                "在册吸毒人员",
                "管控人数",
                "服务对象",
                "帮教对象",
                "caseload_clients",
                "cases",
                "service_users",
            ),
            kind="count",
            description="people served: the base of a caseload",
        ),
        Column(
            "towns",
            (
                "街镇",
                "街镇数",
                "乡镇街道",
                "街道乡镇",
                "乡镇街道数",
                "towns_streets",
                "townships",
                "subdistricts",
            ),
            kind="count",
            description="towns and streets (街镇): the base of a per-town ratio",
        ),
        Column(
            "beds",
            ("床位", "床位数", "核定床位", "bed_count"),
            kind="count",
            description="beds: the base of a per-bed ratio",
        ),
    ),
    hint="map the staff count with --staff COL and the base with --base COL",
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
