"""What a cell says is what is imported, or the row is refused naming the cell: no date read
with the wrong calendar, no 「1,2」 read as 12, no amount rounded without a word, no Excel
escape or invisible character carried into the ledger and the report."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from core.errors import ValidationError
from core.ledger_io.importer import plan_import
from core.models import Inspection, PenaltyCase, Unit
from core.parsing import parse_decimal, parse_int, parse_money

from .conftest import D

INSPECTION_HEADER = ["检查日期", "检查对象", "对象类型", "检查类别", "检查方式", "检查结果", "出动人次", "备注"]


def _inspection(day, note=None, unit="示例一中", personnel=2):
    return [day, unit, "公办中小学", "日常检查", "其他", "合格", personnel, note]


def test_a_mac_workbook_in_the_1904_date_system_gives_the_dates_it_shows(store, tmp_path):
    """44259 typed as a plain number in a 1904 workbook is the day Excel shows there,
    2025-03-05; read with the 1900 calendar it was 2021-03-04, in another year's figures."""
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "行政检查"
    ws.append(INSPECTION_HEADER)
    ws.append(_inspection(44259))                     # a number, as a pasted serial date
    ws.append(_inspection(dt.date(2025, 3, 6)))       # a cell formatted as a date
    wb.save(tmp_path / "mac.xlsx")
    with store.session() as s:
        plan = plan_import(s, tmp_path / "mac.xlsx")
    with store.session() as s:
        plan.commit(s)
        days = sorted(i.date for i in s.query(Inspection))
    assert days == [D(2025, 3, 5), D(2025, 3, 6)]


def test_the_same_number_in_a_windows_workbook_is_the_1900_day(store, workbook):
    path = workbook({"行政检查": [INSPECTION_HEADER, _inspection(45721)]})
    with store.session() as s:
        plan_import(s, path).commit(s)
        assert s.query(Inspection).one().date == D(2025, 3, 5)


@pytest.mark.parametrize("typed", ["1,2", "1_2", "1,0.5", "12,34", "1,2345", "1e3", "1 000"])
def test_a_number_that_could_mean_two_things_is_refused(typed):
    with pytest.raises(ValidationError, match="「出动人次」「" + typed):
        parse_int(typed, "出动人次")
    with pytest.raises(ValidationError, match="「学时」"):
        parse_decimal(typed, "学时")


@pytest.mark.parametrize("typed, meant", [("1,000", 1000), ("12,345,678", 12345678),
                                          ("１，２３４", 1234), ("3", 3), ("+5", 5)])
def test_thousands_in_groups_of_three_are_accepted(typed, meant):
    assert parse_int(typed, "出动人次") == meant


@pytest.mark.parametrize("typed", ["1000.005", "1000.999", 1000.005, "0.001元"])
def test_an_amount_with_more_than_two_decimals_is_refused_not_rounded(typed):
    with pytest.raises(ValidationError, match="「罚款金额」.*两位小数"):
        parse_money(typed, "罚款金额")


def test_amounts_the_clerk_and_excel_write_are_kept_to_the_fen():
    from decimal import Decimal
    assert parse_money("1,000.50元", "罚款金额") == Decimal("1000.50")
    assert parse_money(0.1 + 0.2, "罚款金额") == Decimal("0.30")     # Excel's own sum
    assert parse_money("200", "罚款金额") == Decimal(200)


def test_a_penalty_row_with_a_third_decimal_is_refused_naming_the_cell(store, workbook):
    path = workbook({"行政处罚": [
        ["决定书文号", "当事人", "当事人类型", "程序", "处罚种类", "罚款金额", "决定日期"],
        ["示教罚〔2025〕1号", "启航培训学校", "法人", "普通程序", "罚款", "1000.005", "2025-05-01"],
        ["示教罚〔2025〕2号", "启航培训学校", "法人", "普通程序", "罚款", "1,2", "2025-05-02"],
        ["示教罚〔2025〕3号", "启航培训学校", "法人", "普通程序", "罚款", "1,000.50", "2025-05-03"]]})
    with store.session() as s:
        plan = plan_import(s, path)
    reasons = {r.row: r.reason for r in plan.sheets[0].rejected}
    assert set(reasons) == {2, 3}
    assert "「罚款金额」「1000.005」超过两位小数" in reasons[2] and "单元格 F2" in reasons[2]
    assert "千位分隔符" in reasons[3] and "单元格 F3" in reasons[3]
    with store.session() as s:
        plan.commit(s)
        assert s.query(PenaltyCase).one().fine_cents == 100050


def test_excel_escapes_and_invisible_characters_do_not_reach_the_ledger(store, workbook):
    """Excel writes a carriage return as _x000D_; a name pasted from a chat program carries a
    zero-width space or a right-to-left override: 「示例\u200b一中」 was a second unit."""
    with store.session() as s:
        s.add(Unit(name="示例一中", unit_type="公办中小学"))
    path = workbook({"行政检查": [
        INSPECTION_HEADER,
        _inspection(D(2025, 3, 5), "第一行_x000D_\n第二行", unit="示例\u200b一中"),
        _inspection(D(2025, 3, 6), "编号_x005F_x000D_照录", unit="\u202e示例一中\u200d"),
        _inspection(D(2025, 3, 7), "\ufeff无异常", personnel="\u200b3")]})
    with store.session() as s:
        plan = plan_import(s, path)
    assert plan.rejected == 0 and plan.created_units == []
    with store.session() as s:
        plan.commit(s)
        notes = [i.note for i in s.query(Inspection).order_by(Inspection.date)]
        assert s.query(Unit).count() == 1
        assert s.query(Inspection).filter_by(date=D(2025, 3, 7)).one().personnel == 3
    assert notes == ["第一行\n第二行", "编号_x000D_照录", "无异常"]


def test_every_character_the_import_takes_out_is_one_it_cannot_print():
    """The import reads a printable cell as it is (core.ledger_io.importer._text_of's fast
    path): that holds only while every character that clean_text or strip_invisible would
    remove (control, zero-width, bidi…) is one str.isprintable() refuses. Checked over all
    of Unicode, so that a character added to either list cannot slip past the fast path."""
    from core.parsing import strip_invisible
    from core.text import clean_text
    kept_though_removed = [f"U+{ord(c):04X}" for c in map(chr, range(0x110000))
                           if c.isprintable() and strip_invisible(clean_text(c)) != c]
    assert kept_though_removed == []
