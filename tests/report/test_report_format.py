"""The report is laid out as an official document (GB/T 9704-2012), read back from the file."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt


@pytest.fixture
def report(demo_store, make_report):
    files, _ = make_report(demo_store, 2025)
    return files.docx


def _fonts(style):
    return style.element.rPr.find(qn("w:rFonts"))


def test_a4_page_with_official_margins_and_a_22_line_grid(report):
    doc = Document(str(report))
    section = doc.sections[0]
    for got, mm in ((section.page_width, 210), (section.page_height, 297),
                    (section.top_margin, 37), (section.bottom_margin, 35),
                    (section.left_margin, 28), (section.right_margin, 26)):
        assert abs(got - Mm(mm)) < Mm(0.1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert int(grid.get(qn("w:linePitch"))) == 579          # 225 mm / 22 lines
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096      # points per character
    assert round(156 / 25.4 * 72 / pitch) == 28


def test_body_is_fangsong_sanhao_indented_justified_on_a_fixed_pitch(report):
    doc = Document(str(report))
    normal = doc.styles["Normal"]
    fonts = _fonts(normal)
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
    assert normal.font.size == Pt(16)
    fmt = normal.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent == Pt(32)
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(fmt.line_spacing.pt - 28.95) < 0.05
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(".//" + qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(".//" + qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_title_and_heading_levels(report):
    doc = Document(str(report))
    title = doc.paragraphs[0]
    assert title.style.name == "Title"
    assert _fonts(title.style).get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.style.font.size == Pt(22)
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    expected = {"Heading 1": "黑体", "Heading 2": "楷体_GB2312", "Heading 3": "仿宋_GB2312"}
    for name, font in expected.items():
        style = doc.styles[name]
        assert _fonts(style).get(qn("w:eastAsia")) == font
        assert style.font.size == Pt(16) and not style.font.bold
        assert style.font.color.rgb is None             # not the template's blue
    by_style = {}
    for p in doc.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert by_style["Heading 1"] == ["一、基本情况", "二、主要工作措施及成效", "三、存在的问题",
                                     "四、下一步工作打算"]
    assert by_style["Heading 2"][:3] == ["（一）行政执法主体及职权", "（二）行政执法人员",
                                         "（三）行政执法案件"]
    assert by_style["Heading 3"] == ["1.行政检查", "2.行政处罚", "3.行政许可及其他执法行为"]


def test_page_numbers_odd_right_even_left_with_dashes(report):
    doc = Document(str(report))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.paragraph_format.alignment == alignment
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.text.startswith("— ") and p.text.endswith(" —")
        for run in p.runs:
            assert run.font.size == Pt(14)
            assert run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


def test_signature_and_date_at_the_right_date_four_characters_in(report):
    doc = Document(str(report))
    signature, date = doc.paragraphs[-2], doc.paragraphs[-1]
    assert date.text == "2025年12月28日"
    for p in (signature, date):
        assert p.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.right_indent == Pt(64)
    # The signature is centred over the date: "示例区教育局" (6 wide) over "2025年12月28日"
    # (8 half-width digits + 3 characters = 7 wide): half a character further in.
    assert signature.paragraph_format.right_indent == Pt(16 * 4.5)
    attachment = next(p for p in doc.paragraphs if p.text.startswith("附件："))
    # Exactly the annex's title, as its workbook is named (core.outfiles.report_paths).
    assert attachment.text == "附件：示例区教育局2025年度行政执法数据统计表"


def test_the_file_names_its_fonts_with_substitutes_for_pcs_without_gb2312(report):
    with zipfile.ZipFile(report) as z:
        table = z.read("word/fontTable.xml").decode("utf-8")
        document = z.read("word/document.xml").decode("utf-8")
    assert 'w:name="仿宋_GB2312"' in table and 'w:val="仿宋"' in table
    assert "asciiTheme" not in document


def test_properties_are_in_schema_order_so_word_opens_without_repair(report):
    """Word reports "unreadable content" when w:rPr / w:pPr children are out of the order
    ECMA-376 prescribes; the hand-added grid, spacing and language settings must be sorted."""
    from lxml import etree

    from core.report.layout import _PPR_ORDER, _RPR_ORDER

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out_of_order = []
    with zipfile.ZipFile(report) as z:
        for name in z.namelist():
            if not name.endswith(".xml"):
                continue
            root = etree.fromstring(z.read(name))
            for tag, order in (("rPr", _RPR_ORDER), ("pPr", _PPR_ORDER)):
                for el in root.iter(w + tag):
                    names = [c.tag.replace(w, "") for c in el]
                    ranks = [order.index(n) if n in order else len(order) for n in names]
                    if ranks != sorted(ranks):
                        out_of_order.append((name, names))
    assert out_of_order == []


def test_a_long_title_breaks_between_words():
    from core.report.layout import title_lines
    assert title_lines("示例区教育局2025年度行政执法工作报告", "示例区教育局") == [
        "示例区教育局2025年度行政执法工作报告"]                       # 19 characters: one line
    assert title_lines("天津市东丽区教育局2025年度行政执法工作报告", "天津市东丽区教育局") == [
        "天津市东丽区教育局", "2025年度行政执法工作报告"]
    # A name too long for a line is split after a 市/区 near its middle, never mid-word.
    assert title_lines("河南省洛阳市洛龙区教育体育局和文化旅游局2025年度行政执法工作报告",
                       "河南省洛阳市洛龙区教育体育局和文化旅游局") == [
        "河南省洛阳市洛龙区", "教育体育局和文化旅游局", "2025年度行政执法工作报告"]


def test_the_title_of_a_long_bureau_name_is_two_whole_lines(store, make_report):
    from tests.report.test_report_truth import _year
    with store.session() as s:
        _year(s, bureau="天津市东丽区教育局", region="天津市东丽区")
    files, _ = make_report(store, 2025)
    title = Document(str(files.docx)).paragraphs[0]
    assert title.text == "天津市东丽区教育局\n2025年度行政执法工作报告"
    assert len(title._p.findall(".//" + qn("w:br"))) == 1


def test_only_headings_and_the_closing_block_are_kept_with_the_next_paragraph(report):
    """Chaining the closing lines to whole sections left a page foot blank; only a heading
    keeps with what follows, and the closing block (附件说明, 署名, 成文日期) with the last
    line of the text, so that it never stands alone on a page (GB/T 9704 7.3.5)."""
    doc = Document(str(report))
    paragraphs = doc.paragraphs
    kept = {i for i, p in enumerate(paragraphs)
            if p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next}
    attachment = next(i for i, p in enumerate(paragraphs) if p.text.startswith("附件："))
    signature = len(paragraphs) - 2
    closing = set(range(attachment - 2, signature + 1))     # last text line … 署名
    assert closing <= kept
    assert paragraphs[attachment - 2].text and not paragraphs[attachment - 2].style.name.startswith(
        "Heading")
    assert {paragraphs[i].style.name for i in kept - closing} == {
        "Heading 1", "Heading 2", "Heading 3"}
    assert not doc.paragraphs[-1].paragraph_format.keep_with_next


def test_the_file_is_built_from_a_clean_template_of_our_own(report):
    with zipfile.ZipFile(report) as z:
        names = set(z.namelist())
        settings = z.read("word/settings.xml").decode("utf-8")
        fonts = z.read("word/fontTable.xml").decode("utf-8")
        app = z.read("docProps/app.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="zh-CN"' in settings and "ja-JP" not in settings
    assert "ＭＳ" not in fonts and "Cambria" not in fonts and "Calibri" not in fonts
    assert "<Application>教育行政执法台账</Application>" in app and "Macintosh" not in app
    assert not any("thumbnail" in n for n in names)
    assert "word/stylesWithEffects.xml" not in names
    assert 'w:styleId="Heading4"' not in styles and 'w:styleId="Quote"' not in styles
