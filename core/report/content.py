"""What the annual report says: the outline of DOMAIN.md filled from the year's figures.

`compose(...)` returns the report as a list of `Paragraph`s (a role, the text, whether a
person must still confirm it, and the figure keys it states); `core.report.docx` lays them
out. Every number comes from `annual_figures`; every sentence from the templates in
resources/templates/report.toml; a section with no records gets its honest sentence, never
an empty heading or a made-up fact.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from core.figures import TRAINING_HOURS_EXPECTED, AnnualFigures, Figure
from core.narrative import Narrative
from core.text import clean_text
from core.vocab import (
    InspectionCategory, InspectionResult, NarrativeBlock, OtherActCategory,
    PenaltyKind, PowerCategory, ReviewKind, ReviewResult, UnitType,
)

# Which placeholders each template may use: the file is checked against this when loaded.
TEMPLATE_FIELDS: dict[str, set[str]] = {
    "title.report": {"bureau", "year"},
    "title.annex": {"year"},
    "title.attachment": {"annex"},
    "title.date": {"year", "month", "day"},
    **{f"heading.{name}": set() for name in (
        "basic", "powers", "staff", "cases", "inspections", "penalties", "licenses", "plan",
        "reviews", "measures", "organisation", "three_systems", "joint", "schools", "other",
        "problems", "next_steps")},
    "change.up": {"pct"}, "change.down": {"pct"}, "change.same": set(),
    "power.summary": {"year", "total", "items"},
    "power.missing": set(),
    "staff.certified": {"year", "certified", "change"},
    "staff.newly": {"year", "newly"},
    "staff.cancelled": {"cancelled"},
    "staff.rate": {"established", "rate"},
    "staff.reviewers": {"reviewers"},
    "staff.none": {"year"},
    "staff.training": {"sessions", "hours", "avg_hours", "reached", "expected"},
    "staff.exam": {"takers", "passed", "pass_rate"},
    "staff.no_training": set(),
    "inspection.summary": {"year", "random", "total", "change"},
    "inspection.joint": {"partners", "joint"},
    "inspection.joint_no_partners": {"joint"},
    "inspection.internal": {"internal"},
    "inspection.plain": set(),
    "inspection.by_category": {"items"},
    "inspection.by_unit_type": {"items"},
    "inspection.enterprise": {"enterprise", "enterprise_units"},
    "inspection.outcome": {"personnel", "findings", "results"},
    "inspection.findings": {"problems", "rectified"},
    "inspection.no_findings": set(),
    "inspection.none": set(),
    "penalty.summary": {"year", "total", "change", "procedures"},
    "penalty.procedures_both": {"simple", "ordinary"},
    "penalty.procedures_simple": set(),
    "penalty.procedures_ordinary": set(),
    "penalty.kinds": {"items"},
    "penalty.amount": {"amount", "detail"},
    "penalty.amount_detail": {"fine", "confiscation"},
    "penalty.no_amount": set(),
    "penalty.legal_review": {"legal_review", "corrected"},
    "penalty.corrected": {"n"},
    "penalty.hearing": {"hearing"},
    "penalty.none": set(),
    "license.summary": {"year", "applied", "accepted", "granted", "refused", "revoked", "change"},
    "license.revoked": {"revoked"},
    "license.items": {"items"},
    "license.none": set(),
    "license.other": {"items"},
    "review.summary": {"year", "items", "corrected"},
    "review.reconsideration": {"total", "results"},
    "review.litigation": {"total", "results"},
    "review.corrected": {"corrected"},
    "review.not_corrected": set(),
    "review.pending": set(),
    "review.none": set(),
    "measures.recorded": {"recorded"},
    "measures.legal_review": {"ordinary", "legal_review"},
    "joint.units": {"partners", "units", "personnel"},
    "joint.units_no_partners": {"units", "personnel"},
    "joint.unit_list": {"names", "count"},
    "joint.none": set(),
    "joint.campaigns_summary": {"total", "personnel", "institutions"},
    "joint.campaign": {"name", "partners", "details"},
    "joint.campaign_partners": {"partners"},
    "joint.no_campaign": set(),
    **{f"joint.details.{name}": {"n"} for name in (
        "personnel", "institutions", "hazards", "closed", "rectified", "cases")},
    "custom.default": {"year", "name", "value", "unit"},
}

# How many named units a sentence lists before "等N家单位".
MAX_NAMED_UNITS = 6


@dataclass
class Paragraph:
    role: str                 # title, h1, h2, h3, body, attachment, signature, date
    text: str
    unconfirmed: bool = False  # a template or last year's words: highlighted for the clerk
    figures: tuple[str, ...] = ()


@dataclass
class ReportContent:
    bureau: str               # 单位全称 on one line, as the title and file names use it
    title: str
    annex_title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- numbers as a Chinese report writes them ------------------------------------------

def number(value) -> str:
    """674 → "674"; 71.43 → "71.4"; 95.0 → "95"; money Decimal('94800.00') → "94800"."""
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def joined(parts: list[str]) -> str:
    return "、".join(p for p in parts if p)


def sentence(clauses: list[str], separator: str = "，") -> str:
    """The non-empty clauses joined and closed with 。; "" when all are empty."""
    text = separator.join(c for c in clauses if c)
    return text + "。" if text else ""


def _counted(figs: AnnualFigures, prefix: str, members, unit: str) -> str:
    """"日常检查43次、专项检查27次": the members with a non-zero count, in vocabulary order."""
    return joined([f"{m.value}{figs[f'{prefix}.{m.key}']}{unit}" for m in members
                   if figs.get(f"{prefix}.{m.key}")])


_PLACEHOLDER = re.compile(r"\{(year|value|unit|name)\}")


def _clerk_sentence(sentence: str, **fields) -> str:
    """A sentence the clerk wrote (其他指标 说明) with {year}/{value}/{unit}/{name} filled;
    any other braces are the clerk's own text and stay as typed."""
    return _PLACEHOLDER.sub(lambda m: str(fields[m.group(1)]), sentence)


