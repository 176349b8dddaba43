"""The 2025–2026 inspection rules (issue 21): the year's 检查计划, the 涉企 frequency caps, prior
approval, and the checks that catch what a 司法局 reviewer catches.

Every number below is counted by hand from the entries the test makes.
"""

import datetime as dt

import pytest
from sqlalchemy import text

from core.compliance import RULES, SOURCES, check_year
from core.figures import annual_figures, enterprise_caps
from core.models import (
    Inspection, InspectionCap, InspectionPlanTask, OtherAct, PenaltyCase, PowerItem, ReviewCase,
    Staff, Unit,
)
from core.records import delete, save, set_profile

D = dt.date
LATER = D(2026, 3, 1)


@pytest.fixture
def people(session):
    return [save(session, Staff(name=n, certificate_no=f"N{n}", certificate_issued=D(2020, 1, 1),
                                certificate_expires=D(2030, 1, 1))) for n in ("甲", "乙")]


def unit(session, name, unit_type="公办中小学", **kw):
    return save(session, Unit(name=name, unit_type=unit_type, **kw))


def inspect(session, people, u, day, task=None, category="日常检查", **kw):
    kw.setdefault("approver", "局长" if u.is_enterprise else "")
    kw.setdefault("approved_on", day - dt.timedelta(days=1) if u.is_enterprise else None)
    return save(session, Inspection(
        date=day, unit=u, unit_id=u.id, category=category, method="其他", result="合格",
        inspectors=people, published_on=day, plan_task=task,
        plan_task_id=task.id if task else None, **kw))


def task(session, name, unit_type, base, ratio, cap=None, category="日常检查", year=2025, **kw):
    return save(session, InspectionPlanTask(
        year=year, name=name, category=category, unit_type=unit_type, base=base, ratio=ratio,
        cap=cap, is_enterprise=unit_type in ("民办学校", "民办幼儿园", "校外培训机构"), **kw))


def flags(session, rule, year=2025):
    return [f for f in check_year(session, year, today=LATER) if f.rule == rule]


# --- the plan -------------------------------------------------------------------------------

def test_the_plan_counted_against_what_was_inspected(session, people):
    """Three tasks: 中小学 日常 45 × 20% = 9 planned, 培训机构 专项 7 × 30% = 2.1 -> 3 planned,
    幼儿园 日常 10 × 10% = 1 planned but never started. Under the first, 3 schools (one twice,
    one logged twice on one day: 4 counted inspections); under the second, 4 institutions
    (more than planned: counts as 3 done). One school outside the plan, one 个案 from a
    complaint, one 个案 with no source, and a task in the recycle bin whose inspection is
    then 计划外."""
    schools = [unit(session, f"第{i}中学") for i in range(1, 5)]
    tutors = [unit(session, f"培训{i}", "校外培训机构") for i in range(1, 5)]
    daily = task(session, "中小学办学行为日常检查", "公办中小学", 45, 20)
    special = task(session, "校外培训机构消防安全专项检查", "校外培训机构", 7, 30, cap=1,
                   category="专项检查")
    task(session, "幼儿园保育教育日常检查", "公办幼儿园", 10, 10)
    binned = task(session, "作废的任务", "公办中小学", 10, 50)
    inspect(session, people, schools[0], D(2025, 3, 3), daily)
    inspect(session, people, schools[0], D(2025, 9, 3), daily)
    inspect(session, people, schools[1], D(2025, 3, 4), daily)
    inspect(session, people, schools[2], D(2025, 3, 5), daily)
    inspect(session, people, schools[2], D(2025, 3, 5), daily)   # same unit, same day: once
    for i, t in enumerate(tutors):
        inspect(session, people, t, D(2025, 5, 6 + i), special, category="专项检查")
    inspect(session, people, schools[3], D(2025, 6, 1))                       # 计划外 日常
    inspect(session, people, tutors[0], D(2025, 7, 1), category="个案检查", case_source="投诉举报")
    inspect(session, people, schools[1], D(2025, 7, 2), category="个案检查")  # source left empty
    inspect(session, people, schools[1], D(2025, 8, 1), binned)
    delete(session, binned)

    f = annual_figures(session, 2025)
    assert f["inspection.total"] == 12
    assert f["plan.tasks"] == 3
    assert f["plan.tasks_done"] == 2
    assert f["plan.objects_planned"] == 9 + 3 + 1
    assert f["plan.objects_inspected"] == 3 + 4
    # min(3, 9) + min(4, 3) + min(0, 1) = 6 of 13 planned objects
    assert f["plan.completion_rate"] == round(6 / 13 * 100, 1) == 46.2
    assert f["inspection.planned"] == 4 + 4
    assert f["inspection.unplanned"] == 4
    assert f.tables["plan.tasks"] == [
        {"id": daily.id, "name": "中小学办学行为日常检查", "category": "日常检查",
         "unit_type": "公办中小学", "base": 45, "ratio": 20, "planned": 9, "inspected": 3,
         "cap": None},
        {"id": special.id, "name": "校外培训机构消防安全专项检查", "category": "专项检查",
         "unit_type": "校外培训机构", "base": 7, "ratio": 30, "planned": 3, "inspected": 4,
         "cap": 1},
        {"id": daily.id + 2, "name": "幼儿园保育教育日常检查", "category": "日常检查",
         "unit_type": "公办幼儿园", "base": 10, "ratio": 10, "planned": 1, "inspected": 0,
         "cap": None}]
    assert f.tables["inspection.unplanned_by_source"] == [
        {"source": "投诉举报", "count": 1}, {"source": "转办交办", "count": 0},
        {"source": "数据监测", "count": 0}, {"source": "企业申请", "count": 0},
        {"source": "其他", "count": 0}, {"source": "未填写来源", "count": 1}]
    assert flags(session, "plan.missing") == []


