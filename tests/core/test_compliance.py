"""Compliance problems are saved as they happened, and `check` names each one."""

import datetime as dt

from core.compliance import check_year
from core.models import Inspection, PenaltyCase, Staff, Training, Unit
from core.records import save, set_profile

D = dt.date
LATER = D(2026, 3, 1)


def staff(session, name, expires=D(2030, 1, 1)):
    return save(session, Staff(name=name, certificate_no=f"N{name}", certificate_issued=D(2020, 1, 1),
                               certificate_expires=expires))


def inspect(session, unit, day, inspectors, published=None):
    return save(session, Inspection(date=day, unit=unit, unit_id=unit.id, category="日常检查",
                                    method="其他", result="合格", inspectors=inspectors,
                                    published_on=published or day))


YEAR_REMINDERS = ("narrative.", "plan.missing", "power.missing")


def rules(session, year=2025):
    """The record rules flagged; the report-text reminders and the year's missing 检查计划 and
    权责清单 are tested on their own (tests/core/test_inspection_rules_2025.py)."""
    return [f.rule for f in check_year(session, year, today=LATER)
            if not f.rule.startswith(YEAR_REMINDERS)]


def test_one_inspector_is_saved_but_flagged(session):
    unit = save(session, Unit(name="一中", unit_type="公办中小学"))
    insp = inspect(session, unit, D(2025, 4, 1), [staff(session, "甲")])
    assert insp.id
    flags = check_year(session, 2025, today=LATER)
    assert [f.rule for f in flags].count("inspection.inspectors") == 1
    assert "一中" in flags[0].record and flags[0].record_id == insp.id


def test_an_expired_certificate_on_the_inspection_day_is_flagged(session):
    unit = save(session, Unit(name="一中", unit_type="公办中小学"))
    a, b = staff(session, "甲"), staff(session, "乙", expires=D(2025, 6, 30))
    inspect(session, unit, D(2025, 6, 30), [a, b])     # last valid day
    inspect(session, unit, D(2025, 7, 1), [a, b])
    flags = [f for f in check_year(session, 2025, today=LATER) if f.rule == "inspection.certificate"]
    assert len(flags) == 1 and "2025-07-01" in flags[0].record and "乙" in flags[0].message


def test_a_certificate_issued_or_cancelled_within_the_year_is_checked_day_by_day(session):
    """The check reads only staff whose certificate is not valid all year: these edge days
    prove it still judges each inspection day, on both sides of each date."""
    unit = save(session, Unit(name="一中", unit_type="公办中小学"))
    always = staff(session, "甲")
    new = save(session, Staff(name="乙", certificate_no="N乙", certificate_issued=D(2025, 6, 1)))
    left = save(session, Staff(name="丙", certificate_no="N丙", certificate_issued=D(2020, 1, 1),
                               status="注销", cancelled_on=D(2025, 9, 1)))
    for day in (D(2025, 5, 31), D(2025, 6, 1)):
        inspect(session, unit, day, [always, new])
    for day in (D(2025, 8, 31), D(2025, 9, 1)):
        inspect(session, unit, day, [always, left])
    flags = [f for f in check_year(session, 2025, today=LATER)
             if f.rule in ("inspection.certificate", "inspection.staff_cancelled")]
    # On and after the 注销 day the flag says so (its own rule), once, not also 无有效执法证.
    assert [(f.rule, f.record[5:15], f.message[0]) for f in flags] == [
        ("inspection.certificate", "2025-05-31", "乙"),
        ("inspection.staff_cancelled", "2025-09-01", "丙")]


def test_late_or_missing_publication_of_inspection_results(session):
    unit = save(session, Unit(name="一中", unit_type="公办中小学"))
    people = [staff(session, "甲"), staff(session, "乙")]
    inspect(session, unit, D(2025, 3, 3), people, published=D(2025, 3, 31))   # 20th working day
    inspect(session, unit, D(2025, 3, 4), people, published=D(2025, 4, 30))   # late
    late = save(session, Inspection(date=D(2025, 3, 5), unit=unit, unit_id=unit.id,
                                    category="日常检查", method="其他", result="合格",
                                    inspectors=people))                          # never published
    flags = [f for f in check_year(session, 2025, today=LATER) if f.rule == "inspection.publication"]
    assert len(flags) == 2
    assert any("尚未公示" in f.message and f.record_id == late.id for f in flags)


def test_ordinary_procedure_without_legal_review(session):
    save(session, PenaltyCase(decision_no="罚1", party="博学", party_type="法人或其他组织",
                              procedure="普通程序", kinds="责令停产停业", decided_on=D(2025, 5, 6),
                              published_on=D(2025, 5, 7)))
    assert rules(session) == ["penalty.legal_review"]


def test_staff_under_60_hours(session):
    a, b = staff(session, "甲"), staff(session, "乙")
    save(session, Training(date=D(2025, 3, 1), topic="培训", form="集中培训", hours=60,
                           participants=[a, b]))
    save(session, Training(date=D(2025, 4, 1), topic="补课", form="自学", hours=0.5,
                           participants=[a]))
    flags = [f for f in check_year(session, 2025, today=LATER) if f.rule == "staff.training_hours"]
    assert flags == []
    save(session, Staff(name="丙", certificate_no="N丙", certificate_issued=D(2021, 1, 1)))
    flags = [f for f in check_year(session, 2025, today=LATER) if f.rule == "staff.training_hours"]
    assert [f.record for f in flags] == ["执法人员「丙」"]


def test_an_enterprise_inspected_more_often_than_the_cap(session):
    set_profile(session, full_name="示例区教育局", enterprise_inspection_cap=2)
    people = [staff(session, "甲"), staff(session, "乙")]
    tutor = save(session, Unit(name="博学培训", unit_type="校外培训机构"))
    school = save(session, Unit(name="一中", unit_type="公办中小学"))
    for day in (D(2025, 3, 3), D(2025, 5, 5), D(2025, 5, 5)):   # the same day counts once
        inspect(session, tutor, day, people)
    for day in (D(2025, 3, 3), D(2025, 4, 4), D(2025, 5, 5)):   # public schools: no cap
        inspect(session, school, day, people)
    assert "enterprise.cap" not in rules(session)
    inspect(session, tutor, D(2025, 9, 9), people)
    flags = [f for f in check_year(session, 2025, today=LATER) if f.rule == "enterprise.cap"]
    assert len(flags) == 1 and "3 次" in flags[0].message and "博学培训" in flags[0].record
