"""月度统计: inspections and penalties by month, beside the previous year's, with a native
Excel chart (bars for inspections, a line for penalties on a second axis).

Values come from the `inspection.month.MM` and `penalty.month.MM` figures; the 全年 row is
`inspection.total` / `penalty.total`, not a sum made here.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference, Series

from core.annex.layout import Grid
from core.figures import NO_VALUE, AnnualFigures

HEAD_ROWS = 4            # title, subtitle, group header, year header
FIRST_MONTH_ROW = HEAD_ROWS + 1
TOTAL_ROW = FIRST_MONTH_ROW + 12
COLUMNS = 7
# The chart stands to the right of the table, so that table and chart print on one page.
CHART_ANCHOR = "I3"
PRINT_AREA = f"A1:Q{TOTAL_ROW + 3}"


def monthly_grid(figs: AnnualFigures, bureau: str) -> Grid:
    year = figs.year
    g = Grid()
    g.add([(f"{bureau}{year}年度行政检查、行政处罚月度统计表", "title", None)], height=30)
    g.add([(f"填报单位：{bureau}    统计期间：{year}年1月至12月    计量单位：次、件",
            "subtitle", None)], height=20)
    blank = (None, "head", None)   # covered by a merge; styled so its borders print
    g.add([("月份", "head", None), ("行政检查（次）", "head", None), blank, blank,
           ("行政处罚（件）", "head", None), blank, blank], height=20)
    years = [(f"{year}年", "head", None), (f"{year - 1}年", "head", None),
             ("同比增减（%）", "head", None)]
    g.add([blank, *years, *years], height=20)
    g.merge_row(1, 1, COLUMNS)
    g.merge_row(2, 1, COLUMNS)
    g.merge_row(3, 2, 4)
    g.merge_row(3, 5, 7)
    g.merges.append("A3:A4")

    def cells(key):
        f = figs.figure(key)
        return [(v, "value", "change" if i == 2 else "int") if v is not None
                else (NO_VALUE, "value", None)
                for i, v in enumerate((f.value, f.previous, f.change_pct))]

    for m in range(1, 13):
        g.add([(f"{m}月", "label", None), *cells(f"inspection.month.{m:02d}"),
               *cells(f"penalty.month.{m:02d}")])
    g.add([("全年", "head", None), *cells("inspection.total"), *cells("penalty.total")])
    for col in range(1, COLUMNS + 1):
        g.widths[col] = 9.0 if col == 1 else 13.0
    g.widths[COLUMNS + 1] = 3.0    # a narrow gap before the chart
    return g


def add_chart(ws, figs: AnnualFigures) -> None:
    year = figs.year
    months = Reference(ws, min_col=1, min_row=FIRST_MONTH_ROW, max_row=TOTAL_ROW - 1)

    def series(col: int, title: str) -> Series:
        return Series(Reference(ws, min_col=col, min_row=FIRST_MONTH_ROW, max_row=TOTAL_ROW - 1),
                      title=title)

    bars = BarChart()
    bars.type, bars.grouping = "col", "clustered"
    bars.title = f"{year}年各月行政检查与行政处罚"
    bars.series.append(series(2, f"{year}年行政检查（次）"))
    if figs.has_previous:
        bars.series.append(series(3, f"{year - 1}年行政检查（次）"))
    bars.set_categories(months)
    bars.y_axis.title = "行政检查（次）"

    line = LineChart()
    penalties = series(5, f"{year}年行政处罚（件）")
    penalties.smooth = False              # counts, not a curve
    penalties.marker.symbol = "circle"
    line.series.append(penalties)
    line.set_categories(months)
    line.y_axis.axId = 200
    line.y_axis.title = "行政处罚（件）"
    line.y_axis.crosses = "max"          # the penalty axis on the right
    line.y_axis.majorGridlines = None
    # openpyxl 3.1 marks axes as deleted unless told otherwise: Excel would show no scale.
    for axis in (bars.x_axis, bars.y_axis, line.y_axis):
        axis.delete = False
    for axis in (bars.y_axis, line.y_axis):
        axis.scaling.min = 0
        axis.number_format = "0"
    bars += line
    bars.legend.position = "b"
    bars.width, bars.height = 16.0, 9.5   # cm: about as tall as the table beside it
    ws.add_chart(bars, CHART_ANCHOR)
