"""The blank template the clerk downloads: instructions, one sheet per kind, drop-downs."""

from __future__ import annotations

from openpyxl import load_workbook

from core.ledger_io.columns import LEDGER_SHEETS
from core.ledger_io.template import write_template


def test_the_template_has_instructions_and_a_sheet_per_record_kind(tmp_path):
    book = load_workbook(write_template(tmp_path / "台账模板.xlsx"))
    assert book.sheetnames == ["说明", *(s.title for s in LEDGER_SHEETS)]
    notes = "\n".join(str(c) for row in book["说明"].values for c in row if c)
    assert "2025年3月5日" in notes and "、" in notes and "未导入的行" in notes
    assert "决定书文号" in notes            # every header is explained


def test_headers_are_frozen_sized_and_enumerations_drop_down(tmp_path):
    book = load_workbook(write_template(tmp_path / "台账模板.xlsx"))
    ws = book["行政检查"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].value == "检查日期" and ws["A1"].font.b
    assert ws.column_dimensions["B"].width == 30                 # 检查对象: long names
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["D2"] == '"日常检查,专项检查,个案检查"'        # 检查类别
    assert lists["N2"] == '"是,否"'                               # 全过程记录
    assert "C2" in lists                                          # 对象类型
    # every enumerated column of every sheet has its list
    for sheet in LEDGER_SHEETS:
        validated = {str(dv.sqref).split(":")[0] for dv in book[sheet.title].data_validations.dataValidation}
        assert len(validated) == sum(1 for c in sheet.columns if c.choices), sheet.title


def test_the_blank_template_imports_as_nothing(store, tmp_path):
    from core.ledger_io.importer import plan_import
    with store.session() as s:
        plan = plan_import(s, write_template(tmp_path / "台账模板.xlsx"))
    assert len(plan.sheets) == len(LEDGER_SHEETS) == 12 and plan.imported == plan.rejected == 0
