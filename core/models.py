"""The ledger's records as SQLAlchemy 2.0 models: one class per record kind in DOMAIN.md.

Every column carries its Chinese label in ``info["label"]``; validation messages, the
import template, the annex ledgers and the GUI forms all read it from here.

Deleting is soft: ``deleted_at`` is set and the record stops counting anywhere, but it can
be restored from the recycle bin.

Several clerks on one ledger (issue 22, schema 7): every record carries a version, counted
up by SQLAlchemy at each UPDATE (``version_id_col``: ``UPDATE … WHERE id = ? AND version = ?``),
so a save or delete of a record someone else changed meanwhile is refused
(core.records.RecordChangedError), never written over it; who entered it and who last
changed it (录入人, 最后修改人, stamped by core.audit) and the 科室 that entered it (录入科室:
what a 录入 user may change on a server, core.server_roles). ``AuditLog`` is the append-only
操作日志 and ``LedgerUser`` the names and 科室 of the ledger's users.
"""

# No `from __future__ import annotations` here: with it every `Mapped[...]` is a string that
# SQLAlchemy evaluates again when it maps the class (≈500 evals, 15–20 ms of every start;
# issue 20). Every class an annotation names is defined above it.
import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    DDL, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text,
    UniqueConstraint, event, func,
)
from sqlalchemy.orm import (
    DeclarativeBase, Mapped, declared_attr, mapped_column, relationship, validates,
)
from sqlalchemy.orm.decl_base import _declarative_constructor

from core.dialects import partial, server_bool, server_index, sqlite_only
from core.vocab import ENTERPRISE_UNIT_TYPES, PenaltyKind, heaviest_penalty

LIST_SEPARATOR = "、"


def label(text: str, **extra) -> dict:
    return {"label": text, **extra}


class Base(DeclarativeBase):
    def __init__(self, **fields):
        # Column defaults normally appear only at INSERT; validation runs before that, so a
        # new record starts with them (status 在岗, counts 0…) already set.
        for column in self.__table__.columns:
            default = column.default
            if column.key not in fields and default is not None and default.is_scalar:
                fields[column.key] = default.arg
        _declarative_constructor(self, **fields)


