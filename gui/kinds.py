"""What the GUI shows of each record kind: list columns, filters and form fields.

Pure description (labels come from the models' column info); no counting or legal rule
lives here. Forms parse with core.parsing and save with core.records, so every message the
clerk sees about a value comes from core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from core import vocab
from core.models import (
    Campaign, CustomFigure, Inspection, InspectionCap, InspectionPlanTask, NarrativeText,
    OtherAct, PenaltyCase, PowerItem, ReviewCase, Staff, Training, Unit, cents_to_yuan,
)
from core.years import year_of


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    sort: Any = None            # a column to ORDER BY, or None (not sortable)
    number: bool = False        # right-aligned like a number even without a sort column


# Staff links are relationships, not columns: their labels are the clerk's words.
RELATION_LABELS = {"inspectors": "执法人员", "participants": "参加人员"}


@dataclass(frozen=True)
class Field:
    attr: str
    widget: str                 # text long int float money date choice kinds bool unit staff
                                # departments campaign penalty plan_task year month
    vocab: Any = None
    required: bool = False
    carry: bool = False         # kept for the next entry after Ctrl+Enter

    def label(self, model) -> str:
        if self.attr in RELATION_LABELS:
            return RELATION_LABELS[self.attr]
        return model.field_label(self.attr)


@dataclass(frozen=True)
class Kind:
    model: type
    title: str
    columns: tuple[Column, ...]
    fields: tuple[Field, ...]
    year_column: Any            # decides which year a record shows under (core.years.year_of)
    search: tuple = ()          # text columns the search box looks in
    filters: tuple = field(default_factory=tuple)   # (attr, vocab) choice filters
    has_dates: bool = True      # the year column is a date (else an int year)
    load: tuple = ()            # relationships the columns show: loaded with the page in one
                                # query, not one query per row (85,000 rows: 50 s -> seconds)

    @property
    def depends_on(self) -> frozenset[str]:
        """The record kinds whose changes this list shows: its own, and every kind one of its
        columns or loaded relationships reads (an inspection's row shows its unit's name and
        its inspectors', so renaming a unit or a person changes it)."""
        models = {self.model}
        models |= {c.sort.class_ for c in self.columns if getattr(c.sort, "class_", None)}
        models |= {rel.property.mapper.class_ for rel in self.load}
        return frozenset(m.__name__ for m in models)


def _d(value):
    return value.strftime("%Y-%m-%d") if value else ""


def _yes(value):
    return "是" if value else "否"


def _money(cents):
    v = cents_to_yuan(cents)
    return "" if v is None else f"{v:,.2f}"


def _c(model, attr, fmt=None):
    col = getattr(model, attr)
    label = model.field_label(attr)
    return Column(label, (lambda r: fmt(getattr(r, attr))) if fmt else
                  (lambda r: getattr(r, attr)), col)


def _filled_sentence(r) -> str:
    """其他指标's 说明 with {value}, {unit}, {name}, {year} filled in as the report does: the
    raw 「{value}{unit}」 in the list said nothing to the clerk."""
    from core.report.content import clerk_sentence, number
    return clerk_sentence(r.sentence or "", year=r.year, name=r.name, value=number(r.value),
                          unit=r.unit or "")


def _f(attr, widget, vocab_=None, **kw):
    return Field(attr, widget, vocab_, **kw)


class _Optional:
    """A vocabulary with a blank first choice, for a 选项 that may stay empty (检查来源 only
    for a 个案, 现场/非现场 not recorded before 2025): the form's choice list offers it as is."""

    def __init__(self, vocab_):
        self.vocab = vocab_

    def values(self) -> list[str]:
        return ["", *self.vocab.values()]


KINDS: dict[str, Kind] = {}


def _add(key: str, kind: Kind) -> None:
    KINDS[key] = kind


_add("inspection", Kind(
    Inspection, "行政检查",
    (_c(Inspection, "date", _d),
     Column("检查对象", lambda r: r.unit.name if r.unit else "", Unit.name),
     _c(Inspection, "category"), _c(Inspection, "method"), _c(Inspection, "items"),
     Column("执法人员", lambda r: "、".join(s.name for s in r.inspectors)),
     _c(Inspection, "personnel"), _c(Inspection, "problems_found"),
     _c(Inspection, "result"), _c(Inspection, "recorded", _yes),
     _c(Inspection, "published_on", _d)),
    (_f("date", "date", required=True, carry=True), _f("unit_id", "unit", required=True),
     _f("category", "choice", vocab.InspectionCategory, carry=True),
     _f("method", "choice", vocab.InspectionMethod, carry=True),
     _f("items", "text", carry=True), _f("inspectors", "staff", carry=True),
     _f("lead_department", "departments", carry=True),
     _f("partner_departments", "departments", carry=True),
     _f("personnel", "int", carry=True), _f("problems_found", "int"),
     _f("rectified_on_site", "int"), _f("result", "choice", vocab.InspectionResult),
     _f("recorded", "bool", carry=True), _f("published_on", "date"),
     _f("campaign_id", "campaign", carry=True),
     # The 2025 rules (schema 6): the plan task, the prior approval, the trace of the visit.
     _f("plan_task_id", "plan_task", carry=True), _f("approver", "text", carry=True),
     _f("approved_on", "date", carry=True),
     _f("mode", "choice", _Optional(vocab.InspectionMode), carry=True),
     _f("case_source", "choice", _Optional(vocab.CaseSource)), _f("trace_code", "text"),
     _f("superior_deployed", "bool", carry=True), _f("note", "long")),
    Inspection.date, (Inspection.items, Inspection.note, Unit.name),
    (("category", vocab.InspectionCategory), ("method", vocab.InspectionMethod),
     ("result", vocab.InspectionResult)), load=(Inspection.inspectors,)))

_add("penalty", Kind(
    PenaltyCase, "行政处罚",
    (_c(PenaltyCase, "decision_no"), _c(PenaltyCase, "party"), _c(PenaltyCase, "party_type"),
     _c(PenaltyCase, "procedure"), _c(PenaltyCase, "kinds"),
     _c(PenaltyCase, "fine_cents", _money), _c(PenaltyCase, "confiscation_cents", _money),
     _c(PenaltyCase, "decided_on", _d), _c(PenaltyCase, "legal_review", _yes),
     _c(PenaltyCase, "published_on", _d)),
    (_f("decision_no", "text", required=True), _f("party", "text", required=True),
     _f("party_type", "choice", vocab.PartyType), _f("unit_id", "unit"),
     _f("facts", "long"), _f("legal_basis", "long"),
     _f("procedure", "choice", vocab.Procedure), _f("kinds", "kinds", vocab.PenaltyKind),
     _f("fine_cents", "money"), _f("confiscation_cents", "money"),
     _f("filed_on", "date"), _f("decided_on", "date", carry=True), _f("closed_on", "date"),
     _f("legal_review", "bool"), _f("legal_review_on", "date"),
     _f("legal_review_corrected", "bool"), _f("hearing", "bool"),
     _f("published_on", "date"), _f("deadline_extended", "bool")),
    year_of(PenaltyCase), (PenaltyCase.decision_no, PenaltyCase.party, PenaltyCase.facts),
    (("procedure", vocab.Procedure), ("counted_kind", vocab.PenaltyKind))))

_add("other_act", Kind(
    OtherAct, "其他执法行为",
    (_c(OtherAct, "year"), _c(OtherAct, "month"), _c(OtherAct, "category"),
     _c(OtherAct, "item"), _c(OtherAct, "applied"), _c(OtherAct, "accepted"),
     _c(OtherAct, "granted"), _c(OtherAct, "refused"), _c(OtherAct, "revoked"),
     _c(OtherAct, "count")),
    (_f("year", "year", required=True, carry=True), _f("month", "month", carry=True),
     _f("category", "choice", vocab.OtherActCategory, carry=True),
     _f("item", "text", required=True), _f("applied", "int"), _f("accepted", "int"),
     _f("granted", "int"), _f("refused", "int"), _f("revoked", "int"), _f("count", "int")),
    OtherAct.year, (OtherAct.item,), (("category", vocab.OtherActCategory),), has_dates=False))

_add("staff", Kind(
    Staff, "执法人员",
    (_c(Staff, "name"), _c(Staff, "department"), _c(Staff, "certificate_no"),
     _c(Staff, "certificate_issued", _d), _c(Staff, "certificate_expires", _d),
     _c(Staff, "status"), _c(Staff, "cancelled_on", _d), _c(Staff, "is_established", _yes),
     _c(Staff, "is_legal_reviewer", _yes)),
    (_f("name", "text", required=True), _f("department", "departments", carry=True),
     _f("certificate_no", "text"), _f("certificate_issued", "date"),
     _f("certificate_expires", "date"), _f("status", "choice", vocab.StaffStatus),
     _f("cancelled_on", "date"), _f("cancel_reason", "text"),
     _f("is_established", "bool"), _f("is_legal_reviewer", "bool")),
    None, (Staff.name, Staff.department, Staff.certificate_no),
    (("status", vocab.StaffStatus),)))

_add("unit", Kind(
    Unit, "检查对象",
    (_c(Unit, "name"), _c(Unit, "unit_type"), _c(Unit, "credit_code"), _c(Unit, "street"),
     _c(Unit, "is_enterprise", _yes)),
    (_f("name", "text", required=True), _f("unit_type", "choice", vocab.UnitType, carry=True),
     _f("credit_code", "text"), _f("street", "text", carry=True),
     _f("established_on", "date")),
    None, (Unit.name, Unit.street, Unit.credit_code), (("unit_type", vocab.UnitType),)))

_add("training", Kind(
    Training, "学法培训",
    (_c(Training, "date", _d), _c(Training, "topic"), _c(Training, "form"),
     _c(Training, "hours"), Column("参加人数", lambda r: len(r.participants), number=True),
     _c(Training, "exam_takers"), _c(Training, "exam_passed")),
    (_f("date", "date", required=True, carry=True), _f("topic", "text", required=True),
     _f("form", "choice", vocab.TrainingForm, carry=True), _f("hours", "float", required=True),
     _f("participants", "staff", carry=True), _f("exam_takers", "int"),
     _f("exam_passed", "int")),
    Training.date, (Training.topic,), (("form", vocab.TrainingForm),),
    load=(Training.participants,)))

_add("campaign", Kind(
    Campaign, "专项行动",
    (_c(Campaign, "name"), _c(Campaign, "start_date", _d), _c(Campaign, "end_date", _d),
     _c(Campaign, "lead_department"), _c(Campaign, "personnel"),
     _c(Campaign, "institutions_checked"), _c(Campaign, "hazards_found"),
     _c(Campaign, "closed"), _c(Campaign, "rectified"), _c(Campaign, "cases_filed")),
    (_f("name", "text", required=True), _f("start_date", "date", required=True),
     _f("end_date", "date"), _f("lead_department", "departments"),
     _f("partner_departments", "departments"), _f("personnel", "int"),
     _f("institutions_checked", "int"), _f("hazards_found", "int"), _f("closed", "int"),
     _f("rectified", "int"), _f("cases_filed", "int"), _f("note", "long")),
    year_of(Campaign), (Campaign.name, Campaign.note)))

_add("power", Kind(
    PowerItem, "权责清单",
    (_c(PowerItem, "year"), _c(PowerItem, "category"), _c(PowerItem, "name"),
     _c(PowerItem, "quantity")),
    (_f("year", "year", required=True, carry=True),
     _f("category", "choice", vocab.PowerCategory, carry=True), _f("name", "text"),
     _f("quantity", "int")),
    PowerItem.year, (PowerItem.name,), (("category", vocab.PowerCategory),), has_dates=False))

_add("review", Kind(
    ReviewCase, "复议诉讼",
    (_c(ReviewCase, "kind"), _c(ReviewCase, "received_on", _d),
     Column("关联文号", lambda r: r.penalty_case.decision_no if r.penalty_case else ""),
     _c(ReviewCase, "result"), _c(ReviewCase, "note")),
    (_f("kind", "choice", vocab.ReviewKind), _f("received_on", "date", required=True),
     _f("penalty_case_id", "penalty"), _f("result", "choice", vocab.ReviewResult),
     _f("note", "long")),
    ReviewCase.received_on, (ReviewCase.note,), (("kind", vocab.ReviewKind),
                                                 ("result", vocab.ReviewResult)),
    load=(ReviewCase.penalty_case,)))

_add("custom", Kind(
    CustomFigure, "其他指标",
    (_c(CustomFigure, "year"), _c(CustomFigure, "name"),
     _c(CustomFigure, "value", lambda v: f"{v:g}"), _c(CustomFigure, "unit"),
     Column("报告中的句子", lambda r: _filled_sentence(r), CustomFigure.sentence)),
    (_f("year", "year", required=True, carry=True), _f("name", "text", required=True),
     _f("value", "float", required=True), _f("unit", "text"), _f("sentence", "long"),
     _f("report_section", "choice", _Optional(vocab.ReportSection))),
    CustomFigure.year, (CustomFigure.name, CustomFigure.sentence), has_dates=False))

_add("plan_task", Kind(
    InspectionPlanTask, "检查计划任务",
    (_c(InspectionPlanTask, "year"), _c(InspectionPlanTask, "name"),
     _c(InspectionPlanTask, "category"), _c(InspectionPlanTask, "unit_type"),
     _c(InspectionPlanTask, "is_enterprise", _yes), _c(InspectionPlanTask, "base"),
     _c(InspectionPlanTask, "ratio", lambda v: f"{v:g}%"),
     Column("计划检查对象", lambda r: r.planned_units, number=True),
     _c(InspectionPlanTask, "cap", lambda v: "" if v is None else v),
     _c(InspectionPlanTask, "period")),
    (_f("year", "year", required=True, carry=True), _f("name", "text", required=True),
     _f("category", "choice", vocab.PlanCategory, carry=True),
     _f("unit_type", "choice", vocab.UnitType), _f("is_enterprise", "bool"),
     _f("base", "int"), _f("ratio", "float", required=True), _f("cap", "int"),
     _f("items", "text"), _f("method", "text", carry=True),
     _f("implementer", "departments", carry=True), _f("is_joint", "bool"),
     _f("partner_departments", "departments"), _f("basis", "long"), _f("period", "text"),
     _f("note", "long")),
    InspectionPlanTask.year, (InspectionPlanTask.name, InspectionPlanTask.items),
    (("category", vocab.PlanCategory), ("unit_type", vocab.UnitType)), has_dates=False))

_add("inspection_cap", Kind(
    InspectionCap, "检查频次上限",
    (_c(InspectionCap, "year"), _c(InspectionCap, "unit_type"), _c(InspectionCap, "cap"),
     _c(InspectionCap, "note")),
    (_f("year", "year", required=True, carry=True),
     _f("unit_type", "choice", vocab.UnitType), _f("cap", "int", required=True),
     _f("note", "long")),
    InspectionCap.year, (InspectionCap.note,), (("unit_type", vocab.UnitType),),
    has_dates=False))

# Compliance flags name their record by model class name.
BY_MODEL_NAME = {k.model.__name__: key for key, k in KINDS.items()}
NARRATIVE = NarrativeText
