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
    TRAINING_HOURS_EXPECTED, annual_figures, counted_inspections, valid_on_day,
)
from core.models import Inspection, PenaltyCase, Staff, Unit, inspection_staff
from core.narrative import LAST_YEAR, UNCONFIRMED, load_narratives
from core.records import profile
from core.vocab import Procedure
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


RULES = {
    "inspection.inspectors": "行政检查执法人员不少于两人",
    "inspection.certificate": "执法人员检查当日持有效执法证",
    "inspection.publication": "行政检查结果20个工作日内公示",
    "penalty.publication": "行政处罚决定7个工作日内公示",
    "penalty.legal_review": "普通程序处罚决定经法制审核",
    "staff.training_hours": f"执法人员年度学法不少于{TRAINING_HOURS_EXPECTED}学时",
    "enterprise.cap": "同一企业年度检查次数不超过上限",
    "narrative.unconfirmed": "报告文字已由经办人确认",
    "calendar.unknown": "法定节假日安排已知",
}


def check_year(session: Session, year: int, today: dt.date | None = None) -> list[Flag]:
    today = today or dt.date.today()
    flags: list[Flag] = []
    flags += _inspection_flags(session, year, today)
    flags += _penalty_flags(session, year, today)
    flags += _training_flags(session, year)
    flags += _enterprise_cap_flags(session, year)
    flags += _narrative_flags(session, year)
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
                .where(*live, Staff.id.in_(doubtful), not_(valid_on_day(Inspection.date)))
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


def _training_flags(session: Session, year: int) -> list[Flag]:
    figures = annual_figures(session, year, with_previous=False)
    return [Flag("staff.training_hours", "Staff", row["staff_id"], f"执法人员「{row['姓名']}」",
                 f"{year}年学法 {row['学时']:g} 学时，不足 {TRAINING_HOURS_EXPECTED} 学时。")
            for row in figures.tables["training.per_person"] if not row["达标"]]


def _enterprise_cap_flags(session: Session, year: int) -> list[Flag]:
    p = profile(session)
    cap = p.enterprise_inspection_cap if p and p.enterprise_inspection_cap else 2
    q = (select(Unit.id, Unit.name, func.count())
         .join(Inspection, Inspection.unit_id == Unit.id)
         .where(*counted_inspections(year), Unit.is_enterprise.is_(True))
         .group_by(Unit.id, Unit.name).having(func.count() > cap).order_by(Unit.name))
    return [Flag("enterprise.cap", "Unit", uid, f"检查对象「{name}」",
                 f"{year}年涉企检查 {n} 次，超过年度上限 {cap} 次，宜以联合检查代替重复检查。")
            for uid, name, n in session.execute(q)]


def _narrative_flags(session: Session, year: int) -> list[Flag]:
    """The report's paragraphs a person has not confirmed: marked 待确认, or not written
    this year (the report would fall back on last year's text or a template paragraph)."""
    flags = []
    for block, narrative in load_narratives(session, year).items():
        if narrative.confirmed:
            continue
        record = f"报告文字 {year}年「{block.value}」"
        if narrative.origin == UNCONFIRMED:
            message = "仍是模板或上年文字，需经办人确认后再印发。"
        elif narrative.origin == LAST_YEAR:
            message = f"未填写，报告将沿用{year - 1}年的文字并用黄色标出，需经办人确认或改写。"
        else:
            message = "未填写，报告将使用模板段落并用黄色标出，需经办人确认或改写。"
        flags.append(Flag("narrative.unconfirmed", "NarrativeText", narrative.record_id,
                          record, message))
    return flags