class Record:
    """Columns every ledger record has: id, timestamps and the soft-delete mark."""

    KIND = ""  # Chinese name of the record kind, e.g. 行政检查

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now(),
                                                    info=label("创建时间"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now(),
                                                    onupdate=func.now(), info=label("修改时间"))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None,
                                                           info=label("删除时间"))
    # Schema 7 (issue 22). The version is the database's counter alone: SQLAlchemy sets it
    # to 1 at INSERT and adds 1 at each UPDATE, and core.audit puts back any other value a
    # caller assigns. Existing records got version 1 and empty names (shown as 「未知」).
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1",
                                         info=label("版本"))
    created_by: Mapped[str] = mapped_column(String(100), default="", server_default="",
                                            info=label("录入人"))
    updated_by: Mapped[str] = mapped_column(String(100), default="", server_default="",
                                            info=label("最后修改人"))
    owner_department: Mapped[str] = mapped_column(String(100), default="", server_default="",
                                                  info=label("录入科室"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    def field_label(cls, attr: str) -> str:
        return cls.__table__.c[attr].info.get("label", attr)

    def describe(self) -> str:
        """A short Chinese name of this record for messages and the check list."""
        return f"{self.KIND}#{self.id}"


def split_list(text: str | None) -> list[str]:
    return [p for p in (text or "").split(LIST_SEPARATOR) if p]


def join_list(items) -> str:
    return LIST_SEPARATOR.join(dict.fromkeys(i.strip() for i in items if i and i.strip()))


def cents_to_yuan(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def yuan_to_cents(yuan) -> int | None:
    if yuan is None or yuan == "":
        return None
    return int((Decimal(str(yuan)) * 100).to_integral_value())


class BureauProfile(Base):
    """单位信息: one row. What the report's title, signature and file names come from."""

    __tablename__ = "bureau_profile"
    KIND = "单位信息"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(100), info=label("单位全称"))
    region: Mapped[str] = mapped_column(String(100), default="", info=label("地区"))
    signatory: Mapped[str] = mapped_column(String(100), default="", info=label("署名"))
    document_date: Mapped[dt.date | None] = mapped_column(Date, info=label("成文日期"))
    report_year: Mapped[int | None] = mapped_column(Integer, info=label("报告年度"))
    # The 导语's 「根据…」 line; empty means the default for the region and year (schema 5).
    legal_basis: Mapped[str] = mapped_column(Text, default="", server_default="",
                                             info=label("报告依据"))
    # 国办发〔2024〕54号 leaves the yearly cap to each region; 2 is the common figure.
    enterprise_inspection_cap: Mapped[int] = mapped_column(
        Integer, default=2, info=label("同一企业年度检查上限"))

    @property
    def short_name(self) -> str:
        """「区教育局」 style name used inside sentences."""
        return self.full_name


inspection_staff = Table(
    "inspection_staff", Base.metadata,
    Column("inspection_id", ForeignKey("inspection.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id", ondelete="RESTRICT"), primary_key=True),
    # From a person to their inspections: the certificate check reads the inspections of
    # the few staff whose certificate lapses within the year (core/compliance.py, schema 4).
    Index("ix_inspection_staff_staff", "staff_id", "inspection_id"),
)

training_staff = Table(
    "training_staff", Base.metadata,
    Column("training_id", ForeignKey("training.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id", ondelete="RESTRICT"), primary_key=True),
)


class Staff(Record, Base):
    """执法人员."""

    __tablename__ = "staff"
    KIND = "执法人员"
    name: Mapped[str] = mapped_column(String(50), info=label("姓名"))
    department: Mapped[str] = mapped_column(String(100), default="", info=label("科室"))
    certificate_no: Mapped[str | None] = mapped_column(String(50), info=label("执法证号"))
    certificate_issued: Mapped[dt.date | None] = mapped_column(Date, info=label("发证日期"))
    certificate_expires: Mapped[dt.date | None] = mapped_column(Date, info=label("有效期至"))
    status: Mapped[str] = mapped_column(String(10), default="在岗", info=label("状态"))
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date, info=label("注销日期"))
    cancel_reason: Mapped[str] = mapped_column(String(50), default="", info=label("注销原因"))
    is_established: Mapped[bool] = mapped_column(Boolean, default=True, info=label("是否在编"))
    is_legal_reviewer: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    info=label("是否法制审核人员"))

    def describe(self) -> str:
        return f"执法人员「{self.name}」"

    def certificate_valid_on(self, day: dt.date) -> bool:
        """Holds a certificate that is in force on `day` (issued, unexpired, not cancelled)."""
        if not self.certificate_no or self.certificate_issued is None:
            return False
        if self.certificate_issued > day:
            return False
        if self.certificate_expires is not None and self.certificate_expires < day:
            return False
        return self.cancelled_on is None or self.cancelled_on > day


class Unit(Record, Base):
    """检查对象: a school, kindergarten or institution the bureau inspects."""

    __tablename__ = "unit"
    KIND = "检查对象"
    name: Mapped[str] = mapped_column(String(200), info=label("名称"))
    unit_type: Mapped[str] = mapped_column(String(20), info=label("类型"))
    credit_code: Mapped[str] = mapped_column(String(18), default="",
                                             info=label("统一社会信用代码"))
    street: Mapped[str] = mapped_column(String(50), default="", info=label("街道"))
    # Follows the type (民办 and 校外培训 are enterprises) unless set after it.
    is_enterprise: Mapped[bool] = mapped_column(Boolean, info=label("是否涉企"))
    # From when the unit exists (办学许可/营业执照 date): an inspection before it is flagged
    # (schema 6; empty on an older unit).
    established_on: Mapped[dt.date | None] = mapped_column(Date, info=label("成立日期"))

    @validates("unit_type")
    def _enterprise_follows_type(self, _key, value: str) -> str:
        self.is_enterprise = value in ENTERPRISE_UNIT_TYPES
        return value

    def describe(self) -> str:
        return f"检查对象「{self.name}」"