def test_a_year_without_a_plan_says_so_and_has_no_rate(session, people):
    inspect(session, people, unit(session, "一中"), D(2025, 4, 1))
    f = annual_figures(session, 2025)
    assert (f["plan.tasks"], f["plan.objects_planned"], f["plan.completion_rate"]) == (0, 0, None)
    assert (f["inspection.planned"], f["inspection.unplanned"]) == (0, 1)
    [flag] = flags(session, "plan.missing")
    assert flag.record == "2025年行政检查计划" and "国办发〔2024〕54号" in flag.message
    # 2024 came before 54号: no plan reminder for it
    inspect(session, people, unit(session, "二中"), D(2024, 4, 1))
    assert flags(session, "plan.missing", 2024) == []


def test_a_ratio_that_is_not_a_whole_number_of_units_rounds_up(session):
    assert InspectionPlanTask(base=45, ratio=20).planned_units == 9      # not 9.000…01 -> 10
    assert InspectionPlanTask(base=7, ratio=30).planned_units == 3
    assert InspectionPlanTask(base=3, ratio=33.3).planned_units == 1
    assert InspectionPlanTask(base=0, ratio=50).planned_units == 0


# --- frequency caps -----------------------------------------------------------------------

def test_the_cap_of_a_type_comes_from_the_table_then_the_plan_then_the_profile(session):
    set_profile(session, full_name="示例区教育局", enterprise_inspection_cap=3)
    task(session, "培训机构日常检查", "校外培训机构", 10, 20, cap=1)
    task(session, "培训机构消防专项", "校外培训机构", 10, 20, cap=1, category="专项检查")
    save(session, InspectionCap(year=2025, unit_type="民办学校", cap=2))
    caps = enterprise_caps(session, 2025)
    assert caps["民办学校"].cap == 2 and "本局公布" in caps["民办学校"].source
    assert caps["校外培训机构"].cap == 1 + 1 and "检查计划" in caps["校外培训机构"].source
    assert caps["民办幼儿园"].cap == 3 and "单位信息" in caps["民办幼儿园"].source
    assert enterprise_caps(session, 2026)["民办学校"].cap == 3   # caps are per year


