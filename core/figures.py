"""Every figure the report and the annex state, counted once, here, by the official rules.

`annual_figures(session, year)` returns an `AnnualFigures`: figures with a stable key, a
Chinese label, a unit, the previous year's value where the ledger has that year, and a
`SourceSpec` saying which records were counted (`figure_sources` lists them).

Counting rules (DOMAIN.md, 填报说明):
- An act counts in the year of its decision/completion date.
- One inspected unit on one day is one inspection: entries for the same unit and day (a joint
  双随机 inspection logged by two sections) count once, under the first entry.
- A penalty case with several penalties counts once, under the heaviest (其他 only alone).
  罚没金额 = fines + confiscations whose amount is known.
- Certificates are counted as valid on 31 December; 持证率 = holders among established staff
  active on 31 Dec ÷ those staff.
- Training hours are per person, for the staff holding a certificate on 31 December.

Aggregation happens in SQL: each record kind is grouped once by all its reporting
dimensions, and the small grouped result is summed here into the breakdowns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, extract, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from core.models import (
    FIRST_OF_DAY, BureauProfile, Campaign, CustomFigure, Inspection, InspectionCap,
    InspectionPlanTask, OtherAct, PenaltyCase, PowerItem, ReviewCase, Staff, Training, Unit,
    cents_to_yuan, split_list, training_staff,
)
from core.store import plain_rows
from core.vocab import (
    CaseSource,
    CORRECTED_REVIEW_RESULTS, InspectionCategory, InspectionMethod, InspectionResult,
    OtherActCategory, PartyType, PenaltyKind, PowerCategory, Procedure, ReviewKind,
    ReviewResult, UnitType,
)
from core.years import YEAR_KINDS, belongs_to_year, in_year, year_bounds

NO_VALUE = "—"   # shown for a figure with no value (a rate with nothing to divide by)
TRAINING_HOURS_EXPECTED = 60  # Tianjin practice: ≥ 60 学时 of legal training a year


Number = int | float | Decimal


@dataclass(frozen=True)
class SourceSpec:
    """Which records a figure counted: a model and the SQL conditions that select them."""

    model: type
    conditions: tuple = ()
    joins: tuple = ()

    def query(self):
        q = select(self.model)
        for target in self.joins:
            q = q.join(target)
        return q.where(self.model.deleted_at.is_(None), *self.conditions)


@dataclass
class Figure:
    key: str
    label: str
    value: Any
    unit: str = ""
    previous: Any = None
    source: SourceSpec | None = None
    note: str = ""
    # "count": the value is the number of source records; "sum": a total over them;
    # "distinct": distinct units among them; "rate" and "list" have no single source.
    aggregate: str = "count"

    @property
    def change_pct(self) -> float | None:
        """Change over the previous year in percent; None where there is nothing to compare."""
        if not isinstance(self.value, (int, float, Decimal)) or not isinstance(
                self.previous, (int, float, Decimal)) or not self.previous:
            return None
        return round(float(self.value - self.previous) / float(self.previous) * 100, 1)

    def as_json(self) -> dict:
        out = {"key": self.key, "label": self.label, "value": _jsonable(self.value),
               "unit": self.unit}
        if self.previous is not None:
            out["previous"] = _jsonable(self.previous)
            out["change_pct"] = self.change_pct
        if self.note:
            out["note"] = self.note
        return out


def _jsonable(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


@dataclass
class AnnualFigures:
    year: int
    figures: dict[str, Figure] = field(default_factory=dict)
    tables: dict[str, list[dict]] = field(default_factory=dict)
    has_previous: bool = False
    # (unit id, name, type, inspections counted against the cap) per enterprise inspected:
    # counted once here for the frequency figures and the cap check (enterprise_counts).
    enterprise_counts: list[tuple] = field(default_factory=list, repr=False, compare=False)

    def __getitem__(self, key: str):
        return self.figures[key].value

    def __contains__(self, key: str) -> bool:
        return key in self.figures

    def get(self, key: str, default=None):
        f = self.figures.get(key)
        return default if f is None else f.value

    def figure(self, key: str) -> Figure:
        return self.figures[key]

    def add(self, key, label, value, unit="", source=None, note="", aggregate=None):
        if aggregate is None:
            aggregate = ("list" if isinstance(value, list) else
                         "rate" if unit == "%" or source is None else "count")
        self.figures[key] = Figure(key, label, value, unit, source=source, note=note,
                                   aggregate=aggregate)

    def as_json(self) -> dict:
        return {"year": self.year, "has_previous": self.has_previous,
                "figures": [f.as_json() for f in self.figures.values()],
                "tables": {k: [{c: _jsonable(v) for c, v in row.items()} for row in rows]
                           for k, rows in self.tables.items()}}


def _month_of(day) -> int:
    """The month of a date from plain_rows: "2025-03-05" from SQLite, a date elsewhere."""
    return day.month if isinstance(day, dt.date) else int(day[5:7])


def _month(column):
    return extract("month", column)


def in_month(column, year: int, month: int):
    """`column` falls in that month: a date range, which SQLite reads off an index, where
    the month of each row (strftime) would be worked out row by row."""
    first = dt.date(year, month, 1)
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return column.between(first, last)


def counted_inspections(year: int) -> tuple:
    """The conditions selecting the inspections that count in `year`: one unit on one day
    is one inspection, so only the first live entry of each (unit, day) counts
    (`first_of_day`, kept by core.inspection_days; never set on a deleted entry)."""
    return FIRST_OF_DAY.is_(True), in_year(Inspection.date, year)


def annual_figures(session: Session, year: int, *, with_previous: bool = True) -> AnnualFigures:
    figures = AnnualFigures(year)
    _staff(session, year, figures)
    _training(session, year, figures)
    _inspections(session, year, figures)
    _plan(session, year, figures)
    _enterprise_frequency(session, year, figures)
    _penalties(session, year, figures)
    _other_acts(session, year, figures)
    _campaigns(session, year, figures)
    _powers(session, year, figures)
    _reviews(session, year, figures)
    _custom(session, year, figures)
    if with_previous and ledger_has_year(session, year - 1):
        previous = annual_figures(session, year - 1, with_previous=False)
        figures.has_previous = True
        for key, fig in figures.figures.items():
            if key in previous.figures and not isinstance(fig.value, list):
                fig.previous = previous.figures[key].value
        if not previous.get("plan.tasks"):
            # Last year's plan is not in the ledger: its 计划内/计划外 split says nothing
            # (every inspection 计划外), so there is nothing to compare with.
            for key in PLAN_FIGURES:
                figures.figures[key].previous = None
    return figures


PLAN_FIGURES = ("plan.tasks", "plan.tasks_done", "plan.objects_planned", "plan.objects_inspected",
                "plan.completion_rate", "inspection.planned", "inspection.unplanned")


def ledger_has_year(session: Session, year: int) -> bool:
    for model in YEAR_KINDS:
        if session.scalar(select(literal(1)).where(model.deleted_at.is_(None),
                                                   belongs_to_year(model, year)).limit(1)):
            return True
    return False


# --- staff and training -----------------------------------------------------------------

def valid_on_day(day):
    """SQL twin of Staff.certificate_valid_on; `day` may be a date or a date column."""
    return and_(Staff.certificate_no.is_not(None), Staff.certificate_no != "",
                Staff.certificate_issued.is_not(None), Staff.certificate_issued <= day,
                or_(Staff.certificate_expires.is_(None), Staff.certificate_expires >= day),
                or_(Staff.cancelled_on.is_(None), Staff.cancelled_on > day))


_valid_on = valid_on_day


def _active_on(day: dt.date):
    return or_(Staff.cancelled_on.is_(None), Staff.cancelled_on > day)


def _joined_by(day: dt.date):
    """The ledger has no hiring date: a certificate first issued after `day` marks someone
    who was not yet enforcement staff then (matters when counting the previous year)."""
    return or_(Staff.certificate_issued.is_(None), Staff.certificate_issued <= day)


def _staff(session: Session, year: int, f: AnnualFigures) -> None:
    _, dec31 = year_bounds(year)
    specs = {
        "staff.certified": ("持证执法人员", SourceSpec(Staff, (_valid_on(dec31),))),
        "staff.newly_certified": ("新申领执法证", SourceSpec(
            Staff, (in_year(Staff.certificate_issued, year), Staff.certificate_no != ""))),
        "staff.cancelled": ("注销执法证", SourceSpec(Staff, (in_year(Staff.cancelled_on, year),))),
        "staff.established": ("在编执法岗位人数", SourceSpec(
            Staff, (Staff.is_established.is_(True), _active_on(dec31), _joined_by(dec31)))),
        "staff.established_certified": ("在编持证人数", SourceSpec(
            Staff, (Staff.is_established.is_(True), _valid_on(dec31)))),
        "staff.legal_reviewers": ("法制审核人员", SourceSpec(
            Staff, (Staff.is_legal_reviewer.is_(True), _active_on(dec31), _joined_by(dec31)))),
    }
    for key, (label, spec) in specs.items():
        n = session.scalar(select(func.count()).select_from(spec.query().subquery()))
        f.add(key, label, n, "人", spec)
    established = f["staff.established"]
    rate = round(f["staff.established_certified"] / established * 100, 1) if established else None
    f.add("staff.certified_rate", "持证率", rate, "%",
          note="在编持证人数 ÷ 在编执法岗位人数")


def _training(session: Session, year: int, f: AnnualFigures) -> None:
    _, dec31 = year_bounds(year)
    in_scope = (Training.deleted_at.is_(None), in_year(Training.date, year))
    sessions, hours, takers, passed = session.execute(
        select(func.count(), func.coalesce(func.sum(Training.hours), 0),
               func.coalesce(func.sum(Training.exam_takers), 0),
               func.coalesce(func.sum(Training.exam_passed), 0)).where(*in_scope)).one()
    spec = SourceSpec(Training, (in_year(Training.date, year),))
    f.add("training.sessions", "学法培训次数", sessions, "次", spec)
    f.add("training.hours", "组织培训学时", float(hours), "学时", spec, aggregate="sum")
    f.add("training.exam_takers", "参加考试人数", int(takers), "人", spec, aggregate="sum")
    f.add("training.exam_passed", "考试通过人数", int(passed), "人", spec, aggregate="sum")
    f.add("training.pass_rate", "考试通过率",
          round(passed / takers * 100, 1) if takers else None, "%")

    per_person = (select(training_staff.c.staff_id.label("sid"),
                         func.sum(Training.hours).label("h"))
                  .join(Training, Training.id == training_staff.c.training_id)
                  .where(*in_scope).group_by(training_staff.c.staff_id).subquery())
    rows = session.execute(
        select(Staff.id, Staff.name, func.coalesce(per_person.c.h, 0))
        .outerjoin(per_person, per_person.c.sid == Staff.id)
        .where(Staff.deleted_at.is_(None), _valid_on(dec31)).order_by(Staff.id)).all()
    total = sum(float(h) for _, _, h in rows)
    reached = [sid for sid, _, h in rows if float(h) >= TRAINING_HOURS_EXPECTED]
    f.add("training.avg_hours", "人均学法学时",
          round(total / len(rows), 1) if rows else None, "学时",
          note="持证执法人员年度学时合计 ÷ 持证执法人员数")
    f.add("training.reached_60", f"学时达{TRAINING_HOURS_EXPECTED}学时人数", len(reached), "人",
          SourceSpec(Staff, (Staff.id.in_(reached),)))
    f.add("training.reached_60_rate", "学时达标率",
          round(len(reached) / len(rows) * 100, 1) if rows else None, "%")
    f.tables["training.per_person"] = [
        {"staff_id": sid, "姓名": name, "学时": float(h),
         "达标": float(h) >= TRAINING_HOURS_EXPECTED} for sid, name, h in rows]


# --- inspections -----------------------------------------------------------------------

def _inspections(session: Session, year: int, f: AnnualFigures) -> None:
    counted = counted_inspections(year)
    # At city scale (100,000 inspections a year) every pass SQLite makes over the year's rows
    # costs 20-30 ms, and a join to unit per row more. So the year is read in two grouped
    # passes over the counting indexes that never join: the inspection's own dimensions,
    # and the count per unit; the unit's type and enterprise flag are then looked up in the
    # (small) unit table. Grouping by the day rather than the month is cheaper for SQLite
    # (no strftime per row) and the months are summed here from a few thousand groups.
    # Both are read as plain tuples (plain_rows), the dates staying ISO text.
    dims = (Inspection.category, Inspection.method, Inspection.result, Inspection.date)
    # Grouped in ix_inspection_dimensions' order (date first): no temporary sort.
    grouping = (Inspection.date, Inspection.category, Inspection.method, Inspection.result)
    measures = (Inspection.personnel, Inspection.problems_found, Inspection.rectified_on_site,
                case((Inspection.recorded.is_(True), 1), else_=0))
    rows = plain_rows(session, (
        select(*dims, func.count(), *(func.sum(m) for m in measures))
        .where(*counted).group_by(*grouping)))
    per_unit: dict[int, int] = dict(plain_rows(session, (
        select(Inspection.unit_id, func.count()).where(*counted).group_by(Inspection.unit_id))))
    f.enterprise_counts = enterprise_counts(session, year, per_unit)
    unit_info = {uid: (utype, bool(ent), name) for uid, utype, ent, name in plain_rows(
        session, select(Unit.id, Unit.unit_type, Unit.is_enterprise, Unit.name))}
    by_unit_type: dict[str, int] = defaultdict(int)
    enterprise = ent_units = 0
    for uid, n in per_unit.items():
        utype, is_enterprise, _name = unit_info[uid]
        by_unit_type[utype] += n
        if is_enterprise:
            enterprise += n
            ent_units += 1

    def spec(*conds, unit=False):
        return SourceSpec(Inspection, (*counted, *conds), (Unit,) if unit else ())

    total = sum(r[4] for r in rows)
    f.add("inspection.total", "行政检查", total, "次", spec())

    def by_column(col: int) -> dict[str, int]:
        counts = defaultdict(int)
        for r in rows:
            counts[r[col]] += r[4]
        return counts

    breakdowns = (
        ("category", InspectionCategory, by_column(0), Inspection.category, False),
        ("method", InspectionMethod, by_column(1), Inspection.method, False),
        ("unit_type", UnitType, by_unit_type, Unit.unit_type, True),
        ("result", InspectionResult, by_column(2), Inspection.result, False),
    )
    for name, vocab, counts, column, needs_unit in breakdowns:
        for member in vocab:
            f.add(f"inspection.{name}.{member.key}", member.value, counts[member.value], "次",
                  spec(column == member.value, unit=needs_unit))
    f.add("inspection.enterprise", "涉企行政检查", enterprise, "次",
          spec(Unit.is_enterprise.is_(True), unit=True))
    f.add("inspection.personnel", "出动执法人员", sum(r[5] for r in rows), "人次", spec(),
          aggregate="sum")
    f.add("inspection.joint_personnel", "联合检查出动人次",
          sum(r[5] for r in rows if r[1] == InspectionMethod.JOINT_RANDOM), "人次",
          spec(Inspection.method == InspectionMethod.JOINT_RANDOM), aggregate="sum")
    f.add("inspection.problems", "发现问题隐患", sum(r[6] for r in rows), "处",
          spec(Inspection.problems_found > 0), aggregate="sum")
    f.add("inspection.rectified_on_site", "现场整改", sum(r[7] for r in rows), "处",
          spec(Inspection.rectified_on_site > 0), aggregate="sum")
    f.add("inspection.recorded", "全过程记录", sum(r[8] for r in rows), "次",
          spec(Inspection.recorded.is_(True)))
    by_month = defaultdict(int)
    for r in rows:
        by_month[_month_of(r[3])] += r[4]
    for m in range(1, 13):
        f.add(f"inspection.month.{m:02d}", f"{m}月行政检查", by_month[m], "次",
              spec(in_month(Inspection.date, year, m)))

    # Repeated entries never change which units were inspected.
    f.add("inspection.units", "检查对象", len(per_unit), "家", spec(), aggregate="distinct")
    f.add("inspection.enterprise_units", "涉企检查对象", ent_units, "家",
          spec(Unit.is_enterprise.is_(True), unit=True), aggregate="distinct")

    # Names the report lists: partner departments of joint inspections, and jointly
    # inspected units in the order first inspected.
    joint = Inspection.method == InspectionMethod.JOINT_RANDOM
    partners: list[str] = []
    names: list[str] = []
    for text, uid in plain_rows(session, (
            select(Inspection.partner_departments, Inspection.unit_id)
            .where(*counted, joint).order_by(Inspection.date, Inspection.id))):
        partners.extend(split_list(text))
        names.append(unit_info[uid][2])
    names = list(dict.fromkeys(names))
    f.add("inspection.joint_partners", "联合检查部门", list(dict.fromkeys(partners)))
    f.add("inspection.joint_units", "联合检查对象", names, "", spec(joint))
    f.add("inspection.joint_unit_count", "联合检查对象", len(names), "家", spec(joint),
          aggregate="distinct")


# --- the year's inspection plan and the enterprise frequency caps (schema 6) ---------------

DEFAULT_ENTERPRISE_CAP = 2   # 国办发〔2024〕54号 leaves it to each region; 2 is the common figure


@dataclass(frozen=True)
class EnterpriseCap:
    cap: int
    source: str   # where the number comes from, in the words a flag states it with


def enterprise_caps(session: Session, year: int) -> dict[str, EnterpriseCap]:
    """The yearly cap on inspections of one enterprise, per 对象类型: the cap the bureau
    published for the type that year (检查频次上限); else the plan's 频次上限 for the type,
    summed over the year's tasks for the type that state one (each task may visit the
    enterprise that often); else the bureau-wide 同一企业年度检查上限 of 单位信息."""
    bureau = session.scalar(select(BureauProfile.enterprise_inspection_cap).limit(1))
    fallback = EnterpriseCap(bureau or DEFAULT_ENTERPRISE_CAP, "单位信息中的同一企业年度检查上限")
    caps: dict[str, EnterpriseCap] = defaultdict(lambda: fallback)
    for unit_type, cap in session.execute(
            select(InspectionPlanTask.unit_type, func.sum(InspectionPlanTask.cap))
            # by type alone: a task for an enterprise type whose 是否涉企 was left unticked
            # still states that type's cap, and a type's cap reaches only enterprises anyway
            .where(InspectionPlanTask.deleted_at.is_(None), InspectionPlanTask.year == year,
                   InspectionPlanTask.cap.is_not(None))
            .group_by(InspectionPlanTask.unit_type)):
        caps[unit_type] = EnterpriseCap(int(cap), f"{year}年行政检查计划的频次上限")
    for unit_type, cap in session.execute(
            select(InspectionCap.unit_type, func.min(InspectionCap.cap))
            .where(InspectionCap.deleted_at.is_(None), InspectionCap.year == year)
            .group_by(InspectionCap.unit_type)):
        caps[unit_type] = EnterpriseCap(int(cap), f"本局公布的{year}年{unit_type}检查频次上限")
    return caps


def uncapped_inspection():
    """A 专项检查 deployed by a higher authority: 54号 does not count it against the cap."""
    return and_(Inspection.superior_deployed == True,  # noqa: E712 (= 1 reads the index)
                Inspection.category == InspectionCategory.SPECIAL.value)


def enterprise_counts(session: Session, year: int,
                      per_unit: dict[int, int] | None = None) -> list[tuple[int, str, str, int]]:
    """(unit id, name, type, inspections counted against the cap) for every enterprise
    inspected in `year`, most inspected first. `per_unit`: the year's counted inspections
    per unit, when already counted. Passes over covering indexes and the small unit table,
    no join per inspection (a city year: docs/PERFORMANCE.md)."""
    counted = counted_inspections(year)
    if per_unit is None:
        per_unit = dict(plain_rows(session, select(Inspection.unit_id, func.count())
                                   .where(*counted).group_by(Inspection.unit_id)))
    uncapped = dict(plain_rows(session, select(Inspection.unit_id, func.count())
                               .where(uncapped_inspection(), *counted)
                               .group_by(Inspection.unit_id)))
    enterprises = {uid: (name, utype) for uid, name, utype in plain_rows(session, select(
        Unit.id, Unit.name, Unit.unit_type).where(Unit.is_enterprise.is_(True)))}
    rows = [(uid, *enterprises[uid], n - uncapped.get(uid, 0)) for uid, n in per_unit.items()
            if uid in enterprises and n > uncapped.get(uid, 0)]
    return sorted(rows, key=lambda r: (-r[3], r[1]))


def _plan(session: Session, year: int, f: AnnualFigures) -> None:
    counted = counted_inspections(year)
    tasks = session.scalars(select(InspectionPlanTask).where(
        InspectionPlanTask.deleted_at.is_(None), InspectionPlanTask.year == year)
        .order_by(InspectionPlanTask.id)).all()
    live_ids = [t.id for t in tasks]
    # An inspection naming a task in the recycle bin is 计划外 until the task is restored.
    under_task = Inspection.plan_task_id.in_(live_ids)
    per_task: dict[int, tuple[int, int]] = {}
    if live_ids:
        per_task = {tid: (n, units) for tid, n, units in session.execute(
            select(Inspection.plan_task_id, func.count(), func.count(Inspection.unit_id.distinct()))
            .where(*counted, under_task).group_by(Inspection.plan_task_id))}
    task_spec = SourceSpec(InspectionPlanTask, (InspectionPlanTask.year == year,))
    planned_total = sum(t.planned_units for t in tasks)
    inspected_total = sum(per_task.get(t.id, (0, 0))[1] for t in tasks)
    within = sum(min(per_task.get(t.id, (0, 0))[1], t.planned_units) for t in tasks)
    done = [t.id for t in tasks if per_task.get(t.id, (0, 0))[0]]
    f.add("plan.tasks", "检查计划任务", len(tasks), "项", task_spec)
    f.add("plan.tasks_done", "已实施的计划任务", len(done), "项",
          SourceSpec(InspectionPlanTask, (InspectionPlanTask.id.in_(done),)))
    f.add("plan.objects_planned", "计划检查对象", planned_total, "家", task_spec,
          note="各任务 对象基数 × 检查比例（向上取整）之和", aggregate="sum")
    f.add("plan.objects_inspected", "计划内已检查对象", inspected_total, "家",
          SourceSpec(Inspection, (*counted, under_task)), note="各任务检查的不同对象数之和",
          aggregate="distinct")
    f.add("plan.completion_rate", "计划完成率",
          round(within / planned_total * 100, 1) if planned_total else None, "%",
          note="各任务 min(已检查对象, 计划检查对象) 之和 ÷ 计划检查对象")
    planned = sum(n for n, _ in per_task.values())
    f.add("inspection.planned", "计划内检查", planned, "次", SourceSpec(Inspection, (*counted, under_task)))
    unplanned_cond = or_(Inspection.plan_task_id.is_(None), not_(under_task))
    f.add("inspection.unplanned", "计划外检查", f["inspection.total"] - planned, "次",
          SourceSpec(Inspection, (*counted, unplanned_cond)))
    f.tables["plan.tasks"] = [
        {"id": t.id, "name": t.name, "category": t.category, "unit_type": t.unit_type,
         "base": t.base, "ratio": t.ratio, "planned": t.planned_units,
         "inspected": per_task.get(t.id, (0, 0))[1], "cap": t.cap} for t in tasks]
    by_source = dict(session.execute(
        select(Inspection.case_source, func.count())
        .where(*counted, Inspection.category == InspectionCategory.CASE.value, unplanned_cond)
        .group_by(Inspection.case_source)).all())
    rows = [{"source": s.value, "count": by_source.pop(s.value, 0)} for s in CaseSource]
    unnamed = sum(by_source.values())   # 个案 logged before 2025, or with the source left empty
    if unnamed:
        rows.append({"source": "未填写来源", "count": unnamed})
    f.tables["inspection.unplanned_by_source"] = rows


def _enterprise_frequency(session: Session, year: int, f: AnnualFigures) -> None:
    counted = counted_inspections(year)
    caps = enterprise_caps(session, year)
    per_unit = f.enterprise_counts
    capped_total = sum(n for *_, n in per_unit)
    over = [uid for uid, _name, utype, n in per_unit if n > caps[utype].cap]
    ent = SourceSpec(Inspection, (*counted, Unit.is_enterprise.is_(True),
                                  not_(uncapped_inspection())), (Unit,))
    f.add("inspection.enterprise_max_per_unit", "同一企业最多检查",
          max((n for *_, n in per_unit), default=0), "次", ent, aggregate="rate",
          note="上级部署的专项检查不计")
    f.add("inspection.enterprise_mean_per_unit", "每家企业平均检查",
          round(capped_total / len(per_unit), 1) if per_unit else None, "次",
          note="计入频次的涉企检查 ÷ 受检企业数（上级部署的专项检查不计）")
    f.add("inspection.enterprise_over_cap", "超过年度频次上限的企业", len(over), "家",
          SourceSpec(Unit, (Unit.id.in_(over),)))
    enterprise_ids = select(Unit.id).where(Unit.is_enterprise.is_(True))
    f.add("inspection.enterprise_uncapped", "不计入频次的涉企检查", session.scalar(
        select(func.count()).select_from(Inspection)
        .where(uncapped_inspection(), *counted, Inspection.unit_id.in_(enterprise_ids))), "次",
        SourceSpec(Inspection, (*counted, Unit.is_enterprise.is_(True), uncapped_inspection()),
                   (Unit,)), note="上级部署的专项检查")


# --- penalties -------------------------------------------------------------------------

def _penalties(session: Session, year: int, f: AnnualFigures) -> None:
    decided = in_year(PenaltyCase.decided_on, year)
    rows = session.execute(
        select(PenaltyCase.counted_kind, PenaltyCase.procedure, PenaltyCase.party_type,
               PenaltyCase.legal_review, PenaltyCase.legal_review_corrected,
               PenaltyCase.hearing, _month(PenaltyCase.decided_on), func.count(),
               func.coalesce(func.sum(PenaltyCase.fine_cents), 0),
               func.coalesce(func.sum(PenaltyCase.confiscation_cents), 0))
        .where(PenaltyCase.deleted_at.is_(None), decided)
        .group_by(PenaltyCase.counted_kind, PenaltyCase.procedure, PenaltyCase.party_type,
                  PenaltyCase.legal_review, PenaltyCase.legal_review_corrected,
                  PenaltyCase.hearing, _month(PenaltyCase.decided_on))).all()

    def spec(*conds):
        return SourceSpec(PenaltyCase, (decided, *conds))

    def total(pred=lambda r: True, col=7):
        return sum(r[col] for r in rows if pred(r))

    f.add("penalty.total", "行政处罚", total(), "件", spec())
    for kind in PenaltyKind:
        f.add(f"penalty.kind.{kind.key}", kind.value, total(lambda r: r[0] == kind.value), "件",
              spec(PenaltyCase.counted_kind == kind.value))
    for proc in Procedure:
        f.add(f"penalty.procedure.{proc.key}", proc.value, total(lambda r: r[1] == proc.value),
              "件", spec(PenaltyCase.procedure == proc.value))
    for party in PartyType:
        f.add(f"penalty.party.{party.key}", party.value, total(lambda r: r[2] == party.value),
              "件", spec(PenaltyCase.party_type == party.value))
    f.add("penalty.legal_review", "法制审核", total(lambda r: r[3]), "件",
          spec(PenaltyCase.legal_review.is_(True)))
    f.add("penalty.legal_review_corrected", "法制审核纠错", total(lambda r: r[4]), "件",
          spec(PenaltyCase.legal_review_corrected.is_(True)))
    f.add("penalty.hearing", "听证", total(lambda r: r[5]), "件", spec(PenaltyCase.hearing.is_(True)))
    fines, confiscations = total(col=8), total(col=9)
    f.add("penalty.fine_amount", "罚款金额", cents_to_yuan(fines), "元",
          spec(PenaltyCase.fine_cents > 0), aggregate="sum")
    f.add("penalty.confiscation_amount", "没收金额", cents_to_yuan(confiscations), "元",
          spec(PenaltyCase.confiscation_cents > 0), aggregate="sum")
    f.add("penalty.amount", "罚没金额", cents_to_yuan(fines + confiscations), "元",
          spec(or_(PenaltyCase.fine_cents > 0, PenaltyCase.confiscation_cents > 0)),
          note="罚款与已知金额的没收之和", aggregate="sum")
    by_month = defaultdict(int)
    for r in rows:
        by_month[r[6]] += r[7]
    for m in range(1, 13):
        f.add(f"penalty.month.{m:02d}", f"{m}月行政处罚", by_month[m], "件",
              spec(in_month(PenaltyCase.decided_on, year, m)))


# --- aggregate acts, campaigns, powers, reviews, custom figures ---------------------------

def _other_acts(session: Session, year: int, f: AnnualFigures) -> None:
    in_scope = (OtherAct.year == year,)
    rows = session.execute(
        select(OtherAct.category, OtherAct.item, func.sum(OtherAct.applied),
               func.sum(OtherAct.accepted), func.sum(OtherAct.granted),
               func.sum(OtherAct.refused), func.sum(OtherAct.revoked), func.sum(OtherAct.count))
        .where(OtherAct.deleted_at.is_(None), *in_scope)
        .group_by(OtherAct.category, OtherAct.item)
        .order_by(OtherAct.category, func.min(OtherAct.id))).all()
    lic = [r for r in rows if r[0] == OtherActCategory.LICENSE]
    lic_spec = SourceSpec(OtherAct, (*in_scope, OtherAct.category == OtherActCategory.LICENSE))
    for i, (key, label) in enumerate((("applied", "申请"), ("accepted", "受理"),
                                      ("granted", "许可"), ("refused", "不予许可"),
                                      ("revoked", "撤销"))):
        f.add(f"license.{key}", f"行政许可{label}", sum(r[2 + i] or 0 for r in lic), "件", lic_spec,
              aggregate="sum")
    f.tables["license.items"] = [
        {"事项": r[1], "申请": r[2] or 0, "受理": r[3] or 0, "许可": r[4] or 0,
         "不予许可": r[5] or 0, "撤销": r[6] or 0} for r in lic]
    for cat in OtherActCategory:
        if cat is OtherActCategory.LICENSE:
            continue
        f.add(f"other_act.{cat.key}", cat.value, sum(r[7] or 0 for r in rows if r[0] == cat.value),
              "件", SourceSpec(OtherAct, (*in_scope, OtherAct.category == cat.value)), aggregate="sum")
    f.tables["other_act.items"] = [
        {"类别": r[0], "事项": r[1], "次数": r[7] or 0} for r in rows
        if r[0] != OtherActCategory.LICENSE]


def _campaigns(session: Session, year: int, f: AnnualFigures) -> None:
    # A campaign counts in the year it ends; one still running counts in its start year.
    spec = SourceSpec(Campaign, (belongs_to_year(Campaign, year),))
    campaigns = session.scalars(spec.query().order_by(Campaign.start_date, Campaign.id)).all()
    f.add("campaign.total", "专项行动", len(campaigns), "次", spec)
    for attr, key, label, unit in (("personnel", "personnel", "出动人次", "人次"),
                                   ("institutions_checked", "institutions", "排查机构", "家"),
                                   ("hazards_found", "hazards", "发现隐患", "处"),
                                   ("closed", "closed", "关停机构", "家"),
                                   ("rectified", "rectified", "整改", "家"),
                                   ("cases_filed", "cases", "立案", "件")):
        f.add(f"campaign.{key}", f"专项行动{label}",
              sum(getattr(c, attr) or 0 for c in campaigns), unit, spec, aggregate="sum")
    partners: list[str] = []
    for c in campaigns:
        partners.extend(split_list(c.partner_departments))
    f.add("campaign.partners", "专项行动联合部门", list(dict.fromkeys(partners)))
    f.tables["campaign.list"] = [
        {"id": c.id, "名称": c.name, "开始日期": c.start_date, "结束日期": c.end_date,
         "牵头部门": c.lead_department, "联合部门": c.partner_departments,
         "出动人次": c.personnel, "排查机构数": c.institutions_checked,
         "发现隐患数": c.hazards_found, "关停数": c.closed, "整改数": c.rectified,
         "立案数": c.cases_filed} for c in campaigns]


def _powers(session: Session, year: int, f: AnnualFigures) -> None:
    in_scope = (PowerItem.year == year,)
    sums = dict(session.execute(
        select(PowerItem.category, func.sum(PowerItem.quantity))
        .where(PowerItem.deleted_at.is_(None), *in_scope).group_by(PowerItem.category)).all())
    f.add("power.total", "权责清单事项", sum(sums.values()), "项", SourceSpec(PowerItem, in_scope),
          aggregate="sum")
    for cat in PowerCategory:
        f.add(f"power.category.{cat.key}", cat.value, sums.get(cat.value, 0), "项",
              SourceSpec(PowerItem, (*in_scope, PowerItem.category == cat.value)), aggregate="sum")


def _reviews(session: Session, year: int, f: AnnualFigures) -> None:
    received = in_year(ReviewCase.received_on, year)
    counts = defaultdict(int)
    for kind, result, n in session.execute(
            select(ReviewCase.kind, ReviewCase.result, func.count())
            .where(ReviewCase.deleted_at.is_(None), received)
            .group_by(ReviewCase.kind, ReviewCase.result)):
        counts[(kind, result)] += n
    for kind in ReviewKind:
        kind_cond = ReviewCase.kind == kind.value
        f.add(f"review.{kind.key}", kind.value, sum(n for (k, _), n in counts.items() if k == kind),
              "件", SourceSpec(ReviewCase, (received, kind_cond)))
        for result in ReviewResult:
            f.add(f"review.{kind.key}.{result.key}", f"{kind.value}{result.value}",
                  counts[(kind.value, result.value)], "件",
                  SourceSpec(ReviewCase, (received, kind_cond, ReviewCase.result == result.value)))
        corrected = [r.value for r in CORRECTED_REVIEW_RESULTS]
        f.add(f"review.{kind.key}.corrected", f"{kind.value}被纠错",
              sum(n for (k, r), n in counts.items() if k == kind and r in corrected), "件",
              SourceSpec(ReviewCase, (received, kind_cond, ReviewCase.result.in_(corrected))))


def _custom(session: Session, year: int, f: AnnualFigures) -> None:
    for item in session.scalars(select(CustomFigure).where(
            CustomFigure.deleted_at.is_(None), CustomFigure.year == year).order_by(CustomFigure.id)):
        value = int(item.value) if float(item.value).is_integer() else item.value
        f.add(f"custom.{item.name}", item.name, value, item.unit,
              SourceSpec(CustomFigure, (CustomFigure.id == item.id,)), note=item.sentence,
              aggregate="sum")


# --- where a number comes from --------------------------------------------------------------

@dataclass(frozen=True)
class SourceRow:
    kind: str
    record_id: int
    reference: str   # 文号 / name / topic: what a person looks the record up by
    date: dt.date | None
    unit: str


def figure_sources(session: Session, figure: Figure, limit: int | None = None) -> list[SourceRow]:
    """The records behind one figure, in date order."""
    if figure.source is None:
        return []
    q = figure.source.query()
    model = figure.source.model
    order = {Inspection: Inspection.date, PenaltyCase: PenaltyCase.decided_on,
             Training: Training.date, Campaign: Campaign.start_date,
             ReviewCase: ReviewCase.received_on}.get(model)
    q = q.order_by(*(c for c in (order, model.id) if c is not None))
    if limit:
        q = q.limit(limit)
    return [_source_row(r) for r in session.scalars(q)]


def _source_row(r) -> SourceRow:
    if isinstance(r, Inspection):
        return SourceRow(r.KIND, r.id, f"{r.category}·{r.method}", r.date, r.unit.name)
    if isinstance(r, PenaltyCase):
        return SourceRow(r.KIND, r.id, r.decision_no, r.decided_on, r.party)
    if isinstance(r, Staff):
        return SourceRow(r.KIND, r.id, r.certificate_no or "", r.certificate_issued, r.name)
    if isinstance(r, Training):
        return SourceRow(r.KIND, r.id, r.topic, r.date, r.form)
    if isinstance(r, Campaign):
        return SourceRow(r.KIND, r.id, r.name, r.start_date, r.lead_department)
    if isinstance(r, OtherAct):
        return SourceRow(r.KIND, r.id, r.item, None, r.category)
    if isinstance(r, ReviewCase):
        return SourceRow(r.KIND, r.id, r.penalty_case.decision_no if r.penalty_case else "",
                         r.received_on, r.result)
    if isinstance(r, PowerItem):
        return SourceRow(r.KIND, r.id, r.name, None, r.category)
    return SourceRow(r.KIND, r.id, getattr(r, "name", ""), None, "")
