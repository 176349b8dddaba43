"""The demo year's annex: every number in the standard tables is the figure `figures` prints,
and the penalty and licence tables hold what the demo ledger holds, counted by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.models import Inspection, Staff, Unit
from core.records import save, set_profile
from core.vocab import (
    InspectionCategory, InspectionMethod, InspectionResult, PenaltyKind, PowerCategory,
    ReviewKind, ReviewResult, UnitType,
)

# header as printed → figure key, block by block, written out here independently of the
# annex's own layout code.
EXPECTED = {
    "执法职权情况": [{"合计": "power.total",
                      **{c.value: f"power.category.{c.key}" for c in PowerCategory}}],
    "行政许可实施情况": [{"申请": "license.applied", "受理": "license.accepted",
                          "许可": "license.granted", "不予许可": "license.refused",
                          "撤销": "license.revoked"}],
    "行政处罚实施情况": [
        {**{k.value: f"penalty.kind.{k.key}" for k in PenaltyKind}, "合计": "penalty.total"},
        {"罚没金额（元）": "penalty.amount", "其中：罚款（元）": "penalty.fine_amount",
         "其中：没收（元）": "penalty.confiscation_amount",
         "简易程序（件）": "penalty.procedure.simple", "普通程序（件）": "penalty.procedure.ordinary",
         "法制审核（件）": "penalty.legal_review", "法制审核纠错（件）": "penalty.legal_review_corrected",
         "听证（件）": "penalty.hearing"}],
    "行政检查实施情况": [
        {"合计": "inspection.total",
         **{c.value: f"inspection.category.{c.key}" for c in InspectionCategory}},
        {m.value: f"inspection.method.{m.key}" for m in InspectionMethod},
        {u.value: f"inspection.unit_type.{u.key}" for u in UnitType},
        {r.value: f"inspection.result.{r.key}" for r in InspectionResult},
        {"涉企行政检查（次）": "inspection.enterprise", "涉企检查对象（家）": "inspection.enterprise_units"},
        {"检查对象（家）": "inspection.units", "联合检查对象（家）": "inspection.joint_unit_count",
         "出动执法人员（人次）": "inspection.personnel", "发现问题隐患（处）": "inspection.problems",
         "现场整改（处）": "inspection.rectified_on_site", "全过程记录（次）": "inspection.recorded"}],
    "其他行政执法行为": [{"行政征收": "other_act.levy", "行政确认": "other_act.confirmation",
                          "行政奖励": "other_act.reward", "行政给付": "other_act.payment",
                          "行政裁决": "other_act.ruling", "其他": "other_act.other"}],
    "专项行动情况": [{"专项行动（次）": "campaign.total", "出动（人次）": "campaign.personnel",
                      "排查机构（家）": "campaign.institutions", "发现隐患（处）": "campaign.hazards",
                      "关停（家）": "campaign.closed", "整改（家）": "campaign.rectified",
                      "立案（件）": "campaign.cases"}],
    "执法人员持证情况": [{"持证人数": "staff.certified", "新申领": "staff.newly_certified",
                          "注销": "staff.cancelled", "在编执法岗位人数": "staff.established",
                          "持证率（%）": "staff.certified_rate",
                          "法制审核人员": "staff.legal_reviewers"}],
    "学法培训情况": [{"培训次数（次）": "training.sessions", "人均学法学时": "training.avg_hours",
                      "达到60学时（人）": "training.reached_60", "达标率（%）": "training.reached_60_rate",
                      "考试通过率（%）": "training.pass_rate"}],
    "复议诉讼情况": [{"合计": f"review.{k.key}", "被纠错": f"review.{k.key}.corrected",
                      **{r.value: f"review.{k.key}.{r.key}" for r in ReviewResult}}
                     for k in ReviewKind],
}


def _shown(value):
    """How a figure appears in a cell: a number, or — where it has none."""
    return "—" if value is None else value


def test_every_table_value_is_the_figure(demo_annex):
    annex, figs = demo_annex
    for sheet, blocks in EXPECTED.items():
        found = annex.blocks(sheet)
        assert len(found) >= len(blocks), sheet
        for block, expected in zip(found, blocks):
            for header, key in expected.items():
                assert block[header] == _shown(figs[key]), (sheet, header, key)


def test_previous_year_and_change_rows(demo_annex):
    annex, figs = demo_annex
    assert figs.has_previous
    previous = annex.blocks("行政检查实施情况", "2024年")[0]
    change = annex.blocks("行政检查实施情况", "同比增减")[0]
    total = figs.figure("inspection.total")
    assert (total.value, total.previous) == (72, 56)
    assert previous["合计"] == 56
    assert change["合计"] == 28.6                       # (72 − 56) ÷ 56, in percent
    # the change printed with its sign and unit, as the reports say 增长/减少
    ws = annex["行政检查实施情况"]
    change_cells = [c for row in ws.iter_rows() for c in row if c.value == 28.6]
    assert change_cells and change_cells[0].number_format.startswith('+0.0"%"')


def test_a_rate_changes_by_percentage_points_not_percent(demo_store):
    """持证率 from 80.0 % to 90.0 % is +10.0 个百分点, not +12.5 %: the change of a rate is the
    difference of the two rates; the 持证人数 beside it keeps its percentage."""
    import dataclasses

    from core.annex.tables import SheetHead, staff_sheet
    from core.figures import annual_figures

    with demo_store.session() as s:
        figs = annual_figures(s, 2025)
    rate = figs.figures["staff.certified_rate"]
    figs.figures["staff.certified_rate"] = dataclasses.replace(rate, value=90.0, previous=80.0)
    figs.figures["staff.certified"] = dataclasses.replace(
        figs.figures["staff.certified"], value=18, previous=16)
    grid = staff_sheet(figs, SheetHead("示例区教育局", "2025年度行政执法数据统计表", 8))
    header = next(r for r in grid.rows if r and r[0][0] == "年度")
    change = next(r for r in grid.rows if r and r[0][0] == "同比增减")
    by_header = {h[0].replace("\n", ""): c for h, c in zip(header, change)}
    assert by_header["持证率（%）"][0] == 10.0 and by_header["持证率（%）"][2] == "points"
    assert by_header["持证人数"][0] == 12.5 and by_header["持证人数"][2] == "percent"


def test_change_formats_say_percent_or_points(demo_annex):
    from core.annex.layout import FORMATS

    annex, _ = demo_annex
    ws = annex["执法人员持证情况"]
    row = next(r for r in ws.iter_rows() if r[0].value == "同比增减")
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "年度")
    formats = {h.replace("\n", ""): c.number_format for h, c in zip(header, row)
               if h and c.value != "—"}
    assert formats["持证率（%）"] == FORMATS["points"] and "个百分点" in FORMATS["points"]
    assert formats["持证人数"] == FORMATS["percent"]


def test_penalty_table_has_the_twelve_categories_in_article_9_order_then_total(demo_annex):
    annex, _ = demo_annex
    ws = annex["行政处罚实施情况"]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "年度")
    assert list(header[1:14]) == [
        "警告", "通报批评", "罚款", "没收违法所得/没收非法财物", "暂扣许可证件", "降低资质等级",
        "限制开展生产经营活动", "责令停产停业", "责令关闭/限制从业", "吊销许可证件", "行政拘留", "其他",
        "合计"]


def test_demo_penalties_counted_by_hand(demo_annex):
    """The demo's four 2025 cases: 警告; 罚款 2,000; 罚款 30,000 + 没收 12,800 (heaviest:
    没收); 责令停产停业 + 罚款 50,000 (heaviest: 责令停产停业). Two simple, two ordinary."""
    annex, _ = demo_annex
    kinds, money = annex.blocks("行政处罚实施情况")[:2]
    assert (kinds["警告"], kinds["罚款"], kinds["没收违法所得/没收非法财物"],
            kinds["责令停产停业"], kinds["吊销许可证件"], kinds["合计"]) == (1, 1, 1, 1, 0, 4)
    assert money["罚没金额（元）"] == Decimal("94800.00")         # 2,000 + 30,000 + 12,800 + 50,000
    assert money["其中：没收（元）"] == 12800
    assert (money["简易程序（件）"], money["普通程序（件）"], money["法制审核（件）"]) == (2, 2, 2)


def test_demo_licences_counted_by_hand(demo_annex):
    """教师资格认定 680 + 830 applications, 民办学校设立 3, 变更 5, 校外培训机构设立 4."""
    annex, _ = demo_annex
    assert annex.blocks("行政许可实施情况")[0] == {
        "申请": 1522, "受理": 1510, "许可": 1502, "不予许可": 8, "撤销": 0}
    rows = list(annex["行政许可实施情况"].iter_rows(values_only=True))
    item = next(r for r in rows if r[0] == "教师资格认定")
    assert item[1:6] == (1510, 1498, 1492, 6, 0)
    # the items add up in a 合计 row, which equals the table above
    total = next(r for r in rows if r[0] == "合计" and isinstance(r[1], int) and r[1] > 100)
    assert total[1:6] == (1522, 1510, 1502, 8, 0)


def test_other_acts_by_item_end_in_a_total(demo_annex):
    annex, figs = demo_annex
    rows = list(annex["其他行政执法行为"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[:3] == ("类别", "事项", "次数"))
    items = []
    for r in rows[start + 1:]:
        if r[0] == "合计":
            total = r[2]
            break
        items.append(r[2])
    assert items and total == sum(items)
    listed = [r for r in figs.tables["other_act.items"] if r["类别"] != "行政强制" and r["次数"]]
    assert total == sum(r["次数"] for r in listed)


def test_a_power_not_held_says_so_and_one_held_without_cases_shows_zero(demo_annex):
    annex, figs = demo_annex
    assert figs["power.category.coercion"] == 0 and figs["power.category.inspection"] == 4
    text = annex.texts("行政强制实施情况")
    assert "权责清单中无行政强制事项" in text and "不适用" in text
    assert annex.blocks("行政强制实施情况") == []
    # 行政处罚 is held; 通报批评 never happened: a 0, not a blank
    assert annex.value("行政处罚实施情况", "通报批评") == 0
    assert "行政征收" in annex.texts("其他行政执法行为")


def test_every_published_sheet_is_headed_attachment_and_the_reports_annex_title(demo_store,
                                                                             tmp_path):
    """The report's last line names the annex (附件：2025年度行政执法数据统计表); every sheet
    of the published workbook carries 「附件」 and exactly that title, then its own table."""
    from docx import Document
    from openpyxl import load_workbook

    from core.report import write_report

    with demo_store.session() as s:
        files = write_report(s, 2025, tmp_path)
    attachment = next(p.text for p in Document(str(files.docx)).paragraphs
                      if p.text.startswith("附件："))
    title = attachment.removeprefix("附件：")
    wb = load_workbook(files.annex)
    assert wb.properties.title == title == "示例区教育局2025年度行政执法数据统计表"
    numbers = []
    for ws in wb.worksheets:
        assert (ws["A1"].value, ws["A2"].value) == ("附件", title), ws.title
        number, name = ws["A3"].value.split("　", 1)
        numbers.append(number)
        assert name.endswith("统计表") or name.endswith("情况表"), ws.title
        assert "填报单位：示例区教育局" in ws["A4"].value, ws.title
    assert numbers == [f"表{n}" for n in range(1, len(wb.worksheets) + 1)]


def test_training_per_person_hours_are_in_the_working_copy_only(demo_annex):
    annex, figs = demo_annex
    assert "姓名" not in annex.texts("学法培训情况")
    rows = list(annex["学法学时（每人）"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "序号")
    listed = [(r[1], r[2], r[3]) for r in rows[start + 1:] if isinstance(r[0], int)]
    assert listed == [(p["姓名"], p["学时"], "是" if p["达标"] else "否")
                      for p in figs.tables["training.per_person"]]
    assert len(listed) == figs["staff.certified"]


def test_monthly_sheet_and_chart(demo_annex):
    annex, figs = demo_annex
    ws = annex["月度统计"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r and r[0]}
    for m in range(1, 13):
        insp = figs.figure(f"inspection.month.{m:02d}")
        pen = figs.figure(f"penalty.month.{m:02d}")
        assert rows[f"{m}月"][1:3] == (insp.value, insp.previous)
        assert rows[f"{m}月"][4] == pen.value
    assert rows["全年"][1] == figs["inspection.total"] == 72
    assert rows["全年"][4] == figs["penalty.total"] == 4
    # two charts, inspections and penalties, each with both years as bars
    assert len(ws._charts) == 2, "the monthly sheet has a chart for each of its two counts"
    for chart, first in zip(ws._charts, ("B", "E")):
        assert type(chart).__name__ == "BarChart" and not getattr(chart, "_charts", [])[1:]
        refs = [s.val.numRef.f for s in chart.series]
        second = chr(ord(first) + 1)
        assert refs == [f"'月度统计'!${first}$7:${first}$18", f"'月度统计'!${second}$7:${second}$18"]


def test_a_year_without_a_previous_year_has_no_comparison_rows(session, annex_of, store):
    """A bureau's first year in the program: one inspection in April, nothing before."""
    set_profile(session, full_name="测试区教育局")
    unit = save(session, Unit(name="测试小学", unit_type="公办中小学"))
    staff = [save(session, Staff(name=n, certificate_no=f"C{n}",
                                 certificate_issued=dt.date(2020, 1, 1))) for n in ("甲", "乙")]
    save(session, Inspection(date=dt.date(2025, 4, 1), category="日常检查", method="其他",
                             unit=unit, unit_id=unit.id, result="合格", inspectors=staff))
    session.commit()
    annex, figs = annex_of(store, 2025)
    assert not figs.has_previous
    assert annex.blocks("行政检查实施情况", "2024年") == []
    assert annex.value("行政检查实施情况", "合计") == 1
    april = next(r for r in annex["月度统计"].iter_rows(values_only=True) if r[0] == "4月")
    assert april[1:4] == (1, "—", "—")


