"""Hard rules: input that cannot be true is refused, with a message naming the field.

`validate(record)` is called before every save (forms, import, demo, CLI). It raises
core.errors.ValidationError and changes nothing. Rules that the law sets but that a clerk
may have to record as they happened (late publication, one inspector…) are not here: they
are compliance flags, in core/compliance.py.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from core.errors import ValidationError
from core.limits import MAX_TRAINING_HOURS, limit_of
from core.models import (
    Campaign, CustomFigure, Inspection, InspectionCap, InspectionPlanTask, NarrativeText,
    OtherAct, PenaltyCase, PowerItem, Record, ReviewCase, Staff, Training, Unit, split_list,
)
from core.vocab import (
    CaseSource, InspectionMode, PlanCategory,
    InspectionCategory, InspectionMethod, InspectionResult, NarrativeBlock, OtherActCategory,
    PartyType, PenaltyKind, PowerCategory, Procedure, ReportSection, ReviewKind, ReviewResult,
    StaffStatus, TrainingForm, UnitType,
)
from core.years import FIRST_YEAR, LAST_YEAR, is_valid_year

# 《行政处罚法》第五十一条: on-the-spot (简易) decisions only for a warning, or a fine up to
# 200 元 for a citizen / 3,000 元 for an organisation.
SIMPLE_PROCEDURE_KINDS = frozenset({PenaltyKind.WARNING, PenaltyKind.FINE})
SIMPLE_FINE_LIMIT = {PartyType.CITIZEN: Decimal(200), PartyType.ORGANISATION: Decimal(3000)}

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class _Checker:
    def __init__(self, record: Record):
        self.record = record
        self.kind = type(record).KIND

    def get(self, attr: str):
        """The record's value of `attr`, from its loaded values when there (see _loaded)."""
        held = vars(self.record)
        return held[attr] if attr in held else getattr(self.record, attr)

    def fail(self, attr: str, message: str):
        raise ValidationError(type(self.record).field_label(attr), message, record=self.kind)

    def required(self, *attrs: str):
        for attr in attrs:
            value = self.get(attr)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.fail(attr, "不能为空。")

    def choice(self, attr: str, vocab):
        value = self.get(attr)
        if not vocab.allows(value):
            self.fail(attr, f"「{value}」不是可选值，可选：{'、'.join(vocab.values())}。")

    def non_negative(self, *attrs: str):
        for attr in attrs:
            value = self.get(attr)
            if value is not None and value < 0:
                self.fail(attr, f"不能为负数（填写的是 {value}）。")

    def not_before(self, later: str, earlier: str):
        a, b = self.get(later), self.get(earlier)
        if a is not None and b is not None and a < b:
            cls = type(self.record)
            self.fail(later, f"（{a:%Y-%m-%d}）不能早于「{cls.field_label(earlier)}」（{b:%Y-%m-%d}）。")

    def year(self, attr: str = "year"):
        value = self.get(attr)
        if not is_valid_year(value):
            self.fail(attr, f"「{value}」不是有效年份（{FIRST_YEAR}—{LAST_YEAR}年）。")


def validate_staff(s: Staff):
    c = _Checker(s)
    c.required("name")
    c.choice("status", StaffStatus)
    c.not_before("certificate_expires", "certificate_issued")
    c.not_before("cancelled_on", "certificate_issued")
    if s.status == StaffStatus.CANCELLED and s.cancelled_on is None:
        c.fail("cancelled_on", "不能为空：状态为注销时须填写注销日期。")
    if s.status == StaffStatus.ACTIVE and s.cancelled_on is not None:
        c.fail("status", "应为“注销”：已填写注销日期。")
    if s.certificate_issued and not s.certificate_no:
        c.fail("certificate_no", "不能为空：已填写发证日期。")


def validate_unit(u: Unit):
    c = _Checker(u)
    c.required("name")
    c.choice("unit_type", UnitType)
    if u.credit_code and not CREDIT_CODE.match(u.credit_code):
        c.fail("credit_code", f"「{u.credit_code}」不是18位统一社会信用代码。")


