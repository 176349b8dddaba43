"""One number limit for every entry path (core.limits): validation refuses a count, an
amount or a figure beyond it with the field's name, whether it came from a form, the import
or the CLI (before, the import stopped at 10⁹ and the forms at 10¹⁵)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import ValidationError
from core.ledger_io.importer import plan_import
from core.limits import MAX_COUNT, MAX_MONEY_CENTS, MAX_MONEY_YUAN, MAX_NUMBER, limit_of
from core.models import CustomFigure, Inspection, PenaltyCase, Unit
from core.records import save

from tests.ledger_io.conftest import write_workbook

D = dt.date


def inspection(session, personnel: int) -> Inspection:
    unit = session.query(Unit).first() or save(session, Unit(name="示例一中", unit_type="公办中小学"))
    return Inspection(date=D(2025, 3, 5), unit=unit, unit_id=unit.id, category="日常检查",
                      method="其他", result="合格", personnel=personnel)


def test_a_count_at_the_limit_is_saved_and_one_more_is_refused_naming_the_field(session):
    assert save(session, inspection(session, MAX_COUNT)).id
    with pytest.raises(ValidationError) as err:
        save(session, inspection(session, MAX_COUNT + 1))
    assert "「出动人次」" in str(err.value) and "过大" in str(err.value)
    assert err.value.field == "出动人次"


def test_money_is_limited_in_yuan_and_the_message_says_yuan(session):
    case = dict(decision_no="示教罚〔2025〕1号", party="博学培训", party_type="法人或其他组织",
                procedure="普通程序", kinds="罚款", decided_on=D(2025, 5, 6))
    assert save(session, PenaltyCase(fine_cents=MAX_MONEY_CENTS, **case)).id
    with pytest.raises(ValidationError) as err:
        save(session, PenaltyCase(fine_cents=MAX_MONEY_CENTS + 1, **case))
    assert "「罚款金额」" in str(err.value)
    assert f"{MAX_MONEY_YUAN:,} 元" in str(err.value)


def test_a_figure_with_decimals_has_its_own_limit(session):
    figure = dict(year=2025, name="学生转学", unit="人次")
    assert save(session, CustomFigure(value=float(MAX_NUMBER), **figure)).id
    with pytest.raises(ValidationError, match="「数值」"):
        save(session, CustomFigure(value=float(MAX_NUMBER) * 10, **figure))


def test_every_limit_fits_the_servers_32_bit_integer_columns():
    """PostgreSQL's INTEGER stops at 2**31 - 1: a bigger count or amount in 分 failed the save
    with a driver error (SQLite's integers are 64-bit and hid it)."""
    assert MAX_COUNT < 2**31 and MAX_MONEY_CENTS < 2**31


def test_keys_years_and_months_are_not_counts():
    table = Inspection.__table__.c
    assert limit_of(table["id"]) is None and limit_of(table["unit_id"]) is None
    assert limit_of(table["personnel"]) == MAX_COUNT
    assert limit_of(PenaltyCase.__table__.c["fine_cents"]) == MAX_MONEY_CENTS
    assert limit_of(CustomFigure.__table__.c["year"]) is None


def test_the_import_refuses_what_a_form_refuses(session, tmp_path):
    header = ["检查日期", "检查对象", "对象类型", "检查类别", "检查方式", "检查结果", "出动人次"]
    row = [D(2025, 3, 5), "示例一中", "公办中小学", "日常检查", "其他", "合格"]
    path = write_workbook(tmp_path / "台账.xlsx", {"行政检查": [
        header, row + [MAX_COUNT], row + [MAX_COUNT + 1]]})
    sheet = next(s for s in plan_import(session, path).sheets if s.kind == "行政检查")
    assert sheet.imported == 1
    assert [r.row for r in sheet.rejected] == [3]
    assert "出动人次" in sheet.rejected[0].reason