def _with_plan(figs):
    """The demo year's figures plus the 检查计划 and 涉企频次 figures the issue21 branch
    adds (agreed keys), for a plan of two tasks counted by hand:
    - 民办学校日常检查: 对象基数 10, 比例 30 % → 计划 3 家, 已检查 4 家 (counts as 3);
    - 校外培训机构专项检查: 对象基数 20, 比例 50 % → 计划 10 家, 已检查 6 家.
    计划检查对象 13, 计划内已检查 10, 完成率 (3 + 6) ÷ 13 = 69.2 %."""
    from core.figures import Figure

    for key, label, value, unit in (
            ("plan.tasks", "检查计划任务", 2, "项"), ("plan.tasks_done", "已实施的计划任务", 2, "项"),
            ("plan.objects_planned", "计划检查对象", 13, "家"),
            ("plan.objects_inspected", "计划内已检查对象", 10, "家"),
            ("plan.completion_rate", "计划完成率", 69.2, "%"),
            ("inspection.planned", "计划内检查", 11, "次"),
            ("inspection.unplanned", "计划外检查", 61, "次"),
            ("inspection.enterprise_max_per_unit", "单户最多检查", 3, "次"),
            ("inspection.enterprise_mean_per_unit", "户均检查", 1.7, "次"),
            ("inspection.enterprise_over_cap", "超过频次上限的企业", 1, "家"),
            ("inspection.enterprise_uncapped", "不计入频次的检查", 2, "次")):
        figs.figures[key] = Figure(key, label, value, unit)
    figs.tables["plan.tasks"] = [
        dict(name="民办学校日常检查", category="日常检查", unit_type="民办学校", base=10,
             ratio=0.3, planned=3, inspected=4, cap=2),
        dict(name="校外培训机构专项检查", category="专项检查", unit_type="校外培训机构", base=20,
             ratio=0.5, planned=10, inspected=6, cap=1)]
    figs.tables["inspection.unplanned_by_source"] = [
        dict(source="投诉举报", count=5), dict(source="转办交办", count=0),
        dict(source="其他", count=56)]
    return figs


