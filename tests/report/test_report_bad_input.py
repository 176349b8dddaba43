"""Whatever the clerk typed, the report is a valid document, or the command says why not."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from docx import Document

from core.cli import main
from core.errors import ReportError
from core.models import Inspection, NarrativeText, Staff, Unit
from core.records import save, set_profile
from core.report import write_report

D = dt.date
HOSTILE_BUREAU = "=cmd|'/c calc'!A1<script>\x07区/教育局\u202e😀" + "很长" * 80


def test_hostile_names_and_texts_still_make_a_valid_report(store, make_report, tmp_path):
    with store.session() as s:
        set_profile(s, full_name=HOSTILE_BUREAU, signatory=HOSTILE_BUREAU)
        a = save(s, Staff(name="甲", certificate_no="1", certificate_issued=D(2020, 1, 1)))
        b = save(s, Staff(name="乙", certificate_no="2", certificate_issued=D(2020, 1, 1)))
        unit = save(s, Unit(name="<b>一中</b>&amp;\x1b[31m😀", unit_type="公办中小学"))
        save(s, Inspection(date=D(2025, 3, 3), unit=unit, unit_id=unit.id, category="日常检查",
                           method="双随机一公开·部门联合", partner_departments="=HYPERLINK()、市场监管局",
                           result="合格", inspectors=[a, b]))
        save(s, NarrativeText(year=2025, block="导语", text="@SUM(1)\n\n\x0c<w:p/>第二段 ]]>"))
    files, texts = make_report(store, 2025)
    assert files.docx.parent == tmp_path / "out"            # "/" in the name made no folder
    assert "/" not in files.docx.name and "\u202e" not in files.docx.name and len(files.docx.name.encode()) < 255
    text = "\n".join(texts)
    assert "<b>一中</b>&amp;[31m😀" in text                 # as typed, minus the control char
    assert "@SUM(1)" in texts and "<w:p/>第二段 ]]>" in texts
    assert "=HYPERLINK()" in text
    with zipfile.ZipFile(files.docx) as z:
        assert z.testzip() is None


def test_a_year_without_records_is_refused_with_the_reason(demo_store, tmp_path):
    with demo_store.session() as s, pytest.raises(ReportError, match="没有2031年的任何执法记录"):
        write_report(s, 2031, tmp_path)
    assert not list(tmp_path.glob("*.docx"))


def test_no_bureau_name_is_refused(store, tmp_path):
    with store.session() as s:
        a = save(s, Staff(name="甲"))
        unit = save(s, Unit(name="一中", unit_type="公办中小学"))
        save(s, Inspection(date=D(2025, 3, 3), unit=unit, unit_id=unit.id, category="日常检查",
                           method="其他", result="合格", inspectors=[a]))
        with pytest.raises(ReportError, match="单位全称"):
            write_report(s, 2025, tmp_path)


@pytest.mark.parametrize("year,message", [("", "不是有效的年份"), ("二〇二五", "不是有效的年份"),
                                          ("1899", "超出范围")])
def test_the_command_says_why_a_year_is_wrong(demo_store, capsys, tmp_path, year, message):
    code = main(["--db", demo_store.location, "report", "--year", year, "--out", str(tmp_path)])
    assert code == 2
    assert message in capsys.readouterr().err


def test_the_command_writes_the_report_and_says_where(demo_store, capsys, tmp_path):
    assert main(["--db", demo_store.location, "report", "--year", "2025",
                 "--out", str(tmp_path / "报告")]) == 0
    out = capsys.readouterr().out
    target = tmp_path / "报告" / "示例区教育局2025年度行政执法工作报告.docx"
    assert str(target) in out and target.exists()
    Document(str(target))