def test_frequency_figures_and_the_over_cap_flag(session, people):
    """博学 (培训, cap 1 from the table): 2 counted + 1 上级部署 专项 -> over the cap by one
    inspection; 启明 (民办学校, bureau cap 2): 2 -> not over; 一中 is no enterprise."""
    set_profile(session, full_name="示例区教育局", enterprise_inspection_cap=2)
    save(session, InspectionCap(year=2025, unit_type="校外培训机构", cap=1))
    boxue = unit(session, "博学", "校外培训机构")
    qiming = unit(session, "启明", "民办学校")
    school = unit(session, "一中")
    inspect(session, people, boxue, D(2025, 3, 3))
    inspect(session, people, boxue, D(2025, 4, 3))
    inspect(session, people, boxue, D(2025, 5, 3), category="专项检查", superior_deployed=True)
    inspect(session, people, qiming, D(2025, 3, 4))
    inspect(session, people, qiming, D(2025, 3, 4))   # logged twice on one day: once
    inspect(session, people, qiming, D(2025, 6, 4))
    for m in (3, 4, 5):
        inspect(session, people, school, D(2025, m, 5))
    f = annual_figures(session, 2025)
    assert f["inspection.enterprise"] == 5
    assert f["inspection.enterprise_uncapped"] == 1
    assert f["inspection.enterprise_max_per_unit"] == 2
    assert f["inspection.enterprise_mean_per_unit"] == 2.0      # (2 + 2) ÷ 2 enterprises
    assert f["inspection.enterprise_over_cap"] == 1
    [flag] = flags(session, "enterprise.cap")
    assert flag.record == "检查对象「博学」" and "2 次" in flag.message and "上限 1 次" in flag.message
    assert "本局公布的2025年校外培训机构检查频次上限" in flag.message
    assert "国办发〔2024〕54号" in flag.message


def test_a_superior_deployment_flag_on_a_daily_inspection_does_not_lift_the_cap(session, people):
    """Only a 专项检查 deployed by a higher authority is outside the cap (54号)."""
    set_profile(session, full_name="示例区教育局", enterprise_inspection_cap=1)
    boxue = unit(session, "博学", "校外培训机构")
    inspect(session, people, boxue, D(2025, 3, 3))
    inspect(session, people, boxue, D(2025, 4, 3), superior_deployed=True)
    f = annual_figures(session, 2025)
    assert (f["inspection.enterprise_uncapped"], f["inspection.enterprise_over_cap"]) == (0, 1)


def test_a_year_with_no_enterprise_inspected(session, people):
    inspect(session, people, unit(session, "一中"), D(2025, 3, 3))
    f = annual_figures(session, 2025)
    assert f["inspection.enterprise_max_per_unit"] == 0
    assert f["inspection.enterprise_mean_per_unit"] is None
    assert f["inspection.enterprise_over_cap"] == 0


# --- prior approval ------------------------------------------------------------------------

def test_an_enterprise_inspection_without_approval_before_the_day_is_flagged(session, people):
    tutor = unit(session, "博学", "校外培训机构")
    inspect(session, people, tutor, D(2025, 3, 3))                                  # the day before
    inspect(session, people, tutor, D(2025, 4, 3), approved_on=D(2025, 4, 3))        # same day
    inspect(session, people, tutor, D(2025, 5, 6), approver="", approved_on=None)    # none
    inspect(session, people, tutor, D(2025, 6, 3), approved_on=D(2025, 6, 5))        # after
    inspect(session, people, unit(session, "一中"), D(2025, 6, 4))                   # not 涉企
    found = flags(session, "inspection.approval")
    assert [f.record for f in found] == ["行政检查 2025-05-06「博学」", "行政检查 2025-06-03「博学」"]
    assert "未填写审批人、审批日期" in found[0].message
    assert "2025-06-05 晚于检查日期" in found[1].message
    assert "司法部《有关问题解答》" in found[1].message


# --- what a reviewer catches --------------------------------------------------------------

def _case(session, no, procedure, filed, decided, closed=None, **kw):
    kinds = "警告" if procedure == "简易程序" else "责令停产停业"
    return save(session, PenaltyCase(
        decision_no=no, party="博学", party_type="法人或其他组织", procedure=procedure,
        kinds=kinds, filed_on=filed, decided_on=decided, closed_on=closed, legal_review=True,
        published_on=decided, **kw))


