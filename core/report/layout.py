"""Laying the report out as an official document (GB/T 9704-2012 党政机关公文格式).

A4; margins 37/35/28/26 mm (text block 156 × 225 mm); 22 lines × 28 characters on a fixed
document grid; body 三号 仿宋_GB2312, first line indented two characters, justified; title
二号 方正小标宋简体; headings 黑体 / 楷体_GB2312 / 仿宋; "— N —" page numbers in 四号 宋体,
odd pages right and even pages left, one character in from the edge.

Why the XML below: python-docx writes no East Asian font (`w:eastAsia`), and its default
template's theme fonts (`w:asciiTheme`…) would override the fonts we name, so Word and WPS
would fall back to a Japanese font. The fonts are therefore set on the document defaults
and on every style we use, with the theme attributes removed; the font table names a
common substitute (仿宋, 楷体, 宋体) for PCs without the GB2312 fonts installed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from core.report.content import Paragraph, ReportContent

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# What Word/WPS should use where a font is not installed (Windows ships these four).
SUBSTITUTES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体",
               "黑体": "SimHei", "宋体": "SimSun"}

BODY_SIZE = Pt(16)      # 三号
TITLE_SIZE = Pt(22)     # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
CHAR = 16               # one character of body text, in points
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
TEXT_HEIGHT_MM, TEXT_WIDTH_MM = 225, 156
# 225 mm / 22 lines = 28.98 pt; Word's 公文 templates use 28.95 pt so that 22 lines fit
# exactly (29 pt would push the 22nd line over the edge).
LINE_PITCH = Pt(28.95)


def write_docx(content: ReportContent, path: Path, *, author: str, year: int) -> None:
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _font_table(doc)
    _page_numbers(doc)

    last_text = None
    for paragraph in content.paragraphs:
        if paragraph.role == "title":
            _title(doc, paragraph, content.bureau)
        elif paragraph.role in ("attachment", "signature"):
            # The closing block (附件说明, 署名, 成文日期) never stands on a page of its own
            # (GB/T 9704 7.3.5): it is kept with the last line of the text above it, and
            # that is all; chaining whole sections to it left most of a page blank.
            _keep_with_next(last_text)
            if paragraph.role == "attachment":
                _keep_with_next(_normal(doc))                # 正文下空一行编排附件说明
                last_text = _attachment(doc, paragraph)
            else:
                _keep_with_next(_normal(doc))
                _keep_with_next(_normal(doc))
                _signature_lines(doc, paragraph, content)
                last_text = None
        elif paragraph.role != "date":                     # the date is written with the signature
            style = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3"}.get(
                paragraph.role)
            p = doc.add_paragraph(style=style) if style else _normal(doc)
            _text(p, paragraph)
            last_text = p

    _clean_package(doc)
    _schema_order(doc)
    props = doc.core_properties
    # Document properties hold at most 255 characters (python-docx refuses more).
    title, author = content.title[:255], author[:255]
    props.title, props.author, props.last_modified_by = title, author, author
    props.subject = f"{year}年度行政执法工作报告"
    props.language = "zh-CN"
    props.keywords = "行政执法;年度报告"
    props.comments = "由教育行政执法台账生成"
    now = dt.datetime.now().replace(microsecond=0)
    props.created = props.modified = now
    props.revision = 1
    doc.save(str(path))


# Word refuses (or "repairs") a file whose run and paragraph properties are out of the order
# the schema prescribes (ECMA-376 CT_RPr / CT_PPr); the elements added above by hand are
# sorted into that order before saving.
_RPR_ORDER = ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
              "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz "
              "szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout "
              "specVanish oMath").split()
_PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
              "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap "
              "overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid "
              "spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
              "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr "
              "pPrChange").split()


def _schema_order(doc) -> None:
    roots = [doc.styles.element, doc.element]
    section = doc.sections[0]
    roots += [section.footer._element, section.even_page_footer._element]
    for order, tag in ((_RPR_ORDER, "w:rPr"), (_PPR_ORDER, "w:pPr")):
        rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
        for root in roots:
            for props in root.iter(qn(tag)):
                children = list(props)
                ordered = sorted(children, key=lambda el: rank.get(el.tag, len(rank)))
                if ordered != children:
                    for el in children:
                        props.remove(el)
                    props.extend(ordered)


# --- the parts of the document -----------------------------------------------------------

def _text(p, paragraph: Paragraph) -> None:
    run = p.add_run(paragraph.text)
    if paragraph.unconfirmed:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


# A 二号 title line holds 442 pt / 22 pt = 20 characters; one is kept in hand because Word,
# WPS and LibreOffice space the Latin digits of the year a little differently.
TITLE_CHARS_PER_LINE = 19


def title_lines(title: str, bureau: str, per_line: float = TITLE_CHARS_PER_LINE) -> list[str]:
    """The title broken between words (GB/T 9704 7.3.1): on one line where it fits; else
    the bureau's name over 「20XX年度行政执法工作报告」 (a 梯形 shape); a bureau name too long
    for one line is itself split after a 省/市/区/县 nearest its middle."""
    if _width(title) <= per_line:
        return [title]
    if not bureau or not title.startswith(bureau):
        return [title]
    rest = title[len(bureau):]
    if _width(bureau) <= per_line:
        return [bureau, rest]
    cuts = [i + 1 for i, ch in enumerate(bureau[:-1]) if ch in "省市区县旗盟州"]
    if not cuts:
        return [bureau, rest]
    cut = min(cuts, key=lambda i: abs(_width(bureau[:i]) - _width(bureau) / 2))
    return [bureau[:cut], bureau[cut:], rest]


def _title(doc, paragraph: Paragraph, bureau: str) -> None:
    p = doc.add_paragraph(style="Title")
    for i, line in enumerate(title_lines(paragraph.text, bureau)):
        run = p.add_run(line)
        if i:
            run._r.addprevious(_line_break())
        if paragraph.unconfirmed:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    _normal(doc)                                       # 标题下空一行


def _line_break():
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


def _normal(doc):
    # A body paragraph in the default style. python-docx's add_paragraph(style="Normal")
    # looks the default style up among all the styles for every paragraph (about 1 ms each;
    # 0.4 s of a city year's report) only to leave it out; the XML written is the same.
    return doc.add_paragraph()


def _keep_with_next(p) -> None:
    if p is not None:
        p.paragraph_format.keep_with_next = True


def _attachment(doc, paragraph: Paragraph):
    p = _normal(doc)
    # "附件：" then the name; a wrapped name aligns under the name (hanging indent).
    fmt = p.paragraph_format
    fmt.left_indent = Pt(CHAR * 5)
    fmt.first_line_indent = Pt(-CHAR * 3)
    _chars(p._p, left=500, first_line=None, hanging=300)
    _text(p, paragraph)
    return p


def _signature_lines(doc, paragraph: Paragraph, content: ReportContent) -> None:
    """成文日期 右空四字; 署名 centred over the date (the seal covers both)."""
    date = next((p for p in content.paragraphs if p.role == "date"), None)
    date_width = _width(date.text) if date else 0
    sig_width = _width(paragraph.text)
    sig_indent = 4 + max(0.0, (date_width - sig_width) / 2)
    for text_paragraph, right in ((paragraph, sig_indent), (date, 4)):
        if text_paragraph is None:
            continue
        p = _normal(doc)
        fmt = p.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.first_line_indent = Pt(0)
        fmt.right_indent = Pt(CHAR * right)
        # 署名 and 成文日期 are one block under the seal (GB/T 9704 7.3.5), never parted.
        fmt.keep_with_next = text_paragraph is paragraph
        _chars(p._p, right=round(right * 100), first_line=0)
        _text(p, text_paragraph)


def _width(text: str) -> float:
    """Width in body characters: ASCII (digits of the date) is half a character wide."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