class Campaign(Record, Base):
    """专项行动 / 联合执法: a campaign, which inspections may belong to."""

    __tablename__ = "campaign"
    KIND = "专项行动"
    name: Mapped[str] = mapped_column(String(200), info=label("名称"))
    start_date: Mapped[dt.date] = mapped_column(Date, info=label("开始日期"))
    end_date: Mapped[dt.date | None] = mapped_column(Date, info=label("结束日期"))
    lead_department: Mapped[str] = mapped_column(String(100), default="",
                                                 info=label("牵头部门"))
    partner_departments: Mapped[str] = mapped_column(Text, default="", info=label("联合部门"))
    personnel: Mapped[int] = mapped_column(Integer, default=0, info=label("出动人次"))
    institutions_checked: Mapped[int] = mapped_column(Integer, default=0,
                                                      info=label("排查机构数"))
    hazards_found: Mapped[int] = mapped_column(Integer, default=0, info=label("发现隐患数"))
    closed: Mapped[int] = mapped_column(Integer, default=0, info=label("关停数"))
    rectified: Mapped[int] = mapped_column(Integer, default=0, info=label("整改数"))
    cases_filed: Mapped[int] = mapped_column(Integer, default=0, info=label("立案数"))
    note: Mapped[str] = mapped_column(Text, default="", info=label("备注"))

    @property
    def counting_date(self) -> dt.date:
        """A campaign counts in the year it ends (or started, while still running)."""
        return self.end_date or self.start_date

    def describe(self) -> str:
        return f"专项行动「{self.name}」"


class InspectionPlanTask(Record, Base):
    """行政检查计划任务: one task of the year's published 行政检查计划 (schema 6), in the
    columns bureaus publish it with (e.g. a 2026 行政检查计划统计表). Inspections name the
    task they carry out; the report's 「年度执法计划完成情况」 counts them against it."""

    __tablename__ = "inspection_plan_task"
    KIND = "检查计划任务"
    year: Mapped[int] = mapped_column(Integer, info=label("年份"))
    name: Mapped[str] = mapped_column(String(200), info=label("任务名称"))
    basis: Mapped[str] = mapped_column(Text, default="", info=label("依据"))
    category: Mapped[str] = mapped_column(String(10), info=label("检查类型"))
    implementer: Mapped[str] = mapped_column(String(100), default="", info=label("实施主体"))
    is_joint: Mapped[bool] = mapped_column(Boolean, default=False, info=label("是否联合检查"))
    partner_departments: Mapped[str] = mapped_column(Text, default="", info=label("联合部门"))
    items: Mapped[str] = mapped_column(Text, default="", info=label("检查事项"))
    method: Mapped[str] = mapped_column(String(100), default="", info=label("检查方式"))
    is_enterprise: Mapped[bool] = mapped_column(Boolean, default=False, info=label("是否涉企"))
    unit_type: Mapped[str] = mapped_column(String(20), info=label("检查对象"))
    # How many units of the type there are, and the share to inspect (in %, 20 = 20%):
    # ceil(对象基数 × 检查比例) units are planned.
    base: Mapped[int] = mapped_column(Integer, default=0, info=label("对象基数"))
    ratio: Mapped[float] = mapped_column(Float, default=100.0, info=label("检查比例"))
    # 次 per unit and year under this task; empty when the plan states none.
    cap: Mapped[int | None] = mapped_column(Integer, info=label("频次上限"))
    period: Mapped[str] = mapped_column(String(100), default="", info=label("任务日期"))
    note: Mapped[str] = mapped_column(Text, default="", info=label("备注"))

    __table_args__ = (Index("ix_plan_task_year", "year"),)

    @property
    def planned_units(self) -> int:
        """ceil(对象基数 × 检查比例), in decimal so 45 × 20% is 9, not 9.000000000000002."""
        share = Decimal(self.base or 0) * Decimal(str(self.ratio or 0)) / 100
        return int(share.to_integral_value(rounding="ROUND_CEILING"))

    def describe(self) -> str:
        return f"检查计划任务 {self.year}年「{self.name}」"