def validate_campaign(k: Campaign):
    c = _Checker(k)
    c.required("name", "start_date")
    c.not_before("end_date", "start_date")
    c.non_negative("personnel", "institutions_checked", "hazards_found", "closed", "rectified",
                   "cases_filed")


def validate_inspection(i: Inspection):
    c = _Checker(i)
    c.required("date")
    if i.unit_id is None and i.unit is None:
        c.fail("unit_id", "不能为空：没有具体检查对象的巡查不计为行政检查。")
    c.choice("category", InspectionCategory)
    c.choice("method", InspectionMethod)
    c.choice("result", InspectionResult)
    c.non_negative("personnel", "problems_found", "rectified_on_site")
    if (i.rectified_on_site or 0) > (i.problems_found or 0):
        c.fail("rectified_on_site", f"（{i.rectified_on_site}）不能多于发现问题数（{i.problems_found or 0}）。")
    c.not_before("published_on", "date")
    if i.campaign is not None and i.campaign.start_date and i.date < i.campaign.start_date:
        c.fail("campaign_id", f"「{i.campaign.name}」开始于 {i.campaign.start_date:%Y-%m-%d}，晚于检查日期。")
    _check_inspection_2025(c, i)


def _check_inspection_2025(c: _Checker, i: Inspection):
    """The schema-6 fields: each may stay empty (an entry from before 2025 has none)."""
    if i.mode:
        c.choice("mode", InspectionMode)
    if i.case_source:
        c.choice("case_source", CaseSource)
        if i.category != InspectionCategory.CASE:
            c.fail("case_source", f"只用于个案检查（本条为{i.category}）。")
    task = i.plan_task
    if (task is not None or i.plan_task_id) and i.category == InspectionCategory.CASE:
        c.fail("plan_task_id", "应为空：个案检查来自投诉举报、转办交办等，不属于年度检查计划。")
    if task is not None and i.date is not None and task.year != i.date.year:
        c.fail("plan_task_id", f"「{task.name}」是{task.year}年的计划任务，检查日期在{i.date.year}年。")


def validate_penalty(p: PenaltyCase):
    c = _Checker(p)
    c.required("decision_no", "party", "kinds")
    c.choice("party_type", PartyType)
    c.choice("procedure", Procedure)
    kinds = split_list(p.kinds)
    for k in kinds:
        if not PenaltyKind.allows(k):
            c.fail("kinds", f"「{k}」不是《行政处罚法》第九条规定的处罚种类。")
    c.non_negative("fine_cents", "confiscation_cents")
    fine = p.fine
    if fine > 0 and PenaltyKind.FINE not in kinds:
        c.fail("fine_cents", f"为 {fine} 元，但处罚种类中没有“罚款”。")
    if PenaltyKind.FINE in kinds and fine <= 0:
        c.fail("fine_cents", "应大于 0：处罚种类含“罚款”。")
    if (p.confiscation_cents or 0) > 0 and PenaltyKind.CONFISCATION not in kinds:
        c.fail("confiscation_cents", "已填写，但处罚种类中没有“没收违法所得/没收非法财物”。")
    c.not_before("decided_on", "filed_on")
    c.not_before("closed_on", "decided_on")
    c.not_before("published_on", "decided_on")
    if p.closed_on is not None and p.decided_on is None:
        c.fail("decided_on", "不能为空：已填写结案日期。")
    if p.legal_review_corrected and not p.legal_review:
        c.fail("legal_review", "应为“是”：已标记法制审核纠错。")
    if p.procedure == Procedure.SIMPLE:
        _check_simple_procedure(c, p, kinds, fine)


