"""Legal-compliance flags: things the law requires that the ledger shows were not done.

Unlike core.validation, these records are saved as they happened; `check_year` lists them
for the clerk (`zhifa-cli check`, the GUI's overview and the report dialog), each naming
the record so it can be opened and fixed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from collections import defaultdict

from sqlalchemy import Date, and_, column, func, not_, or_, select, values
from sqlalchemy.orm import Session

from core.figures import (
    TRAINING_HOURS_EXPECTED, AnnualFigures, annual_figures, counted_inspections, enterprise_caps,
    enterprise_counts, valid_on_day,
)
from core.models import (
    Inspection, InspectionPlanTask, PenaltyCase, ReviewCase, Staff, Unit, inspection_staff,
)
from core.narrative import GENERATED_WHEN_EMPTY, LAST_YEAR, UNCONFIRMED, load_narratives
from core.vocab import NarrativeBlock, OtherActCategory, PowerCategory, Procedure, ReviewKind
from core.workdays import (
    OTHER_PUBLICATION_DAYS, PENALTY_PUBLICATION_DAYS, calendar_knows, deadline,
)
from core.years import in_year, year_bounds


@dataclass(frozen=True)
class Flag:
    rule: str          # stable key, e.g. "inspection.inspectors"
    record_kind: str   # model class name, for the GUI to open the record
    record_id: int | None
    record: str        # the record, in words
    message: str

    def __str__(self) -> str:
        return f"{self.record}：{self.message}"


# Each rule as what the ledger or the report must do: a group's title above the entries that
# fall short of it (never a fact those entries deny, as 「法定节假日安排已知」 over 「尚未收录」 was).
RULES = {
    "inspection.inspectors": "行政检查执法人员不少于两人",
    "inspection.certificate": "执法人员检查当日持有效执法证",
    "inspection.publication": "行政检查结果20个工作日内公示",
    "penalty.publication": "行政处罚决定7个工作日内公示",
    "penalty.legal_review": "普通程序处罚决定经法制审核",
    "staff.training_hours": f"执法人员年度学法不少于{TRAINING_HOURS_EXPECTED}学时",
    "enterprise.cap": "同一企业年度检查次数不超过上限",
    "inspection.approval": "涉企行政检查事前经负责人批准",
    "inspection.unit_not_yet": "检查对象在检查当日已成立",
    "inspection.staff_cancelled": "执法人员注销后不再参加检查",
    "penalty.simple_filed": "简易程序当场作出决定，不另行立案",
    "penalty.closed_before_decided": "结案不早于处罚决定",
    "penalty.ordinary_90_days": "普通程序自立案起90日内作出决定",
    "review.before_decision": "复议诉讼针对已作出的处罚决定",
    "power.missing": "录入本年度权责清单",
    "power.category": "执法行为有权责清单事项为依据",
    "plan.missing": "录入本年度行政检查计划",
    "narrative.unconfirmed": "报告文字经经办人确认",
    # Notes on the report itself (core.report.readiness), listed with the flags above.
    "report.document_date": "成文日期在次年1月31日前",
    "report.missing_data": "录入报告所需的数据",
    "report.carried_numbers": "核实沿用的上年文字",
    "calendar.unknown": "工作日按已公布的节假日安排计算",
}


# Where each rule of the 2025–2026 review comes from; a flag of these rules states it.
SOURCES = {
    "enterprise.cap": "国办发〔2024〕54号《关于严格规范涉企行政检查的意见》",
    "inspection.approval": "国办发〔2024〕54号；司法部《有关问题解答》（2025年4月18日）",
    "inspection.unit_not_yet": "行政检查统计口径：有具体检查对象和完整记录的检查方计为一次",
    "inspection.staff_cancelled": "《行政执法监督条例》（国务院令第825号）对执法人员资格的监督",
    "penalty.simple_filed": "《行政处罚法》第五十一条、第五十二条",
    "penalty.closed_before_decided": "《行政处罚法》第六章（行政处罚的执行）",
    "penalty.ordinary_90_days": "《行政处罚法》第六十条",
    "review.before_decision": "《行政复议法》第二十条；《行政诉讼法》第四十六条",
    "power.missing": "权责清单制度（中办发〔2015〕21号）",
    "power.category": "权责清单制度（中办发〔2015〕21号）：清单之外不得行使职权",
    "plan.missing": "国办发〔2024〕54号；津司发〔2025〕8号",
}
# 54号 dates from the end of 2024: its approval and plan rules are checked from 2025 on.
RULES_2025_FROM = 2025
# Art. 60: a 普通程序 case is decided within 90 days of 立案 unless extended.
ORDINARY_CASE_DAYS = 90
# 权责清单 categories of the acts the ledger counts ("其他" is no category of its own).
ACT_POWER_CATEGORIES = {
    "inspection.total": PowerCategory.INSPECTION, "penalty.total": PowerCategory.PENALTY,
    "license.granted": PowerCategory.LICENSE,
    **{f"other_act.{c.key}": PowerCategory(c.value) for c in OtherActCategory
       if c not in (OtherActCategory.LICENSE, OtherActCategory.OTHER)},
}


def _sourced(rule: str, message: str) -> str:
    return f"{message}（依据：{SOURCES[rule]}）"


def check_year(session: Session, year: int, today: dt.date | None = None, *,
               figures: AnnualFigures | None = None) -> list[Flag]:
    """Every flag of `year`; `figures` are the year's, when the caller has counted them
    already (the report does), so that a year is not counted twice."""
    today = today or dt.date.today()
    flags: list[Flag] = []
    flags += _inspection_flags(session, year, today)
    flags += _penalty_flags(session, year, today)
    if figures is None:
        figures = annual_figures(session, year, with_previous=False)   # counted once, for all
    flags += _training_flags(session, year, figures)
    flags += _enterprise_cap_flags(session, year, figures.enterprise_counts)
    flags += reviewer_flags(session, year, figures)
    flags += _narrative_flags(session, year, figures)
    if not calendar_knows(year) or not calendar_knows(year + 1):
        unknown = year if not calendar_knows(year) else year + 1
        flags.append(Flag("calendar.unknown", "", None, f"{unknown}年节假日",
                          "节假日安排尚未收录，公示期限按周一至周五计算，可能不准确。"))
    return flags


def _publication(day: dt.date, published: dt.date | None, days: int, today: dt.date) -> str:
    limit, _exact = deadline(day, days)
    if published is None:
        return f"尚未公示，公示期限 {limit:%Y-%m-%d} 已过。" if today > limit else ""
    if published > limit:
        return (f"{published:%Y-%m-%d} 公示，晚于{days}个工作日期限（{limit:%Y-%m-%d}）。")
    return ""


def _inspection_flags(session: Session, year: int, today: dt.date) -> list[Flag]:
    """Column queries rather than ORM objects: a city-scale year has 100,000 inspections."""
    live = (Inspection.deleted_at.is_(None), in_year(Inspection.date, year))
    found: list[tuple[dt.date, int, str, str, str]] = []

    def note(rule, iid, day, unit, message):
        found.append((day, iid, rule, f"行政检查 {day:%Y-%m-%d}「{unit}」", message))

    # Inspectors who are not in the recycle bin. The entries with two or more are found in
    # one ordered pass over the link table's key; the count is worked out again only for
    # the (few) entries left.
    links = inspection_staff.c
    on_duty = links.staff_id.not_in(select(Staff.id).where(Staff.deleted_at.is_not(None)))
    two_or_more = (select(links.inspection_id).where(on_duty)
                   .group_by(links.inspection_id).having(func.count() >= 2))
    count_on_duty = (select(func.count()).select_from(inspection_staff)
                     .where(links.inspection_id == Inspection.id, on_duty).scalar_subquery())
    for iid, day, unit, n in session.execute(
            select(Inspection.id, Inspection.date, Unit.name, count_on_duty)
            .join(Unit, Unit.id == Inspection.unit_id)
            .where(*live, Inspection.id.not_in(two_or_more))):
        note("inspection.inspectors", iid, day, unit, f"执法人员 {n} 人，少于两人。")

    # A certificate is valid over one stretch of days, so only the staff whose certificate
    # is not valid on both 1 January and 31 December can lack one on some inspection day:
    # the year's 170,000 inspector links are read for those few staff only.
    first, last = year_bounds(year)
    doubtful = list(session.scalars(select(Staff.id).where(
        Staff.deleted_at.is_(None), not_(and_(valid_on_day(first), valid_on_day(last))))))
    invalid: dict[int, list] = defaultdict(list)
    if doubtful:          # an empty IN () would still walk the year's links to find nothing
        for iid, day, unit, name in session.execute(
                select(Inspection.id, Inspection.date, Unit.name, Staff.name)
                .join(Unit, Unit.id == Inspection.unit_id)
                .join(inspection_staff, inspection_staff.c.inspection_id == Inspection.id)
                .join(Staff, Staff.id == inspection_staff.c.staff_id)
                .where(*live, Staff.id.in_(doubtful), not_(valid_on_day(Inspection.date)),
                       # after a 注销 the flag is inspection.staff_cancelled, said once
                       or_(Staff.cancelled_on.is_(None), Staff.cancelled_on > Inspection.date))
                .order_by(Inspection.id, Staff.id)):
            invalid[iid].append((day, unit, name))
    for iid, people in invalid.items():
        day, unit, _ = people[0]
        note("inspection.certificate", iid, day, unit,
             f"{'、'.join(p[2] for p in people)} 在检查当日无有效执法证。")

    # Only entries not published by their day's deadline can break the rule (_publication
    # decides): the deadline of each inspection day is worked out here, and SQL passes over
    # the year's entries published in time without handing them to Python.
    limit_of_day = [(day, deadline(day, OTHER_PUBLICATION_DAYS)[0]) for day in
                    session.scalars(select(Inspection.date).where(*live).distinct())]
    if limit_of_day:
        # A CTE: SQLite has no (VALUES …) AS t(a, b).
        limits = values(column("day", Date), column("last_day", Date),
                        name="limits").data(limit_of_day).cte()
        messages: dict[tuple, str] = {}
        for iid, day, unit, published in session.execute(
                select(Inspection.id, Inspection.date, Unit.name, Inspection.published_on)
                .join(Unit, Unit.id == Inspection.unit_id)
                .join(limits, limits.c.day == Inspection.date)
                .where(*live, or_(Inspection.published_on.is_(None),
                                  Inspection.published_on > limits.c.last_day))):
            key = (day, published)
            if key not in messages:
                messages[key] = _publication(day, published, OTHER_PUBLICATION_DAYS, today)
            if messages[key]:
                note("inspection.publication", iid, day, unit, messages[key])

    found.sort(key=lambda t: (t[0], t[1], list(RULES).index(t[2])))
    return [Flag(rule, "Inspection", iid, record, message)
            for _day, iid, rule, record, message in found]


def _penalty_flags(session: Session, year: int, today: dt.date) -> list[Flag]:
    flags = []
    q = (select(PenaltyCase).where(PenaltyCase.deleted_at.is_(None),
                                   in_year(PenaltyCase.decided_on, year))
         .order_by(PenaltyCase.decided_on, PenaltyCase.id))
    for case in session.scalars(q):
        name = case.describe()
        late = _publication(case.decided_on, case.published_on, PENALTY_PUBLICATION_DAYS, today)
        if late:
            flags.append(Flag("penalty.publication", "PenaltyCase", case.id, name, late))
        if case.procedure == Procedure.ORDINARY and not case.legal_review:
            flags.append(Flag("penalty.legal_review", "PenaltyCase", case.id, name,
                              "普通程序案件未经法制审核。"))
    return flags


def _training_flags(session: Session, year: int, figures=None) -> list[Flag]:
    figures = figures or annual_figures(session, year, with_previous=False)
    return [Flag("staff.training_hours", "Staff", row["staff_id"], f"执法人员「{row['姓名']}」",
                 f"{year}年学法 {row['学时']:g} 学时，不足 {TRAINING_HOURS_EXPECTED} 学时。")
            for row in figures.tables["training.per_person"] if not row["达标"]]


def _enterprise_cap_flags(session: Session, year: int, counts=None) -> list[Flag]:
    """Caps per 对象类型 (core.figures.enterprise_caps); a 专项 deployed by a higher
    authority is not counted against them. `counts`: core.figures.enterprise_counts."""
    caps = enterprise_caps(session, year)
    flags = []
    counts = enterprise_counts(session, year) if counts is None else counts
    for uid, name, unit_type, n in sorted(counts, key=lambda r: r[1]):
        cap = caps[unit_type]
        if n > cap.cap:
            flags.append(Flag("enterprise.cap", "Unit", uid, f"检查对象「{name}」", _sourced(
                "enterprise.cap",
                f"{year}年涉企检查 {n} 次，超过年度上限 {cap.cap} 次（{cap.source}），"
                f"宜以联合检查代替重复检查。")))
    return flags


def _narrative_flags(session: Session, year: int, figures: AnnualFigures) -> list[Flag]:
    """The report's paragraphs a person has not confirmed, each saying truly what the report
    will print instead: the clerk's text marked 待确认, last year's words, a template
    paragraph, or words generated from the records (core.report.content writes 计划 from the
    plan records whenever the ledger has them, and 问题/打算 from the year's findings when
    nobody has written them)."""
    flags = []
    planned = bool(figures.get("plan.tasks"))
    for block, narrative in load_narratives(session, year).items():
        if narrative.confirmed:
            continue
        record = f"报告文字 {year}年「{block.value}」"
        plan = block is NarrativeBlock.PLAN
        if narrative.origin == UNCONFIRMED:
            message = ("标记为待确认：报告先按本年度检查计划记录写出计划完成情况，这段文字确认后才接在"
                       "其后印出。" if plan and planned else
                       "仍是模板或上年文字，需经办人确认后再印发。")
        elif plan and planned:
            continue    # the plan's figures are written from its records: nothing to confirm
        elif narrative.origin == LAST_YEAR:
            message = f"未填写，报告将沿用{year - 1}年的文字并用黄色标出，需经办人确认或改写。"
        elif plan:
            message = ("未填写，台账中也没有本年度检查计划：报告将写明计划完成情况未作统计并用黄色"
                       "标出；请录入检查计划，或填写该段。")
        elif block in GENERATED_WHEN_EMPTY:
            message = "未填写，报告将按本年度台账记录生成这一段并用黄色标出，需经办人确认或改写。"
        else:
            message = "未填写，报告将使用模板段落并用黄色标出，需经办人确认或改写。"
        flags.append(Flag("narrative.unconfirmed", "NarrativeText", narrative.record_id,
                          record, message))
    return flags


# --- what a 司法局 reviewer catches at a glance (issue 21) ------------------------------------

def reviewer_flags(session: Session, year: int, figures=None) -> list[Flag]:
    """Dates that contradict each other or the law, and a year without its 权责清单 or its
    行政检查计划: each flag names the record, the rule (RULES) and its source (SOURCES)."""
    flags: list[Flag] = []
    flags += _inspection_date_flags(session, year)
    flags += _approval_flags(session, year)
    flags += _penalty_date_flags(session, year)
    flags += _review_date_flags(session, year)
    flags += _power_list_flags(session, year,
                               figures or annual_figures(session, year, with_previous=False))
    flags += _plan_flags(session, year)
    return flags


def _flag(rule, kind, rid, record, message) -> Flag:
    return Flag(rule, kind, rid, record, _sourced(rule, message))


def _inspection_record(day: dt.date, unit: str) -> str:
    return f"行政检查 {day:%Y-%m-%d}「{unit}」"


def _inspection_date_flags(session: Session, year: int) -> list[Flag]:
    live = (Inspection.deleted_at.is_(None), in_year(Inspection.date, year))
    flags = []
    for iid, day, unit, founded in session.execute(
            select(Inspection.id, Inspection.date, Unit.name, Unit.established_on)
            .join(Unit, Unit.id == Inspection.unit_id)
            .where(*live, Unit.established_on.is_not(None), Inspection.date < Unit.established_on)
            .order_by(Inspection.date, Inspection.id)):
        flags.append(_flag("inspection.unit_not_yet", "Inspection", iid,
                           _inspection_record(day, unit),
                           f"检查日期早于检查对象的成立日期（{founded:%Y-%m-%d}）。"))
    cancelled: dict[int, list] = defaultdict(list)
    # Only the (few) staff cancelled by 31 December: their links are read through
    # ix_inspection_staff_staff, not the year's 170,000 (as the certificate check does).
    _, dec31 = year_bounds(year)
    leavers = list(session.scalars(select(Staff.id).where(
        Staff.deleted_at.is_(None), Staff.cancelled_on.is_not(None), Staff.cancelled_on <= dec31)))
    for iid, day, unit, name, off in (session.execute(
            select(Inspection.id, Inspection.date, Unit.name, Staff.name, Staff.cancelled_on)
            .select_from(inspection_staff)
            .join(Staff, Staff.id == inspection_staff.c.staff_id)
            .join(Inspection, Inspection.id == inspection_staff.c.inspection_id)
            .join(Unit, Unit.id == Inspection.unit_id)
            .where(Staff.id.in_(leavers), *live, Staff.cancelled_on <= Inspection.date)
            .order_by(Inspection.date, Inspection.id, Staff.id)) if leavers else ()):
        cancelled[iid].append((day, unit, f"{name}（{off:%Y-%m-%d}注销）"))
    for iid, people in cancelled.items():
        day, unit, _ = people[0]
        flags.append(_flag("inspection.staff_cancelled", "Inspection", iid,
                           _inspection_record(day, unit),
                           f"{'、'.join(p[2] for p in people)} 在检查当日已注销执法证。"))
    return flags


def _approval_flags(session: Session, year: int) -> list[Flag]:
    """涉企 inspections not approved by the day they were made: no 审批人 or 审批日期, or
    approved after the day (approval on the day itself, before setting out, is prior)."""
    if year < RULES_2025_FROM:
        return []
    flags = []
    # An upgraded city year has tens of thousands of these: one message per kind of gap,
    # and the enterprises looked up in the unit table once and matched on the counting
    # index's unit column, so other units' rows are never fetched (2.2 s -> 0.7 s).
    enterprises = dict(session.execute(select(Unit.id, Unit.name).where(
        Unit.is_enterprise.is_(True))).all())
    missing_both = _sourced("inspection.approval", "未填写审批人、审批日期，涉企检查应事前经本机关负责人批准。")
    for iid, day, uid, approver, approved in session.execute(
            select(Inspection.id, Inspection.date, Inspection.unit_id, Inspection.approver,
                   Inspection.approved_on)
            .where(*counted_inspections(year), Inspection.unit_id.in_(
                       select(Unit.id).where(Unit.is_enterprise.is_(True))),
                   or_(Inspection.approver == "", Inspection.approved_on.is_(None),
                       Inspection.approved_on > Inspection.date))
            .order_by(Inspection.date, Inspection.id)):
        unit = enterprises.get(uid)
        if unit is None:
            continue
        if not approver and approved is None:
            message = missing_both
        elif approved is not None and approved > day and approver:
            message = _sourced("inspection.approval",
                               f"审批日期 {approved:%Y-%m-%d} 晚于检查日期，涉企检查应事前经负责人批准。")
        else:
            missing = "审批人" if not approver else "审批日期"
            message = _sourced("inspection.approval",
                               f"未填写{missing}，涉企检查应事前经本机关负责人批准。")
        flags.append(Flag("inspection.approval", "Inspection", iid,
                          _inspection_record(day, unit), message))
    return flags


def _penalty_date_flags(session: Session, year: int) -> list[Flag]:
    flags = []
    q = (select(PenaltyCase.id, PenaltyCase.decision_no, PenaltyCase.procedure,
                PenaltyCase.filed_on, PenaltyCase.decided_on, PenaltyCase.closed_on,
                PenaltyCase.deadline_extended)
         .where(PenaltyCase.deleted_at.is_(None), in_year(PenaltyCase.decided_on, year))
         .order_by(PenaltyCase.decided_on, PenaltyCase.id))
    for case in session.execute(q):
        name = f"行政处罚「{case.decision_no}」"
        decided, filed, closed = case.decided_on, case.filed_on, case.closed_on
        if case.procedure == Procedure.SIMPLE and filed is not None:
            days = (decided - filed).days
            gap = f"，立案至决定相隔 {days} 天" if days > 0 else ""
            flags.append(_flag("penalty.simple_filed", "PenaltyCase", case.id, name,
                               f"简易程序案件填写了立案日期 {filed:%Y-%m-%d}{gap}；简易程序应当场作出决定。"))
        if closed is not None and closed < decided:
            flags.append(_flag("penalty.closed_before_decided", "PenaltyCase", case.id, name,
                               f"结案日期 {closed:%Y-%m-%d} 早于决定日期 {decided:%Y-%m-%d}。"))
        if (case.procedure == Procedure.ORDINARY and filed is not None
                and (decided - filed).days > ORDINARY_CASE_DAYS and not case.deadline_extended):
            flags.append(_flag("penalty.ordinary_90_days", "PenaltyCase", case.id, name,
                               f"立案（{filed:%Y-%m-%d}）至决定（{decided:%Y-%m-%d}）"
                               f"{(decided - filed).days} 天，超过{ORDINARY_CASE_DAYS}日且未记录延长办案期限。"))
    return flags


def _review_date_flags(session: Session, year: int) -> list[Flag]:
    flags = []
    q = (select(ReviewCase).join(PenaltyCase, PenaltyCase.id == ReviewCase.penalty_case_id)
         .where(ReviewCase.deleted_at.is_(None), in_year(ReviewCase.received_on, year),
                PenaltyCase.decided_on.is_not(None),
                ReviewCase.received_on < PenaltyCase.decided_on)
         .order_by(ReviewCase.received_on, ReviewCase.id))
    for review in session.scalars(q):
        case = review.penalty_case
        noun = "复议申请" if review.kind == ReviewKind.RECONSIDERATION else "起诉"
        flags.append(_flag("review.before_decision", "ReviewCase", review.id,
                           f"{review.kind} {review.received_on:%Y-%m-%d}（{case.decision_no}）",
                           f"收案日期早于所涉处罚决定日期 {case.decided_on:%Y-%m-%d}：{noun}只能针对已作出的决定，"
                           f"请核对收案日期或关联文号。"))
    return flags


def _power_list_flags(session: Session, year: int, figures) -> list[Flag]:
    record = f"{year}年权责清单"
    if not figures["power.total"]:
        if not any(figures[key] for key in ACT_POWER_CATEGORIES):
            return []     # nothing done this year that would need one
        return [_flag("power.missing", "PowerItem", None, record,
                      "未录入本年度权责清单，报告无法说明执法主体及职权。")]
    flags = []
    for key, category in ACT_POWER_CATEGORIES.items():
        acts = figures[key]
        if acts and not figures[f"power.category.{category.key}"]:
            flags.append(_flag("power.category", "PowerItem", None, record,
                               f"本年度有{category.value}{acts:,}件（次），但权责清单中没有{category.value}事项。"))
    return flags


def _plan_flags(session: Session, year: int) -> list[Flag]:
    if year < RULES_2025_FROM:
        return []
    has_plan = session.scalar(select(func.count()).select_from(InspectionPlanTask).where(
        InspectionPlanTask.deleted_at.is_(None), InspectionPlanTask.year == year))
    if has_plan:
        return []
    return [_flag("plan.missing", "InspectionPlanTask", None, f"{year}年行政检查计划",
                  "未录入本年度行政检查计划，报告的「年度执法计划完成情况」将如实说明计划未录入台账。")]