class InspectionCap(Record, Base):
    """检查频次上限: the yearly cap the bureau publishes for one 对象类型 (国办发〔2024〕54号),
    per year (schema 6). A type without one takes the plan's 频次上限, then the bureau-wide
    同一企业年度检查上限 (core.figures.enterprise_caps)."""

    __tablename__ = "inspection_cap"
    KIND = "检查频次上限"
    year: Mapped[int] = mapped_column(Integer, info=label("年份"))
    unit_type: Mapped[str] = mapped_column(String(20), info=label("对象类型"))
    cap: Mapped[int] = mapped_column(Integer, info=label("年度检查上限"))
    note: Mapped[str] = mapped_column(Text, default="", info=label("备注"))

    def describe(self) -> str:
        return f"检查频次上限 {self.year}年「{self.unit_type}」"


class Inspection(Record, Base):
    """行政检查: one inspected unit on one day."""

    __tablename__ = "inspection"
    KIND = "行政检查"
    date: Mapped[dt.date] = mapped_column(Date, info=label("检查日期"))
    category: Mapped[str] = mapped_column(String(10), info=label("检查类别"))
    method: Mapped[str] = mapped_column(String(20), info=label("检查方式"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                         info=label("检查对象"))
    items: Mapped[str] = mapped_column(Text, default="", info=label("检查事项"))
    lead_department: Mapped[str] = mapped_column(String(100), default="",
                                                 info=label("牵头部门"))
    partner_departments: Mapped[str] = mapped_column(Text, default="", info=label("联合部门"))
    personnel: Mapped[int] = mapped_column(Integer, default=0, info=label("出动人次"))
    problems_found: Mapped[int] = mapped_column(Integer, default=0, info=label("发现问题数"))
    rectified_on_site: Mapped[int] = mapped_column(Integer, default=0,
                                                   info=label("现场整改数"))
    result: Mapped[str] = mapped_column(String(10), info=label("检查结果"))
    recorded: Mapped[bool] = mapped_column(Boolean, default=False, info=label("全过程记录"))
    published_on: Mapped[dt.date | None] = mapped_column(Date, info=label("公示日期"))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), info=label("专项行动"))
    note: Mapped[str] = mapped_column(Text, default="", info=label("备注"))
    # The 2025 rules (国办发〔2024〕54号, 津司发〔2025〕8号), schema 6; all empty on an older
    # entry. The plan task carried out (empty: 计划外), the prior approval by the body's head,
    # 现场/非现场, a 个案's source, the 扫码入企 code, and whether a 专项 was deployed by a
    # higher authority (then it is not counted against the enterprise's yearly cap).
    plan_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection_plan_task.id", ondelete="SET NULL"), info=label("检查计划任务"))
    approver: Mapped[str] = mapped_column(String(50), default="", server_default="",
                                          info=label("审批人"))
    approved_on: Mapped[dt.date | None] = mapped_column(Date, info=label("审批日期"))
    mode: Mapped[str] = mapped_column(String(10), default="", server_default="",
                                      info=label("现场/非现场"))
    case_source: Mapped[str] = mapped_column(String(10), default="", server_default="",
                                             info=label("检查来源"))
    trace_code: Mapped[str] = mapped_column(String(50), default="", server_default="",
                                            info=label("入企码/检查编号"))
    superior_deployed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=server_bool(False),
                                                    info=label("上级部署"))
    # Whether this is the entry that counts for its unit and day (one unit on one day is one
    # inspection): derived, kept current by core.inspection_days (schema 4). Not mapped, so
    # the ORM never holds a stale copy of it; queries use `FIRST_OF_DAY` below.
    first_of_day = Column(Boolean, nullable=False, server_default=server_bool(False))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"exclude_properties": ["first_of_day"], "version_id_col": cls.__table__.c.version}

    unit: Mapped[Unit] = relationship(lazy="joined")
    campaign: Mapped[Campaign | None] = relationship()
    plan_task: Mapped[InspectionPlanTask | None] = relationship()
    inspectors: Mapped[list[Staff]] = relationship(secondary=inspection_staff,
                                                   order_by="Staff.id")

    __table_args__ = (
        # Cover every column the yearly counting reads, so counting a year of 100,000
        # inspections reads indexes alone, never the table (core/figures.py): one in
        # (date, unit) order for the counts per unit, one in the order of the reporting
        # dimensions so grouping by them needs no temporary sort. Both lead with the date:
        # SQLite then takes them for a year's range by itself, with no ANALYZE statistics,
        # which a clerk's file never has (schema 4).
        Index("ix_inspection_counting", "date", "unit_id", "deleted_at", "first_of_day",
              "category", "method", "result", "personnel", "problems_found",
              "rectified_on_site", "recorded"),
        Index("ix_inspection_dimensions", "date", "category", "method", "result",
              "first_of_day", "deleted_at", "personnel", "problems_found", "rectified_on_site",
              "recorded"),
        # The report names joint inspections' partner departments and units (schema 4).
        # SQLite's alone: it holds free text, which a server index cannot (core.dialects).
        sqlite_only(Index("ix_inspection_joint", "method", "date", "id", "first_of_day",
                          "unit_id", "partner_departments")),
        server_index(Index("ix_inspection_joint_server", "method", "date", "id",
                           "first_of_day", "unit_id")),
        Index("ix_inspection_unit_date", "unit_id", "date"),
        # Schema 6, each covering what its count reads: the inspections of each plan task,
        # the 个案 by source, and the 上级部署 专项 not counted against an enterprise's cap.
        Index("ix_inspection_plan_task", "plan_task_id", "date", "deleted_at", "first_of_day",
              "unit_id"),
        Index("ix_inspection_case_source", "category", "date", "deleted_at", "first_of_day",
              "plan_task_id", "case_source"),
        Index("ix_inspection_uncapped", "superior_deployed", "category", "date", "deleted_at",
              "first_of_day", "unit_id"),
        # The inspection list (core/listing.py, schema 3): in the list's order (date, id),
        # with the texts its search box looks in, so opening or searching a city year reads
        # this index alone, with no sort and no row fetched (search 0.19 s -> 0.03 s).
        # Partial on a condition that is always true but only the list states
        # (core.listing.LIST_INDEX): SQLite then never picks it for counting, where it lacks
        # the columns the counting indexes filter on (joint inspections 15 ms -> 150 ms).
        # SQLite's alone, as the joint index; on a server the list reads the texts it
        # searches from the table.
        sqlite_only(Index("ix_inspection_list", "date", "id", "deleted_at", "unit_id", "items",
                          "note", **partial("items IS NOT NULL"))),
        server_index(Index("ix_inspection_list_server", "date", "id", "deleted_at", "unit_id",
                           **partial("items IS NOT NULL"))),
    )

    def describe(self) -> str:
        unit = self.unit.name if self.unit else f"对象#{self.unit_id}"
        return f"行政检查 {self.date:%Y-%m-%d}「{unit}」"