# --- page, styles, fonts -------------------------------------------------------------------

def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The page number's dash line sits 7 mm below the text block: 35 - 7 mm from the page
    # edge is the top of the footer line, a 四号 line (≈ 5 mm) below that its foot.
    section.footer_distance = Mm(23)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    # 28 characters across 156 mm: each character advances 156 mm / 28 = 15.79 pt, a little
    # less than the 16 pt font; w:charSpace is that difference in 1/4096 pt.
    pitch_pt = TEXT_WIDTH_MM / 25.4 * 72 / CHARS_PER_LINE
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))
    grid.set(qn("w:charSpace"), str(round((pitch_pt - CHAR) * 4096)))


def _set_fonts(rpr, east_asia: str, ascii_font: str | None = None) -> None:
    """Name the font for every script on a w:rPr, dropping theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    ascii_font = ascii_font or east_asia
    fonts.set(qn("w:ascii"), ascii_font)
    fonts.set(qn("w:hAnsi"), ascii_font)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), ascii_font)
    fonts.set(qn("w:hint"), "eastAsia")


def _child(parent, tag: str, first: bool = True):
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        if first:
            parent.insert(0, el)
        else:
            parent.append(el)
    return el


def _lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def _chars(element, *, left: int | None = None, right: int | None = None,
           first_line: int | None = 200, hanging: int | None = None) -> None:
    """Indents of a paragraph's or style's element in hundredths of a character
    (w:firstLineChars…): Word and WPS keep them on the character grid where the point
    values are rounded."""
    ppr = element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    for name, value in (("w:leftChars", left), ("w:rightChars", right),
                        ("w:firstLineChars", first_line), ("w:hangingChars", hanging)):
        if value is not None:
            ind.set(qn(name), str(value))


def _styles(doc) -> None:
    styles = doc.styles
    # Document defaults: what any run without a style falls back to.
    defaults = _child(doc.styles.element, "w:docDefaults")
    rpr_default = _child(defaults, "w:rPrDefault")
    rpr = _child(rpr_default, "w:rPr")
    _set_fonts(rpr, BODY_FONT)
    _lang(rpr)
    # The character grid's pitch is reckoned from the default font size: left at python-docx's
    # 11 pt, every 16 pt character would take two grid cells (14 characters a line).
    for tag in ("w:sz", "w:szCs"):
        _child(rpr, tag, first=False).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))

    normal = styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = BODY_SIZE
    normal.font.bold = False
    _lang(normal.element.get_or_add_rPr())
    # 28 characters of 16 pt are 448 pt, the text block is 442 pt wide: condensing each by
    # 0.25 pt puts 28 on a line in Word, WPS and LibreOffice alike.
    _child(normal.element.get_or_add_rPr(), "w:spacing", first=False).set(qn("w:val"), "-5")
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Pt(CHAR * 2)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    # A page holds exactly 22 lines: widow control would move lines and break the grid.
    fmt.widow_control = False
    _chars(normal.element, first_line=200)
    # Lines are placed by the exact 28.95 pt spacing and characters by their own (condensed)
    # width rather than by snapping to the grid: LibreOffice's grid snapping spreads lines
    # with Latin digits unevenly, and Word gives the same 22 × 28 page either way.
    _snap_to_grid(normal, False)

    title = styles["Title"]
    _reset_style(title, normal)
    _set_fonts(title.element.get_or_add_rPr(), TITLE_FONT)
    title.font.size = TITLE_SIZE
    tfmt = title.paragraph_format
    tfmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tfmt.first_line_indent = Pt(0)
    _chars(title.element, first_line=0)
    _snap_to_grid(title, False)  # a 22 pt character would take two 16 pt grid cells

    for name, font, level in (("Heading 1", H1_FONT, 0), ("Heading 2", H2_FONT, 1),
                              ("Heading 3", BODY_FONT, 2)):
        style = styles[name]
        _reset_style(style, normal)
        _set_fonts(style.element.get_or_add_rPr(), font)
        style.font.size = BODY_SIZE
        hfmt = style.paragraph_format
        hfmt.first_line_indent = Pt(CHAR * 2)
        hfmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        hfmt.keep_with_next = True
        _chars(style.element, first_line=200)
        outline = style.element.get_or_add_pPr().find(qn("w:outlineLvl"))
        if outline is None:
            outline = OxmlElement("w:outlineLvl")
            style.element.get_or_add_pPr().append(outline)
        outline.set(qn("w:val"), str(level))

    footer = styles["Footer"]                           # in python-docx's template
    footer.base_style = normal
    _set_fonts(footer.element.get_or_add_rPr(), PAGE_NUMBER_FONT)
    footer.font.size = PAGE_NUMBER_SIZE
    ffmt = footer.paragraph_format
    ffmt.first_line_indent = Pt(0)
    ffmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _chars(footer.element, first_line=0)
    _snap_to_grid(footer, False)


def _snap_to_grid(style, on: bool) -> None:
    _child(style.element.get_or_add_pPr(), "w:snapToGrid", first=False).set(
        qn("w:val"), "1" if on else "0")


def _reset_style(style, normal) -> None:
    """Drop the default template's look (theme fonts, blue colour, bold, spacing, borders)."""
    style.base_style = normal
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:color", "w:b", "w:bCs", "w:i", "w:iCs", "w:kern", "w:spacing", "w:caps",
                "w:sz", "w:szCs"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:spacing", "w:contextualSpacing"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    style.font.bold = False
    style.font.italic = False
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH


