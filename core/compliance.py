"""Legal-compliance flags: things the law requires that the ledger shows were not done.

Unlike core.validation, these records are saved as they happened; `check_year` lists them
for the clerk (`zhifa-cli check`, the GUI's overview and the report dialog), each naming
the record so it can be opened and fixed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core.figures import TRAINING_HOURS_EXPECTED, annual_figures, counted_inspection_ids, in_year
from core.models import (
    Inspection, NarrativeText, PenaltyCase, Staff, Unit,
)
from core.records import profile
from core.vocab import Procedure
from core.workdays import (
    OTHER_PUBLICATION_DAYS, PENALTY_PUBLICATION_DAYS, calendar_knows, deadline,
)


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
                          f"节假日安排尚未收录，公示期限按周一至周五计算，可能不准确。"))
    return flags


def _publication(day: dt.date, published: dt.date | None, days: int, today: dt.date) -> str:
    limit, _exact = deadline(day, days)
    if published is None:
        return f"尚未公示，公示期限 {limit:%Y-%m-%d} 已过。" if today > limit else ""
    if published > limit:
        return (f"{published:%Y-%m-%d} 公示，晚于{days}个工作日期限（{limit:%Y-%m-%d}）。")
    return ""


def _inspection_flags(session: Session, year: int, today: dt.date) -> list[Flag]:
    flags = []
    q = (select(Inspection).where(Inspection.deleted_at.is_(None), in_year(Inspection.date, year))
         .options(selectinload(Inspection.inspectors)).order_by(Inspection.date, Inspection.id))
    for insp in session.scalars(q):
        name = insp.describe()
        inspectors = [s for s in insp.inspectors if s.deleted_at is None]
        if len(inspectors) < 2:
            flags.append(Flag("inspection.inspectors", "Inspection", insp.id, name,
                              f"执法人员 {len(inspectors)} 人，少于两人。"))
        invalid = [s.name for s in inspectors if not s.certificate_valid_on(insp.date)]
        if invalid:
            flags.append(Flag("inspection.certificate", "Inspection", insp.id, name,
                              f"{'、'.join(invalid)} 在检查当日无有效执法证。"))
        late = _publication(insp.date, insp.published_on, OTHER_PUBLICATION_DAYS, today)
        if late:
            flags.append(Flag("inspection.publication", "Inspection", insp.id, name, late))
    return flags


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
         .where(Inspection.id.in_(counted_inspection_ids(year)), Unit.is_enterprise.is_(True))
         .group_by(Unit.id, Unit.name).having(func.count() > cap).order_by(Unit.name))
    return [Flag("enterprise.cap", "Unit", uid, f"检查对象「{name}」",
                 f"{year}年涉企检查 {n} 次，超过年度上限 {cap} 次，宜以联合检查代替重复检查。")
            for uid, name, n in session.execute(q)]


def _narrative_flags(session: Session, year: int) -> list[Flag]:
    q = select(NarrativeText).where(NarrativeText.deleted_at.is_(None), NarrativeText.year == year,
                                    NarrativeText.needs_review.is_(True))
    return [Flag("narrative.unconfirmed", "NarrativeText", n.id, n.describe(),
                 "仍是模板或上年文字，需经办人确认后再印发。") for n in session.scalars(q)]