FIRST_OF_DAY = Inspection.__table__.c.first_of_day


class PenaltyCase(Record, Base):
    """行政处罚: one decision (决定书)."""

    __tablename__ = "penalty_case"
    KIND = "行政处罚"
    decision_no: Mapped[str] = mapped_column(String(100), info=label("决定书文号"))
    party: Mapped[str] = mapped_column(String(200), info=label("当事人"))
    party_type: Mapped[str] = mapped_column(String(20), info=label("当事人类型"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"),
                                                info=label("检查对象"))
    facts: Mapped[str] = mapped_column(Text, default="", info=label("违法事实"))
    legal_basis: Mapped[str] = mapped_column(Text, default="", info=label("法律依据"))
    procedure: Mapped[str] = mapped_column(String(10), info=label("程序"))
    kinds: Mapped[str] = mapped_column(Text, info=label("处罚种类"))
    # The single category the case is counted under (heaviest rule); kept in step with
    # `kinds` by the validator below so that counting is one SQL GROUP BY.
    counted_kind: Mapped[str] = mapped_column(String(30), info=label("计数种类"))
    fine_cents: Mapped[int] = mapped_column(Integer, default=0, info=label("罚款金额"))
    confiscation_cents: Mapped[int | None] = mapped_column(Integer, info=label("没收金额"))
    filed_on: Mapped[dt.date | None] = mapped_column(Date, info=label("立案日期"))
    decided_on: Mapped[dt.date | None] = mapped_column(Date, info=label("决定日期"))
    closed_on: Mapped[dt.date | None] = mapped_column(Date, info=label("结案日期"))
    legal_review: Mapped[bool] = mapped_column(Boolean, default=False, info=label("法制审核"))
    legal_review_on: Mapped[dt.date | None] = mapped_column(Date, info=label("法制审核日期"))
    legal_review_corrected: Mapped[bool] = mapped_column(Boolean, default=False,
                                                         info=label("法制审核纠错"))
    hearing: Mapped[bool] = mapped_column(Boolean, default=False, info=label("听证"))
    # The 90-day limit of Art. 60 was extended with approval (schema 6).
    deadline_extended: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=server_bool(False),
                                                    info=label("延长办案期限"))
    published_on: Mapped[dt.date | None] = mapped_column(Date, info=label("公示日期"))
    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection.id", ondelete="SET NULL"), info=label("关联检查"))

    unit: Mapped[Unit | None] = relationship()
    inspection: Mapped[Inspection | None] = relationship()

    __table_args__ = (Index("ix_penalty_decided", "decided_on"),)

    @validates("kinds")
    def _keep_counted_kind(self, _key, value: str) -> str:
        # A kind outside Art. 9 (a typo in an imported cell) must not raise here, while the
        # value is assigned: core.validation refuses it by name when the case is saved.
        heaviest = heaviest_penalty([k for k in split_list(value) if k in PenaltyKind.values()])
        self.counted_kind = heaviest.value if heaviest else ""
        return value

    @property
    def kind_list(self) -> list[str]:
        return split_list(self.kinds)

    @property
    def fine(self) -> Decimal:
        return cents_to_yuan(self.fine_cents or 0)

    @property
    def confiscation(self) -> Decimal | None:
        return cents_to_yuan(self.confiscation_cents)

    def describe(self) -> str:
        return f"行政处罚「{self.decision_no}」"


