"""One way to print a figure (core.figure_format), used by the report, the annex and the
overview: the overview's title says its numbers are the report's, so 罚没金额 is 「94800元」 in
all three (the overview showed 「94,800.00」 and the annex 94,800.00)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.annex.layout import FORMATS
from core.figure_format import FIGURE_FORMATS, figure_format, figure_number, figure_text
from core.report import build_content

from .test_tables import EXPECTED


@pytest.mark.parametrize("value, text, fmt", [
    (674, "674", "whole"), (0, "0", "whole"),
    (Decimal("94800.00"), "94800", "whole"), (Decimal("94800.50"), "94800.50", "cents"),
    (71.43, "71.4", "tenths"), (95.0, "95", "whole"), (28.6, "28.6", "tenths"),
    (1234567, "1234567", "whole"),          # no thousands separator, as the reports write
])
def test_a_figure_is_printed_as_the_published_reports_write_it(value, text, fmt):
    assert figure_number(value) == text
    assert figure_format(value) == fmt
    assert shown_by_excel(value, FIGURE_FORMATS[fmt]) == text


def test_no_value_and_lists():
    assert figure_text(None, "%") == "—"
    assert figure_text(["区市场监管局", "区消防救援支队"]) == "区市场监管局、区消防救援支队"
    assert figure_text(Decimal("94800.00"), "元") == "94800元"


def shown_by_excel(value, number_format: str) -> str:
    """The text Excel or WPS shows for a number under the formats a figure's cell uses."""
    decimals = {"0": 0, "0.0": 1, "0.00": 2}[number_format]
    return f"{float(value):.{decimals}f}"


def test_the_report_the_annex_and_the_overview_print_each_figure_alike(demo_annex, demo_store):
    from gui.overview import KEY_FIGURES, format_value

    annex, figs = demo_annex
    with demo_store.read_session() as s:
        content, _figs = build_content(s, 2025)
    report = "\n".join(p.text for p in content.paragraphs)
    cells = {}
    for sheet, blocks in EXPECTED.items():
        ws = annex[sheet]
        header_rows = [r for r in ws.iter_rows() if r[0].value == "年度"]
        for header_row, expected in zip(header_rows, blocks):
            year_row = next(r for r in ws.iter_rows(min_row=header_row[0].row + 1,
                                                     max_row=header_row[0].row + 3)
                            if r[0].value == "2025年")
            for h, c in zip(header_row, year_row):
                key = expected.get(str(h.value or "").replace("\n", ""))
                if key:
                    cells[key] = c
    compared = 0
    for key, cell in cells.items():
        fig = figs.figure(key)
        if not isinstance(fig.value, (int, float, Decimal)):
            continue
        assert shown_by_excel(cell.value, cell.number_format) == figure_number(fig.value), key
        compared += 1
    assert compared > 60
    amount = figs.figure("penalty.amount")
    assert amount.value == Decimal("94800.00")          # hand count: 82000 fine + 12800
    assert shown_by_excel(cells["penalty.amount"].value, cells["penalty.amount"].number_format) \
        == "94800"
    assert "罚没金额共计94800元" in report
    assert format_value(amount.value, amount.unit) == "94800元"
    for key in KEY_FIGURES:
        fig = figs.figure(key)
        assert format_value(fig.value, fig.unit) == figure_text(fig.value, fig.unit)
        if key in cells:
            assert format_value(fig.value, fig.unit).startswith(
                shown_by_excel(cells[key].value, cells[key].number_format)), key
    assert all(FORMATS[k] == v for k, v in FIGURE_FORMATS.items())


def test_the_annex_quotes_the_rule_notes_the_figures_carry(demo_annex, demo_store):
    """The 说明 sheet and the tables' 注 quote Figure.note instead of typing the rule again, so
    a rule changed in core.figures reads the same in the annex."""
    import dataclasses

    from core.annex.notes import figure_notes, rules
    from core.annex.tables import SheetHead, staff_sheet

    annex, figs = demo_annex
    explained = annex.texts("说明")
    tables = annex.texts("执法人员持证情况") + annex.texts("学法培训情况") + annex.texts("行政处罚实施情况")
    for key in ("penalty.amount", "staff.certified_rate", "training.avg_hours"):
        note = figs.figure(key).note
        assert note and note in explained and note in tables, key
    notes = {**figure_notes(figs), "staff.certified_rate": "甲 ÷ 乙"}
    assert "持证率 = 甲 ÷ 乙" in dict(rules(2025, "示例区教育局", True, notes))["执法人员"]
    figs.figures["staff.certified_rate"] = dataclasses.replace(
        figs.figures["staff.certified_rate"], note="甲 ÷ 乙")
    grid = staff_sheet(figs, SheetHead("示例区教育局", "2025年度行政执法数据统计表", 8))
    assert any("持证率 = 甲 ÷ 乙" in str(cell[0]) for row in grid.rows if row for cell in row)
