"""The clerk imports the workbook a colleague kept in Excel: headers in their own order and
words, dates typed three ways, full-width digits, a few mistakes. She sees what would be
imported, gets the bad rows back with reasons, and the figures count exactly the good rows."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from core.errors import ImportFileError
from core.figures import annual_figures
from core.ledger_io.importer import plan_import
from core.models import Inspection, PenaltyCase, Staff, Unit

from .conftest import D, count

STAFF = [
    ["序号", "姓名", "执法证号", "发证日期", "有效期至", "科室", "是否法制审核人员"],
    [1, "张三", "12010001", D(2023, 3, 1), "2027/3/1", "法制科", "是"],
    [2, "李四", 12010002, "2023年3月1日", "２０２７-０３-０１", "执法科", "否"],
    [3, "王五", None, None, None, "执法科", None],
    [4, "张三", "12010009", None, None, None, None],                 # 张三 again: duplicate
    [5, "赵六", None, "2023-03-01", None, None, None],              # issued, but no number
]
UNITS = [
    ["单位名称", "类型", "统一社会信用代码"],
    ["示例一中", "公办中小学", None],
    ["启航培训学校", "培训机构", None],                              # synonym of 校外培训机构
    ["无类型单位", None, None],                                      # 类型 missing
    ["坏代码学校", "民办学校", "123"],                               # not an 18-digit code
]
INSPECTIONS = [
    ["日期", "被检查单位", "对象类型", "检查类别", "检查方式", "执法人员", "出动人次", "发现问题数",
     "现场整改数", "检查结果", "全过程记录", "无关的列"],
    [D(2025, 3, 5), "示例一中", None, "日常检查", "其他", "张三、李四", "2", 1, 1, "合格", "是", "x"],
    ["2025/3/6", "启航培训学校", None, "专项", "内部双随机", "张三，李四", "３", "2", "0", "责令整改",
     "是", None],
    ["2025年3月7日", "示例一中", None, "日常检查", "其他", "王五;新人甲", 2, 0, 0, "合格", "否", None],
    # the same unit on the same day again, by another team: a second inspection of its own
    # (the figures count the day once), not a duplicate
    [D(2025, 3, 5), "示例一中", None, "日常检查", "其他", "张三", 2, 0, 0, "合格", "是", None],
    ["2025-13-01", "示例一中", None, "日常检查", "其他", "张三", 2, 0, 0, "合格", "是", None],
    [2025, "示例一中", None, "日常检查", "其他", "张三", 2, 0, 0, "合格", "是", None],  # a year only
    [D(2025, 4, 1), "示例一中", None, "抽查", "其他", "张三", 2, 0, 0, "合格", "是", None],
    [D(2025, 4, 2), "不存在的学校", None, "日常检查", "其他", "张三", 2, 0, 0, "合格", "是", None],
    [D(2025, 4, 3), "示例一中", None, "日常检查", "其他", "张三", 2, 1, 3, "合格", "是", None],
    [D(2025, 4, 4), "新开幼儿园", "民办幼儿园", "日常检查", "其他", "李四", "2人次", "0处", 0, "合格", "是",
     None],
    [None, None, None, None, None, None, None, None, None, None, None, None],   # blank row
]
PENALTIES = [
    ["文号", "当事人", "当事人类型", "程序", "处罚种类", "罚款金额（元）", "决定日期"],
    ["示教罚〔2025〕1号", "启航培训学校", "法人", "普通程序", "罚款;警告", "5,000", "2025/5/1"],
    ["示教罚〔2025〕2号", "张某", "公民", "简易程序", "警告", None, "2025-05-02"],
    ["示教罚〔2025〕3号", "某机构", "法人或其他组织", "普通程序", "警告", "1000", "2025-05-03"],
    ["示教罚〔2025〕1号", "启航培训学校", "法人", "普通程序", "罚款", "5000", "2025/5/1"],  # dup
]
CLERK_BOOK = {"执法人员": STAFF, "检查对象": UNITS, "行政检查台账": INSPECTIONS,
              "行政处罚": PENALTIES, "备忘": [["随便写的"]]}


def counts(plan):
    return {s.kind: s.counts() for s in plan.sheets}


def test_preview_counts_each_sheet_and_writes_nothing(store, workbook):
    path = workbook(CLERK_BOOK)
    with store.session() as s:
        plan = plan_import(s, path)
        assert count(s, Inspection) == count(s, Staff) == count(s, Unit) == 0
    #          imported, duplicates, rejected — counted by hand from the rows above
    assert counts(plan) == {"执法人员": (3, 1, 1), "检查对象": (2, 0, 2),
                            "行政检查": (5, 0, 5), "行政处罚": (2, 1, 1)}
    assert plan.ignored_sheets == ["备忘"]
    assert plan.created_staff == ["新人甲"] and plan.created_units == ["新开幼儿园"]
    text = "\n".join(plan.summary_lines())
    assert "行政检查台账（按行政检查）：将导入 5 行，重复跳过 0 行，未导入 5 行" in text
    assert "无关的列" in text and "序号" in text
    # the sheets come in an order where staff and units exist before inspections use them
    assert [s.kind for s in plan.sheets] == ["执法人员", "检查对象", "行政检查", "行政处罚"]


def test_each_rejected_row_names_its_field(store, workbook):
    with store.session() as s:
        plan = plan_import(s, workbook(CLERK_BOOK))
    reasons = {s.kind: {r.row: r.reason for r in s.rejected} for s in plan.sheets}
    assert "「执法证号」" in reasons["执法人员"][6]
    assert "「类型」不能为空" in reasons["检查对象"][4]
    assert "「统一社会信用代码」" in reasons["检查对象"][5]
    assert "「检查日期」「2025-13-01」不是有效日期" in reasons["行政检查"][6]
    assert "「检查日期」「1905-07-17」不在 2000–2100 年之间" in reasons["行政检查"][7]
    assert "「检查类别」「抽查」不是可选值" in reasons["行政检查"][8]
    assert "「检查对象」「不存在的学校」不在检查对象表中" in reasons["行政检查"][9]
    assert "「现场整改数」" in reasons["行政检查"][10]
    assert "「罚款金额」" in reasons["行政处罚"][4]


def test_rejected_rows_go_to_a_workbook_beside_the_source(store, workbook, tmp_path):
    with store.session() as s:
        plan = plan_import(s, workbook(CLERK_BOOK))
    written = plan.write_rejections()
    assert written == tmp_path / "台账-未导入的行.xlsx"
    wb = load_workbook(written)
    assert wb.sheetnames == ["执法人员", "检查对象", "行政检查", "行政处罚", "说明"]
    ws = wb["行政检查"]
    rows = list(ws.values)
    assert rows[0][:3] == ("未导入原因", "原表行号", "日期")
    assert [r[1] for r in rows[1:]] == [6, 7, 8, 9, 10]
    assert "不是有效日期" in rows[1][0] and rows[1][2] == "2025-13-01"


def test_commit_saves_exactly_the_good_rows_and_the_figures_count_them(store, workbook):
    path = workbook(CLERK_BOOK)
    with store.session() as s:
        plan = plan_import(s, path)
    with store.session() as s:
        done = plan.commit(s)
    assert done.committed and counts(done) == counts(plan)
    with store.session() as s:
        assert count(s, Staff) == 4            # 张三 李四 王五, and 新人甲 named in an inspection
        assert count(s, Unit) == 3             # 示例一中 启航培训学校, and 新开幼儿园
        zhang = s.query(Staff).filter_by(name="张三").one()
        assert zhang.certificate_no == "12010001" and zhang.is_legal_reviewer
        li = s.query(Staff).filter_by(name="李四").one()
        assert li.certificate_no == "12010002" and li.certificate_expires == D(2027, 3, 1)
        assert s.query(Unit).filter_by(name="启航培训学校").one().unit_type == "校外培训机构"
        figs = annual_figures(s, 2025)
    assert figs["inspection.total"] == 4
    assert figs["inspection.personnel"] == 2 + 3 + 2 + 2
    assert figs["inspection.problems"] == 1 + 2
    assert figs["inspection.enterprise"] == 2         # the tutoring school and the new 民办幼儿园
    assert figs["inspection.method.internal_random"] == 1
    assert figs["penalty.total"] == 2
    assert figs["penalty.kind.fine"] == 1 and figs["penalty.kind.warning"] == 1
    with store.session() as s:
        fine = s.query(PenaltyCase).filter_by(decision_no="示教罚〔2025〕1号").one()
        assert fine.fine_cents == 500000 and fine.kind_list == ["罚款", "警告"]


def test_importing_the_same_file_twice_adds_nothing(store, workbook):
    path = workbook(CLERK_BOOK)
    for _ in range(2):
        with store.session() as s:
            plan = plan_import(s, path)
        with store.session() as s:
            plan.commit(s)
    assert counts(plan) == {"执法人员": (0, 4, 1), "检查对象": (0, 2, 2),
                            "行政检查": (0, 5, 5), "行政处罚": (0, 3, 1)}
    with store.session() as s:
        assert count(s, Inspection) == 5 and count(s, PenaltyCase) == 2


def test_the_corrected_rejection_file_imports_the_fixed_rows(store, workbook):
    path = workbook(CLERK_BOOK)
    with store.session() as s:
        plan = plan_import(s, path)
    with store.session() as s:
        plan.commit(s)
    rejected = plan.write_rejections()
    wb = load_workbook(rejected)
    wb["行政检查"]["C2"] = "2025-12-01"          # the clerk corrects 2025-13-01
    wb.save(rejected)
    with store.session() as s:
        again = plan_import(s, rejected)
    assert counts(again)["行政检查"] == (1, 0, 4)
    assert not any("未导入原因" in line for line in again.summary_lines())
    with store.session() as s:
        again.commit(s)
        assert count(s, Inspection) == 6


def test_nothing_is_written_when_the_file_changed_after_the_preview(store, workbook):
    path = workbook(CLERK_BOOK)
    with store.session() as s:
        plan = plan_import(s, path)
    workbook({**CLERK_BOOK, "行政处罚": PENALTIES[:2]})      # saved again in Excel meanwhile
    with pytest.raises(ImportFileError, match="预览后被修改"):
        with store.session() as s:
            plan.commit(s)
    with store.session() as s:
        assert count(s, Staff) == count(s, Inspection) == 0


def test_nothing_is_written_when_the_ledger_changed_after_the_preview(store, workbook):
    path = workbook(CLERK_BOOK)
    with store.session() as s:
        plan = plan_import(s, path)
    with store.session() as s:                             # someone adds 示例一中 meanwhile
        s.add(Unit(name="示例一中", unit_type="公办中小学"))
    with pytest.raises(ImportFileError, match="预览后有变动"):
        with store.session() as s:
            plan.commit(s)
    with store.session() as s:
        assert count(s, Unit) == 1 and count(s, Inspection) == 0


def test_a_change_that_swaps_which_row_is_new_is_refused_with_a_fresh_preview(store, workbook):
    """The counts stay the same (one new row, one duplicate), but not the rows: the clerk
    confirmed importing the 3-6 visit, and another window meanwhile deleted the 3-5 one and
    logged the 3-6 one. Importing now would add the 3-5 visit, which the clerk never saw as
    new."""
    from core.ledger_io.importer import PlanChangedError

    header = ["检查日期", "检查对象", "对象类型", "检查类别", "检查方式", "检查结果"]
    first, second = ([D(2025, 3, day), "示例一中", "公办中小学", "日常检查", "其他", "合格"]
                     for day in (5, 6))
    path = workbook({"行政检查": [header, first, second]})
    with store.session() as s:
        plan_import(s, workbook({"行政检查": [header, first]}, name="已有.xlsx")).commit(s)
    with store.session() as s:
        plan = plan_import(s, path)
    assert counts(plan) == {"行政检查": (1, 1, 0)}
    with store.session() as s:                          # the other window
        s.delete(s.query(Inspection).one())
    with store.session() as s:
        plan_import(s, workbook({"行政检查": [header, second]}, name="另一窗口.xlsx")).commit(s)
    with pytest.raises(PlanChangedError) as refused:
        with store.session() as s:
            plan.commit(s)
    message = str(refused.value)
    assert "预览后有变动" in message and "未导入任何内容" in message
    assert "「行政检查」第 2 行：预览时重复跳过，现在将导入" in message
    assert "「行政检查」第 3 行：预览时将导入，现在重复跳过" in message
    assert "行政检查：将导入 1 行，重复跳过 1 行" in message        # the fresh preview
    with store.session() as s:
        assert [i.date for i in s.query(Inspection)] == [D(2025, 3, 6)]
    fresh = refused.value.fresh
    with store.session() as s:
        done = fresh.commit(s)                          # confirmed again: now it goes in
    assert done.committed
    with store.session() as s:
        assert sorted(i.date for i in s.query(Inspection)) == [D(2025, 3, 5), D(2025, 3, 6)]


def test_a_title_row_above_the_headers_and_a_sheet_without_a_known_name(store, workbook):
    path = workbook({"Sheet1": [["2025年度学法培训台账"], [],
                                ["培训日期", "培训主题", "培训形式", "学时（学时）", "参训人员",
                                 "参考人数", "通过人数"],
                                ["2025-06-01", "民法典专题", "集中培训", "4", "张三、李四", 2, 2],
                                ["2025-06-02", "网上学法", "网上学法用法", "四", "张三", 1, 1]]})
    with store.session() as s:
        plan = plan_import(s, path)
    assert counts(plan) == {"学法培训": (1, 0, 1)}
    assert "「学时」「四」不是有效数字" in plan.sheets[0].rejected[0].reason
    assert plan.sheets[0].rejected[0].row == 5


def test_a_date_and_a_unit_merged_down_over_several_rows_count_for_each_row(store, tmp_path):
    """Ledgers kept by hand merge the date (or the unit) of a day's inspections into one cell."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "行政检查"
    ws.append(["检查日期", "检查对象", "对象类型", "检查类别", "检查方式", "检查结果"])
    ws.append([D(2025, 3, 5), "一中", "公办中小学", "日常检查", "其他", "合格"])
    ws.append([None, "二中", "公办中小学", "日常检查", "其他", "合格"])
    ws.append([None, "三中", "公办中小学", "日常检查", "其他", "合格"])
    ws.append([D(2025, 3, 6), "一中", None, "日常检查", "其他", "合格"])
    ws.append([None, None, None, "专项检查", "其他", "合格"])
    ws.merge_cells("A2:A4")
    ws.merge_cells("A5:A6")
    ws.merge_cells("B5:C6")          # 一中 typed once for two visits on 6 March: a 日常 and
    wb.save(tmp_path / "合并.xlsx")   # a 专项 inspection, two records of the ledger
    with store.session() as s:
        plan = plan_import(s, tmp_path / "合并.xlsx")
    assert counts(plan) == {"行政检查": (5, 0, 0)}
    with store.session() as s:
        plan.commit(s)
    with store.session() as s:
        assert count(s, Inspection) == 5
        # the counting rule stays in the figures: one unit on one day is one inspection
        assert annual_figures(s, 2025)["inspection.total"] == 4