class _Writer:
    """Collects the paragraphs; a tiny helper so the outline below reads top to bottom."""

    def __init__(self, templates, figs: AnnualFigures, content: ReportContent):
        self.t, self.figs, self.content = templates, figs, content

    def say(self, template: str, /, **fields) -> str:
        return self.t.render(template, **fields)

    def add(self, role: str, text: str, *figures: str, unconfirmed: bool = False) -> None:
        # One paragraph is one line of text: a line break or tab typed into a unit's or
        # bureau's name would otherwise become a break inside the sentence.
        text = " ".join(clean_text(text, keep_newlines=False).split(" ")).strip()
        if text:
            self.content.paragraphs.append(Paragraph(role, text, unconfirmed, tuple(figures)))

    def heading(self, role: str, name: str) -> None:
        self.add(role, self.say(f"heading.{name}"))

    def change(self, key: str) -> str:
        """"，较上年增长28.6%" where the previous year has the figure; "" otherwise."""
        fig: Figure = self.figs.figure(key)
        if fig.previous is None:
            return ""
        if fig.value == fig.previous:
            return self.say("change.same")
        pct = fig.change_pct
        if pct is None:                    # nothing last year: a percentage means nothing
            return ""
        name = "change.up" if pct > 0 else "change.down"
        return self.say(name, pct=number(abs(pct)))