def _font_table(doc) -> None:
    """Declare our fonts, and only ours, with a substitute so a PC without 仿宋_GB2312 shows
    仿宋, not a random fallback (python-docx's template lists ＭＳ 明朝, Cambria…)."""
    part = doc.part.part_related_by(RT.FONT_TABLE)   # python-docx's template has one
    root = etree.fromstring(part.blob)
    for font in root.findall(qn("w:font")):
        if font.get(qn("w:name")) not in SUBSTITUTES:
            root.remove(font)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, substitute in SUBSTITUTES.items():
        if name in known:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), substitute)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")                 # GB2312
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if "仿宋" in name or "楷" in name else "auto")
        pitch = etree.SubElement(font, qn("w:pitch"))
        pitch.set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# The styles the report uses, and the built-in ones Word expects in every document; the rest
# of python-docx's template (blue Heading 4–9, Quote, Intense…, their linked character
# styles) is dropped so that Word and WPS offer only our own.
KEPT_STYLES = {"Normal", "Title", "Heading1", "Heading2", "Heading3", "Footer",
               "DefaultParagraphFont", "TableNormal", "NoList"}
APP_NAME = "教育行政执法台账"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            '2006/docPropsVTypes"><Application>{app}</Application><DocSecurity>0</DocSecurity>'
            '<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>'
            '<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>'
            '</Properties>')