def test_a_review_received_before_the_decision_it_challenges(session):
    case = _case(session, "示教罚〔2025〕4号", "普通程序", D(2025, 10, 1), D(2025, 11, 14))
    early = save(session, ReviewCase(kind="行政复议", received_on=D(2025, 10, 9), penalty_case=case,
                                     penalty_case_id=case.id))
    save(session, ReviewCase(kind="行政诉讼", received_on=D(2025, 12, 1), penalty_case=case,
                             penalty_case_id=case.id))
    [flag] = flags(session, "review.before_decision")
    assert flag.record_id == early.id and "示教罚〔2025〕4号" in flag.record
    assert "2025-11-14" in flag.message and "《行政复议法》" in flag.message


def test_simple_procedure_with_a_filing_date(session):
    _case(session, "罚1", "简易程序", None, D(2025, 3, 3))
    _case(session, "罚2", "简易程序", D(2025, 3, 3), D(2025, 3, 3))
    _case(session, "罚3", "简易程序", D(2025, 3, 1), D(2025, 3, 11))
    found = flags(session, "penalty.simple_filed")
    assert [f.record for f in found] == ["行政处罚「罚2」", "行政处罚「罚3」"]
    assert "相隔" not in found[0].message and "相隔 10 天" in found[1].message
    assert "第五十二条" in found[1].message


def test_ordinary_procedure_beyond_90_days_unless_extended(session):
    _case(session, "罚1", "普通程序", D(2025, 1, 2), D(2025, 4, 2))     # day 90
    _case(session, "罚2", "普通程序", D(2025, 1, 2), D(2025, 4, 3))     # day 91
    _case(session, "罚3", "普通程序", D(2025, 1, 2), D(2025, 6, 3), deadline_extended=True)
    found = flags(session, "penalty.ordinary_90_days")
    assert [f.record for f in found] == ["行政处罚「罚2」"]
    assert "91 天" in found[0].message and "第六十条" in found[0].message


def test_a_case_closed_before_its_decision(session):
    """Validation refuses this on save; a ledger from elsewhere (or an older program) can
    still hold it, so the check reads what is stored."""
    case = _case(session, "罚1", "普通程序", D(2025, 3, 1), D(2025, 3, 20), D(2025, 4, 20))
    session.execute(text("UPDATE penalty_case SET closed_on = '2025-03-10' WHERE id = :i"),
                    {"i": case.id})
    session.expire_all()
    [flag] = flags(session, "penalty.closed_before_decided")
    assert "2025-03-10" in flag.message and "2025-03-20" in flag.message


def test_acts_without_a_power_list_item_and_a_year_without_a_power_list(session, people):
    save(session, OtherAct(year=2025, category="行政确认", item="民办学校年度检查结论确认", count=21))
    inspect(session, people, unit(session, "一中"), D(2025, 3, 3))
    [missing] = flags(session, "power.missing")
    assert missing.record == "2025年权责清单"
    assert flags(session, "power.category") == []      # said once, by power.missing
    save(session, PowerItem(year=2025, category="行政检查", name="对中小学校办学行为的检查"))
    assert flags(session, "power.missing") == []
    [flag] = flags(session, "power.category")
    assert "行政确认21件" in flag.message and "没有行政确认事项" in flag.message
    save(session, PowerItem(year=2025, category="行政确认", name="民办学校年度检查结论确认"))
    assert flags(session, "power.category") == []


def test_an_empty_year_needs_no_power_list(session):
    assert flags(session, "power.missing", 2023) == []


def test_inspections_before_the_unit_existed_or_after_a_staff_cancellation(session, people):
    new = unit(session, "新办培训", "校外培训机构", established_on=D(2025, 6, 1))
    inspect(session, people, new, D(2025, 5, 31))
    inspect(session, people, new, D(2025, 6, 1))
    left = save(session, Staff(name="丙", certificate_no="N丙", certificate_issued=D(2020, 1, 1),
                               status="注销", cancelled_on=D(2025, 9, 1)))
    school = unit(session, "一中")
    inspect(session, [people[0], left], school, D(2025, 8, 29))
    inspect(session, [people[0], left], school, D(2025, 9, 2))
    [before] = flags(session, "inspection.unit_not_yet")
    assert before.record == "行政检查 2025-05-31「新办培训」" and "2025-06-01" in before.message
    [after] = flags(session, "inspection.staff_cancelled")
    assert after.record == "行政检查 2025-09-02「一中」" and "丙（2025-09-01注销）" in after.message
    assert flags(session, "inspection.certificate") == []


