"""数据来源: for every figure of the year, the records it counted (文号/名称, date, unit), so
an auditor or the clerk can trace any number in the report or the tables.

The records are listed by `core.figures.figure_sources`, the same conditions the figure was
counted with. A district year lists everything; at city scale (100,000 inspections) a figure
lists its first SOURCE_ROWS_PER_FIGURE records and says how many more there are and in which
台账 sheet they are, so the sheet stays within Excel's row limit and the annex is written in
seconds.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session, aliased

from core.annex.layout import NO_VALUE, fit_width, styled
from core.annex.tables import value_kind
from core.figures import AnnualFigures, Figure, SourceRow, figure_sources
from core.models import (
    Campaign, Inspection, OtherAct, PenaltyCase, PowerItem, ReviewCase, Staff, Training, Unit,
)
from core.text import excel_text

SOURCE_ROWS_PER_FIGURE = 2000

HEADERS = ["指标", "指标值", "计量单位", "序号", "记录类别", "文号/名称", "日期", "对象/当事人",
           "记录编号", "指标代码"]
WIDTHS = [30, 14, 9, 7, 12, 36, 12, 36, 9, 34]

# Labels like 其他 or 合格 are ambiguous alone: the list says which table they belong to.
_QUALIFIERS = (
    ("inspection.category.", "行政检查·"), ("inspection.method.", "行政检查·"),
    ("inspection.unit_type.", "行政检查·对象类型·"), ("inspection.result.", "行政检查·结果·"),
    ("inspection.month.", ""), ("penalty.kind.", "行政处罚·"), ("penalty.procedure.", "行政处罚·"),
    ("penalty.party.", "行政处罚·当事人·"), ("other_act.", "其他执法行为·"),
    ("power.category.", "权责清单·"), ("custom.", "其他指标·"),
)


# How the figures without records of their own are made (the rest carry a `note`).
_COMPUTED = {
    "training.pass_rate": "考试通过人数 ÷ 参加考试人数 × 100%",
    "training.reached_60_rate": "学时达标人数 ÷ 持证执法人员数 × 100%",
    "inspection.joint_partners": "部门联合检查记录所填的联合部门（去重）",
    "campaign.partners": "专项行动记录所填的联合部门（去重）",
}


def how_computed(fig: Figure) -> str:
    return fig.note or _COMPUTED.get(fig.key, "由本表其他指标计算")


def qualified_label(fig: Figure) -> str:
    for prefix, qualifier in _QUALIFIERS:
        if fig.key.startswith(prefix):
            return qualifier + fig.label
    return fig.label


def display_value(fig: Figure):
    if fig.value is None:
        return NO_VALUE
    if isinstance(fig.value, list):
        return "、".join(fig.value) or NO_VALUE
    return fig.value


# What `core.figures.figure_sources` reads from each record, as plain columns: the same rows
# without loading an ORM object (and its unit) per record, which at city scale cost more than
# writing the cells. tests/annex checks both give identical rows.
def _source_columns(model):
    if model is Inspection:
        return ((Inspection.category + "·" + Inspection.method), Inspection.date, Unit.name), \
            [(Unit, Unit.id == Inspection.unit_id, False)]
    if model is PenaltyCase:
        return (PenaltyCase.decision_no, PenaltyCase.decided_on, PenaltyCase.party), []
    if model is Staff:
        return (func.coalesce(Staff.certificate_no, ""), Staff.certificate_issued, Staff.name), []
    if model is Training:
        return (Training.topic, Training.date, Training.form), []
    if model is Campaign:
        return (Campaign.name, Campaign.start_date, Campaign.lead_department), []
    if model is OtherAct:
        return (OtherAct.item, literal(None), OtherAct.category), []
    if model is PowerItem:
        return (PowerItem.name, literal(None), PowerItem.category), []
    if model is ReviewCase:
        reviewed = aliased(PenaltyCase)
        return (func.coalesce(reviewed.decision_no, ""), ReviewCase.received_on,
                ReviewCase.result), [(reviewed, reviewed.id == ReviewCase.penalty_case_id, True)]
    return None


_ORDER = {Inspection: Inspection.date, PenaltyCase: PenaltyCase.decided_on,
          Training: Training.date, Campaign: Campaign.start_date,
          ReviewCase: ReviewCase.received_on}


def source_rows(session: Session, fig: Figure, limit: int | None = None) -> list[SourceRow]:
    """`figure_sources(session, fig, limit)`, read as plain columns."""
    spec = fig.source
    if spec is None:
        return []
    model = spec.model
    shape = _source_columns(model)
    if shape is None:
        return figure_sources(session, fig, limit)
    columns, extra_joins = shape
    q = select(model.id, *columns).select_from(model)
    for target in spec.joins:
        q = q.join(target)
    for target, on, outer in extra_joins:
        if target not in spec.joins:
            q = q.join(target, on, isouter=outer)
    q = q.where(model.deleted_at.is_(None), *spec.conditions)
    q = q.order_by(*(c for c in (_ORDER.get(model), model.id) if c is not None))
    if limit:
        q = q.limit(limit)
    return [SourceRow(model.KIND, rid, ref or "", day, unit or "")
            for rid, ref, day, unit in session.execute(q)]


def write_sources(ws, session: Session, figs: AnnualFigures, bureau: str) -> None:
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = fit_width(width - 2, 6, 40)
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = 20
    ws.freeze_panes = "B3"
    ws.append([styled(ws, f"{bureau}{figs.year}年度统计数据来源明细", "title")])
    ws.merged_cells.add(f"A1:{get_column_letter(len(HEADERS))}1")
    ws.append([styled(ws, h, "head") for h in HEADERS])
    row = 2

    def lead(values: list, unit: str) -> list:
        """A figure's first row: bold, with a rule above it, so each figure stands apart."""
        kinds = [None, value_kind(unit), None, "int", None, None, "date", None, "int", None]
        return [styled(ws, v, "lead", k) for v, k in zip(values, kinds)]

    for fig in figs.figures.values():
        key = excel_text(fig.key)        # custom.<name>: the clerk's own words
        label = qualified_label(fig)
        head = [label, display_value(fig), fig.unit]
        rest = [excel_text(label), None, None]
        if fig.source is None:
            ws.append(lead([*head, None, "计算", how_computed(fig), None, None, None, key],
                           fig.unit))
            row += 1
            continue
        records = source_rows(session, fig, limit=SOURCE_ROWS_PER_FIGURE + 1)
        if not records:
            ws.append(lead([*head, None, "（无记录）", None, None, None, None, key], fig.unit))
            row += 1
            continue
        for n, r in enumerate(records[:SOURCE_ROWS_PER_FIGURE], start=1):
            if n == 1:
                ws.append(lead([*head, n, r.kind, r.reference, r.date, r.unit, r.record_id,
                                key], fig.unit))
            else:
                ws.append([*rest, n, excel_text(r.kind), excel_text(r.reference), r.date,
                           excel_text(r.unit), r.record_id, key])
            row += 1
        if len(records) > SOURCE_ROWS_PER_FIGURE:
            # a count is its number of records; a sum or distinct count is asked for it
            total = fig.value if fig.aggregate == "count" else session.scalar(
                select(func.count()).select_from(fig.source.query().subquery()))
            kind = records[0].kind
            ws.append([*rest, None, "……",
                       f"另有{total - SOURCE_ROWS_PER_FIGURE}条{kind}记录未逐条列出，"
                       f"请在“{kind}”台账中按相同条件筛选。", None, None, None, key])
            row += 1
    ws.auto_filter.ref = f"A2:{get_column_letter(len(HEADERS))}{row}"
