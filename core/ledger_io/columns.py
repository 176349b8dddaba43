"""The 台账 workbook layout: which sheets, which Chinese headers, in which order.

One contract shared by the blank import template, the import, the export and the annex's
台账 sheets. The sheet titles and the headers issue 6 lists are relied on by clerks and other
tools: never rename one (add a synonym instead when a new spelling must be accepted).

`ledger_rows(session, year, sheet)` gives a sheet's cell values record by record, streamed,
so an export or the annex never holds 100,000 records in memory at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Callable, Iterator

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from core.models import (
    Campaign, CustomFigure, Inspection, InspectionCap, InspectionPlanTask, OtherAct, PenaltyCase,
    PowerItem, ReviewCase, Staff, Training, Unit, cents_to_yuan, inspection_staff, join_list,
    split_list,
)
from core.vocab import (
    CaseSource, InspectionMode, PlanCategory,
    InspectionCategory, InspectionMethod, InspectionResult, OtherActCategory, PartyType,
    PenaltyKind, PowerCategory, Procedure, ReportSection, ReviewKind, ReviewResult, StaffStatus,
    TrainingForm, UnitType,
)
from core.years import belongs_to_year, in_year, year_of

YES, NO = "是", "否"
# The two columns the 「未导入的行」 workbook adds before a rejected row: not ledger headers,
# so the import ignores them when the clerk corrects that file and imports it again.
REASON_HEADER, ROW_HEADER = "未导入原因", "原表行号"
BOOL_CHOICES = (YES, NO)


@dataclass(frozen=True)
class Column:
    header: str                    # Chinese header, exactly as issue 6 lists (a contract)
    attr: str | None               # model attribute, or None for derived columns
    # "date" | "int" | "money" | "number" | "text" | "list" | "bool" | "choice" | "year" |
    # "month". "money" is 元 (stored as cents); "number" a non-integer quantity (学时, 数值).
    kind: str
    choices: tuple[str, ...] = ()  # for drop-downs (vocab values), empty if free text
    synonyms: tuple[str, ...] = ()  # other header spellings accepted on import
    width: int = 12                # column width in characters, for Excel
    required: bool = False         # the row is rejected when this cell is empty
    note: str = ""                 # one line for the template's 说明 sheet


@dataclass(frozen=True)
class LedgerSheet:
    title: str                     # sheet name, e.g. "行政检查" (valid Excel sheet name)
    model: type                    # the SQLAlchemy model
    columns: tuple[Column, ...]

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)


def _choice(header, attr, vocab, **kw) -> Column:
    return Column(header, attr, "choice", tuple(vocab.values()), **kw)


def _bool(header, attr, **kw) -> Column:
    return Column(header, attr, "bool", BOOL_CHOICES, **kw)


def _date(header, attr, **kw) -> Column:
    return Column(header, attr, "date", width=kw.pop("width", 12), **kw)


STAFF = LedgerSheet("执法人员", Staff, (
    Column("姓名", "name", "text", synonyms=("执法人员姓名", "人员姓名", "名字"), width=10,
           required=True),
    Column("科室", "department", "text", synonyms=("部门", "所在科室", "处室"), width=14),
    Column("执法证号", "certificate_no", "text", synonyms=("执法证件号", "执法证编号", "证件号", "证号"),
           width=18),
    _date("发证日期", "certificate_issued", synonyms=("领证日期", "取证日期")),
    _date("有效期至", "certificate_expires", synonyms=("有效期", "有效期截止", "到期日期")),
    _choice("状态", "status", StaffStatus, synonyms=("人员状态", "证件状态"), width=8),
    _date("注销日期", "cancelled_on"),
    _bool("是否在编", "is_established", synonyms=("在编",), width=10),
    _bool("是否法制审核人员", "is_legal_reviewer", synonyms=("法制审核人员",), width=16),
    Column("注销原因", "cancel_reason", "text", width=14),
))

UNITS = LedgerSheet("检查对象", Unit, (
    Column("名称", "name", "text", synonyms=("单位名称", "对象名称", "检查对象", "学校名称", "机构名称"),
           width=30, required=True),
    _choice("类型", "unit_type", UnitType, synonyms=("单位类型", "对象类型", "学校类型"), width=14,
            required=True),
    Column("统一社会信用代码", "credit_code", "text", synonyms=("信用代码", "社会信用代码"), width=22),
    Column("街道", "street", "text", synonyms=("所在街道", "街道（镇）", "街镇"), width=12),
    _bool("是否涉企", "is_enterprise", width=10,
          note="留空则按类型：民办学校、民办幼儿园、校外培训机构为涉企。"),
    _date("成立日期", "established_on", synonyms=("设立日期", "成立时间", "办学许可日期"),
          note="可不填；填写后，早于成立日期的检查会被提示。"),
))

INSPECTIONS = LedgerSheet("行政检查", Inspection, (
    _date("检查日期", "date", synonyms=("日期", "检查时间"), required=True),
    Column("检查对象", None, "text", synonyms=("被检查单位", "被检查对象", "单位名称", "对象名称"),
           width=30, required=True, note="按名称对应“检查对象”表；找不到且填写了对象类型时自动新建。"),
    _choice("对象类型", None, UnitType, synonyms=("单位类型", "检查对象类型"), width=14),
    _choice("检查类别", "category", InspectionCategory, synonyms=("类别", "检查种类"), width=10,
            required=True),
    _choice("检查方式", "method", InspectionMethod, synonyms=("方式",), width=22, required=True),
    Column("检查事项", "items", "list", synonyms=("检查内容", "事项"), width=24),
    Column("牵头部门", "lead_department", "text", width=14),
    Column("联合部门", "partner_departments", "list", synonyms=("配合部门", "参与部门"), width=24),
    Column("执法人员", None, "list", synonyms=("检查人员", "执法人", "参检人员"), width=16,
           note="按姓名对应“执法人员”表，找不到时自动新建（无执法证）。"),
    Column("出动人次", "personnel", "int", synonyms=("出动人数",), width=10),
    Column("发现问题数", "problems_found", "int", synonyms=("发现问题", "问题数"), width=10),
    Column("现场整改数", "rectified_on_site", "int", synonyms=("现场整改", "整改数"), width=10),
    _choice("检查结果", "result", InspectionResult, synonyms=("结果", "处理结果"), width=10,
            required=True),
    _bool("全过程记录", "recorded", synonyms=("是否全过程记录", "执法全过程记录"), width=10),
    _date("公示日期", "published_on", synonyms=("公示时间",)),
    Column("专项行动", None, "text", synonyms=("所属专项行动",), width=20,
           note="按名称对应“专项行动”表，须已存在。"),
    Column("备注", "note", "text", width=20),
    # The 2025 rules (schema 6); additive, after the columns issue 6 lists.
    Column("检查计划任务", None, "text", synonyms=("计划任务", "所属计划任务", "检查计划"), width=24,
           note="按任务名称对应同一年的“检查计划任务”表，须已存在；不填即计划外检查。"),
    Column("审批人", "approver", "text", synonyms=("批准人", "审批负责人"), width=10,
           note="涉企检查须事前经本机关负责人批准。"),
    _date("审批日期", "approved_on", synonyms=("批准日期", "审批时间")),
    _choice("现场/非现场", "mode", InspectionMode, synonyms=("检查形式", "现场检查/非现场检查"),
            width=12),
    _choice("检查来源", "case_source", CaseSource, synonyms=("个案来源", "案件来源", "线索来源"),
            width=12, note="只用于个案检查。"),
    Column("入企码/检查编号", "trace_code", "text", synonyms=("入企码", "检查编号", "扫码入企编号"),
           width=18),
    _bool("上级部署", "superior_deployed", synonyms=("是否上级部署", "上级部署专项"), width=10,
          note="上级部署的专项检查不计入涉企检查频次上限。"),
))

PENALTIES = LedgerSheet("行政处罚", PenaltyCase, (
    Column("决定书文号", "decision_no", "text", synonyms=("文号", "处罚决定书文号", "决定文号", "案号"),
           width=22, required=True),
    Column("当事人", "party", "text", synonyms=("当事人名称", "被处罚人", "被处罚单位"), width=24,
           required=True),
    _choice("当事人类型", "party_type", PartyType, width=14, required=True),
    Column("违法事实", "facts", "text", synonyms=("主要违法事实", "案由"), width=30),
    Column("法律依据", "legal_basis", "text", synonyms=("处罚依据", "依据"), width=30),
    _choice("程序", "procedure", Procedure, synonyms=("适用程序", "处罚程序"), width=10,
            required=True),
    Column("处罚种类", "kinds", "list", tuple(PenaltyKind.values()),
           synonyms=("处罚类别", "处罚类型", "处罚结果"), width=18, required=True,
           note="可填多项，用顿号分隔；按《行政处罚法》第九条计入最重的一项。"),
    Column("罚款金额", "fine_cents", "money", synonyms=("罚款", "罚款数额", "罚款金额（元）"), width=12),
    Column("没收金额", "confiscation_cents", "money", synonyms=("没收违法所得", "没收金额（元）"),
           width=12),
    _date("立案日期", "filed_on", synonyms=("立案时间",)),
    _date("决定日期", "decided_on", synonyms=("决定时间", "处罚日期", "作出决定日期")),
    _date("结案日期", "closed_on", synonyms=("结案时间",)),
    _bool("法制审核", "legal_review", synonyms=("是否法制审核", "法制审核情况"), width=10),
    _date("公示日期", "published_on", synonyms=("公示时间",)),
    _date("法制审核日期", "legal_review_on"),
    _bool("法制审核纠错", "legal_review_corrected", synonyms=("审核纠错",), width=12),
    _bool("听证", "hearing", synonyms=("是否听证",), width=8),
    Column("检查对象", None, "text", synonyms=("关联检查对象",), width=24,
           note="可不填；填写时按名称对应“检查对象”表。"),
    _bool("延长办案期限", "deadline_extended", synonyms=("是否延长办案期限", "延期"), width=12,
          note="普通程序超过立案之日起90日作出决定时，是否经批准延长。"),
))

OTHER_ACTS = LedgerSheet("其他执法行为", OtherAct, (
    Column("年份", "year", "year", synonyms=("年度",), width=8, required=True),
    Column("月份", "month", "month", synonyms=("月",), width=8, note="可不填（全年合计）。"),
    _choice("类别", "category", OtherActCategory, synonyms=("执法类别", "行为类别"), width=12,
            required=True),
    Column("事项", "item", "text", synonyms=("事项名称", "项目"), width=30, required=True),
    Column("申请数", "applied", "int", width=8, note="申请数至撤销数只用于行政许可。"),
    Column("受理数", "accepted", "int", width=8),
    Column("许可数", "granted", "int", synonyms=("准予许可数",), width=8),
    Column("不予许可数", "refused", "int", width=10),
    Column("撤销数", "revoked", "int", width=8),
    Column("次数", "count", "int", synonyms=("件数", "数量"), width=8),
))

TRAININGS = LedgerSheet("学法培训", Training, (
    _date("日期", "date", synonyms=("培训日期", "培训时间"), required=True),
    Column("主题", "topic", "text", synonyms=("培训主题", "培训内容", "名称"), width=30, required=True),
    _choice("形式", "form", TrainingForm, synonyms=("培训形式",), width=16, required=True),
    Column("学时", "hours", "number", synonyms=("培训学时", "课时"), width=8, required=True),
    Column("参加人员", None, "list", synonyms=("参训人员", "参加人", "人员"), width=30,
           note="按姓名对应“执法人员”表，找不到时自动新建（无执法证）。"),
    Column("参考人数", "exam_takers", "int", synonyms=("参加考试人数",), width=10),
    Column("通过人数", "exam_passed", "int", synonyms=("考试通过人数", "合格人数"), width=10),
))

CAMPAIGNS = LedgerSheet("专项行动", Campaign, (
    Column("名称", "name", "text", synonyms=("行动名称", "专项行动名称", "专项行动"), width=30,
           required=True),
    _date("开始日期", "start_date", synonyms=("开始时间",), required=True),
    _date("结束日期", "end_date", synonyms=("结束时间",)),
    Column("牵头部门", "lead_department", "text", width=14),
    Column("联合部门", "partner_departments", "list", synonyms=("配合部门", "参与部门"), width=24),
    Column("出动人次", "personnel", "int", synonyms=("出动人数",), width=10),
    Column("排查机构数", "institutions_checked", "int", synonyms=("排查机构", "检查机构数"), width=10),
    Column("发现隐患数", "hazards_found", "int", synonyms=("发现隐患", "隐患数"), width=10),
    Column("关停数", "closed", "int", synonyms=("关停",), width=8),
    Column("整改数", "rectified", "int", synonyms=("整改",), width=8),
    Column("立案数", "cases_filed", "int", synonyms=("立案",), width=8),
    Column("备注", "note", "text", width=20),
))

POWERS = LedgerSheet("权责清单", PowerItem, (
    Column("年份", "year", "year", synonyms=("年度",), width=8, required=True),
    _choice("类别", "category", PowerCategory, synonyms=("权力类别", "事项类别"), width=12,
            required=True),
    Column("事项名称", "name", "text", synonyms=("事项", "权力名称", "名称"), width=40),
    Column("数量", "quantity", "int", synonyms=("项数",), width=8,
           note="一行记一项时不填（按 1 项）；只记合计时填项数。"),
))

REVIEWS = LedgerSheet("复议诉讼", ReviewCase, (
    _choice("类型", "kind", ReviewKind, synonyms=("案件类型",), width=10, required=True),
    _date("收案日期", "received_on", synonyms=("收案时间", "立案日期"), required=True),
    Column("关联文号", None, "text", synonyms=("决定书文号", "原决定书文号", "文号"), width=22,
           note="可不填；填写时须是“行政处罚”表或台账中已有的决定书文号。"),
    _choice("结果", "result", ReviewResult, synonyms=("审理结果", "结案结果"), width=10),
    Column("备注", "note", "text", width=20),
))

CUSTOM = LedgerSheet("其他指标", CustomFigure, (
    Column("年份", "year", "year", synonyms=("年度",), width=8, required=True),
    Column("名称", "name", "text", synonyms=("指标名称", "指标"), width=24, required=True),
    Column("数值", "value", "number", synonyms=("数量", "值"), width=10, required=True),
    Column("单位", "unit", "text", synonyms=("计量单位",), width=8),
    Column("说明", "sentence", "text", synonyms=("报告语句", "备注"), width=40,
           note="报告中的句子，可用 {year}、{value}、{unit}。"),
    _choice("报告位置", "report_section", ReportSection, synonyms=("报告章节",), width=16,
            note="写入报告的哪一节；留空则按名称放入相应一节。"),
))

PLAN_TASKS = LedgerSheet("检查计划任务", InspectionPlanTask, (
    Column("年份", "year", "year", synonyms=("年度", "计划年度"), width=8, required=True),
    Column("任务名称", "name", "text", synonyms=("检查任务", "任务", "名称"), width=30,
           required=True),
    Column("依据", "basis", "text", synonyms=("检查依据", "法律依据"), width=30),
    _choice("检查类型", "category", PlanCategory, synonyms=("检查类别", "类型"), width=10,
            required=True),
    Column("实施主体", "implementer", "text", synonyms=("实施单位", "检查主体"), width=16),
    _bool("是否联合检查", "is_joint", synonyms=("联合检查",), width=12),
    Column("联合部门", "partner_departments", "list", synonyms=("配合部门", "参与部门"), width=24),
    Column("检查事项", "items", "list", synonyms=("检查内容", "事项"), width=24),
    Column("检查方式", "method", "text", synonyms=("方式",), width=16),
    _bool("是否涉企", "is_enterprise", width=10),
    _choice("检查对象", "unit_type", UnitType, synonyms=("检查对象类型", "对象类型"), width=14,
            required=True),
    Column("对象基数", "base", "int", synonyms=("检查对象数", "对象总数"), width=10),
    # Read by the importer itself (not as a plain number): "20%", 20 and Excel's 0.2 for a
    # percent-formatted cell all mean 20%.
    Column("检查比例", None, "text", synonyms=("抽查比例", "检查比例（%）"), width=10,
           note="填 20% 或 20（即 20%）；小于等于 1 的小数按比例读（0.2 即 20%）。不填为 100%。"
                "计划检查对象 = 对象基数 × 检查比例，向上取整。"),
    Column("频次上限", "cap", "int", synonyms=("检查频次上限", "频次"), width=10,
           note="同一对象每年在本任务下最多检查的次数；可不填。"),
    Column("任务日期", "period", "text", synonyms=("实施时间", "检查时间", "时间安排"), width=16),
    Column("备注", "note", "text", width=20),
))

CAPS = LedgerSheet("检查频次上限", InspectionCap, (
    Column("年份", "year", "year", synonyms=("年度",), width=8, required=True),
    _choice("对象类型", "unit_type", UnitType, synonyms=("检查对象类型", "企业类型", "类型"), width=14,
            required=True),
    Column("年度检查上限", "cap", "int", synonyms=("频次上限", "检查频次上限", "上限"), width=12,
           required=True, note="本局公布的同一企业每年检查次数上限（上级部署的专项检查不计）。"),
    Column("备注", "note", "text", width=20),
))

LEDGER_SHEETS: tuple[LedgerSheet, ...] = (
    STAFF, UNITS, INSPECTIONS, PENALTIES, OTHER_ACTS, TRAININGS, CAMPAIGNS, POWERS, REVIEWS,
    CUSTOM, PLAN_TASKS, CAPS,
)

SHEET_BY_TITLE = {s.title: s for s in LEDGER_SHEETS}

_HEADER_NOISE = re.compile(r"[\s*＊:：]")
# A trailing note in brackets: 罚款金额（元）, 出动人次(人次), 检查日期【必填】.
_HEADER_NOTE = re.compile(r"[（(【\[][^（()）【】\[\]]{1,20}[)）】\]]$")


def normalise_header(text) -> str:
    """A header cell as compared on import: blanks, * marks and a bracketed note like （元）
    gone."""
    if text is None:
        return ""
    bare = _HEADER_NOISE.sub("", str(text))
    return _HEADER_NOTE.sub("", bare) or bare


# --- reading the ledger, row by row ---------------------------------------------------------

def _year_condition(sheet: LedgerSheet, year: int):
    """Which records belong to `year`: core.years decides, as for the figures and the lists,
    so an exported year imported elsewhere gives the same figures."""
    model = sheet.model
    if year_of(model) is None:
        return None            # staff and units are not tied to a year
    condition = belongs_to_year(model, year)
    if model is Campaign:
        # A campaign of another year is written too when this year's inspections name it,
        # so that they keep their 专项行动 when the file is imported elsewhere.
        used = select(Inspection.campaign_id).where(
            in_year(Inspection.date, year), Inspection.deleted_at.is_(None),
            Inspection.campaign_id.is_not(None))
        condition = or_(condition, Campaign.id.in_(used))
    return condition


_ORDER = {
    Staff: (Staff.id,), Unit: (Unit.id,), Inspection: (Inspection.date, Inspection.id),
    PenaltyCase: (PenaltyCase.decided_on, PenaltyCase.id),
    OtherAct: (OtherAct.year, OtherAct.id), Training: (Training.date, Training.id),
    Campaign: (Campaign.start_date, Campaign.id), PowerItem: (PowerItem.year, PowerItem.id),
    ReviewCase: (ReviewCase.received_on, ReviewCase.id),
    CustomFigure: (CustomFigure.year, CustomFigure.id),
    InspectionPlanTask: (InspectionPlanTask.year, InspectionPlanTask.id),
    InspectionCap: (InspectionCap.year, InspectionCap.id),
}

_LOADS = {
    Inspection: (selectinload(Inspection.inspectors), selectinload(Inspection.campaign),
                 selectinload(Inspection.plan_task)),
    PenaltyCase: (selectinload(PenaltyCase.unit),),
    Training: (selectinload(Training.participants),),
    ReviewCase: (selectinload(ReviewCase.penalty_case),),
}

# Derived columns (attr None): how the cell is read from the record.
_DERIVED: dict[tuple[str, str], Callable] = {
    ("行政检查", "检查对象"): lambda r: r.unit.name if r.unit else "",
    ("行政检查", "对象类型"): lambda r: r.unit.unit_type if r.unit else "",
    ("行政检查", "执法人员"): lambda r: join_list(s.name for s in r.inspectors),
    ("行政检查", "专项行动"): lambda r: r.campaign.name if r.campaign else "",
    ("行政检查", "检查计划任务"): lambda r: r.plan_task.name if r.plan_task else "",
    ("行政处罚", "检查对象"): lambda r: r.unit.name if r.unit else "",
    ("学法培训", "参加人员"): lambda r: join_list(s.name for s in r.participants),
    ("检查计划任务", "检查比例"): lambda r: f"{Decimal(str(r.ratio)).normalize():f}%",
    ("复议诉讼", "关联文号"): lambda r: r.penalty_case.decision_no if r.penalty_case else "",
}


def cell_value(sheet: LedgerSheet, column: Column, record):
    """One cell as ledger_rows gives it (date, int, Decimal 元, str; 是/否 for booleans)."""
    if column.attr is None:
        return _DERIVED[(sheet.title, column.header)](record)
    return stored_to_cell(column, getattr(record, column.attr))


def cell_converter(column: Column) -> Callable | None:
    """`stored_to_cell` for one column, remembering its answers (the same lists and amounts
    come back row after row); None where the stored value is the cell."""
    if column.kind == "text":
        return _text_cell          # nothing worth remembering, and notes are mostly unique
    if column.kind not in ("money", "bool", "list", "number"):
        return None
    cells: dict = {}

    def convert(value):
        try:
            return cells[value]
        except KeyError:
            cell = cells[value] = stored_to_cell(column, value)
            return cell

    return convert


def _text_cell(value):
    return value or ""


def stored_to_cell(column: Column, value):
    """A stored value (cents, 、-joined list, bool…) as the cell shows it."""
    if column.kind == "money":
        return cents_to_yuan(value)
    if column.kind == "bool":
        return YES if value else NO
    if column.kind == "list":
        return join_list(split_list(value))
    if column.kind == "number":
        if value is None:
            return None
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else number
    if column.kind == "text":
        return value or ""
    return value


def ledger_rows(session: Session, year: int | None, sheet: LedgerSheet) -> Iterator[list]:
    """The sheet's live (not deleted) records of `year` (None = all years; staff and units
    are not year-scoped), one list of cell values per record in column order: datetime.date,
    int, Decimal (元, from cents), str (lists joined by 、, booleans as 是/否). Streams
    (yield_per) so 100,000 rows never sit in memory at once."""
    model = sheet.model
    conditions = [model.deleted_at.is_(None)]
    condition = _year_condition(sheet, year) if year is not None else None
    if condition is not None:
        conditions.append(condition)
    if model is Inspection:
        yield from _inspection_rows(session, conditions, sheet)
        return
    query = select(model).where(*conditions)
    query = query.order_by(*_ORDER[model]).options(*_LOADS.get(model, ()))
    result = session.execute(query.execution_options(yield_per=500))
    for record in result.scalars():
        yield [cell_value(sheet, c, record) for c in sheet.columns]


class _InspectionRow:
    """An inspection read as plain columns, with its unit, campaign and inspectors looked up:
    what `cell_value` reads from an Inspection, without building 100,000 ORM objects."""

    __slots__ = ("_row", "unit", "campaign", "inspectors", "plan_task")

    def __init__(self, row, unit, campaign, inspectors, plan_task=None):
        self._row, self.unit, self.campaign, self.inspectors = row, unit, campaign, inspectors
        self.plan_task = plan_task

    def __getattr__(self, name):
        return getattr(self._row, name)


class _Named:
    __slots__ = ("name", "unit_type")

    def __init__(self, name, unit_type=""):
        self.name, self.unit_type = name, unit_type


def _inspection_rows(session: Session, conditions: list, sheet: LedgerSheet) -> Iterator[list]:
    """Inspections are most of a city's year (85,000 of 100,000 records): read through Core,
    only the columns the sheet shows, with units, campaigns and staff looked up in dicts (ORM
    objects with their relationships took ~10 s for a city year; the ORM's row loading alone
    as long as SQLite's reading)."""
    units = {i: _Named(n, t) for i, n, t in session.execute(
        select(Unit.id, Unit.name, Unit.unit_type))}
    campaigns = {i: _Named(n) for i, n in session.execute(select(Campaign.id, Campaign.name))}
    staff = {i: _Named(n) for i, n in session.execute(select(Staff.id, Staff.name))}
    tasks = {i: _Named(n) for i, n in session.execute(
        select(InspectionPlanTask.id, InspectionPlanTask.name))}
    table = Inspection.__table__
    stored = list(dict.fromkeys(["id", "unit_id", "campaign_id", "plan_task_id",
                                 *(c.attr for c in sheet.columns if c.attr is not None)]))
    connection = session.connection()
    rows = connection.execute(select(*(table.c[k] for k in stored)).where(*conditions)
                              .order_by(Inspection.date, Inspection.id)
                              .execution_options(yield_per=2000))
    # The inspectors come from a second cursor in the same order, merged as both stream.
    links = groupby(connection.execute(
        select(inspection_staff.c.inspection_id, inspection_staff.c.staff_id)
        .join(Inspection, Inspection.id == inspection_staff.c.inspection_id)
        .where(*conditions).order_by(Inspection.date, Inspection.id, inspection_staff.c.staff_id)
        .execution_options(yield_per=2000)), key=itemgetter(0))
    team_of, team = next(links, (None, ()))
    # Per column, once: a stored column by its position in the row, a derived one through
    # the record view.
    plan = [(None, c, None) if c.attr is None else (stored.index(c.attr), c, cell_converter(c))
            for c in sheet.columns]
    for row in rows:
        inspectors = []
        if team_of == row.id:
            inspectors = [staff[link[1]] for link in team]
            team_of, team = next(links, (None, ()))
        record = _InspectionRow(row, units.get(row.unit_id), campaigns.get(row.campaign_id),
                                inspectors, tasks.get(row.plan_task_id))
        yield [cell_value(sheet, c, record) if i is None else
               row[i] if convert is None else convert(row[i]) for i, c, convert in plan]
