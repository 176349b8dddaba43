"""What the import leaves out is said: a hidden sheet is not imported and the summary names
it; a column whose header is a synonym, beaten by the real header in the same sheet, is
listed among the ignored columns with the column it repeats. Both readers (calamine for a
regular workbook, openpyxl for the rest) say the same."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from core.errors import ImportFileError
from core.ledger_io import reader
from core.ledger_io.importer import plan_import
from core.models import Staff, Unit

from .conftest import count


@pytest.fixture(params=["calamine", "openpyxl"])
def which(request, monkeypatch):
    if request.param == "openpyxl":
        monkeypatch.setattr(reader, "_calamine_book", lambda path: None)
    return request.param


def _book(path, hide_units=True, hide_staff=False):
    wb = Workbook()
    staff = wb.active
    staff.title = "执法人员"
    staff.append(["姓名", "科室"])
    staff.append(["张三", "法制科"])
    units = wb.create_sheet("检查对象")
    units.append(["名称", "类型"])
    units.append(["一中", "公办中小学"])
    units.append(["二中", "公办中小学"])
    if hide_units:
        units.sheet_state = "hidden"
    if hide_staff:
        staff.sheet_state = "hidden"
        wb.create_sheet("封面").append(["2025年台账"])   # Excel keeps one sheet visible
    wb.save(path)
    return path


def test_a_hidden_sheet_is_not_imported_and_the_summary_says_so(store, tmp_path, which):
    path = _book(tmp_path / "隐藏.xlsx")
    assert isinstance(reader.open_workbook(path), reader.CalamineBook) == (which == "calamine")
    with store.session() as s:
        plan = plan_import(s, path)
    assert [x.kind for x in plan.sheets] == ["执法人员"] and plan.hidden_sheets == ["检查对象"]
    assert "隐藏的工作表未导入：检查对象（其中的行不会导入；如需导入，请在 Excel 中取消隐藏后重新导入）" \
        in plan.summary_lines()
    with store.session() as s:
        done = plan.commit(s)
        assert (count(s, Staff), count(s, Unit)) == (1, 0)
    assert "隐藏的工作表未导入：检查对象" in "\n".join(done.summary_lines())


def test_a_workbook_whose_ledger_sheets_are_all_hidden_is_refused_naming_them(store, tmp_path,
                                                                               which):
    path = _book(tmp_path / "全隐藏.xlsx", hide_staff=True)
    with store.session() as s:
        with pytest.raises(ImportFileError) as caught:
            plan_import(s, path)
    assert "隐藏的工作表不导入（执法人员、检查对象）" in str(caught.value)


def test_a_synonym_beaten_by_the_real_header_is_listed_as_ignored(store, workbook, which):
    # 「单位名称」 comes first and would be read as 名称, but the real 名称 is there too; and a
    # second synonym of 类型 after the real one. Both are listed, with the column they repeat.
    path = workbook({"检查对象": [["单位名称", "名称", "类型", "单位类型", "备忘"],
                                   ["旧名", "一中", "公办中小学", "民办学校", "x"]]})
    with store.session() as s:
        plan = plan_import(s, path)
    sheet = plan.sheets[0]
    assert sheet.ignored_columns == ["单位名称（与「名称」重复）", "单位类型（与「类型」重复）", "备忘"]
    assert ("「检查对象」中已忽略的列（未识别或重复）：单位名称（与「名称」重复）、"
            "单位类型（与「类型」重复）、备忘") in plan.summary_lines()
    with store.session() as s:
        plan.commit(s)
        unit = s.query(Unit).one()
        assert (unit.name, unit.unit_type) == ("一中", "公办中小学")