def test_every_new_rule_has_its_words_and_its_source():
    for rule in SOURCES:
        assert rule in RULES and SOURCES[rule]


def test_the_demo_year_has_a_believable_plan_and_plants_no_new_fault(demo_store):
    """The demo's plan (core/demo.py PLAN): 7 tasks, planned objects by hand:
    ceil(14×50%) + ceil(5×60%) + ceil(3×100%) + ceil(4×50%) + ceil(10×50%) + ceil(14×50%)
    + ceil(3×100%) = 7 + 3 + 3 + 2 + 5 + 7 + 3 = 30."""
    with demo_store.session() as s:
        f = annual_figures(s, 2025)
        assert (f["plan.tasks"], f["plan.objects_planned"]) == (7, 30)
        assert f["plan.tasks_done"] == 7
        assert f["inspection.planned"] + f["inspection.unplanned"] == f["inspection.total"]
        sources = {r["source"]: r["count"] for r in f.tables["inspection.unplanned_by_source"]}
        assert sources["投诉举报"] == 1
        assert f["inspection.enterprise_uncapped"] > 0      # the 上级部署 寒暑期 campaign
        assert enterprise_caps(s, 2025)["校外培训机构"].source.startswith("本局公布")
        found = {flag.rule for flag in check_year(s, 2025, today=LATER)}
        # None of the 2025 rules is broken by the demo's own entries: what issue 21's rules
        # found in it (a 复议 received before its decision, 行政确认 done without a 权责清单
        # item, 简易程序 cases with 立案 dates) was put right in core/demo.py.
        assert not found & {"inspection.approval", "plan.missing", "enterprise.cap",
                            "inspection.unit_not_yet", "inspection.staff_cancelled",
                            "penalty.ordinary_90_days", "penalty.closed_before_decided",
                            "power.missing", "review.before_decision", "power.category",
                            "penalty.simple_filed"}
        # Its planted faults are the three a clerk should see caught: one officer, a late
        # publication, an officer without a valid certificate on the day.
        assert len(check_year(s, 2025, today=LATER)) == 3
        assert annual_figures(s, 2024)["plan.tasks"] == 0


def test_no_comparison_with_a_year_whose_plan_is_not_recorded(session, people):
    """2024 had no plan in the ledger: its inspections were all 计划外 only for want of one,
    so 2025's 计划外 is not 「较上年减少」; a 2024 plan makes the comparison meaningful."""
    school = unit(session, "一中")
    inspect(session, people, school, D(2024, 5, 5))
    inspect(session, people, school, D(2024, 6, 5))
    t = task(session, "日常检查", "公办中小学", 1, 100)
    inspect(session, people, school, D(2025, 5, 5), t)
    f = annual_figures(session, 2025)
    assert f.figure("inspection.unplanned").previous is None
    assert f.figure("plan.tasks").previous is None
    assert f.figure("inspection.total").previous == 2
    old = task(session, "日常检查", "公办中小学", 1, 100, year=2024)
    first = session.query(Inspection).filter(Inspection.date == D(2024, 5, 5)).one()
    first.plan_task, first.plan_task_id = old, old.id
    save(session, first)
    f = annual_figures(session, 2025)
    assert (f.figure("inspection.unplanned").previous, f.figure("inspection.planned").previous) == (1, 1)


def test_a_task_name_and_a_type_cap_are_one_per_year(session):
    from core.errors import ValidationError
    task(session, "中小学日常检查", "公办中小学", 10, 20)
    task(session, "中小学日常检查", "公办中小学", 10, 20, year=2026)     # next year's plan
    with pytest.raises(ValidationError, match="2025年「中小学日常检查」已存在"):
        task(session, "中小学日常检查", "公办中小学", 12, 30)
    save(session, InspectionCap(year=2025, unit_type="民办学校", cap=2))
    with pytest.raises(ValidationError, match="频次上限已存在"):
        save(session, InspectionCap(year=2025, unit_type="民办学校", cap=3))
