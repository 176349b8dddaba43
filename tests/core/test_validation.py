"""Impossible input is refused with a message naming the field, and nothing is written."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from core.errors import ValidationError
from core.models import (
    Campaign, Inspection, OtherAct, PenaltyCase, Staff, Training, Unit, yuan_to_cents,
)
from core.parsing import parse_date, parse_decimal, parse_int, parse_list
from core.records import delete, restore, save

D = dt.date


def penalty(**kw):
    fields = dict(decision_no="示教罚〔2025〕1号", party="博学培训", party_type="法人或其他组织",
                  procedure="普通程序", kinds="罚款", fine_cents=yuan_to_cents(5000),
                  decided_on=D(2025, 5, 6))
    fields.update(kw)
    return PenaltyCase(**fields)


def refused(session, record, field):
    with pytest.raises(ValidationError) as err:
        save(session, record)
    assert f"「{field}」" in str(err.value), str(err.value)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(type(record))) == 0
    return str(err.value)


def test_a_fine_on_a_case_without_the_fine_category_is_refused(session):
    msg = refused(session, penalty(kinds="警告"), "罚款金额")
    assert "没有“罚款”" in msg


@pytest.mark.parametrize("party_type, fine, ok", [
    ("公民", 200, True), ("公民", 201, False),
    ("法人或其他组织", 3000, True), ("法人或其他组织", 3000.01, False)])
def test_simple_procedure_only_within_article_51_limits(session, party_type, fine, ok):
    case = penalty(procedure="简易程序", party_type=party_type, fine_cents=yuan_to_cents(fine))
    if ok:
        assert save(session, case).id
    else:
        assert "第五十一条" in refused(session, case, "程序")


def test_simple_procedure_cannot_confiscate_or_close(session):
    refused(session, penalty(procedure="简易程序", kinds="责令停产停业", fine_cents=0), "程序")


def test_missing_required_fields_are_named(session):
    refused(session, penalty(decision_no=""), "决定书文号")
    refused(session, Training(date=D(2025, 1, 1), topic="", form="自学", hours=2), "主题")
    refused(session, Inspection(date=D(2025, 1, 1), category="日常检查", method="其他",
                                result="合格"), "检查对象")


def test_end_before_start_is_refused(session):
    refused(session, Campaign(name="寒假治理", start_date=D(2025, 2, 1), end_date=D(2025, 1, 1)),
            "结束日期")
    refused(session, penalty(filed_on=D(2025, 6, 1), decided_on=D(2025, 5, 1)), "决定日期")
    refused(session, Staff(name="甲", certificate_no="1", certificate_issued=D(2025, 1, 1),
                           certificate_expires=D(2024, 1, 1)), "有效期至")


def test_negative_counts_and_amounts_are_refused(session):
    refused(session, OtherAct(year=2025, category="行政许可", item="教师资格认定", applied=-1),
            "申请数")
    refused(session, Campaign(name="寒假治理", start_date=D(2025, 1, 1), personnel=-3), "出动人次")
    refused(session, penalty(fine_cents=-100), "罚款金额")


def test_more_passed_than_sat_the_exam_is_refused(session):
    refused(session, Training(date=D(2025, 1, 1), topic="考试", form="执法资格培训考试", hours=2,
                              exam_takers=3, exam_passed=4), "通过人数")


def test_unknown_vocabulary_lists_the_choices(session):
    msg = refused(session, Unit(name="某校", unit_type="大学"), "类型")
    assert "校外培训机构" in msg


def test_decision_numbers_are_unique_among_live_cases(session):
    first = save(session, penalty())
    refused_msg = None
    with pytest.raises(ValidationError) as err:
        save(session, penalty())
    refused_msg = str(err.value)
    assert "已存在" in refused_msg
    session.rollback()
    first = session.get(PenaltyCase, first.id) or save(session, penalty())
    delete(session, first)
    assert save(session, penalty()).id          # the deleted one no longer blocks it
    with pytest.raises(ValidationError):
        restore(session, first)                  # and cannot come back over the new one


def test_a_unit_still_inspected_cannot_be_deleted(session):
    unit = save(session, Unit(name="一中", unit_type="公办中小学"))
    save(session, Inspection(date=D(2025, 1, 2), unit=unit, unit_id=unit.id, category="日常检查",
                             method="其他", result="合格"))
    with pytest.raises(ValidationError, match="仍被"):
        delete(session, unit)


def test_enterprise_is_derived_from_the_unit_type(session):
    assert save(session, Unit(name="博学", unit_type="校外培训机构")).is_enterprise
    assert not save(session, Unit(name="一中", unit_type="公办中小学")).is_enterprise


@pytest.mark.parametrize("text", ["2025/3/5", "2025-03-05", "2025年3月5日", "２０２５年３月５日",
                                  "2025.3.5", 45721, dt.datetime(2025, 3, 5, 0, 0)])
def test_dates_are_read_in_the_forms_clerks_write(text):
    assert parse_date(text, "检查日期") == D(2025, 3, 5)


@pytest.mark.parametrize("text", ["2025-02-30", "三月五日", "2025/13/1", "昨天"])
def test_unparseable_dates_name_the_field(text):
    with pytest.raises(ValidationError, match="「检查日期」"):
        parse_date(text, "检查日期")


def test_numbers_stored_as_text_and_full_width_digits():
    assert parse_int("１２", "出动人次") == 12
    assert parse_int(" 7 ", "出动人次") == 7
    assert parse_decimal("3,000.50元", "罚款金额") == parse_decimal(3000.5, "罚款金额")
    with pytest.raises(ValidationError, match="不能为负数"):
        parse_decimal("-5", "罚款金额")
    with pytest.raises(ValidationError, match="整数"):
        parse_int("2.5", "出动人次")


def test_lists_inside_a_cell_accept_every_separator():
    assert parse_list("区消防救援支队、区市场监管局，区人社局,区卫健委;区民政局；公安分局") == [
        "区消防救援支队", "区市场监管局", "区人社局", "区卫健委", "区民政局", "公安分局"]


def test_changing_a_units_type_changes_whether_it_is_an_enterprise(session):
    unit = save(session, Unit(name="启明学校", unit_type="公办中小学"))
    unit.unit_type = "民办学校"
    assert save(session, unit).is_enterprise


@pytest.mark.parametrize("text", ["inf", "-Infinity", "NaN", "9e999999999", "1e15"])
def test_absurd_numbers_are_refused_by_name_not_hung_on(text):
    from core.parsing import parse_decimal, parse_int

    for parse in (parse_int, parse_decimal):
        with pytest.raises(ValidationError, match="出动人次"):
            parse(text, "出动人次")


def test_the_form_is_told_when_a_unit_was_already_inspected_that_day(session):
    """Log an inspection of 一中 on 3 March; a second entry for 一中 that day is warned of
    (it would count once), another day or the record itself is not."""
    import datetime as dt

    from core.models import Inspection, Staff, Unit
    from core.records import inspections_same_day

    a = save(session, Staff(name="甲"))
    unit = save(session, Unit(name="一中", unit_type="公办中小学"))
    first = save(session, Inspection(date=dt.date(2025, 3, 3), unit=unit, unit_id=unit.id,
                                     category="日常检查", method="其他", result="合格",
                                     inspectors=[a]))
    assert inspections_same_day(session, "一中", dt.date(2025, 3, 3)) == 1
    assert inspections_same_day(session, "一中", dt.date(2025, 3, 3), exclude_id=first.id) == 0
    assert inspections_same_day(session, "一中", dt.date(2025, 3, 4)) == 0
    delete(session, first)
    assert inspections_same_day(session, "一中", dt.date(2025, 3, 3)) == 0