def compose(templates, figs: AnnualFigures, narratives: dict[NarrativeBlock, Narrative], *,
            bureau: str, signatory: str, document_date: dt.date) -> ReportContent:
    year = figs.year
    content = ReportContent(bureau=bureau,
                            title=templates.render("title.report", bureau=bureau, year=year),
                            annex_title=templates.render("title.annex", year=year))
    w = _Writer(templates, figs, content)
    say, add = w.say, w.add

    def narrative(block: NarrativeBlock) -> None:
        text = narratives[block]
        for paragraph in text.paragraphs:
            add("body", paragraph, unconfirmed=not text.confirmed)
        warning = text.warning(year)
        if warning and text.paragraphs:
            content.warnings.append(warning)

    add("title", content.title)
    narrative(NarrativeBlock.INTRO)

    # 一、基本情况 ----------------------------------------------------------------------
    w.heading("h1", "basic")
    w.heading("h2", "powers")
    if figs["power.total"]:
        items = _counted(figs, "power.category", PowerCategory, "项")
        add("body", say("power.summary", year=year, total=figs["power.total"], items=items),
            "power.total", *[f"power.category.{c.key}" for c in PowerCategory])
    else:
        add("body", say("power.missing"), unconfirmed=True)
        content.warnings.append(f"{year}年权责清单尚未录入，报告中该处用黄色标出，请补录后重新生成。")

    w.heading("h2", "staff")
    if figs["staff.certified"]:
        newly, cancelled = figs["staff.newly_certified"], figs["staff.cancelled"]
        established, reviewers = figs["staff.established"], figs["staff.legal_reviewers"]
        parts = [say("staff.certified", year=year, certified=figs["staff.certified"],
                     change=w.change("staff.certified")),
                 sentence([say("staff.newly", year=year, newly=newly) if newly else "",
                           say("staff.cancelled", cancelled=cancelled) if cancelled else ""]),
                 sentence([say("staff.rate", established=established,
                               rate=number(figs["staff.certified_rate"])) if established else "",
                           say("staff.reviewers", reviewers=reviewers) if reviewers else ""],
                          "；")]
        add("body", "".join(parts), "staff.certified", "staff.newly_certified",
            "staff.cancelled", "staff.established", "staff.certified_rate",
            "staff.legal_reviewers")
    else:
        add("body", say("staff.none", year=year), "staff.certified")
    if figs["training.sessions"]:
        parts = [say("staff.training", sessions=figs["training.sessions"],
                     hours=number(figs["training.hours"]),
                     avg_hours=number(figs["training.avg_hours"] or 0),
                     reached=figs["training.reached_60"], expected=TRAINING_HOURS_EXPECTED)]
        if figs["training.exam_takers"]:
            parts.append(say("staff.exam", takers=figs["training.exam_takers"],
                             passed=figs["training.exam_passed"],
                             pass_rate=number(figs["training.pass_rate"])))
        add("body", "".join(parts), "training.sessions", "training.hours", "training.avg_hours",
            "training.reached_60", "training.exam_takers", "training.exam_passed",
            "training.pass_rate")
    else:
        add("body", say("staff.no_training"), "training.sessions")

    w.heading("h2", "cases")
    w.heading("h3", "inspections")
    _inspections(w)
    w.heading("h3", "penalties")
    _penalties(w)
    w.heading("h3", "licenses")
    _licenses(w)

    w.heading("h2", "plan")
    narrative(NarrativeBlock.PLAN)
    w.heading("h2", "reviews")
    _reviews(w)

    # 二、主要工作措施及成效 ----------------------------------------------------------------
    w.heading("h1", "measures")
    w.heading("h2", "organisation")
    narrative(NarrativeBlock.ORGANISATION)
    w.heading("h2", "three_systems")
    narrative(NarrativeBlock.MEASURES)
    parts = []
    if figs["inspection.total"]:
        parts.append(say("measures.recorded", recorded=figs["inspection.recorded"]))
    if figs["penalty.procedure.ordinary"]:
        parts.append(say("measures.legal_review", ordinary=figs["penalty.procedure.ordinary"],
                         legal_review=figs["penalty.legal_review"]))
    add("body", "".join(parts), "inspection.recorded", "penalty.procedure.ordinary",
        "penalty.legal_review")
    w.heading("h2", "joint")
    _joint(w)
    w.heading("h2", "schools")
    narrative(NarrativeBlock.RULE_OF_LAW_SCHOOLS)
    customs = [f for f in figs.figures.values() if f.key.startswith("custom.")]
    if customs:
        w.heading("h2", "other")
        for fig in customs:
            fields = dict(year=year, name=fig.label, value=number(fig.value), unit=fig.unit)
            if fig.note.strip():
                # The clerk's own sentence states the number only where it says {value}.
                stated = (fig.key,) if "{value}" in fig.note else ()
                add("body", _clerk_sentence(fig.note, **fields), *stated)
            else:
                add("body", say("custom.default", **fields), fig.key)

    # 三、四 ------------------------------------------------------------------------------
    w.heading("h1", "problems")
    narrative(NarrativeBlock.PROBLEMS)
    w.heading("h1", "next_steps")
    narrative(NarrativeBlock.NEXT_STEPS)

    add("attachment", say("title.attachment", annex=content.annex_title))
    add("signature", signatory)
    add("date", say("title.date", year=document_date.year, month=document_date.month,
                    day=document_date.day))
    return content