def test_a_sheet_name_that_misleads_is_read_by_its_headers(store, workbook):
    path = workbook({"执法人员培训": [["日期", "主题", "形式", "学时"],
                                       ["2025-06-01", "行政处罚法", "集中培训", 3]]})
    with store.session() as s:
        plan = plan_import(s, path)
    assert [(x.name, x.kind, x.imported) for x in plan.sheets] == [("执法人员培训", "学法培训", 1)]


def test_the_gui_can_list_every_problem_with_its_sheet_and_row(store, workbook):
    with store.session() as s:
        plan = plan_import(s, workbook(CLERK_BOOK))
    problems = plan.problems()
    assert len(problems) == plan.rejected == 1 + 2 + 5 + 1
    assert ("行政检查台账", 6, "「检查日期」「2025-13-01」不是有效日期，请写成 2025-03-05 或 2025年3月5日"
            "（单元格 A6）。") in problems
    assert all(not reason.startswith("行政处罚：") for _, _, reason in problems)


def test_the_staff_list_imported_later_completes_people_first_met_in_inspections(store, workbook):
    """A colleague's inspections came first (张三 and 李四 were created by name only); the
    staff list with their certificates arrives a week later and fills them in."""
    first = workbook({"检查对象": UNITS[:3], "行政检查": INSPECTIONS[:3]}, name="检查.xlsx")
    later = workbook({"执法人员": STAFF[:3]}, name="人员.xlsx")
    for path in (first, later):
        with store.session() as s:
            plan = plan_import(s, path)
        with store.session() as s:
            plan.commit(s)
    assert plan.completed_staff == ["张三", "李四"] and counts(plan) == {"执法人员": (2, 0, 0)}
    with store.session() as s:
        assert count(s, Staff) == 2
        assert s.query(Staff).filter_by(name="张三").one().certificate_no == "12010001"
        assert annual_figures(s, 2025)["staff.certified"] == 2


def test_summary_tables_named_like_a_ledger_are_left_aside(store, workbook):
    """The annex has 行政处罚实施情况 (a summary) beside its 行政处罚 ledger sheet."""
    path = workbook({"行政处罚实施情况": [["项目", "件数"], ["警告", 1]],
                     "行政处罚": PENALTIES[:2]})
    with store.session() as s:
        plan = plan_import(s, path)
    assert counts(plan) == {"行政处罚": (1, 0, 0)} and plan.ignored_sheets == ["行政处罚实施情况"]


def test_a_lone_ledger_sheet_missing_a_required_column_says_which(store, workbook):
    path = workbook({"2025年行政检查台账": [["检查日期", "检查类别"], [D(2025, 1, 1), "日常检查"]]})
    with store.session() as s, pytest.raises(ImportFileError, match="缺少必填列：检查对象"):
        plan_import(s, path)
