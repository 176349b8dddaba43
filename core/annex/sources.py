"""数据来源: for every figure of the year, the records it counted (文号/名称, date, unit), so
an auditor or the clerk can trace any number in the report or the tables.

The records are those `core.figures.figure_sources` lists, selected by the same conditions the
figure was counted with (read for all figures at once: core.annex.tracing). A district year lists everything; at city scale (100,000 inspections) a figure
lists its first SOURCE_ROWS_PER_FIGURE records and says how many more there are and in which
台账 sheet they are, so the sheet stays within Excel's row limit and the annex is written in
seconds.
"""

from __future__ import annotations

import dataclasses

from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.annex.layout import fit_width, styled
from core.annex.tables import value_kind
from core.annex.tracing import trace_figures
from core.figure_format import figure_number
from core.figures import NO_VALUE, AnnualFigures, Figure
from core.models import Staff
from core.text import excel_text, excel_texts

SOURCE_ROWS_PER_FIGURE = 2000

# The figure is named by its Chinese label (qualified where a label alone is ambiguous),
# never by its key: the sheet is read by the clerk and an auditor, not by a program.
HEADERS = ["指标", "指标值", "计量单位", "序号", "记录类别", "文号/名称", "日期", "对象/当事人",
           "记录编号"]
WIDTHS = [26, 12, 8, 7, 12, 32, 12, 30, 10]

# A figure whose records are dated by another column than the one its records' kind shows
# by default: a 注销 is dated by the day the certificate was cancelled, not issued.
_DATE_COLUMN = {"staff.cancelled": (Staff, Staff.cancelled_on)}

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


def how_computed(fig: Figure, year: int | None = None) -> str:
    if fig.note and fig.key.startswith("custom.") and year is not None:
        return filled_sentence(fig.note, year=year, name=fig.label, value=fig.value,
                               unit=fig.unit)
    return fig.note or _COMPUTED.get(fig.key, "由本表其他指标计算")


def filled_sentence(sentence: str, *, year, name, value, unit) -> str:
    """The clerk's 其他指标 sentence as the report prints it, {year}/{value}/{unit}/{name}
    filled (core.report.content fills it for the report; the same function here)."""
    from core.report.content import clerk_sentence

    return clerk_sentence(sentence or "", year=year, name=name,
                           value=figure_number(value) if value is not None else "", unit=unit or "")


def _redated(session: Session, fig: Figure, rows: list) -> list:
    spec = _DATE_COLUMN.get(fig.key)
    if spec is None or not rows:
        return rows
    model, column = spec
    ids = [r.record_id for r in rows]
    dates = dict(session.execute(select(model.id, column).where(model.id.in_(ids))).all())
    return [dataclasses.replace(r, date=dates.get(r.record_id, r.date)) for r in rows]


# Two figures share a label where one is the list behind the other's count.
_LIST_LABELS = {"inspection.joint_units": "联合检查对象名单", "campaign.partners": "专项行动联合部门名单",
                "inspection.joint_partners": "联合检查部门名单"}


def qualified_label(fig: Figure) -> str:
    if fig.key in _LIST_LABELS:
        return _LIST_LABELS[fig.key]
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


def write_sources(ws, session: Session, figs: AnnualFigures, bureau: str) -> None:
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = fit_width(width - 2, 6, 40)
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = 22
    ws.freeze_panes = "B3"
    ws.append([styled(ws, f"{bureau}{figs.year}年度统计数据来源明细", "title")])
    ws.merged_cells.add(f"A1:{get_column_letter(len(HEADERS))}1")
    ws.append([styled(ws, h, "head") for h in HEADERS])
    row = 2
    traces = trace_figures(session, figs.figures.values(), limit=SOURCE_ROWS_PER_FIGURE)
    text = excel_texts()

    def lead(values: list, unit: str) -> list:
        """A figure's first row: bold, with a rule above it, so each figure stands apart."""
        kinds = [None, value_kind(values[1]), None, "int", None, None, "date", None, "int"]
        return [styled(ws, v, "lead", k) for v, k in zip(values, kinds)]

    for fig in figs.figures.values():
        label = qualified_label(fig)
        head = [label, display_value(fig), fig.unit]
        rest = [excel_text(label), None, None]
        if fig.source is None:
            ws.append(lead([*head, None, "计算", how_computed(fig, figs.year), None, None, None],
                           fig.unit))
            row += 1
            continue
        trace = traces[fig.key]
        if not trace.rows:
            ws.append(lead([*head, None, "（无记录）", None, None, None, None], fig.unit))
            row += 1
            continue
        for n, r in enumerate(_redated(session, fig, trace.rows), start=1):
            if n == 1:
                ws.append(lead([*head, n, r.kind, r.reference, r.date, r.unit, r.record_id],
                               fig.unit))
            else:
                ws.append([*rest, n, text(r.kind), text(r.reference), r.date, text(r.unit),
                           r.record_id])
            row += 1
        if trace.total > len(trace.rows):
            kind = trace.rows[0].kind
            ws.append([*rest, None, "……",
                       f"另有{trace.total - len(trace.rows)}条{kind}记录未逐条列出，"
                       f"请在“{kind}”台账中按相同条件筛选。", None, None, None])
            row += 1
    ws.auto_filter.ref = f"A2:{get_column_letter(len(HEADERS))}{row}"
