"""What makes the annex publishable: values not formulas, frozen headers, widths for Chinese
text, A4 landscape fit to width with title rows repeated, valid sheet names, and the clerk's
text never turning into a formula."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from core.annex import write_annex
from core.models import CustomFigure, Inspection, PenaltyCase, Staff, Unit
from core.records import save, set_profile


def test_every_published_sheet_prints_a4_one_page_wide_with_title_rows(demo_annex):
    annex, _ = demo_annex
    for ws in annex.wb.worksheets:
        setup = ws.page_setup
        # 行政检查 is seven narrow blocks: portrait, two pages rather than three
        expected = "portrait" if ws.title == "行政检查实施情况" else "landscape"
        assert setup.orientation == expected, ws.title
        assert str(setup.paperSize) == "9", ws.title               # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows, ws.title
        assert ws.freeze_panes, ws.title
        assert "&P" in ws.oddFooter.center.text


def test_published_tables_fit_the_page_at_nine_points_or_more(demo_annex):
    """Each published sheet's columns, at 10-point text, fit its A4 page at a scale of 0.9
    or more: printed, no text is under 9 points (the render measured 9.0 pt at the least)."""
    from core.annex.layout import POINTS_PER_WIDTH, PRINT_SCALE_MIN, page_width_pt

    annex, _ = demo_annex
    for ws in annex.wb.worksheets:
        area = ws.print_area.split(",")[0] if ws.print_area else None
        last = ws.max_column
        if area:
            last = openpyxl_column(area.split(":")[-1])
        widths = [ws.column_dimensions[get_column_letter(i)].width or 8.43
                  for i in range(1, last + 1)]
        need = sum(POINTS_PER_WIDTH * w + 4 for w in widths)
        scale = min(1.0, page_width_pt(ws.page_setup.orientation) / need)
        assert scale >= PRINT_SCALE_MIN, (ws.title, round(scale, 2))
        fonts = {c.font.sz for row in ws.iter_rows() for c in row if c.value is not None}
        assert min(fonts) * scale >= 9, (ws.title, min(fonts), scale)


def test_no_person_record_number_or_code_in_the_published_annex(demo_annex, demo_store):
    """The published workbook names no enforcement officer, shows no 执法证号 or record
    number and no figure key, and has no English at all."""
    from core.models import Staff

    annex, figs = demo_annex
    text = "\n".join(str(v) for ws in annex.wb.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)
    with demo_store.session() as s:
        people = s.query(Staff).all()
        names = [p.name for p in people]
        numbers = [p.certificate_no for p in people if p.certificate_no]
    assert names and not [n for n in names if n in text]
    assert numbers and not [n for n in numbers if n in text]
    assert not [k for k in figs.figures if k in text]
    assert not re.search(r"[A-Za-z]{2,}", text), re.findall(r".{0,10}[A-Za-z]{2,}.{0,10}", text)
    assert "记录编号" not in text and "数据来源" not in annex.wb.sheetnames


def test_the_working_copy_labels_figures_in_chinese_and_fills_placeholders(demo_annex):
    annex, figs = demo_annex
    text = "\n".join(str(v) for ws in annex.working.worksheets
                     for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert "staff.certified" not in text and "inspection.total" not in text
    assert not re.search(r"\{(year|value|unit|name)\}", text)
    assert "指标代码" not in text


def test_the_cancelled_certificate_is_traced_by_its_cancellation_date(demo_annex, demo_store):
    from core.models import Staff

    annex, figs = demo_annex
    assert figs["staff.cancelled"] >= 1
    with demo_store.session() as s:
        cancelled = {p.certificate_no: p for p in s.query(Staff)
                     if p.cancelled_on and p.cancelled_on.year == 2025}
        expected = {no: (p.cancelled_on, p.certificate_issued) for no, p in cancelled.items()}
    rows = [r for r in annex["数据来源"].iter_rows(min_row=3, values_only=True)
            if r[0] == "注销执法证"]
    assert len(rows) == figs["staff.cancelled"] == len(expected)
    for r in rows:
        cancelled_on, issued = expected[r[5]]
        assert r[6].date() == cancelled_on != issued


def test_empty_ledgers_are_left_out_of_the_working_copy_and_named_in_its_notes(
        session, store, tmp_path):
    """A quiet year: one inspection, nothing else of the year. The working copy has the
    行政检查 台账 (and the staff and units it needs) and no empty ledger sheets; 说明 names
    the ledgers without records."""
    staff = [save(session, Staff(name=n, certificate_no=f"Q{n}",
                                 certificate_issued=dt.date(2020, 1, 1))) for n in ("甲", "乙")]
    unit = save(session, Unit(name="安静小学", unit_type="公办中小学"))
    save(session, Inspection(date=dt.date(2025, 4, 1), category="日常检查", method="其他",
                             unit=unit, unit_id=unit.id, result="合格", inspectors=staff))
    set_profile(session, full_name="安静区教育局")
    session.commit()
    with store.session() as s:
        write_annex(s, 2025, tmp_path / "a.xlsx", working=tmp_path / "w.xlsx")
    wb = load_workbook(tmp_path / "w.xlsx")
    ledgers = [n for n in wb.sheetnames if n not in ("说明", "数据来源", "学法学时（每人）")]
    assert ledgers == ["执法人员", "检查对象", "行政检查"]
    notes = "\n".join(str(v) for row in wb["说明"].iter_rows(values_only=True) for v in row if v)
    assert "行政处罚、其他执法行为、学法培训、专项行动、权责清单、复议诉讼、其他指标、检查计划任务、检查频次上限：本年度无记录" in notes


def test_a_wide_ledger_prints_at_nine_points_split_between_columns(demo_annex):
    """行政检查 has 17 columns: printed at 90 % (9-point text), not shrunk to one page wide;
    the page breaks between columns, and 检查日期 and 检查对象 repeat on every page."""
    from core.annex.layout import POINTS_PER_WIDTH, page_width_pt

    annex, _ = demo_annex
    ws = annex["行政检查"]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale == 90
    assert ws.print_title_cols == "$A:$B"
    breaks = [b.id for b in ws.col_breaks.brk]
    assert breaks
    room = page_width_pt() / 0.9
    fixed = sum(POINTS_PER_WIDTH * ws.column_dimensions[c].width + 4 for c in "AB")
    edges = [2, *breaks, ws.max_column]
    for first, last in zip(edges, edges[1:]):
        width = sum(POINTS_PER_WIDTH * ws.column_dimensions[get_column_letter(i)].width + 4
                    for i in range(first + 1, last + 1))
        assert fixed + width <= room, (first, last)
    # long text wraps in 宋体, and a row is as tall as its wrapped text
    from openpyxl.styles import Font  # noqa: F401  (the default font is the workbook's)
    assert annex.working._fonts[0].name == "宋体"
    assert annex.working._cell_styles[0].alignmentId
    tall = [r for r, d in ws.row_dimensions.items() if r > 1 and d.height and d.height > 15]
    joint = [i for i, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2)
             if row[7] and len(row[7]) > 12]
    assert joint and set(joint) <= set(tall)


def test_headers_frozen_where_the_reader_scrolls(demo_annex):
    annex, _ = demo_annex
    assert annex["行政检查"].freeze_panes == "B2"            # 台账: header row
    assert annex["行政检查"].print_title_rows == "$1:$1"
    assert annex["数据来源"].freeze_panes == "B3"
    assert annex["月度统计"].freeze_panes == "B7"
    # the table's title and unit line repeat on each page; 附件 and the annex title print once
    assert annex["行政处罚实施情况"].freeze_panes == "A5"
    assert annex["行政处罚实施情况"].print_title_rows == "$3:$4"


def test_no_cell_in_either_workbook_is_a_formula(demo_annex):
    annex, _ = demo_annex
    for book in (annex.path, annex.working_path):
        with zipfile.ZipFile(book) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    assert "<f>" not in z.read(name).decode("utf-8"), name


def test_sheet_names_are_valid_and_in_order(demo_annex):
    annex, _ = demo_annex
    names = annex.wb.sheetnames
    for name in [*names, *annex.working.sheetnames]:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert names[:3] == ["执法职权情况", "行政许可实施情况", "行政处罚实施情况"]
    assert names[-1] == "月度统计" and len(names) == 11
    working = annex.working.sheetnames
    assert working[:3] == ["说明", "数据来源", "学法学时（每人）"]
    assert working.index("执法人员") < working.index("行政检查") < working.index("其他指标")


def test_columns_wide_enough_for_chinese_text(demo_annex):
    annex, _ = demo_annex
    ws = annex["行政许可实施情况"]
    # "民办学校设立" is 6 Chinese characters: 12 width units at least
    assert ws.column_dimensions["A"].width >= 12
    ledger = annex["行政检查"]
    assert ledger.column_dimensions["B"].width >= 24        # 检查对象: long school names


def openpyxl_column(ref: str) -> int:
    return column_index_from_string(re.sub(r"[^A-Z]", "", ref.split("!")[-1]))


def _hostile_ledger(session):
    set_profile(session, full_name="测试\x01区教育局&二科")
    staff = [save(session, Staff(name=n, certificate_no=f"Z{n}",
                                 certificate_issued=dt.date(2020, 1, 1))) for n in ("甲", "乙")]
    unit = save(session, Unit(name='=HYPERLINK("http://evil.example","点我")',
                              unit_type="校外培训机构"))
    unit2 = save(session, Unit(name="@SUM(1+1)培训学校\x07\x1b", unit_type="校外培训机构"))
    for u, day in ((unit, 3), (unit2, 4)):
        save(session, Inspection(date=dt.date(2025, 5, day), category="日常检查", method="其他",
                                 unit=u, unit_id=u.id, result="合格", inspectors=staff,
                                 items="-1+1、收费"))
    save(session, PenaltyCase(decision_no="+测教罚〔2025〕1号", party="=1+2", party_type="公民",
                              procedure="简易程序", kinds="警告", decided_on=dt.date(2025, 6, 2)))
    save(session, CustomFigure(year=2025, name="=cmd|' /C calc'!A0", value=3, unit="台"))
    session.commit()


def test_a_formula_looking_unit_name_stays_text(session, store, tmp_path):
    _hostile_ledger(session)
    with store.session() as s:
        path = write_annex(s, 2025, tmp_path / "a.xlsx", working=tmp_path / "w.xlsx")
    books = [load_workbook(path), load_workbook(tmp_path / "w.xlsx")]
    cells = [c for wb in books for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and ("HYPERLINK" in c.value or "SUM(1+1)" in c.value
                                              or "cmd|" in c.value
                                              or c.value.lstrip("'").startswith(("=1+2", "+测教罚", "-1+1")))]
    assert {ws for ws in ("行政检查", "检查对象", "数据来源", "行政处罚", "其他指标")} <= {
        c.parent.title for c in cells}
    for c in cells:
        assert c.data_type == "s", (c.parent.title, c.coordinate, c.value)
        # defused (a leading ' shows it as text in Excel/WPS) or not at the start at all
        assert not c.value.startswith(("=", "+", "-", "@")), c.value
    for book in (path, tmp_path / "w.xlsx"):
        with zipfile.ZipFile(book) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    assert "<f>" not in z.read(name).decode("utf-8")


def test_control_characters_are_stripped_and_the_bureau_heads_the_tables(session, store, tmp_path):
    _hostile_ledger(session)
    with store.session() as s:
        path = write_annex(s, 2025, tmp_path / "a.xlsx", working=tmp_path / "w.xlsx")
    wb, working = load_workbook(path), load_workbook(tmp_path / "w.xlsx")
    assert "填报单位：测试区教育局&二科" in wb["行政检查实施情况"]["A4"].value
    assert working["行政检查"].oddHeader.center.text == "测试区教育局&&二科2025年度行政检查台账"
    for ws in [*wb.worksheets, *working.worksheets]:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", v), (ws.title, v)
    names = [r[1] for r in working["行政检查"].iter_rows(min_row=2, values_only=True)]
    assert "'@SUM(1+1)培训学校" in names


def test_printed_pages_do_not_cut_a_block_in_two(demo_annex):
    """行政检查实施情况 has six blocks, more than one page holds: the page ends between
    blocks, so each printed block keeps its caption, header and rows together."""
    annex, _ = demo_annex
    ws = annex["行政检查实施情况"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks, "the sheet needs two pages but has no page break"
    first_cells = {r[0].row: r[0].value for r in ws.iter_rows()}
    for row in breaks:
        # the next page starts at a block's caption (or the blank line before it)
        following = first_cells.get(row + 1)
        assert following is None or following[1] == "、", (row, following)


def test_one_cjk_font_throughout_the_published_annex_and_its_charts(demo_annex):
    """宋体 everywhere, titles bold and larger: no 黑体, no Calibri (which has no Chinese);
    the charts' titles, axes and legends name it too (the render embedded one family)."""
    annex, _ = demo_annex
    fonts = {c.font.name for ws in annex.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None}
    assert fonts == {"宋体"}
    charts = annex["月度统计"]._charts
    assert charts
    for chart in charts:
        texts = [chart.x_axis.txPr, chart.y_axis.txPr, chart.legend.txPr]
        faces = {(p.pPr.defRPr.latin.typeface, p.pPr.defRPr.ea.typeface)
                 for t in texts for p in t.p}
        assert faces == {("宋体", "宋体")}
        run = chart.title.tx.rich.p[0].r[0]
        assert run.rPr.ea.typeface == "宋体" and run.t.startswith("各月")
