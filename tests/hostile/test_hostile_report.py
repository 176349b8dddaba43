"""Hostile text everywhere the report and the annex quote the clerk: the bureau name, unit
names, partner departments, campaign names, narrative paragraphs, custom-figure sentences.
Proves: whatever was saved, the report is a .docx and the annex an .xlsx that python-docx,
openpyxl and LibreOffice (where installed) open, with the text there as saved minus what the
file cannot hold — never markup, never a field or a formula, never a crash."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook
from hypothesis import HealthCheck, assume, given, settings

from core.errors import ValidationError
from core.models import Campaign, CustomFigure, Inspection, NarrativeText, Staff, Unit
from core.annex import write_annex, write_working
from core.records import save, set_profile
from core.report import build_content
from core.report.layout import write_docx
from core.text import EXCEL_CELL_LIMIT, EXCEL_CUT, clean_text, excel_text

from .conftest import NASTY, hostile_text

D = dt.date


def _ledger(session, text):
    set_profile(session, full_name=f"{text}教育局", signatory=text)
    a = save(session, Staff(name="甲", certificate_no="1", certificate_issued=D(2020, 1, 1)))
    b = save(session, Staff(name="乙", certificate_no="2", certificate_issued=D(2020, 1, 1)))
    unit = save(session, Unit(name=f"{text}学校", unit_type="民办学校"))
    save(session, Inspection(date=D(2025, 4, 1), unit=unit, unit_id=unit.id, category="日常检查",
                             method="双随机一公开·部门联合", partner_departments=f"{text}局、市场监管局",
                             result="合格", inspectors=[a, b], published_on=D(2025, 4, 2)))
    save(session, Campaign(name=f"{text}专项", start_date=D(2025, 7, 1), end_date=D(2025, 8, 1),
                           partner_departments=text, personnel=5))
    save(session, CustomFigure(year=2025, name=f"{text}指标", value=3, unit="个",
                               sentence=f"{text}共{{value}}{{unit}}。"))
    save(session, NarrativeText(year=2025, block="存在的问题", text=text))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=hostile_text)
def test_any_saved_text_makes_a_report_and_an_annex_that_open(tmp_path_factory, text):
    from core.store import open_store

    folder = tmp_path_factory.mktemp("r")
    store = open_store(str(folder / "ledger.db"))
    try:
        with store.session() as s:
            try:
                _ledger(s, text)
            except ValidationError:
                assume(False)            # refused by name: the hostile-save tests cover it
        with store.session() as s:
            content, _ = build_content(s, 2025, today=D(2026, 1, 5))
        target = folder / "report.docx"
        write_docx(content, target, author="测试", year=2025)
        texts = "\n".join(p.text for p in Document(str(target)).paragraphs)
        # Saved names are quoted on one line: breaks and tabs become spaces.
        expected = clean_text(f"{text}学校", keep_newlines=False).strip()
        assert expected in texts
        with zipfile.ZipFile(target) as z:
            document = z.read("word/document.xml").decode("utf-8")
        assert document.count("<w:fldChar") == 0          # no field smuggled into the body

        with store.session() as s:
            annex = write_annex(s, 2025, folder / "annex.xlsx", working=folder / "working.xlsx")
        cells = [c for book in (annex, folder / "working.xlsx")
                 for ws in load_workbook(book).worksheets for row in ws.iter_rows()
                 for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"]   # never a formula
        assert max(len(str(c.value).encode("utf-16-le")) // 2 for c in cells) <= EXCEL_CELL_LIMIT
        values = {str(c.value) for c in cells}
        assert excel_text(f"{text}学校") in values         # the unit's name, in its ledger row
    finally:
        store.close()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_a_report_full_of_hostile_text(store, tmp_path):
    with store.session() as s:
        # Everything at once, less the lone surrogate (refused at saving) and the 100,000
        # characters (the property test above has them).
        _ledger(s, "".join(t for t in NASTY if "\ud800" not in t and len(t) < 1000))
    with store.session() as s:
        content, _ = build_content(s, 2025, today=D(2026, 1, 5))
    target = tmp_path / "report.docx"
    write_docx(content, target, author="测试", year=2025)
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(target)],
                          capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "report.txt").read_text("utf-8-sig")
    assert "=cmd|' /C calc'!A0" in text and "<script>alert('x')</script>" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_an_annex_full_of_hostile_text_and_runs_no_formula(store, tmp_path):
    with store.session() as s:
        _ledger(s, "".join(t for t in NASTY if "\ud800" not in t and len(t) < 1000))
        save(s, Unit(name="执" * 100_000 + "学校", unit_type="民办学校"))   # cut to a cell's size
    with store.session() as s:
        annex = write_working(s, 2025, tmp_path / "annex.xlsx")    # the ledgers quote it all
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "html", "--outdir", str(tmp_path), str(annex)],
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "annex.html").read_text("utf-8", errors="replace")
    # Shown as the text typed (HTML-escaped by LibreOffice), not evaluated: a formula run
    # would show its result or an error (#NAME?, Err:) instead.
    assert "=cmd|&#39; /C calc&#39;!A0" in page or "=cmd|' /C calc'!A0" in page
    assert "&lt;script&gt;alert" in page
    assert "#NAME?" not in page and "Err:" not in page
    assert EXCEL_CUT in page
