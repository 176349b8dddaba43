"""月度统计: inspections and penalties by month, beside the previous year's, with two native
Excel charts, one for inspections and one for penalties, each with the year's and the
previous year's bars side by side (counts are bars; two scales as different as 90
inspections and 4 penalties do not share one axis).

Values come from the `inspection.month.MM` and `penalty.month.MM` figures; the 全年 row is
`inspection.total` / `penalty.total`, not a sum made here.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties, Font, Paragraph, ParagraphProperties, RegularTextRun,
)

from core.annex.layout import BODY_FONT, Grid
from core.figures import NO_VALUE, AnnualFigures

HEAD_ROWS = 6            # 附件, title, table title, subtitle, group header, year header
FIRST_MONTH_ROW = HEAD_ROWS + 1
TOTAL_ROW = FIRST_MONTH_ROW + 12
COLUMNS = 7
# The charts stand to the right of the table, one above the other, so that table and
# charts print on one page.
CHART_ANCHORS = ("I5", "I15")
LAST_COL = "P"
PRINT_AREA = f"A1:{LAST_COL}{TOTAL_ROW + 4}"
TITLE_ROWS = f"3:{HEAD_ROWS}"
FREEZE = f"B{FIRST_MONTH_ROW}"


def monthly_grid(figs: AnnualFigures, head) -> Grid:
    year = figs.year
    bureau = head.bureau
    g = Grid(title_rows=HEAD_ROWS)
    g.add([("附件", "attachment", None)], height=20)
    g.add([(head.annex_title, "title", None)], height=28)
    number = f"表{head.number}　" if head.number else ""
    g.add([(f"{number}行政检查、行政处罚月度统计表", "table_title", None)], height=22)
    g.add([(f"填报单位：{bureau}    统计期间：{year}年1月至12月    计量单位：次、件",
            "subtitle", None)], height=20)
    blank = (None, "head", None)   # covered by a merge; styled so its borders print
    g.add([("月份", "head", None), ("行政检查（次）", "head", None), blank, blank,
           ("行政处罚（件）", "head", None), blank, blank], height=20)
    years = [(f"{year}年", "head", None), (f"{year - 1}年", "head", None),
             ("同比增减", "head", None)]
    g.add([blank, *years, *years], height=20)
    for row in range(1, 5):
        g.merge_row(row, 1, 16)            # the heading spans the table and the charts
    g.merge_row(5, 2, 4)
    g.merge_row(5, 5, 7)
    g.merges.append("A5:A6")

    def cells(key):
        f = figs.figure(key)
        return [(v, "value", "percent" if i == 2 else "int") if v is not None
                else (NO_VALUE, "value", None)
                for i, v in enumerate((f.value, f.previous, f.change_pct))]

    for m in range(1, 13):
        g.add([(f"{m}月", "label", None), *cells(f"inspection.month.{m:02d}"),
               *cells(f"penalty.month.{m:02d}")], height=18)
    g.add([("全年", "head", None), *cells("inspection.total"), *cells("penalty.total")],
          height=18)
    for col in range(1, COLUMNS + 1):
        g.widths[col] = 7.0 if col == 1 else 9.5
    g.widths[COLUMNS + 1] = 2.0    # a narrow gap before the charts
    for col in range(COLUMNS + 2, 17):
        g.widths[col] = 9.2
    return g


def _chars(size_pt: int, bold: bool = False) -> CharacterProperties:
    face = Font(typeface=BODY_FONT)
    return CharacterProperties(latin=face, ea=face, sz=size_pt * 100, b=bold)


def _text(size_pt: int) -> RichText:
    """The chart's own text (axes, legend) in the workbook's one font."""
    chars = _chars(size_pt)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=chars), endParaRPr=chars)])


def _title(text: str) -> Title:
    chars = _chars(11, bold=True)
    rich = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=chars),
                                 r=[RegularTextRun(rPr=chars, t=text)])])
    return Title(tx=Text(rich=rich), overlay=False)


def add_chart(ws, figs: AnnualFigures) -> None:
    """Two clustered bar charts: inspections by month, penalties by month, each with the
    year and (when the ledger has it) the previous year."""
    year = figs.year
    months = Reference(ws, min_col=1, min_row=FIRST_MONTH_ROW, max_row=TOTAL_ROW - 1)

    def series(col: int, title: str) -> Series:
        return Series(Reference(ws, min_col=col, min_row=FIRST_MONTH_ROW, max_row=TOTAL_ROW - 1),
                      title=title)

    for first_col, what, unit, anchor in ((2, "行政检查", "次", CHART_ANCHORS[0]),
                                          (5, "行政处罚", "件", CHART_ANCHORS[1])):
        bars = BarChart()
        bars.type, bars.grouping = "col", "clustered"
        bars.title = _title(f"各月{what}（{unit}）")
        bars.x_axis.txPr = _text(10)
        bars.y_axis.txPr = _text(10)
        bars.series.append(series(first_col, f"{year}年"))
        if figs.has_previous:
            bars.series.append(series(first_col + 1, f"{year - 1}年"))
        bars.set_categories(months)
        # openpyxl 3.1 marks axes as deleted unless told otherwise: Excel would show no scale.
        for axis in (bars.x_axis, bars.y_axis):
            axis.delete = False
        bars.y_axis.scaling.min = 0
        bars.y_axis.number_format = "0"
        bars.y_axis.majorUnit = None
        bars.legend.position = "b"
        bars.legend.txPr = _text(10)
        bars.width, bars.height = 13.5, 5.5    # cm: two of them as tall as the table
        ws.add_chart(bars, anchor)