class OtherAct(Record, Base):
    """其他执法行为: aggregate counts of high-volume acts (许可, 确认, 奖励…)."""

    __tablename__ = "other_act"
    KIND = "其他执法行为"
    year: Mapped[int] = mapped_column(Integer, info=label("年份"))
    month: Mapped[int | None] = mapped_column(Integer, info=label("月份"))
    category: Mapped[str] = mapped_column(String(10), info=label("类别"))
    item: Mapped[str] = mapped_column(String(200), info=label("事项"))
    applied: Mapped[int] = mapped_column(Integer, default=0, info=label("申请数"))
    accepted: Mapped[int] = mapped_column(Integer, default=0, info=label("受理数"))
    granted: Mapped[int] = mapped_column(Integer, default=0, info=label("许可数"))
    refused: Mapped[int] = mapped_column(Integer, default=0, info=label("不予许可数"))
    revoked: Mapped[int] = mapped_column(Integer, default=0, info=label("撤销数"))
    count: Mapped[int] = mapped_column(Integer, default=0, info=label("次数"))

    __table_args__ = (Index("ix_other_act_year", "year"),)

    def describe(self) -> str:
        month = f"{self.month}月" if self.month else ""
        return f"其他执法行为 {self.year}年{month}「{self.item}」"


class Training(Record, Base):
    """学法培训: one session, with the staff who attended."""

    __tablename__ = "training"
    KIND = "学法培训"
    date: Mapped[dt.date] = mapped_column(Date, info=label("日期"))
    topic: Mapped[str] = mapped_column(String(200), info=label("主题"))
    form: Mapped[str] = mapped_column(String(20), info=label("形式"))
    hours: Mapped[float] = mapped_column(Float, info=label("学时"))
    exam_takers: Mapped[int] = mapped_column(Integer, default=0, info=label("参考人数"))
    exam_passed: Mapped[int] = mapped_column(Integer, default=0, info=label("通过人数"))

    participants: Mapped[list[Staff]] = relationship(secondary=training_staff,
                                                     order_by="Staff.id")

    __table_args__ = (Index("ix_training_date", "date"),)

    def describe(self) -> str:
        return f"学法培训 {self.date:%Y-%m-%d}「{self.topic}」"


