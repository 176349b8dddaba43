"""A believable enforcement year for the fictional 「示例区教育局」, at the scale of the seeds.

Used by `zhifa-cli demo` and the GUI's first start: about 20 staff, 60–80 inspections, a few
penalties, training, 2–3 joint campaigns, aggregate 许可 counts, narrative text, and the
previous year as well so that year-over-year figures work. Everything is saved through
core.records.save, so the demo passes the same validation as a clerk's entries.
The generator is seeded: the same year always gives the same ledger.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.figures import ledger_has_year
from core.models import (
    Campaign, CustomFigure, Inspection, InspectionCap, InspectionPlanTask, NarrativeText,
    OtherAct, PenaltyCase, PowerItem, ReviewCase, Staff, Training, Unit, join_list, yuan_to_cents,
)
from core.paths import resources_dir
from core.records import profile, save, set_profile, unit_by_name, staff_by_name
from core.vocab import (
    InspectionCategory as Cat, InspectionMethod as Method, InspectionResult as Result,
    CaseSource, InspectionMode, OtherActCategory, PartyType, PlanCategory, PowerCategory,
    Procedure, ReviewKind, ReviewResult, StaffStatus, TrainingForm, UnitType,
)
from core.workdays import deadline

DEMO_BUREAU = "示例区教育局"

STAFF = [
    ("王建国", "法制科", True), ("李秀英", "法制科", True), ("张伟", "基础教育科", False),
    ("刘洋", "基础教育科", False), ("陈静", "学前教育科", False), ("杨帆", "学前教育科", False),
    ("赵磊", "民办教育管理科", False), ("黄丽", "民办教育管理科", False),
    ("周涛", "校外培训监管科", False), ("吴敏", "校外培训监管科", False),
    ("徐强", "校外培训监管科", False), ("孙芳", "安全稳定科", False), ("马超", "安全稳定科", False),
    ("朱红", "教育督导室", False), ("胡军", "教育督导室", False), ("郭娜", "人事科", False),
    ("何勇", "法制科", True), ("高雪", "基础教育科", False), ("林峰", "民办教育管理科", False),
    ("罗斌", "校外培训监管科", False), ("郑华", "安全稳定科", False),
]

STREETS = ["示范街", "和平街", "新华街", "东风街", "滨河街", "朝阳街"]
UNITS = (
    [(f"示例区第{n}中学", UnitType.PUBLIC_SCHOOL) for n in "一二三四五六"]
    + [(f"示例区{n}小学", UnitType.PUBLIC_SCHOOL) for n in
       ("实验", "育才", "和平路", "新华里", "滨河", "朝阳", "东风", "光明")]
    + [(f"示例区第{n}幼儿园", UnitType.PUBLIC_KINDERGARTEN) for n in "一二三四五"]
    + [("示例区启明学校", UnitType.PRIVATE_SCHOOL), ("示例区育英实验学校", UnitType.PRIVATE_SCHOOL),
       ("示例区星光双语学校", UnitType.PRIVATE_SCHOOL)]
    + [(f"示例区{n}幼儿园", UnitType.PRIVATE_KINDERGARTEN) for n in ("小太阳", "童乐", "金苹果", "彩虹")]
    + [(f"示例区{n}培训学校有限公司", UnitType.TUTORING) for n in
       ("博学", "致远", "启航", "书香", "艺林", "乐思", "青禾", "明德", "智慧树", "翰墨")]
)
PARTNERS = ["区消防救援支队", "区市场监管局", "区人社局", "区卫健委", "区民政局", "公安示例分局"]
ITEMS = {
    UnitType.PUBLIC_SCHOOL: ["招生", "教育教学", "校园安全", "食品安全", "收费"],
    UnitType.PUBLIC_KINDERGARTEN: ["招生", "保育教育", "校园安全", "食品安全", "收费"],
    UnitType.PRIVATE_SCHOOL: ["办学许可", "招生", "收费", "校园安全", "消防"],
    UnitType.PRIVATE_KINDERGARTEN: ["办学许可", "收费", "食品安全", "消防"],
    UnitType.TUTORING: ["办学许可", "培训内容", "从业人员资质", "收费", "消防"],
}


def has_demo_conflict(session: Session, year: int) -> bool:
    return ledger_has_year(session, year) or ledger_has_year(session, year - 1)


def load_demo(session: Session, year: int) -> None:
    """Fill `year` and `year - 1` with the demo ledger. Refuses a ledger that has data there."""
    if has_demo_conflict(session, year):
        raise ValidationError("年度", f"{year - 1}–{year}年已有台账数据，示例数据只能载入空白年度。",
                              record="示例数据")
    if profile(session) is None:
        set_profile(session, full_name=DEMO_BUREAU, region="天津市示例区", signatory=DEMO_BUREAU,
                    document_date=dt.date(year, 12, 28), report_year=year)
    staff = _staff(session, year)
    units = _units(session)
    for y, scale in ((year - 1, 0.85), (year, 1.0)):
        rng = random.Random(f"示例-{y}")
        campaigns = _campaigns(session, rng, y, scale)
        inspections = _inspections(session, rng, y, scale, staff, units, campaigns)
        _penalties(session, rng, y, units, inspections, scale)
        _trainings(session, rng, y, staff)
        _other_acts(session, rng, y, scale)
        _powers(session, y)
        _custom(session, y, scale)
        _narrative(session, y)
        if y == year:   # the 2025 rules: the plan, the caps, approvals (54号 binds from 2025)
            _plan_year(session, y, inspections)


def _staff(session: Session, year: int) -> list[Staff]:
    rng = random.Random("示例-staff")
    out = []
    for i, (name, dept, reviewer) in enumerate(STAFF):
        existing = staff_by_name(session, name)
        if existing:
            out.append(existing)
            continue
        issued = dt.date(year - rng.randint(1, 4), rng.randint(1, 12), rng.randint(1, 28))
        s = Staff(name=name, department=dept, certificate_no=f"12011{50000 + i * 37:05d}",
                  certificate_issued=issued, certificate_expires=issued.replace(year=issued.year + 6),
                  status=StaffStatus.ACTIVE, is_established=True, is_legal_reviewer=reviewer)
        if i == 19:   # newly certified this year
            s.certificate_issued = dt.date(year, 5, 20)
            s.certificate_expires = dt.date(year + 6, 5, 19)
        if i == 20:   # retired this year
            s.status = StaffStatus.CANCELLED
            s.cancelled_on = dt.date(year, 9, 30)
            s.cancel_reason = "退休"
        if i == 15:   # certificate lapsed mid-year: inspections after it are flagged
            s.certificate_issued = dt.date(year - 6, 7, 1)
            s.certificate_expires = dt.date(year, 6, 30)
        out.append(save(session, s))
    return out


def _units(session: Session) -> list[Unit]:
    out = []
    for i, (name, utype) in enumerate(UNITS):
        unit = unit_by_name(session, name)
        if unit is None:
            code = f"52120110{i:04d}MJ{i % 10}" if utype != UnitType.TUTORING else f"91120110MA0{i:04d}X{i % 7}"
            # Enterprises carry the date of their 办学许可 (years before the demo's first year).
            founded = (dt.date(2012 + i % 10, 1 + i % 12, 1 + i % 27)
                       if utype in (UnitType.PRIVATE_SCHOOL, UnitType.PRIVATE_KINDERGARTEN,
                                    UnitType.TUTORING) else None)
            unit = save(session, Unit(name=name, unit_type=utype, street=STREETS[i % len(STREETS)],
                                      credit_code=code[:18].ljust(18, "0"), established_on=founded))
        out.append(unit)
    return out


def _campaigns(session, rng, y, scale) -> list[Campaign]:
    specs = [
        ("校外培训寒暑期治理", dt.date(y, 1, 10), dt.date(y, 8, 31), ["区市场监管局", "公安示例分局", "区消防救援支队"],
         int(1200 * scale), int(150 * scale), int(25 * scale), 1, int(56 * scale), 1),
        ("春季开学校园安全专项检查", dt.date(y, 2, 20), dt.date(y, 3, 31), ["区消防救援支队", "区卫健委"],
         int(260 * scale), int(45 * scale), int(18 * scale), 0, int(16 * scale), 0),
        ("民办学校办学行为专项治理", dt.date(y, 9, 1), dt.date(y, 11, 30), ["区市场监管局", "区人社局"],
         int(180 * scale), 17, 9, 0, 7, 1),
    ]
    out = []
    for name, start, end, partners, pers, inst, haz, closed, rect, cases in specs:
        out.append(save(session, Campaign(
            name=name, start_date=start, end_date=end, lead_department=DEMO_BUREAU,
            partner_departments=join_list(partners), personnel=pers, institutions_checked=inst,
            hazards_found=haz, closed=closed, rectified=rect, cases_filed=cases)))
    return out


def _inspections(session, rng, y, scale, staff, units, campaigns) -> list[Inspection]:
    active = [s for s in staff if s.status == StaffStatus.ACTIVE]
    n = int(rng.randint(66, 74) * scale)
    joint = max(4, int(6 * scale))
    internal = max(8, int(11 * scale))
    step = n // joint
    seen: dict[int, int] = {}
    lapsed = next(s for s in staff if s.name == STAFF[15][0])
    out = []
    days = sorted(rng.sample(range(8, 355), n))
    for k, offset in enumerate(days):
        day = dt.date(y, 1, 1) + dt.timedelta(days=offset)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        if k % step == 0 and joint > 0:
            method, joint = Method.JOINT_RANDOM, joint - 1
        elif k % 5 == 1 and internal > 0:
            method, internal = Method.INTERNAL_RANDOM, internal - 1
        else:
            method = Method.OTHER
        unit = rng.choice(units)
        while unit.is_enterprise and seen.get(unit.id, 0) >= (3 if unit is units[-1] else 2):
            unit = rng.choice(units)   # keep within the yearly cap, but for one institution
        seen[unit.id] = seen.get(unit.id, 0) + 1
        campaign = next((c for c in campaigns if c.start_date <= day <= c.end_date
                         and (unit.unit_type == UnitType.TUTORING or "安全" in c.name
                              or "民办" in c.name and unit.is_enterprise)), None)
        category = Cat.SPECIAL if campaign else (Cat.CASE if k % 23 == 7 else Cat.DAILY)
        certified = [s for s in active if s.certificate_valid_on(day) and s is not lapsed]
        inspectors = rng.sample(certified, 1 if k == 9 else 2)
        if k == n - 8:
            inspectors[0] = lapsed   # certificate expired on 30 June: flagged by check
        problems = rng.choice([0, 0, 0, 1, 2, 3])
        result = Result.PASSED if problems == 0 else rng.choice([Result.RECTIFY, Result.PASSED])
        if k in (21, 47) and unit.is_enterprise:
            result = Result.CASE_FILED
        published, _ = deadline(day, rng.choice([2, 3, 5, 8, 12]))
        if k == 30:
            published, _ = deadline(day, 26)   # published late: flagged by check
        partners = rng.sample(PARTNERS, rng.randint(2, 4)) if method == Method.JOINT_RANDOM else []
        out.append(save(session, Inspection(
            date=day, category=category, method=method, unit=unit, unit_id=unit.id,
            items=join_list(rng.sample(ITEMS.get(unit.unit_type, ["校园安全"]), 2)),
            lead_department=DEMO_BUREAU, partner_departments=join_list(partners),
            personnel=len(inspectors) + len(partners) * 2, problems_found=problems,
            rectified_on_site=rng.randint(0, problems), result=result,
            recorded=rng.random() < 0.9, published_on=published if published.year == y else None,
            campaign=campaign, campaign_id=campaign.id if campaign else None,
            inspectors=inspectors)))
    return out


def _penalties(session, rng, y, units, inspections, scale):
    tutoring = [u for u in units if u.unit_type == UnitType.TUTORING]
    filed = [i for i in inspections if i.result == Result.CASE_FILED]
    cases = [
        ("警告", PartyType.ORGANISATION, Procedure.SIMPLE, 0, None, "未按规定公示收费项目"),
        ("罚款", PartyType.ORGANISATION, Procedure.SIMPLE, 2000, None, "未按规定备案培训材料"),
        ("罚款、没收违法所得/没收非法财物", PartyType.ORGANISATION, Procedure.ORDINARY, 30000, 12800,
         "未取得办学许可擅自开展学科类培训"),
        ("责令停产停业、罚款", PartyType.ORGANISATION, Procedure.ORDINARY, 50000, None,
         "超出许可范围开展培训且拒不整改"),
    ]
    if scale < 1:
        cases = cases[:2]
    saved = []
    for n, (kinds, party_type, proc, fine, confiscated, facts) in enumerate(cases, start=1):
        unit = tutoring[(n * 3 + y) % len(tutoring)]
        source = filed[n - 1] if n - 1 < len(filed) else None
        decided = dt.date(y, 3 + n * 2, 10 + n)
        while decided.weekday() >= 5:
            decided += dt.timedelta(days=1)
        published, _ = deadline(decided, 4)
        saved.append(save(session, PenaltyCase(
            decision_no=f"示教罚〔{y}〕{n}号", party=unit.name, party_type=party_type, unit=unit,
            unit_id=unit.id, facts=facts, legal_basis="《中华人民共和国民办教育促进法》第六十二条",
            procedure=proc, kinds=kinds, fine_cents=yuan_to_cents(fine) or 0,
            # 简易程序: decided on the spot, never filed as a case (《行政处罚法》第五十一条).
            confiscation_cents=yuan_to_cents(confiscated),
            filed_on=None if proc == Procedure.SIMPLE else decided - dt.timedelta(days=20),
            decided_on=decided, closed_on=decided + dt.timedelta(days=30),
            legal_review=proc == Procedure.ORDINARY,
            legal_review_on=decided - dt.timedelta(days=3) if proc == Procedure.ORDINARY else None,
            published_on=published, inspection=source, inspection_id=source.id if source else None)))
    if scale >= 1:
        save(session, ReviewCase(kind=ReviewKind.RECONSIDERATION,
                                 # applied for within 60 days of the decision (《行政复议法》第二十条)
                                 received_on=saved[-1].decided_on + dt.timedelta(days=25),
                                 penalty_case=saved[-1], penalty_case_id=saved[-1].id,
                                 result=ReviewResult.UPHELD, note="申请人不服处罚决定申请复议"))


def _trainings(session, rng, y, staff):
    plan = [
        ("习近平法治思想专题学习", TrainingForm.CENTRAL, 8), ("《行政处罚法》专题培训", TrainingForm.CENTRAL, 8),
        ("领导干部网上学法用法", TrainingForm.ONLINE, 20), ("旁听行政诉讼庭审", TrainingForm.COURT_HEARING, 4),
        ("教育法律法规自学", TrainingForm.SELF_STUDY, 16), ("行政执法规范化建设培训", TrainingForm.CENTRAL, 6),
        ("法律知识竞赛", TrainingForm.CONTEST, 4), ("执法资格培训考试", TrainingForm.QUALIFICATION_EXAM, 6),
    ]
    for m, (topic, form, hours) in enumerate(plan):
        day = dt.date(y, 2 + m * 1 + (m // 2), 12 + m)
        people = [s for s in staff if s.status == StaffStatus.ACTIVE or (s.cancelled_on and s.cancelled_on > day)]
        if form == TrainingForm.COURT_HEARING:
            people = people[: len(people) - 4]   # four people missed it: below 60 学时
        takers = len(people) if form in (TrainingForm.ONLINE, TrainingForm.QUALIFICATION_EXAM) else 0
        save(session, Training(date=day, topic=topic, form=form, hours=hours, participants=people,
                               exam_takers=takers, exam_passed=takers))


def _other_acts(session, rng, y, scale):
    for month, applied in ((5, 680), (11, 830)):
        a = int(applied * scale)
        save(session, OtherAct(year=y, month=month, category=OtherActCategory.LICENSE,
                               item="教师资格认定", applied=a, accepted=a - 6, granted=a - 9,
                               refused=3, revoked=0))
    for item, a, g in (("民办学校设立", 3, 2), ("民办学校变更", 5, 5), ("校外培训机构设立", 4, 3)):
        save(session, OtherAct(year=y, month=None, category=OtherActCategory.LICENSE, item=item,
                               applied=a, accepted=a, granted=g, refused=a - g, revoked=0))
    save(session, OtherAct(year=y, category=OtherActCategory.REWARD, item="优秀教师表彰", count=int(45 * scale)))
    save(session, OtherAct(year=y, category=OtherActCategory.CONFIRMATION,
                           item="民办学校年度检查结论确认", count=int(21 * scale)))


def _powers(session, y):
    powers = {
        PowerCategory.PENALTY: ["对民办学校违规办学的处罚", "对擅自举办民办学校的处罚",
                                "对校外培训机构违规培训的处罚", "对学校违规招生的处罚", "对违规颁发学历证书的处罚"],
        PowerCategory.INSPECTION: ["对民办学校办学行为的检查", "对校外培训机构的检查",
                                   "对中小学校办学行为的检查", "对幼儿园保育教育的检查"],
        PowerCategory.LICENSE: ["教师资格认定", "民办学校设立、变更、终止审批", "校外培训机构设立审批"],
        PowerCategory.REWARD: ["优秀教师表彰", "优秀班主任表彰", "先进教育工作者表彰", "三好学生表彰",
                               "优秀学生干部表彰", "优秀教育成果奖励", "师德标兵表彰"],
        PowerCategory.CONFIRMATION: ["民办学校年度检查结论确认"],
        PowerCategory.OTHER: ["学生转学审批", "教育收费备案"],
    }
    for cat, names in powers.items():
        for name in names:
            save(session, PowerItem(year=y, category=cat, name=name, quantity=1))


def _custom(session, y, scale):
    save(session, CustomFigure(year=y, name="中小学转学人数", value=int(674 * scale), unit="人",
                               sentence="{year}年中、小学累计转学{value}{unit}。"))
    save(session, CustomFigure(year=y, name="执法记录仪", value=8, unit="台",
                               sentence="全局共配备执法记录仪{value}{unit}，用于现场检查和调查取证的全过程记录。"))
    save(session, CustomFigure(year=y, name="依法治校示范校推选", value=2, unit="所",
                               sentence="推选示例区第一中学、示例区实验小学{value}{unit}学校参加依法治校示范校评比。"))


def _narrative(session, y):
    texts = json.loads((resources_dir() / "demo" / "narrative.json").read_text("utf-8"))
    for block, text in texts.items():
        save(session, NarrativeText(year=y, block=block,
                                    text=text.replace("{year}", str(y)).replace("{bureau}", DEMO_BUREAU),
                                    needs_review=False))


# The year's 行政检查计划 as the bureau published it (津司发〔2025〕8号: 日常 for 不特定对象, 专项
# for one field): (任务名称, 类型, 对象类型, 对象基数, 检查比例 %, 频次上限, 检查事项, 联合部门, 专项行动).
PLAN = [
    ("中小学校办学行为日常检查", PlanCategory.DAILY, UnitType.PUBLIC_SCHOOL, 14, 50, None,
     ["招生", "教育教学", "收费"], [], None),
    ("幼儿园保育教育日常检查", PlanCategory.DAILY, UnitType.PUBLIC_KINDERGARTEN, 5, 60, None,
     ["保育教育", "食品安全"], [], None),
    ("民办学校办学行为日常检查", PlanCategory.DAILY, UnitType.PRIVATE_SCHOOL, 3, 100, 1,
     ["办学许可", "招生", "收费"], [], None),
    ("民办幼儿园办园行为日常检查", PlanCategory.DAILY, UnitType.PRIVATE_KINDERGARTEN, 4, 50, 1,
     ["办学许可", "收费", "食品安全"], [], None),
    ("校外培训寒暑期治理专项检查", PlanCategory.SPECIAL, UnitType.TUTORING, 10, 50, 1,
     ["培训内容", "收费", "消防"], ["区市场监管局", "公安示例分局", "区消防救援支队"], "校外培训寒暑期治理"),
    ("春季开学校园安全专项检查", PlanCategory.SPECIAL, UnitType.PUBLIC_SCHOOL, 14, 50, None,
     ["校园安全", "食品安全", "消防"], ["区消防救援支队", "区卫健委"], "春季开学校园安全专项检查"),
    ("民办学校办学行为专项治理", PlanCategory.SPECIAL, UnitType.PRIVATE_SCHOOL, 3, 100, 1,
     ["办学许可", "收费", "校园安全"], ["区市场监管局", "区人社局"], "民办学校办学行为专项治理"),
]
# Published caps per enterprise type for the year (国办发〔2024〕54号).
CAPS = {UnitType.PRIVATE_SCHOOL: 2, UnitType.PRIVATE_KINDERGARTEN: 2, UnitType.TUTORING: 2}
APPROVER = "刘建华"   # the bureau's head, who approves every 涉企 inspection in advance
# Deployed by the 市教委 (上级部署): not counted against an enterprise's yearly cap.
SUPERIOR_CAMPAIGNS = {"校外培训寒暑期治理"}
CASE_SOURCES = [(CaseSource.COMPLAINT, "群众来电投诉该机构超出许可范围招生，按投诉举报开展个案检查。"),
                (CaseSource.REFERRAL, "区12345热线转办。"), (CaseSource.MONITORING, "收费监管平台数据异常。")]


def _working_day_before(day: dt.date, days: int) -> dt.date:
    out = day - dt.timedelta(days=days)
    while out.weekday() >= 5:
        out -= dt.timedelta(days=1)
    return out


def _plan_year(session, y, inspections):
    """The plan, the caps and the 2025 fields of each inspection. A separate generator, so
    the inspections themselves (and every figure counted before schema 6) stay as they were."""
    rng = random.Random(f"示例-计划-{y}")
    tasks = []
    for name, category, unit_type, base, ratio, cap, items, partners, _campaign in PLAN:
        tasks.append(save(session, InspectionPlanTask(
            year=y, name=name, basis="《中华人民共和国教育法》《中华人民共和国民办教育促进法》",
            category=category, implementer=DEMO_BUREAU, is_joint=bool(partners),
            partner_departments=join_list(partners), items=join_list(items),
            method="双随机一公开" if category == PlanCategory.DAILY else "现场检查",
            is_enterprise=unit_type in (UnitType.PRIVATE_SCHOOL, UnitType.PRIVATE_KINDERGARTEN,
                                        UnitType.TUTORING),
            unit_type=unit_type, base=base, ratio=ratio, cap=cap,
            period=f"{y}年3月—11月" if category == PlanCategory.DAILY else "按专项行动安排")))
    for unit_type, cap in CAPS.items():
        save(session, InspectionCap(year=y, unit_type=unit_type, cap=cap,
                                    note=f"{y}年涉企行政检查频次上限，已在区政府网站公布"))
    daily = {spec[2]: t for spec, t in zip(PLAN, tasks) if spec[1] == PlanCategory.DAILY}
    # A campaign's task takes its inspections of any type (民办学校办学行为专项治理 also visits
    # the private kindergartens and tutoring institutions).
    special = {spec[8]: t for spec, t in zip(PLAN, tasks) if spec[8]}
    sources = iter(CASE_SOURCES)
    codes = 0
    for insp in inspections:
        unit = insp.unit
        task = None
        if insp.category == Cat.DAILY:
            task = daily.get(unit.unit_type)
        elif insp.category == Cat.SPECIAL and insp.campaign is not None:
            task = special.get(insp.campaign.name)
            insp.superior_deployed = insp.campaign.name in SUPERIOR_CAMPAIGNS
        elif insp.category == Cat.CASE:
            source, why = next(sources, (CaseSource.OTHER, ""))
            insp.case_source = source.value
            insp.note = join_list([insp.note, why]) if why else insp.note
        insp.plan_task, insp.plan_task_id = task, task.id if task else None
        off_site = insp.category == Cat.CASE and insp.case_source == CaseSource.MONITORING
        insp.mode = (InspectionMode.OFF_SITE if off_site else InspectionMode.ON_SITE).value
        if unit.is_enterprise:
            codes += 1
            insp.approver = APPROVER
            insp.approved_on = _working_day_before(insp.date, rng.randint(1, 4))
            insp.trace_code = f"RQ{y}{codes:04d}"
        save(session, insp)
