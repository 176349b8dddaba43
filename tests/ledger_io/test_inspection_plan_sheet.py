"""The 检查计划任务 and 检查频次上限 sheets (issue 21): a clerk's plan table imports, inspections
name their task, and what cannot be right is refused by name."""

from __future__ import annotations

from core.figures import annual_figures, enterprise_caps
from core.ledger_io.importer import plan_import
from core.models import Inspection, InspectionPlanTask

from .conftest import D, count

PLAN_HEADER = ["年份", "任务名称", "检查类型", "检查对象", "对象基数", "检查比例", "频次上限", "是否涉企"]
INSPECTION_HEADER = ["检查日期", "检查对象", "对象类型", "检查类别", "检查方式", "检查结果",
                     "检查计划任务", "审批人", "审批日期", "现场/非现场", "检查来源", "入企码/检查编号"]


def test_a_plan_table_and_its_inspections_import(session, workbook):
    path = workbook({
        "检查计划任务": [PLAN_HEADER,
                   [2025, "中小学日常检查", "日常", "公办中小学", 45, "20%", None, "否"],
                   [2025, "培训机构专项检查", "专项检查", "校外培训机构", 7, 30, 1, "是"],
                   [2025, "幼儿园日常检查", "日常检查", "公办幼儿园", 10, 0.1, None, "否"]],
        "检查频次上限": [["年份", "对象类型", "年度检查上限"], [2025, "民办学校", 2]],
        "行政检查": [INSPECTION_HEADER,
                 [D(2025, 3, 3), "一中", "公办中小学", "日常检查", "其他", "合格", "中小学日常检查",
                  None, None, "现场", None, None],
                 [D(2025, 4, 3), "博学培训", "校外培训机构", "专项检查", "其他", "合格", "培训机构专项检查",
                  "刘建华", D(2025, 4, 1), "现场检查", None, "RQ20250001"],
                 [D(2025, 5, 3), "博学培训", "校外培训机构", "个案检查", "其他", "合格", None,
                  "刘建华", D(2025, 5, 2), "非现场", "投诉举报", None]],
    })
    plan = plan_import(session, path)
    assert plan.rejected == 0, [r.reason for sh in plan.sheets for r in sh.rejected]
    plan.commit(session)
    ratios = {t.name: t.ratio for t in session.query(InspectionPlanTask)}
    assert ratios == {"中小学日常检查": 20, "培训机构专项检查": 30, "幼儿园日常检查": 10}
    f = annual_figures(session, 2025)
    assert (f["plan.tasks"], f["plan.tasks_done"], f["plan.objects_planned"]) == (3, 2, 9 + 3 + 1)
    assert (f["inspection.planned"], f["inspection.unplanned"]) == (2, 1)
    assert f.tables["inspection.unplanned_by_source"][0] == {"source": "投诉举报", "count": 1}
    assert enterprise_caps(session, 2025)["民办学校"].cap == 2
    case = session.query(Inspection).filter_by(category="个案检查").one()
    assert (case.mode, case.case_source, case.approver) == ("非现场检查", "投诉举报", "刘建华")
    # The same file again: all duplicates
    again = plan_import(session, path)
    assert again.imported == 0 and again.rejected == 0
    assert count(session, InspectionPlanTask) == 3


def test_a_task_of_another_year_or_unknown_is_refused_by_name(session, workbook):
    path = workbook({
        "检查计划任务": [PLAN_HEADER, [2025, "中小学日常检查", "日常", "公办中小学", 45, 20, None, "否"],
                   [2025, "个案也列进计划", "个案检查", "公办中小学", 5, 20, None, "否"],
                   [2025, "比例写错", "日常", "公办中小学", 5, "120%", None, "否"]],
        "行政检查": [INSPECTION_HEADER,
                 [D(2026, 3, 3), "一中", "公办中小学", "日常检查", "其他", "合格", "中小学日常检查",
                  None, None, None, None, None],
                 [D(2025, 3, 4), "一中", "公办中小学", "日常检查", "其他", "合格", "没有这个任务",
                  None, None, None, None, None],
                 [D(2025, 3, 5), "一中", "公办中小学", "日常检查", "其他", "合格", None,
                  None, None, None, "投诉举报", None],
                 [D(2025, 3, 6), "一中", "公办中小学", "个案检查", "其他", "合格", "中小学日常检查",
                  None, None, None, "投诉举报", None]],
    })
    plan = plan_import(session, path)
    reasons = {sh.kind: [r.reason for r in sh.rejected] for sh in plan.sheets}
    assert len(reasons["检查计划任务"]) == 2
    assert "检查类型" in reasons["检查计划任务"][0]
    assert "检查比例" in reasons["检查计划任务"][1]
    inspections = reasons["行政检查"]
    assert len(inspections) == 4
    assert "不在2026年的检查计划任务表中" in inspections[0]
    assert "「没有这个任务」不在2025年" in inspections[1]
    assert "检查来源" in inspections[2] and "只用于个案检查" in inspections[2]
    assert "检查计划任务" in inspections[3] and "不属于年度检查计划" in inspections[3]