class PowerItem(Record, Base):
    """权责清单: one power (or a count of powers) the bureau holds in a year."""

    __tablename__ = "power_item"
    KIND = "权责清单"
    year: Mapped[int] = mapped_column(Integer, info=label("年份"))
    category: Mapped[str] = mapped_column(String(10), info=label("类别"))
    name: Mapped[str] = mapped_column(String(300), default="", info=label("事项名称"))
    quantity: Mapped[int] = mapped_column(Integer, default=1, info=label("数量"))

    def describe(self) -> str:
        return f"权责清单 {self.year}年 {self.category}「{self.name or self.quantity}」"


class ReviewCase(Record, Base):
    """复议/诉讼 brought against the bureau's decisions."""

    __tablename__ = "review_case"
    KIND = "复议诉讼"
    kind: Mapped[str] = mapped_column(String(10), info=label("类型"))
    received_on: Mapped[dt.date] = mapped_column(Date, info=label("收案日期"))
    penalty_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("penalty_case.id", ondelete="SET NULL"), info=label("关联文号"))
    result: Mapped[str] = mapped_column(String(10), default="在办", info=label("结果"))
    note: Mapped[str] = mapped_column(Text, default="", info=label("备注"))

    penalty_case: Mapped[PenaltyCase | None] = relationship()

    def describe(self) -> str:
        return f"{self.kind} {self.received_on:%Y-%m-%d}"


class CustomFigure(Record, Base):
    """其他指标: a figure the clerk keeps that no record kind counts (转学 674 人…)."""

    __tablename__ = "custom_figure"
    KIND = "其他指标"
    year: Mapped[int] = mapped_column(Integer, info=label("年份"))
    name: Mapped[str] = mapped_column(String(100), info=label("名称"))
    value: Mapped[float] = mapped_column(Float, info=label("数值"))
    unit: Mapped[str] = mapped_column(String(20), default="", info=label("单位"))
    sentence: Mapped[str] = mapped_column(Text, default="", info=label("说明"))
    # Which report section the figure is written in; empty means placed by its name (schema 5).
    report_section: Mapped[str] = mapped_column(String(20), default="", server_default="",
                                                info=label("报告位置"))

    def describe(self) -> str:
        return f"其他指标 {self.year}年「{self.name}」"


