"""Figures against a ledger counted by hand, including the edge cases of the counting rules."""

import datetime as dt
from decimal import Decimal

import pytest

from core.figures import annual_figures, figure_sources
from core.models import Inspection, PenaltyCase, Staff, Training, Unit, yuan_to_cents
from core.records import delete, save

D = dt.date


@pytest.fixture
def ledger(session):
    """The hand-counted ledger. Expected 2025 figures are worked out in each test."""
    def staff(name, issued, expires=D(2030, 1, 1), cancelled=None, established=True, cert=True):
        return save(session, Staff(
            name=name, certificate_no=f"NO-{name}" if cert else None,
            certificate_issued=issued if cert else None, certificate_expires=expires if cert else None,
            status="注销" if cancelled else "在岗", cancelled_on=cancelled,
            is_established=established))

    people = {
        "A": staff("A", D(2020, 1, 1), expires=D(2025, 12, 31)),   # valid on 31 Dec
        "B": staff("B", D(2020, 1, 1), expires=D(2025, 12, 30)),   # expired the day before
        "C": staff("C", D(2020, 1, 1), cancelled=D(2025, 12, 31)),  # cancelled on 31 Dec
        "D": staff("D", D(2025, 3, 1)),                              # newly certified
        "E": staff("E", None, cert=False),                          # established, no certificate
        "F": staff("F", D(2021, 1, 1), established=False),          # certified, not established
    }
    units = {
        "school": save(session, Unit(name="一中", unit_type="公办中小学")),
        "tutor": save(session, Unit(name="博学培训", unit_type="校外培训机构")),
        "kg": save(session, Unit(name="小太阳幼儿园", unit_type="民办幼儿园")),
    }
    two = [people["A"], people["D"]]

    def inspect(day, unit, category="日常检查", method="其他", result="合格", **kw):
        u = units[unit]
        return save(session, Inspection(date=day, unit=u, unit_id=u.id, category=category,
                                         method=method, result=result, inspectors=two, **kw))

    inspect(D(2025, 12, 31), "school", method="双随机一公开·部门联合",
            partner_departments="区市场监管局、区消防救援支队", personnel=5)
    inspect(D(2026, 1, 1), "school")
    inspect(D(2025, 1, 1), "tutor", category="专项检查", method="双随机一公开·内部", personnel=2)
    inspect(D(2024, 12, 31), "tutor")
    inspect(D(2025, 5, 5), "kg", result="责令整改", problems_found=3, rectified_on_site=2,
            personnel=2)
    # The same unit on the same day logged again by another section: one inspection.
    inspect(D(2025, 5, 5), "kg", personnel=2, method="双随机一公开·内部")
    deleted = inspect(D(2025, 6, 6), "tutor", category="个案检查")
    delete(session, deleted)

    def penalty(no, kinds, decided, fine=0, confiscated=None, procedure="普通程序", **kw):
        return save(session, PenaltyCase(
            decision_no=no, party="博学培训", party_type="法人或其他组织", procedure=procedure,
            kinds=kinds, fine_cents=yuan_to_cents(fine), confiscation_cents=yuan_to_cents(confiscated),
            decided_on=decided, legal_review=procedure == "普通程序", **kw))

    penalty("P1", "罚款、警告", D(2025, 3, 1), fine=1000, procedure="简易程序")
    penalty("P2", "其他、责令停产停业", D(2025, 12, 31))
    penalty("P3", "其他", D(2025, 7, 1))
    penalty("P4", "罚款、没收违法所得/没收非法财物", D(2025, 8, 1), fine=20000, confiscated=500)
    penalty("P5", "警告", D(2026, 1, 1))
    delete(session, penalty("P6", "警告", D(2025, 9, 1)))
    penalty("P7", "没收违法所得/没收非法财物、罚款", D(2025, 10, 1), fine=3000)  # amount unknown

    save(session, Training(date=D(2025, 4, 1), topic="行政处罚法", form="集中培训", hours=10,
                           participants=[people["A"], people["D"]]))
    save(session, Training(date=D(2025, 11, 1), topic="网上学法", form="网上学法用法", hours=55,
                           participants=[people["A"]], exam_takers=4, exam_passed=3))
    save(session, Training(date=D(2024, 11, 1), topic="上年培训", form="自学", hours=100,
                           participants=[people["D"]]))
    return session


def test_certificates_are_counted_as_valid_on_31_december(ledger):
    f = annual_figures(ledger, 2025)
    # A (expires 31 Dec), D (new), F (not established) hold certificates on 31 Dec;
    # B expired on 30 Dec and C was cancelled on 31 Dec.
    assert f["staff.certified"] == 3
    assert f["staff.newly_certified"] == 1
    assert f["staff.cancelled"] == 1
    # Established and active on 31 Dec: A, B, D, E (C left that day, F is not established).
    assert f["staff.established"] == 4
    assert f["staff.established_certified"] == 2
    assert f["staff.certified_rate"] == 50.0