def _inspections(w: _Writer) -> None:
    figs, say, add, year = w.figs, w.say, w.add, w.figs.year
    total = figs["inspection.total"]
    if not total:
        add("body", say("inspection.none"), "inspection.total")
        return
    joint = figs["inspection.method.joint_random"]
    internal = figs["inspection.method.internal_random"]
    random = ""
    if joint:
        partners = figs["inspection.joint_partners"]
        random += (say("inspection.joint", partners=joined(partners), joint=joint) if partners
                   else say("inspection.joint_no_partners", joint=joint))
    if internal:
        random += say("inspection.internal", internal=internal)
    add("body", say("inspection.summary", year=year, random=random or say("inspection.plain"),
                    total=total, change=w.change("inspection.total")),
        "inspection.total", "inspection.method.joint_random", "inspection.method.internal_random",
        "inspection.joint_partners")
    parts = [say("inspection.by_category",
                 items=_counted(figs, "inspection.category", InspectionCategory, "次"))]
    by_type = _counted(figs, "inspection.unit_type", UnitType, "次")
    if by_type:
        parts.append(say("inspection.by_unit_type", items=by_type))
    if figs["inspection.enterprise"]:
        parts.append(say("inspection.enterprise", enterprise=figs["inspection.enterprise"],
                         enterprise_units=figs["inspection.enterprise_units"]))
    add("body", "".join(parts), *[f"inspection.category.{c.key}" for c in InspectionCategory],
        *[f"inspection.unit_type.{t.key}" for t in UnitType], "inspection.enterprise",
        "inspection.enterprise_units")
    problems, rectified = figs["inspection.problems"], figs["inspection.rectified_on_site"]
    findings = (say("inspection.findings", problems=problems, rectified=rectified)
                if problems or rectified else say("inspection.no_findings"))
    add("body", say("inspection.outcome", personnel=figs["inspection.personnel"],
                    findings=findings,
                    results=_counted(figs, "inspection.result", InspectionResult, "次")),
        "inspection.personnel", "inspection.problems", "inspection.rectified_on_site",
        *[f"inspection.result.{r.key}" for r in InspectionResult])


def _penalties(w: _Writer) -> None:
    figs, say, add, year = w.figs, w.say, w.add, w.figs.year
    total = figs["penalty.total"]
    if not total:
        add("body", say("penalty.none"), "penalty.total")
        return
    simple, ordinary = figs["penalty.procedure.simple"], figs["penalty.procedure.ordinary"]
    procedures = (say("penalty.procedures_both", simple=simple, ordinary=ordinary)
                  if simple and ordinary else
                  say("penalty.procedures_simple") if simple else say("penalty.procedures_ordinary"))
    parts = [say("penalty.summary", year=year, total=total, change=w.change("penalty.total"),
                 procedures=procedures),
             say("penalty.kinds", items=_counted(figs, "penalty.kind", PenaltyKind, "件"))]
    add("body", "".join(parts), "penalty.total", "penalty.procedure.simple",
        "penalty.procedure.ordinary", *[f"penalty.kind.{k.key}" for k in PenaltyKind])
    fine, confiscation = figs["penalty.fine_amount"], figs["penalty.confiscation_amount"]
    parts = []
    if figs["penalty.amount"]:
        detail = (say("penalty.amount_detail", fine=number(fine), confiscation=number(confiscation))
                  if fine and confiscation else "")
        parts.append(say("penalty.amount", amount=number(figs["penalty.amount"]), detail=detail))
    else:
        parts.append(say("penalty.no_amount"))
    if figs["penalty.legal_review"]:
        corrected = figs["penalty.legal_review_corrected"]
        parts.append(say("penalty.legal_review", legal_review=figs["penalty.legal_review"],
                         corrected=say("penalty.corrected", n=corrected) if corrected else ""))
    if figs["penalty.hearing"]:
        parts.append(say("penalty.hearing", hearing=figs["penalty.hearing"]))
    add("body", "".join(parts), "penalty.amount", "penalty.fine_amount",
        "penalty.confiscation_amount", "penalty.legal_review", "penalty.legal_review_corrected",
        "penalty.hearing")