class NarrativeText(Record, Base):
    """报告文字: a paragraph block a person writes for one year's report."""

    __tablename__ = "narrative_text"
    KIND = "报告文字"
    year: Mapped[int] = mapped_column(Integer, info=label("年份"))
    block: Mapped[str] = mapped_column(String(30), info=label("段落"))
    text: Mapped[str] = mapped_column(Text, default="", info=label("内容"))
    # True while the text is a template or last year's words that nobody has confirmed.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, info=label("待确认"))

    __table_args__ = (UniqueConstraint("year", "block", name="uq_narrative_year_block"),)

    def describe(self) -> str:
        return f"报告文字 {self.year}年「{self.block}」"


# Columns that are the ledger's bookkeeping, not what a clerk entered: never copied from one
# record onto another, written back by undo, or listed as a changed field in the 操作日志.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "deleted_at", "version", "created_by",
                         "updated_by", "owner_department"})


class LedgerUser(Base):
    """A user of the ledger (schema 7): the display name and 科室 of a login — the server's
    login on PostgreSQL, the Windows login on a SQLite file (core.audit). The 科室 is what a
    录入 user's new records are filed under; the role is told for the 操作日志 and the
    README's 「服务器台账的角色」 (on a server the grants decide, core.server_roles)."""

    __tablename__ = "ledger_user"
    KIND = "台账用户"
    login: Mapped[str] = mapped_column(String(100), primary_key=True, info=label("登录名"))
    name: Mapped[str] = mapped_column(String(100), default="", server_default="",
                                      info=label("姓名"))
    department: Mapped[str] = mapped_column(String(100), default="", server_default="",
                                            info=label("科室"))
    role: Mapped[str] = mapped_column(String(10), default="", server_default="",
                                      info=label("角色"))


class AuditLog(Base):
    """操作日志 (schema 7): one row per create, edit, delete, restore, undo or redo of a record,
    and one per import, written by core.audit in the transaction of the change. Append-only:
    nothing in the program updates or deletes a row, and on a server a trigger refuses it
    (core.server_roles)."""

    __tablename__ = "audit_log"
    KIND = "操作日志"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, info=label("时间"))
    login: Mapped[str] = mapped_column(String(100), info=label("登录名"))
    user_name: Mapped[str] = mapped_column(String(100), default="", info=label("操作人"))
    action: Mapped[str] = mapped_column(String(10), info=label("操作"))
    model: Mapped[str] = mapped_column(String(40), default="", info=label("记录类型"))
    record_id: Mapped[int | None] = mapped_column(Integer, info=label("记录编号"))
    record_label: Mapped[str] = mapped_column(Text, default="", info=label("记录"))
    # JSON: {attribute: [old, new]} for a record, a summary for an import.
    changes: Mapped[str] = mapped_column(Text, default="", info=label("修改内容"))

    __table_args__ = (Index("ix_audit_log_record", "model", "record_id", "id"),
                      Index("ix_audit_log_at", "at"))


# On a server the 操作日志 is append-only for real: a trigger refuses any UPDATE, DELETE or
# TRUNCATE of it, whoever asks (SQLSTATE 42501, as a missing grant). Made with the table and
# by the upgrade to schema 7; SQLite's file has no users to refuse.
AUDIT_APPEND_ONLY = (
    "CREATE OR REPLACE FUNCTION zhifa_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION USING ERRCODE = '42501', "
    "MESSAGE = 'zhifa: 操作日志只能追加，不能修改或删除'; END $$",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION zhifa_audit_append_only()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION zhifa_audit_append_only()",
)
for _statement in AUDIT_APPEND_ONLY:
    event.listen(AuditLog.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))


RECORD_KINDS: tuple[type[Record], ...] = (
    Staff, Unit, Campaign, Inspection, PenaltyCase, OtherAct, Training, PowerItem, ReviewCase,
    CustomFigure, NarrativeText, InspectionPlanTask, InspectionCap,
)