def _check_simple_procedure(c: _Checker, p: PenaltyCase, kinds: list[str], fine: Decimal):
    beyond = [k for k in kinds if k not in SIMPLE_PROCEDURE_KINDS]
    if beyond:
        c.fail("procedure", f"不能为简易程序：《行政处罚法》第五十一条只允许警告或小额罚款，"
                            f"本案含「{'、'.join(beyond)}」，应适用普通程序。")
    limit = SIMPLE_FINE_LIMIT[PartyType(p.party_type)]
    if fine > limit:
        c.fail("procedure", f"不能为简易程序：对{p.party_type}罚款 {fine} 元超过第五十一条"
                            f"规定的 {limit} 元，应适用普通程序。")


def validate_other_act(a: OtherAct):
    c = _Checker(a)
    c.year()
    c.required("item")
    c.choice("category", OtherActCategory)
    if a.month is not None and not 1 <= a.month <= 12:
        c.fail("month", f"「{a.month}」应为 1–12。")
    c.non_negative("applied", "accepted", "granted", "refused", "revoked", "count")
    if a.category != OtherActCategory.LICENSE and any(
            (a.applied, a.accepted, a.granted, a.refused, a.revoked)):
        c.fail("applied", "只用于行政许可；其他类别请填写“次数”。")


def validate_training(t: Training):
    c = _Checker(t)
    c.required("date", "topic", "hours")
    c.choice("form", TrainingForm)
    if t.hours is not None and not 0 < t.hours <= MAX_TRAINING_HOURS:
        c.fail("hours", f"（{t.hours}）应大于 0 且不超过 {MAX_TRAINING_HOURS}。")
    c.non_negative("exam_takers", "exam_passed")
    if (t.exam_passed or 0) > (t.exam_takers or 0):
        c.fail("exam_passed", f"（{t.exam_passed}）不能多于参考人数（{t.exam_takers or 0}）。")


def validate_power_item(p: PowerItem):
    c = _Checker(p)
    c.year()
    c.choice("category", PowerCategory)
    if p.quantity is None or p.quantity < 1:
        c.fail("quantity", "应至少为 1。")


def validate_plan_task(t: InspectionPlanTask):
    c = _Checker(t)
    c.year()
    c.required("name")
    c.choice("category", PlanCategory)
    c.choice("unit_type", UnitType)
    c.non_negative("base", "cap")
    if t.ratio is None or not 0 < t.ratio <= 100:
        c.fail("ratio", f"（{t.ratio}）应大于 0 且不超过 100（按百分比填写，20 即 20%）。")
    if t.cap is not None and t.cap < 1:
        c.fail("cap", "应至少为 1 次；计划未定上限时不填。")


def validate_inspection_cap(k: InspectionCap):
    c = _Checker(k)
    c.year()
    c.choice("unit_type", UnitType)
    if k.cap is None or k.cap < 1:
        c.fail("cap", "应至少为 1 次。")


def validate_review(r: ReviewCase):
    c = _Checker(r)
    c.required("received_on")
    c.choice("kind", ReviewKind)
    c.choice("result", ReviewResult)


def validate_custom_figure(f: CustomFigure):
    c = _Checker(f)
    c.year()
    c.required("name", "value")
    if f.report_section:                # empty: placed by its name; older words are synonyms
        try:
            ReportSection.parse(f.report_section)
        except ValueError:
            c.fail("report_section", f"「{f.report_section}」不是可选值，可选："
                                     f"{'、'.join(ReportSection.values())}。")


def validate_narrative(n: NarrativeText):
    c = _Checker(n)
    c.year()
    c.choice("block", NarrativeBlock)


VALIDATORS = {
    Staff: validate_staff, Unit: validate_unit, Campaign: validate_campaign,
    Inspection: validate_inspection, PenaltyCase: validate_penalty,
    OtherAct: validate_other_act, Training: validate_training, PowerItem: validate_power_item,
    ReviewCase: validate_review, CustomFigure: validate_custom_figure,
    NarrativeText: validate_narrative,
    InspectionPlanTask: validate_plan_task, InspectionCap: validate_inspection_cap,
}