def _clean_package(doc) -> None:
    """What python-docx's default template would otherwise leave in our file: a Japanese
    theme language, a Mac Word app.xml, a blank US-Letter thumbnail, Word 2010's duplicate
    style part, a bibliography custom-XML part and styles we never use."""
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML.format(app=APP_NAME).encode("utf-8")
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype in (STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
            doc.part.rels.pop(rid)
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in KEPT_STYLES:
            styles.remove(style)
            continue
        for link in style.findall(qn("w:link")):
            style.remove(link)


def _page_numbers(doc) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, alignment, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                    (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["Footer"]
        fmt = p.paragraph_format
        fmt.alignment = alignment
        fmt.first_line_indent = Pt(0)
        # 单页码居右空一字，双页码居左空一字 (one 四号 character).
        if side == "right":
            fmt.right_indent = PAGE_NUMBER_SIZE
        else:
            fmt.left_indent = PAGE_NUMBER_SIZE
        p.add_run("— ")
        _field(p, "PAGE")
        p.add_run(" —")
        for run in p.runs:
            _set_fonts(run._r.get_or_add_rPr(), PAGE_NUMBER_FONT)
            run.font.size = PAGE_NUMBER_SIZE


def _field(p, instruction: str) -> None:
    """A Word field (begin / instruction / separate / cached result / end)."""
    def fld(kind):
        run = p.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
        return run

    fld("begin")
    run = p.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld("separate")
    p.add_run("1")
    fld("end")