def _licenses(w: _Writer) -> None:
    figs, say, add, year = w.figs, w.say, w.add, w.figs.year
    keys = [f"license.{k}" for k in ("applied", "accepted", "granted", "refused", "revoked")]
    if any(figs[k] for k in keys):
        revoked = figs["license.revoked"]
        add("body", say("license.summary", year=year, applied=figs["license.applied"],
                        accepted=figs["license.accepted"], granted=figs["license.granted"],
                        refused=figs["license.refused"],
                        revoked=say("license.revoked", revoked=revoked) if revoked else "",
                        change=w.change("license.accepted")), *keys)
        names = [row["事项"] for row in figs.tables.get("license.items", []) if row["事项"]]
        if names:
            add("body", say("license.items", items=joined(names)))
    else:
        add("body", say("license.none"), *keys)
    others = []
    for row in figs.tables.get("other_act.items", []):
        if row["次数"]:
            others.append(f"{row['事项'] or row['类别']}{row['次数']}件")
    if others:
        add("body", say("license.other", items=joined(others)),
            *[f"other_act.{c.key}" for c in OtherActCategory if c is not OtherActCategory.LICENSE])


def _reviews(w: _Writer) -> None:
    figs, say, add, year = w.figs, w.say, w.add, w.figs.year
    items, corrected, keys = [], 0, []
    for kind in ReviewKind:
        total = figs[f"review.{kind.key}"]
        keys.append(f"review.{kind.key}")
        if not total:
            continue
        results = joined([f"{r.value}{figs[f'review.{kind.key}.{r.key}']}件" for r in ReviewResult
                          if figs[f"review.{kind.key}.{r.key}"]])
        items.append(say(f"review.{kind.key}", total=total, results=results))
        corrected += figs[f"review.{kind.key}.corrected"]
        keys += [f"review.{kind.key}.{r.key}" for r in ReviewResult]
        keys.append(f"review.{kind.key}.corrected")
    if not items:
        add("body", say("review.none"), *keys)
        return
    tail = say("review.corrected", corrected=corrected) if corrected else say("review.not_corrected")
    add("body", say("review.summary", year=year, items="，".join(items), corrected=tail), *keys)


def _joint(w: _Writer) -> None:
    figs, say, add = w.figs, w.say, w.add
    names = figs["inspection.joint_units"]
    if figs["inspection.method.joint_random"] and names:
        shown = names[:MAX_NAMED_UNITS]
        units = say("joint.unit_list", names=joined(shown), count=figs["inspection.joint_unit_count"])
        partners = figs["inspection.joint_partners"]
        personnel = figs["inspection.joint_personnel"]
        text = (say("joint.units", partners=joined(partners), units=units, personnel=personnel)
                if partners else say("joint.units_no_partners", units=units, personnel=personnel))
        add("body", text, "inspection.joint_units", "inspection.joint_unit_count",
            "inspection.joint_partners", "inspection.joint_personnel")
    else:
        add("body", say("joint.none"), "inspection.method.joint_random")
    campaigns = figs.tables.get("campaign.list", [])
    if not campaigns:
        add("body", say("joint.no_campaign"), "campaign.total")
        return
    add("body", say("joint.campaigns_summary", total=figs["campaign.total"],
                    personnel=figs["campaign.personnel"],
                    institutions=figs["campaign.institutions"]),
        "campaign.total", "campaign.personnel", "campaign.institutions")
    detail_columns = (("personnel", "出动人次"), ("institutions", "排查机构数"),
                      ("hazards", "发现隐患数"), ("closed", "关停数"), ("rectified", "整改数"),
                      ("cases", "立案数"))
    for row in campaigns:
        details = "，".join(say(f"joint.details.{name}", n=row[column])
                           for name, column in detail_columns if row[column])
        partners = row["联合部门"] or ""
        add("body", say("joint.campaign", name=row["名称"],
                        partners=say("joint.campaign_partners",
                                     partners=partners) if partners else "",
                        details=("，" + details) if details else ""))