def _grid_rows(grid):
    return [[None if c is None else c[0] for c in row] or [None] for row in grid.rows]


def test_the_inspection_plan_is_stated_planned_against_done(demo_store):
    from core.annex.tables import SheetHead, inspection_sheet
    from core.figures import annual_figures

    with demo_store.session() as s:
        figs = _with_plan(annual_figures(s, 2025))
    rows = _grid_rows(inspection_sheet(figs, SheetHead("示例区教育局", "2025年度统计表", 5)))
    start = next(i for i, r in enumerate(rows) if r[0] == "七、行政检查计划完成情况")
    header = [h.replace("\n", "") for h in rows[start + 1]]
    year = rows[start + 2]
    shown = dict(zip(header, year))
    assert (shown["计划任务（项）"], shown["计划检查对象（家）"], shown["计划内已检查对象（家）"],
            shown["计划完成率（%）"], shown["计划外检查（次）"]) == (2, 13, 10, 69.2, 61)
    tasks = next(i for i, r in enumerate(rows) if r[0] == "计划任务")
    assert rows[tasks + 1][:7] == ["民办学校日常检查", "日常检查", "民办学校", 10, 3, 4, 2]
    assert rows[tasks + 3][0] == "合计" and rows[tasks + 3][3:6] == [30, 13, 10]
    sources = next(i for i, r in enumerate(rows) if r[0] == "计划外检查来源")
    assert rows[sources + 1:sources + 4] == [["投诉举报", 5], ["其他", 56], ["合计", 61]]
    # the 涉企 block: only 涉企 columns, the frequency ones included now that they exist
    enterprise = next(i for i, r in enumerate(rows) if r[0] == "五、涉企行政检查")
    headers = [h.replace("\n", "") for h in rows[enterprise + 1][1:]]
    assert headers == ["涉企行政检查（次）", "涉企检查对象（家）", "单户最多（次）", "户均（次）",
                       "超过频次上限（家）", "不计入频次的专项检查（次）"]
    assert rows[enterprise + 2][3:] == [3, 1.7, 1, 2]


def test_without_a_plan_the_table_says_none_was_entered(demo_store, annex_of):
    """The demo's 2024 has no 检查计划 in the ledger: the table says so instead of zeros."""
    annex, figs = annex_of(demo_store, 2024)
    assert not figs["plan.tasks"]
    assert "行政检查计划完成情况：本年度未录入行政检查计划。" in annex.texts("行政检查实施情况")
    headers = next(r for r in annex["行政检查实施情况"].iter_rows(values_only=True)
                   if r[1] and str(r[1]).startswith("涉企行政检查"))
    assert [h.replace("\n", "") for h in headers if h][1:] == [
        "涉企行政检查（次）", "涉企检查对象（家）", "单户最多（次）", "户均（次）",
        "超过频次上限（家）", "不计入频次的专项检查（次）"]