# A lone UTF-16 surrogate (text pasted from a damaged source into a Qt field) cannot be
# encoded as UTF-8, so SQLite's driver would fail with UnicodeEncodeError at the INSERT.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def check_storable_text(record) -> None:
    """Every text column of a ledger record or the bureau profile can be stored."""
    texts, _dates = _typed_columns(type(record))
    values = _loaded(record, texts)
    # One search over all the texts: a surrogate stays one whatever stands beside it.
    if not _LONE_SURROGATE.search("".join(v for v in values if isinstance(v, str))):
        return
    for (key, label), value in zip(texts, values):
        if isinstance(value, str) and _LONE_SURROGATE.search(value):
            raise ValidationError(label, "含有无法保存的残缺字符（可能来自复制粘贴），请删除后重新输入。",
                                  record=type(record).KIND)


def check_dates_in_range(record) -> None:
    """Every date of a record lies in the years the program counts (core.years): a form's
    year box, the figures and the report know no other."""
    _texts, dates = _typed_columns(type(record))
    for (_key, label), value in zip(dates, _loaded(record, dates)):
        if isinstance(value, dt.date) and not is_valid_year(value.year):
            raise ValidationError(label, f"「{value:%Y-%m-%d}」不在 {FIRST_YEAR}—{LAST_YEAR} 年之间。",
                                  record=type(record).KIND)


def _loaded(record, columns) -> list:
    """The values of `columns` ((attribute, …) each) of `record`, read from its __dict__,
    where the ORM keeps what is loaded (its attribute descriptor returns the same value, at
    ten times the cost for the 30 columns of each of a city-sized import's rows); the
    attribute is asked only for a value not loaded yet."""
    held = vars(record)
    return [held[key] if key in held else getattr(record, key, None) for key, *_ in columns]


_TYPED: dict[type, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}


def _typed_columns(model) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(attribute, label) of `model`'s text columns and of its date columns, worked out once
    per model: reading every column of every record twice was a sixth of a city-sized
    import. A column of a type without a Python type (none so far) is checked as both."""
    found = _TYPED.get(model)
    if found is None:
        texts, dates = [], []
        for c in model.__table__.columns:
            try:
                kind = c.type.python_type
            except NotImplementedError:
                kind = None
            pair = (c.key, c.info.get("label", c.key))
            if kind is None or issubclass(kind, str):
                texts.append(pair)
            if kind is None or issubclass(kind, dt.date):
                dates.append(pair)
        found = _TYPED[model] = (texts, dates)
    return found


def check_numbers_in_range(record) -> None:
    """Every count, amount and figure of a record is within core.limits, whichever path it
    came by (form, import, demo, CLI): one limit, not 10⁹ in the import and 10¹⁵ in forms."""
    columns = _number_columns(type(record))
    for (_key, limit, label, money), value in zip(columns, _loaded(record, columns)):
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) \
                or -limit <= value <= limit:
            continue
        if money:
            shown, most = f"{value / 100:.2f} 元", f"{limit // 100:,} 元"
        else:
            shown, most = f"{value:g}" if isinstance(value, float) else str(value), f"{limit:,}"
        raise ValidationError(label, f"（{shown}）过大，最多 {most}，请检查。",
                              record=type(record).KIND)


_NUMBERS: dict[type, list[tuple[str, int, str, bool]]] = {}


def _number_columns(model) -> list[tuple[str, int, str, bool]]:
    """(attribute, limit, label, is money) of each limited number column of `model`, worked
    out once per model: validation runs for every row of a city-sized import."""
    found = _NUMBERS.get(model)
    if found is None:
        found = _NUMBERS[model] = [
            (c.key, limit, c.info.get("label", c.key), c.key.endswith("_cents"))
            for c in model.__table__.columns if (limit := limit_of(c)) is not None]
    return found


def validate(record: Record) -> None:
    check_storable_text(record)
    check_dates_in_range(record)
    check_numbers_in_range(record)
    VALIDATORS[type(record)](record)
