"""The ledger layout: every header issue 6 promises is there, and the demo year reads back
as the cells a clerk would type."""

import datetime as dt
from decimal import Decimal

from core.ledger_io.columns import LEDGER_SHEETS, SHEET_BY_TITLE, ledger_rows, normalise_header

ISSUE_6_HEADERS = {
    "执法人员": "姓名 科室 执法证号 发证日期 有效期至 状态 注销日期 是否在编 是否法制审核人员",
    "检查对象": "名称 类型 统一社会信用代码 街道",
    "行政检查": "检查日期 检查对象 对象类型 检查类别 检查方式 检查事项 牵头部门 联合部门 执法人员 "
                "出动人次 发现问题数 现场整改数 检查结果 全过程记录 公示日期 专项行动 备注",
    "行政处罚": "决定书文号 当事人 当事人类型 违法事实 法律依据 程序 处罚种类 罚款金额 没收金额 "
                "立案日期 决定日期 结案日期 法制审核 公示日期",
    "其他执法行为": "年份 月份 类别 事项 申请数 受理数 许可数 不予许可数 撤销数 次数",
    "学法培训": "日期 主题 形式 学时 参加人员 参考人数 通过人数",
    "专项行动": "名称 开始日期 结束日期 牵头部门 联合部门 出动人次 排查机构数 发现隐患数 关停数 整改数 立案数",
    "权责清单": "年份 类别 事项名称",
    "复议诉讼": "类型 收案日期 关联文号 结果",
    "其他指标": "年份 名称 数值 单位 说明",
    # Issue 21: the year's 行政检查计划 as bureaus publish it, and the caps per 对象类型.
    "检查计划任务": "年份 任务名称 依据 检查类型 实施主体 是否联合检查 联合部门 检查事项 检查方式 是否涉企 "
                    "检查对象 对象基数 检查比例 频次上限 任务日期",
    "检查频次上限": "年份 对象类型 年度检查上限",
}


def test_every_sheet_and_header_of_issue_6_in_order():
    assert [s.title for s in LEDGER_SHEETS] == list(ISSUE_6_HEADERS)
    for sheet in LEDGER_SHEETS:
        headers = [c.header for c in sheet.columns]
        promised = ISSUE_6_HEADERS[sheet.title].split()
        assert headers[:len(promised)] == promised, sheet.title
        assert len(set(headers)) == len(headers), sheet.title


def test_no_synonym_clashes_with_another_header_of_the_same_sheet():
    for sheet in LEDGER_SHEETS:
        names = {}
        for c in sheet.columns:
            for name in (c.header, *c.synonyms):
                key = normalise_header(name)
                assert names.setdefault(key, c.header) == c.header, (sheet.title, name)


def test_header_spelling_noise_is_ignored():
    assert normalise_header(" 罚款金额（元） ") == "罚款金额"
    assert normalise_header("*检查日期") == "检查日期"
    assert normalise_header("出动人次(人次)") == "出动人次"


def test_demo_2025_reads_back_as_cells(demo_store):
    with demo_store.session() as s:
        inspections = list(ledger_rows(s, 2025, SHEET_BY_TITLE["行政检查"]))
        all_years = list(ledger_rows(s, None, SHEET_BY_TITLE["行政检查"]))
        penalties = list(ledger_rows(s, 2025, SHEET_BY_TITLE["行政处罚"]))
        staff = list(ledger_rows(s, 2025, SHEET_BY_TITLE["执法人员"]))
    assert inspections and len(all_years) > len(inspections)
    first = dict(zip([c.header for c in SHEET_BY_TITLE["行政检查"].columns], inspections[0]))
    assert isinstance(first["检查日期"], dt.date) and first["检查日期"].year == 2025
    assert isinstance(first["检查对象"], str) and first["检查对象"]
    assert first["全过程记录"] in ("是", "否")
    fines = [row[7] for row in penalties]
    assert all(isinstance(f, Decimal) for f in fines)
    assert all(row[0] for row in staff)


def test_the_format_document_lists_every_sheet_and_header():
    from pathlib import Path
    doc = (Path(__file__).parents[2] / "docs" / "LEDGER_FORMAT.md").read_text(encoding="utf-8")
    for sheet in LEDGER_SHEETS:
        section = doc.split(f". {sheet.title}\n", 1)[1].split("###", 1)[0]
        for column in sheet.columns:
            assert f"| {column.header} |" in section, (sheet.title, column.header)


def test_inspections_read_as_columns_are_the_cells_each_record_shows(demo_store):
    """The 行政检查 sheet is read as plain columns merged with a second cursor of inspectors
    (a city year would not fit as ORM objects); every cell must be what the record itself
    shows: a team of three, an inspection with nobody, no campaign, a deleted one left out."""
    from sqlalchemy import select

    from core.ledger_io.columns import cell_value
    from core.models import Inspection, Staff, Unit
    from core.records import delete, save

    sheet = SHEET_BY_TITLE["行政检查"]
    with demo_store.session() as s:
        unit = s.scalars(select(Unit)).first()
        three = s.scalars(select(Staff).order_by(Staff.id.desc()).limit(3)).all()
        day = dt.date(2025, 6, 18)
        save(s, Inspection(date=day, unit=unit, category="日常检查", method="其他", result="合格",
                           personnel=3, inspectors=list(three), items="校园安全、食品安全"))
        save(s, Inspection(date=day, unit=unit, category="专项检查", method="其他", result="合格",
                           personnel=1, inspectors=[]))
        gone = Inspection(date=day, unit=unit, category="日常检查", method="其他", result="合格",
                          personnel=1, inspectors=[three[0]])
        save(s, gone)
        delete(s, gone)
        s.commit()

        rows = list(ledger_rows(s, 2025, sheet))
        records = s.scalars(select(Inspection).where(Inspection.deleted_at.is_(None),
                                                     Inspection.date.between(dt.date(2025, 1, 1),
                                                                             dt.date(2025, 12, 31)))
                            .order_by(Inspection.date, Inspection.id)).all()
        expected = [[cell_value(sheet, c, r) for c in sheet.columns] for r in records]
    assert rows == expected
    by_header = [dict(zip([c.header for c in sheet.columns], r)) for r in rows]
    assert any(len(r["执法人员"].split("、")) == 3 for r in by_header)
    assert any(r["执法人员"] == "" for r in by_header)
    assert gone.id not in [r.id for r in records]