def test_one_inspection_per_unit_and_day_in_the_year_of_its_date(ledger):
    f = annual_figures(ledger, 2025)
    # 31 Dec 2025 and 1 Jan 2025 count; 1 Jan 2026, 31 Dec 2024 and the deleted one do not;
    # the kindergarten's two entries on 5 May are one inspection.
    assert f["inspection.total"] == 3
    assert f["inspection.category.daily"] == 2
    assert f["inspection.category.special"] == 1
    assert f["inspection.category.case"] == 0
    assert f["inspection.method.joint_random"] == 1
    assert f["inspection.method.internal_random"] == 1
    assert f["inspection.method.other"] == 1   # the first entry of 5 May decides
    assert f["inspection.result.rectify"] == 1
    assert f["inspection.enterprise"] == 2
    assert f["inspection.units"] == 3
    assert f["inspection.enterprise_units"] == 2
    assert f["inspection.personnel"] == 9
    assert f["inspection.problems"] == 3
    assert f["inspection.rectified_on_site"] == 2
    assert f["inspection.month.12"] == 1 and f["inspection.month.05"] == 1
    assert f["inspection.joint_partners"] == ["区市场监管局", "区消防救援支队"]
    assert f["inspection.joint_units"] == ["一中"]


def test_a_case_with_several_penalties_counts_once_under_the_heaviest(ledger):
    f = annual_figures(ledger, 2025)
    assert f["penalty.total"] == 5          # P5 is 2026, P6 is deleted
    assert f["penalty.kind.fine"] == 1      # P1: 罚款 beats 警告
    assert f["penalty.kind.warning"] == 0
    assert f["penalty.kind.suspend_production"] == 1  # P2: a named kind beats 其他
    assert f["penalty.kind.other"] == 1     # P3: 其他 alone
    assert f["penalty.kind.confiscation"] == 2  # P4 and P7: 没收 beats 罚款
    assert sum(f[f"penalty.kind.{k}"] for k in (
        "warning", "circulate_criticism", "fine", "confiscation", "suspend_license",
        "lower_qualification", "restrict_business", "suspend_production", "close_or_bar",
        "revoke_license", "detention", "other")) == f["penalty.total"]
    assert f["penalty.procedure.simple"] == 1
    assert f["penalty.procedure.ordinary"] == 4
    assert f["penalty.legal_review"] == 4


def test_fines_and_known_confiscations_make_the_amount(ledger):
    f = annual_figures(ledger, 2025)
    assert f["penalty.fine_amount"] == Decimal("24000.00")
    assert f["penalty.confiscation_amount"] == Decimal("500.00")  # P7's amount is unknown
    assert f["penalty.amount"] == Decimal("24500.00")


def test_training_hours_are_per_certified_person(ledger):
    f = annual_figures(ledger, 2025)
    # Holders on 31 Dec: A 65 h, D 10 h (the 2024 course does not count), F 0 h.
    assert f["training.sessions"] == 2
    assert f["training.hours"] == 65
    assert f["training.avg_hours"] == 25.0
    assert f["training.reached_60"] == 1
    assert f["training.reached_60_rate"] == 33.3
    assert f["training.pass_rate"] == 75.0
    hours = {row["姓名"]: row["学时"] for row in f.tables["training.per_person"]}
    assert hours == {"A": 65, "D": 10, "F": 0}


def test_year_over_year_uses_the_previous_year_of_the_same_ledger(ledger):
    f = annual_figures(ledger, 2025)
    assert f.has_previous
    assert f.figure("inspection.total").previous == 1
    assert f.figure("inspection.total").change_pct == 200.0
    assert f.figure("penalty.total").previous == 0
    assert f.figure("penalty.total").change_pct is None   # nothing to compare with


def test_a_year_without_previous_data_states_no_change(session):
    save(session, Unit(name="一中", unit_type="公办中小学"))
    f = annual_figures(session, 2025)
    assert not f.has_previous
    assert f.figure("inspection.total").previous is None


def test_every_count_can_be_traced_to_exactly_the_records_it_counted(demo_store):
    with demo_store.session() as s:
        f = annual_figures(s, 2025)
        checked = 0
        for fig in f.figures.values():
            if fig.aggregate != "count":
                continue
            assert len(figure_sources(s, fig)) == fig.value, fig.key
            checked += 1
    assert checked > 50
    assert f.figure("inspection.personnel").aggregate == "sum"


def test_deleted_records_never_count(ledger):
    before = annual_figures(ledger, 2025)["inspection.total"]
    kg = ledger.query(Inspection).filter(Inspection.date == D(2025, 5, 5)).all()
    for insp in kg:
        delete(ledger, insp)
    assert annual_figures(ledger, 2025)["inspection.total"] == before - 1
