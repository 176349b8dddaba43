"""Whatever file lands in the import: a clear Chinese message naming it, quickly, and
nothing imported. Never a traceback."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from core.cli import main
from core.errors import ImportFileError
from core.ledger_io.importer import plan_import
from core.ledger_io.reader import OLE_MAGIC
from core.models import Staff

from .conftest import D, count, write_workbook

STAFF_ROWS = [["姓名", "科室"], ["张三", "法制科"]]


def refused(store, path, *words):
    with store.session() as s:
        with pytest.raises(ImportFileError) as caught:
            plan_import(s, path)
        assert count(s, Staff) == 0
    for word in words:
        assert word in str(caught.value), str(caught.value)
    return str(caught.value)


def test_a_csv_renamed_to_xlsx(store, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_text("姓名,科室\n张三,法制科\n", encoding="utf-8")
    refused(store, path, "「台账.xlsx」不是 Excel 工作簿", "另存为")


def test_an_old_xls_workbook(store, tmp_path):
    path = tmp_path / "旧台账.xls"
    path.write_bytes(OLE_MAGIC + b"\0" * 1024 + "Workbook".encode("utf-16-le") + b"\0" * 512)
    refused(store, path, "「旧台账.xls」是旧版 Excel 97-2003 格式（.xls）")


def test_a_password_protected_workbook(store, tmp_path):
    # An encrypted .xlsx is an OLE container holding EncryptionInfo and EncryptedPackage.
    path = tmp_path / "加密.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 1024 + "EncryptionInfo".encode("utf-16-le")
                     + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512)
    refused(store, path, "「加密.xlsx」设置了打开密码")


def test_a_word_document_renamed_to_xlsx(store, tmp_path):
    path = tmp_path / "报告.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    refused(store, path, "「报告.xlsx」是 Word 文档")


def test_an_empty_file_and_a_missing_file(store, tmp_path):
    (tmp_path / "空.xlsx").write_bytes(b"")
    refused(store, tmp_path / "空.xlsx", "「空.xlsx」是空文件")
    refused(store, tmp_path / "没有.xlsx", "找不到文件")


def test_a_zip_bomb(store, tmp_path):
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    refused(store, path, "「炸弹.xlsx」解压后的内容异常巨大")


def _replace_part(path, part, data: bytes):
    parts = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            parts[name] = z.read(name)
    parts[part] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)


def test_an_xml_bomb_in_a_sheet(store, tmp_path):
    path = write_workbook(tmp_path / "实体.xlsx", {"执法人员": STAFF_ROWS})
    laughs = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "哈">{laughs}]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>')
    _replace_part(path, "xl/worksheets/sheet1.xml", bomb.encode())
    refused(store, path, "「实体.xlsx」", "不安全")


def test_a_sheet_of_a_million_empty_rows_after_good_staff(store, tmp_path):
    path = write_workbook(tmp_path / "百万行.xlsx", {"执法人员": STAFF_ROWS,
                                                     "行政检查": [["检查日期"]]})
    rows = "".join(f'<row r="{r}"/>' for r in range(2, 1_000_001))
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><dimension ref="A1:Q1000000"/><sheetData><row r="1">'
             + "".join(f'<c r="{col}1" t="inlineStr"><is><t>{h}</t></is></c>' for col, h in zip(
                 "ABCDE", ["检查日期", "检查对象", "检查类别", "检查方式", "检查结果"]))
             + "</row>" + rows + "</sheetData></worksheet>")
    _replace_part(path, "xl/worksheets/sheet2.xml", sheet.encode())
    refused(store, path, "「百万行.xlsx」工作表「行政检查」超过 200,000 行")


def test_no_known_sheet(store, workbook):
    message = refused(store, workbook({"Sheet1": [["甲", "乙"], [1, 2]]}), "没有可导入的台账工作表")
    assert "Sheet1" in message


def test_a_known_sheet_without_its_required_headers(store, workbook):
    refused(store, workbook({"行政检查": [["检查日期", "备注"], [D(2025, 1, 1), "x"]]}),
            "工作表「行政检查」", "缺少必填列", "检查对象")


def test_a_cell_of_100000_characters_is_refused_by_name_and_written_back(store, workbook):
    huge = "长" * 100_000
    path = workbook({"检查对象": [["名称", "类型", "街道"], ["一中", "公办中小学", huge],
                                   [huge, "公办中小学", None]]})
    with store.session() as s:
        plan = plan_import(s, path)
    reasons = [r.reason for r in plan.sheets[0].rejected]
    assert ["「街道」过长" in reasons[0], "「名称」过长" in reasons[1]] == [True, True]
    rows = list(load_workbook(plan.write_rejections())["检查对象"].values)
    assert len(rows[1][4]) <= 32767 and rows[1][0].startswith("「街道」过长")


def test_formula_text_is_kept_as_plain_text(store, workbook):
    path = workbook({"检查对象": [["名称", "类型", "街道"],
                                   ["一中", "公办中小学", '=HYPERLINK("http://x","点我")']]})
    with store.session() as s:
        plan = plan_import(s, path)
    with store.session() as s:
        plan.commit(s)
        from core.records import unit_by_name
        assert unit_by_name(s, "一中").street == '=HYPERLINK("http://x","点我")'


def test_the_command_line_says_it_in_chinese_and_exits_2(tmp_path, capsys):
    db = str(tmp_path / "ledger.db")
    xls = tmp_path / "旧台账.xls"
    xls.write_bytes(OLE_MAGIC + b"\0" * 2048)
    assert main(["--db", db, "import", str(xls)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：「旧台账.xls」是旧版 Excel") and "Traceback" not in err


def test_the_command_line_lists_the_ledger_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in ("template", "import", "export"):
        assert name in out


def test_command_line_dry_run_then_import(tmp_path, capsys):
    db = str(tmp_path / "ledger.db")
    book = write_workbook(tmp_path / "人员.xlsx", {"执法人员": STAFF_ROWS + [["", "空名"]]})
    assert main(["--db", db, "import", "--dry-run", str(book)]) == 0
    out = capsys.readouterr().out
    assert "执法人员：将导入 1 行，重复跳过 0 行，未导入 1 行" in out
    assert "人员-未导入的行.xlsx" in out
    assert main(["--db", db, "import", str(book)]) == 0
    assert "执法人员：已导入 1 行" in capsys.readouterr().out
    assert main(["--db", db, "export", "--year", "2025", str(tmp_path / "导出.xlsx")]) == 0
    assert "执法人员 1 行" in capsys.readouterr().out


def test_formulas_without_a_saved_result_are_pointed_out(store, tmp_path):
    """A workbook written by a program holds formulas Excel never calculated: they read as
    blank, and the clerk is told so instead of wondering where the numbers went."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "检查对象"
    ws.append(["名称", "类型", "街道"])
    ws.append(["一中", "公办中小学", "=\"东\"&\"街\""])
    ws.append(["二中", "公办中小学", "=UPPER(\"a\")"])
    wb.save(tmp_path / "公式.xlsx")
    with store.session() as s:
        plan = plan_import(s, tmp_path / "公式.xlsx")
    assert plan.imported == 2
    assert any("工作表「检查对象」有 2 个公式单元格没有保存计算结果" in line
               for line in plan.summary_lines())


def test_a_library_warning_goes_to_the_log_not_the_clerks_terminal(tmp_path):
    """A date cell holding a serial past 9999-12-31: openpyxl warns in English while
    reading (calamine says nothing). The clerk's terminal shows only the preview, and the
    row is refused naming the field."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "执法人员"
    sheet.append(["姓名", "科室", "发证日期"])
    sheet.append(["张三", "法制科", 2958466])
    sheet["C2"].number_format = "yyyy-mm-dd"
    book.save(tmp_path / "人员.xlsx")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "ZHIFA_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-m", "core.cli", "--db", str(tmp_path / "l.db"),
                           "import", "--dry-run", str(tmp_path / "人员.xlsx")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "执法人员：将导入 0 行，重复跳过 0 行，未导入 1 行" in done.stdout
    rejected = load_workbook(tmp_path / "人员-未导入的行.xlsx")["执法人员"]
    assert "「发证日期」" in str(rejected["A2"].value), rejected["A2"].value
