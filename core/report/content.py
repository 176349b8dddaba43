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

from core.figure_format import figure_change, figure_number
from core.figures import TRAINING_HOURS_EXPECTED, AnnualFigures, Figure
from core.narrative import GENERATED_WHEN_EMPTY, TEMPLATE, Narrative
from core.models import split_list
from core.report.templates import TemplateSet, templates_dir
from core.text import clean_text
from core.vocab import (
    InspectionCategory, InspectionResult, NarrativeBlock, OtherActCategory,
    PenaltyKind, PowerCategory, ReportSection, ReviewKind, ReviewResult, UnitType,
)

# Which placeholders each template may use: the file is checked against this when loaded.
TEMPLATE_FIELDS: dict[str, set[str]] = {
    "title.report": {"bureau", "year"},
    "title.annex": {"bureau", "year"},
    "title.attachment": {"annex"},
    "title.date": {"year", "month", "day"},
    **{f"heading.{name}": set() for name in (
        "basic", "powers", "staff", "cases", "inspections", "penalties", "licenses", "plan",
        "reviews", "measures", "organisation", "three_systems", "joint", "joint_random",
        "joint_random_campaigns", "joint_campaigns", "campaigns", "schools", "other",
        "problems", "next_steps")},
    "basis.national": set(), "basis.national_before_2026": set(), "basis.tianjin": set(),
    "intro.basis": {"basis", "year", "bureau"},
    "change.up": {"pct"}, "change.down": {"pct"}, "change.same": set(),
    "change.up_by": {"n", "unit"}, "change.down_by": {"n", "unit"},
    "power.summary": {"year", "total", "items"},
    "power.none": {"year"},
    "staff.certified": {"year", "certified", "change"},
    "staff.newly": {"year", "newly"},
    "staff.cancelled": {"cancelled"},
    "staff.rate": {"established", "rate"},
    "staff.reviewers": {"reviewers"},
    "staff.none": {"year"},
    "staff.training": {"sessions", "hours", "avg_hours", "reached"},
    "staff.reached_all": {"expected"},
    "staff.reached_some": {"reached", "short", "expected"},
    "staff.exam": {"takers", "passed", "pass_rate"},
    "staff.exam_all": {"takers"},
    "staff.no_training": set(),
    "inspection.summary": {"year", "random", "total", "change"},
    "inspection.random_both": {"joint", "internal"},
    "inspection.random_joint": {"joint"},
    "inspection.random_internal": {"internal"},
    "inspection.by_category": {"items"},
    "inspection.one_category": {"category"},
    "inspection.by_unit_type": {"items"},
    "inspection.one_unit_type": {"unit_type"},
    "inspection.enterprise": {"enterprise", "enterprise_units", "frequency"},
    "inspection.frequency_within": {"max"},
    "inspection.frequency_over": {"max", "over"},
    "inspection.outcome": {"personnel", "findings", "results"},
    "inspection.outcome_no_personnel": {"findings", "results"},
    "inspection.findings": {"problems", "rectified"},
    "inspection.findings_only": {"problems"},
    "inspection.no_findings": set(),
    "inspection.results": {"items"},
    "inspection.one_result": {"result"},
    "inspection.none": set(),
    "penalty.summary": {"year", "total", "change", "procedures"},
    "penalty.procedures_both": {"simple", "ordinary"},
    "penalty.procedures_simple": set(),
    "penalty.procedures_ordinary": set(),
    "penalty.kinds": {"items"},
    "penalty.one_kind": {"kind"},
    "penalty.amount": {"amount", "detail"},
    "penalty.amount_detail": {"fine", "confiscation"},
    "penalty.no_amount": set(),
    "penalty.hearing": {"hearing"},
    "penalty.none": set(),
    "license.summary": {"year", "applied", "accepted", "granted", "refused", "revoked", "change"},
    "license.refused": {"refused"},
    "license.revoked": {"revoked"},
    "license.items": {"items"},
    "license.one_item": {"item"},
    "license.none": set(),
    "license.other": {"items"},
    "plan.summary": {"year", "tasks", "tasks_done"},
    "plan.none_done": {"year", "tasks"},
    "plan.objects": {"planned", "inspected", "rate"},
    "plan.objects_over": {"planned", "inspected", "rate"},
    "plan.short": {"items"},
    "plan.short_item": {"name", "planned", "inspected"},
    "plan.not_started": {"names"},
    "plan.split": {"planned", "unplanned"},
    "plan.unplanned_sources": {"items"},
    "plan.not_recorded": {"year", "total"},
    "plan.not_recorded_quiet": {"year"},
    "review.reconsideration": {"total", "results"},
    "review.reconsideration_none": set(),
    "review.litigation": {"total", "results"},
    "review.litigation_none": set(),
    "review.summary": {"year", "items", "corrected", "others"},
    "review.corrected": {"corrected"},
    "review.not_corrected": set(),
    "review.others": {"items"},
    "review.none": {"year"},
    "measures.published_all": {"total"},
    "measures.published_some": {"late"},
    "measures.penalty_published_all": {"total"},
    "measures.penalty_published_some": {"late"},
    "measures.recorded_all": set(),
    "measures.recorded_some": {"recorded", "missing"},
    "measures.staffed_all": set(),
    "measures.too_few": {"n"},
    "measures.no_certificate": {"n"},
    "measures.reviewed_all": {"ordinary"},
    "measures.reviewed_some": {"ordinary", "reviewed", "missing"},
    "measures.review_corrected": {"n"},
    "results.opening": {"year", "items"},
    "results.published_rate": {"rate"},
    "results.recorded_rate": {"rate"},
    "results.reviewed_rate": {"rate"},
    "results.training_rate": {"rate"},
    "results.certified_rate_up": {"points"},
    "results.recorded_rate_up": {"points"},
    "results.recorded_rate_improved": {"rate", "points"},
    "results.problems_rectified": {"problems", "rectified"},
    "results.campaign": {"total", "rectified"},
    "enterprise.rules": {"items"},
    "enterprise.uncapped": {"uncapped"},
    "enterprise.approved_all": set(),
    "enterprise.approval_some": {"n"},
    "joint.units": {"partners", "units", "personnel"},
    "joint.units_no_partners": {"units", "personnel"},
    "joint.unit_list": {"names", "count"},
    "joint.random_share": {"random", "share"},
    "joint.random_share_only": {"share"},
    "joint.internal": {"internal"},
    "joint.campaigns_summary": {"total", "personnel", "institutions"},
    **{f"joint.campaign_{n}": {"name", "partners", "details"} for n in (1, 2, 3)},
    "joint.campaign_partners": {"partners"},
    "joint.campaign_alone": set(),
    **{f"joint.details.{name}": {"n"} for name in (
        "personnel", "institutions", "hazards", "closed", "rectified", "cases")},
    "custom.default": {"year", "name", "value", "unit"},
    "custom.described": {"year", "note", "value", "unit"},
    "custom.sentence_with_figure": {"note", "name", "value", "unit"},
    "list.item": {"ordinal", "text"},
    **{f"problems.{name}": fields for name, fields in (
        ("intro", set()), ("procedure", {"items"}), ("publication", {"items"}),
        ("recording", {"missing"}), ("training", {"short", "expected"}),
        ("review", {"missing"}), ("enterprise", {"over"}), ("capacity", set()),
        ("coordination", set()), ("data", set()), ("certificates", {"missing"}),
        ("reviewers", set()), ("supervision", set()), ("plan", {"idle"}))},
    **{f"next_steps.{name}": fields for name, fields in (
        ("intro", {"next_year"}), ("procedure", set()), ("publication", set()),
        ("recording", set()), ("training", {"expected"}), ("review", set()),
        ("enterprise", set()), ("capacity", set()), ("coordination", set()), ("data", set()),
        ("certificates", set()), ("supervision", set()), ("closing", set()), ("plan", set()))},
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

number = figure_number      # one way to print a figure: core.figure_format


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


def load_templates() -> tuple[TemplateSet, TemplateSet]:
    """The report's sentence templates and the narrative blocks' templates, checked against
    the fields each sentence may use (resources/templates/)."""
    folder = templates_dir()
    return (TemplateSet(folder / "report.toml", TEMPLATE_FIELDS),
            TemplateSet(folder / "narrative.toml"))


def clerk_sentence(sentence: str, **fields) -> str:
    """A sentence the clerk wrote (其他指标 说明) with {year}/{value}/{unit}/{name} filled;
    any other braces are the clerk's own text and stay as typed."""
    return _PLACEHOLDER.sub(lambda m: str(fields[m.group(1)]), sentence)


ORDINALS = "一二三四五六七八九十"

# The 成效 paragraph states a compliance rate only from this share up (per cent).
RESULT_RATE = 95

# Where a custom figure (其他指标) goes: the clerk's 报告位置 (core.vocab.ReportSection, or one
# of its synonyms as an older ledger may hold it), or else a word in its name.
SECTIONS = {ReportSection.STAFF: "staff", ReportSection.THREE_SYSTEMS: "three_systems",
            ReportSection.JOINT: "joint", ReportSection.SCHOOLS: "schools",
            ReportSection.OTHER: "other"}
_SECTION_WORDS = (("staff", ("执法证", "学法", "培训", "执法人员")),
                  ("three_systems", ("记录仪", "全过程", "公示", "法制审核")),
                  ("joint", ("双随机", "联合", "专项")),
                  ("schools", ("依法治校", "示范校", "法治副校长", "法律顾问", "普法")))

# A clerk's line that is a heading inside a block: short, no full stop inside.
_HEADING_LINE = (
    (re.compile(r"^（[一二三四五六七八九十]+）"), "h2"),
    (re.compile(r"^[0-9０-９]+[.．、]"), "h3"),
)
HEADING_MAX_CHARS = 40
_H2_NUMBER = re.compile(r"^（[一二三四五六七八九十]+）")


def custom_section(name: str, chosen: str = "") -> str:
    """The report section of a custom figure: the clerk's 报告位置 where it names one (a
    ReportSection or a synonym), else by a word in its name; 'other' when nothing fits."""
    try:
        return SECTIONS[ReportSection.parse(chosen)] if (chosen or "").strip() else _by_name(name)
    except ValueError:                  # not a section: placed by its name, as if empty
        return _by_name(name)


def _by_name(name: str) -> str:
    for section, words in _SECTION_WORDS:
        if any(word in name for word in words):
            return section
    return "other"


def heading_role(line: str) -> str | None:
    """「（一）加强组织领导」 → h2, 「1.落实公示制度」 → h3; None for a body paragraph."""
    stripped = line.rstrip("。：:")
    if len(stripped) > HEADING_MAX_CHARS or re.search(r"[。；;！？]", stripped):
        return None
    for pattern, role in _HEADING_LINE:
        if pattern.match(stripped):
            return role
    return None


def prose(label: str) -> str:
    """A vocabulary label as it reads in a sentence: 「没收违法所得/没收非法财物」 → 「没收违法所得、没收非法财物」."""
    return label.replace("/", "、")


class _Writer:
    """Collects the paragraphs; a tiny helper so the outline below reads top to bottom."""

    def __init__(self, templates, figs: AnnualFigures, content: ReportContent,
                 findings: dict[str, int]):
        self.t, self.figs, self.content, self.findings = templates, figs, content, findings
        self.h2_count = 0        # second-level headings printed so far under this 一、二…

    def say(self, template: str, /, **fields) -> str:
        return self.t.render(template, **fields)

    def add(self, role: str, text: str, *figures: str, unconfirmed: bool = False) -> None:
        # One paragraph is one line of text: a line break or tab typed into a unit's or
        # bureau's name would otherwise become a break inside the sentence.
        text = " ".join(clean_text(text, keep_newlines=False).split(" ")).strip()
        if text:
            self.content.paragraphs.append(Paragraph(role, text, unconfirmed, tuple(figures)))

    def heading(self, role: str, name: str) -> None:
        """A heading from the templates. A section left out (二、(三) in a year with no
        双随机 and no campaign) must not leave a gap in 「（一）（二）（四）」, so a second-level
        heading takes its number from its place, whatever the template numbered it."""
        text = self.say(f"heading.{name}")
        if role == "h1":
            self.h2_count = 0
        elif role == "h2":
            self.h2_count += 1
            ordinal = ORDINALS[self.h2_count - 1] if self.h2_count <= len(ORDINALS) \
                else str(self.h2_count)
            text = _H2_NUMBER.sub(f"（{ordinal}）", text, count=1)
        self.add(role, text)

    def listed(self, items: list[str], *, unconfirmed: bool = False) -> None:
        """「一是……。」「二是……。」, one paragraph each, as the seeds set them out (a run of
        eight in one paragraph is a wall of text)."""
        for i, item in enumerate(items):
            self.add("body", self.say("list.item", text=item,
                                      ordinal=ORDINALS[i] if i < len(ORDINALS) else str(i + 1)),
                     unconfirmed=unconfirmed)

    def change(self, key: str) -> str:
        """"，较上年增长28.6%" or "，较上年减少1人" where the previous year has the figure
        (core.figure_format.figure_change, which the overview states too)."""
        fig: Figure = self.figs.figure(key)
        change = figure_change(fig)
        if change is None:
            return ""
        if change.direction == "same":
            return self.say("change.same")
        if change.by_count:
            return self.say("change.up_by" if change.direction == "up" else "change.down_by",
                            n=change.amount, unit=fig.unit)
        return self.say("change." + change.direction, pct=change.amount)

    def found(self, rule: str) -> int:
        return self.findings.get(rule, 0)


def compose(templates, figs: AnnualFigures, narratives: dict[NarrativeBlock, Narrative], *,
            bureau: str, signatory: str, document_date: dt.date, legal_basis: str = "",
            findings: dict[str, int] | None = None,
            sections: dict[str, str] | None = None) -> ReportContent:
    """The report's paragraphs. `findings` counts core.compliance's flags by rule; a
    sentence that says every record complied is written only where its count is 0.
    `sections` holds the clerk's 报告位置 of each custom figure by its key."""
    year = figs.year
    content = ReportContent(bureau=bureau,
                            title=templates.render("title.report", bureau=bureau, year=year),
                            annex_title=templates.render("title.annex", bureau=bureau, year=year))
    w = _Writer(templates, figs, content, dict(findings or {}))
    say, add = w.say, w.add
    customs = [f for f in figs.figures.values() if f.key.startswith("custom.")]
    placed: dict[str, list[Figure]] = {}
    for fig in customs:
        placed.setdefault(custom_section(fig.label, (sections or {}).get(fig.key, "")), []).append(fig)

    def narrative(block: NarrativeBlock) -> bool:
        """The block's paragraphs; its 「（一）」「1.」 lines as headings. False when empty."""
        text = narratives[block]
        for paragraph in text.paragraphs:
            add(heading_role(paragraph) or "body", paragraph, unconfirmed=not text.confirmed)
        warning = text.warning(year)
        if warning and text.paragraphs:
            content.warnings.append(warning)
        return bool(text.paragraphs)

    def custom(section: str) -> None:
        sentences = [_custom_sentence(w, fig) for fig in placed.get(section, [])]
        add("body", "".join(text for text, _ in sentences),
            *[key for _, keys in sentences for key in keys])

    add("title", content.title)
    narrative(NarrativeBlock.INTRO)
    if not any("报告如下" in p for p in narratives[NarrativeBlock.INTRO].paragraphs):
        add("body", say("intro.basis", basis=legal_basis, year=year, bureau=bureau))

    # 一、基本情况 ----------------------------------------------------------------------
    w.heading("h1", "basic")
    w.heading("h2", "powers")
    if figs["power.total"]:
        items = _counted(figs, "power.category", PowerCategory, "项")
        add("body", say("power.summary", year=year, total=figs["power.total"], items=items),
            "power.total", *[f"power.category.{c.key}" for c in PowerCategory])
    else:
        add("body", say("power.none", year=year))
        content.warnings.append(f"{year}年权责清单尚未录入，报告只写了执法主体的职责，未写事项数；"
                                f"请在“权责清单”中补录后重新生成。")

    w.heading("h2", "staff")
    _staff(w)
    custom("staff")

    w.heading("h2", "cases")
    w.heading("h3", "inspections")
    _inspections(w)
    w.heading("h3", "penalties")
    _penalties(w)
    w.heading("h3", "licenses")
    _licenses(w)

    w.heading("h2", "plan")
    _plan(w, narratives[NarrativeBlock.PLAN], narrative)
    w.heading("h2", "reviews")
    _reviews(w)

    # 二、主要工作措施及成效 ----------------------------------------------------------------
    w.heading("h1", "measures")
    _results(w)
    w.heading("h2", "organisation")
    narrative(NarrativeBlock.ORGANISATION)
    w.heading("h2", "three_systems")
    narrative(NarrativeBlock.MEASURES)
    _three_systems(w)
    _enterprise_rules(w)
    custom("three_systems")
    if _joint(w, bool(placed.get("joint"))):
        custom("joint")
    w.heading("h2", "schools")
    narrative(NarrativeBlock.RULE_OF_LAW_SCHOOLS)
    custom("schools")
    if placed.get("other"):
        w.heading("h2", "other")
        custom("other")

    # 三、四 ------------------------------------------------------------------------------
    w.heading("h1", "problems")
    problems = narratives[NarrativeBlock.PROBLEMS]
    if problems.origin == TEMPLATE and NarrativeBlock.PROBLEMS in GENERATED_WHEN_EMPTY:
        _problems(w)
        content.warnings.append(_generated_warning(year, NarrativeBlock.PROBLEMS))
    else:
        narrative(NarrativeBlock.PROBLEMS)
    w.heading("h1", "next_steps")
    steps = narratives[NarrativeBlock.NEXT_STEPS]
    if steps.origin == TEMPLATE and NarrativeBlock.NEXT_STEPS in GENERATED_WHEN_EMPTY:
        _next_steps(w)
        content.warnings.append(_generated_warning(year, NarrativeBlock.NEXT_STEPS))
    else:
        narrative(NarrativeBlock.NEXT_STEPS)

    add("attachment", say("title.attachment", annex=content.annex_title))
    add("signature", signatory)
    add("date", say("title.date", year=document_date.year, month=document_date.month,
                    day=document_date.day))
    return content


@dataclass
class GeneratedBlock:
    """A block of 报告文字 the report writes from the records (GENERATED_WHEN_EMPTY)."""
    paragraphs: list[str]
    # Printed whatever the clerk writes (the plan, from its records), the clerk's confirmed
    # words following it; otherwise printed only while the clerk has written nothing.
    always: bool = False

    def printed(self, origin: str) -> bool:
        """Whether the report prints these words, given where the block's own text is from."""
        return self.always or origin == TEMPLATE


def generated_paragraphs(templates, figs: AnnualFigures,
                         findings: dict[str, int] | None = None) -> dict[NarrativeBlock, GeneratedBlock]:
    """What the report writes from the year's records for the blocks it generates, by the
    same writers as `compose`: the 报告文字 page shows these words, so the clerk sees what
    will be printed."""
    scratch = ReportContent(bureau="", title="", annex_title="")
    w = _Writer(templates, figs, scratch, dict(findings or {}))
    out: dict[NarrativeBlock, GeneratedBlock] = {}
    for block, write in ((NarrativeBlock.PLAN, lambda: _plan(
                              w, Narrative(NarrativeBlock.PLAN, [], TEMPLATE), lambda _b: False)),
                         (NarrativeBlock.PROBLEMS, lambda: _problems(w)),
                         (NarrativeBlock.NEXT_STEPS, lambda: _next_steps(w))):
        scratch.paragraphs = []
        write()
        out[block] = GeneratedBlock([p.text for p in scratch.paragraphs],
                                    always=block is NarrativeBlock.PLAN and bool(figs.get("plan.tasks")))
    return out


def _generated_warning(year: int, block: NarrativeBlock) -> str:
    return (f"{year}年报告文字「{block.value}」未填写，已按本年度台账情况生成并用黄色标出，"
            f"请确认或改写。")


def _custom_sentence(w: _Writer, fig: Figure) -> tuple[str, tuple[str, ...]]:
    """A 其他指标 as a sentence that always states its number: the clerk's 说明 as written
    where it says {value}; a short description (「中、小学累计转学」) with the number after it;
    a whole sentence with the number in brackets after it."""
    year = w.figs.year
    fields = dict(year=year, name=fig.label, value=number(fig.value), unit=fig.unit)
    note = fig.note.strip()
    if not note:
        return w.say("custom.default", **fields), (fig.key,)
    if "{value}" in note:
        text = clerk_sentence(note, **fields)
        return (text if text.endswith(("。", "！", "？")) else text + "。"), (fig.key,)
    note = clerk_sentence(note, **fields).rstrip("。；;，,")
    if re.search(r"[，。；,;]", note) or len(note) > 20:
        return w.say("custom.sentence_with_figure", note=note, name=fig.label,
                     value=number(fig.value), unit=fig.unit), (fig.key,)
    if re.match(r"^(19|20)\d\d年", note):
        note = note[5:]
    return w.say("custom.described", year=year, note=note, value=number(fig.value),
                 unit=fig.unit), (fig.key,)


def _staff(w: _Writer) -> None:
    figs, say, add, year = w.figs, w.say, w.add, w.figs.year
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
    if not figs["training.sessions"]:
        add("body", say("staff.no_training"), "training.sessions")
        return
    people = figs.tables.get("training.per_person", [])
    reached = figs["training.reached_60"]
    short = len(people) - reached
    reached_text = (say("staff.reached_all", expected=TRAINING_HOURS_EXPECTED) if people and not short
                    else say("staff.reached_some", reached=reached, short=short,
                             expected=TRAINING_HOURS_EXPECTED))
    parts = [say("staff.training", sessions=figs["training.sessions"],
                 hours=number(figs["training.hours"]),
                 avg_hours=number(figs["training.avg_hours"] or 0), reached=reached_text)]
    takers, passed = figs["training.exam_takers"], figs["training.exam_passed"]
    if takers:
        parts.append(say("staff.exam_all", takers=takers) if passed == takers else
                     say("staff.exam", takers=takers, passed=passed,
                         pass_rate=number(figs["training.pass_rate"])))
    add("body", "".join(parts), "training.sessions", "training.hours", "training.avg_hours",
        "training.exam_takers")


def _breakdown(w: _Writer, prefix: str, members, unit: str, many: str, one: str,
               one_field: str) -> str:
    """「从检查类别看，日常检查43次、专项检查27次。」, or 「以上检查均为日常检查。」 when there is
    one; "" when none."""
    present = [m for m in members if w.figs.get(f"{prefix}.{m.key}")]
    if not present:
        return ""
    if len(present) == 1:
        return w.say(one, **{one_field: prose(present[0].value)})
    return w.say(many, items=joined([f"{prose(m.value)}{w.figs[f'{prefix}.{m.key}']}{unit}"
                                     for m in present]))


def _inspections(w: _Writer) -> None:
    figs, say, add, year = w.figs, w.say, w.add, w.figs.year
    total = figs["inspection.total"]
    if not total:
        add("body", say("inspection.none"), "inspection.total")
        return
    joint = figs["inspection.method.joint_random"]
    internal = figs["inspection.method.internal_random"]
    random = (say("inspection.random_both", joint=joint, internal=internal) if joint and internal
              else say("inspection.random_joint", joint=joint) if joint
              else say("inspection.random_internal", internal=internal) if internal else "")
    parts = [say("inspection.summary", year=year, random=random, total=total,
                 change=w.change("inspection.total")),
             _breakdown(w, "inspection.category", InspectionCategory, "次",
                        "inspection.by_category", "inspection.one_category", "category"),
             _breakdown(w, "inspection.unit_type", UnitType, "次",
                        "inspection.by_unit_type", "inspection.one_unit_type", "unit_type")]
    if figs["inspection.enterprise"]:
        frequency = ""
        most = figs.get("inspection.enterprise_max_per_unit")
        over = figs.get("inspection.enterprise_over_cap")
        if most:
            frequency = (say("inspection.frequency_over", max=most, over=over) if over
                         else say("inspection.frequency_within", max=most))
        parts.append(say("inspection.enterprise", enterprise=figs["inspection.enterprise"],
                         enterprise_units=figs["inspection.enterprise_units"],
                         frequency=frequency))
    add("body", "".join(parts), "inspection.total", "inspection.method.joint_random",
        "inspection.method.internal_random",
        *[f"inspection.category.{c.key}" for c in InspectionCategory],
        *[f"inspection.unit_type.{t.key}" for t in UnitType], "inspection.enterprise",
        "inspection.enterprise_units")
    problems, rectified = figs["inspection.problems"], figs["inspection.rectified_on_site"]
    findings = (say("inspection.findings", problems=problems, rectified=rectified)
                if problems and rectified else
                say("inspection.findings_only", problems=problems) if problems
                else say("inspection.no_findings"))
    results = _breakdown(w, "inspection.result", InspectionResult, "次", "inspection.results",
                         "inspection.one_result", "result").rstrip("。")
    personnel = figs["inspection.personnel"]
    add("body", say("inspection.outcome", personnel=personnel, findings=findings, results=results)
        if personnel else say("inspection.outcome_no_personnel", findings=findings,
                              results=results),
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
             _breakdown(w, "penalty.kind", PenaltyKind, "件", "penalty.kinds", "penalty.one_kind",
                        "kind")]
    fine, confiscation = figs["penalty.fine_amount"], figs["penalty.confiscation_amount"]
    if figs["penalty.amount"]:
        detail = (say("penalty.amount_detail", fine=number(fine), confiscation=number(confiscation))
                  if fine and confiscation else "")
        parts.append(say("penalty.amount", amount=number(figs["penalty.amount"]), detail=detail))
    else:
        parts.append(say("penalty.no_amount"))
    if figs["penalty.hearing"]:
        parts.append(say("penalty.hearing", hearing=figs["penalty.hearing"]))
    add("body", "".join(parts), "penalty.total", "penalty.procedure.simple",
        "penalty.procedure.ordinary", *[f"penalty.kind.{k.key}" for k in PenaltyKind],
        "penalty.amount", "penalty.fine_amount", "penalty.confiscation_amount",
        "penalty.hearing")


def _licenses(w: _Writer) -> None:
    figs, say, add, year = w.figs, w.say, w.add, w.figs.year
    keys = [f"license.{k}" for k in ("applied", "accepted", "granted", "refused", "revoked")]
    if any(figs[k] for k in keys):
        refused, revoked = figs["license.refused"], figs["license.revoked"]
        add("body", say("license.summary", year=year, applied=figs["license.applied"],
                        accepted=figs["license.accepted"], granted=figs["license.granted"],
                        refused=say("license.refused", refused=refused) if refused else "",
                        revoked=say("license.revoked", revoked=revoked) if revoked else "",
                        change=w.change("license.accepted")), *keys)
        rows = [row for row in figs.tables.get("license.items", []) if row["事项"]]
        # By item with its count (受理, or 申请 where nothing was accepted yet).
        counted = [(row["事项"], row["受理"] or row["申请"]) for row in rows]
        counted = [(name, n) for name, n in counted if n]
        if len(counted) == 1 and len(rows) == 1:
            add("body", say("license.one_item", item=counted[0][0]))
        elif counted:
            add("body", say("license.items", items=joined([f"{name}{n}件" for name, n in counted])))
    else:
        add("body", say("license.none"), *keys)
    others = []
    for row in figs.tables.get("other_act.items", []):
        if row["次数"]:
            others.append(f"{row['事项'] or row['类别']}{row['次数']}件")
    if others:
        add("body", say("license.other", items=joined(others)),
            *[f"other_act.{c.key}" for c in OtherActCategory if c is not OtherActCategory.LICENSE])


def _plan(w: _Writer, own: Narrative, narrative) -> None:
    """（四）年度执法计划完成情况 from the plan records (issue 21's figures) where the ledger has
    them; else the clerk's own words; else an honest sentence, highlighted for the clerk."""
    figs, say, add, year = w.figs, w.say, w.add, w.figs.year
    tasks = figs.get("plan.tasks")
    if tasks and not figs.get("plan.tasks_done"):
        # Not one task carried out: said once, without a row of zeros or the whole list.
        add("body", say("plan.none_done", year=year, tasks=tasks), "plan.tasks")
        if own.confirmed:
            narrative(NarrativeBlock.PLAN)
        return
    if tasks:
        parts = [say("plan.summary", year=year, tasks=tasks,
                     tasks_done=figs.get("plan.tasks_done", 0))]
        planned_objects = figs.get("plan.objects_planned")
        if planned_objects:
            inspected = figs.get("plan.objects_inspected", 0)
            rate = figs.get("plan.completion_rate") or 0
            # 41 inspected against 30 planned is 93.3%, not 137%: objects beyond a task's own
            # number do not count (core.figures); the sentence says so when the two differ.
            over = abs(inspected / planned_objects * 100 - rate) > 0.05
            parts.append(say("plan.objects_over" if over else "plan.objects",
                             planned=planned_objects, inspected=inspected, rate=number(rate)))
        rows = figs.tables.get("plan.tasks", [])
        idle = [f"「{row['name']}」" for row in rows if row.get("name") and not row.get("inspected")]
        if idle:
            parts.append(say("plan.not_started", names=joined(idle)))
        short = [say("plan.short_item", name=row["name"], planned=row["planned"],
                     inspected=row["inspected"]) for row in rows
                 if row.get("name") and row.get("planned")
                 and 0 < (row.get("inspected") or 0) < row["planned"]]
        if short:
            parts.append(say("plan.short", items=joined(short)))
        planned, unplanned = figs.get("inspection.planned"), figs.get("inspection.unplanned")
        if planned is not None and unplanned is not None:
            parts.append(say("plan.split", planned=planned, unplanned=unplanned))
        sources = [f"{row['source']}{row['count']}次"
                   for row in figs.tables.get("inspection.unplanned_by_source", [])
                   if row.get("count")]
        if unplanned and sources:
            parts.append(say("plan.unplanned_sources", items=joined(sources)))
        add("body", "".join(parts), "plan.tasks", "plan.tasks_done")
        if own.confirmed:
            narrative(NarrativeBlock.PLAN)
        return
    if own.origin != TEMPLATE and own.paragraphs:
        narrative(NarrativeBlock.PLAN)
        return
    total = figs["inspection.total"]
    add("body", say("plan.not_recorded", year=year, total=total) if total
        else say("plan.not_recorded_quiet", year=year), unconfirmed=True)
    w.content.warnings.append(f"{year}年行政检查计划未录入台账，“年度执法计划完成情况”一节"
                              "写明了未作统计并用黄色标出；请录入检查计划，或在“报告文字”中填写该段。")


def _reviews(w: _Writer) -> None:
    """（五）: the bureau as 被申请人 in 复议 and as 被告 in 诉讼 (行政复议法 2023); a kind with
    no case is stated as such, since the heading names both."""
    figs, say, add, year = w.figs, w.say, w.add, w.figs.year
    items, none, corrected, keys = [], [], 0, []
    for kind in ReviewKind:
        total = figs[f"review.{kind.key}"]
        keys.append(f"review.{kind.key}")
        if not total:
            none.append(say(f"review.{kind.key}_none"))
            continue
        results = joined([f"{r.value}{figs[f'review.{kind.key}.{r.key}']}件" for r in ReviewResult
                          if figs[f"review.{kind.key}.{r.key}"]])
        items.append(say(f"review.{kind.key}", total=total, results=results))
        corrected += figs[f"review.{kind.key}.corrected"]
        keys += [f"review.{kind.key}.{r.key}" for r in ReviewResult]
        keys.append(f"review.{kind.key}.corrected")
    if not items:
        add("body", say("review.none", year=year), *keys)
        return
    tail = say("review.corrected", corrected=corrected) if corrected else say("review.not_corrected")
    others = say("review.others", items="，".join(none)) if none else ""
    add("body", say("review.summary", year=year, items="、".join(items), corrected=tail,
                    others=others), *keys)


def _rate(part: int, whole: int) -> str:
    return number(round(part / whole * 100, 1)) if whole else ""


def _results(w: _Writer) -> None:
    """二's 成效: the year's compliance rates and the changes that improved, each only where
    the ledger has what it needs."""
    figs, say, year = w.figs, w.say, w.figs.year
    total = figs["inspection.total"]
    rates = []
    if total:
        late = min(w.found("inspection.publication"), total)
        rates.append(("results.published_rate", total - late, total))
        rates.append(("results.recorded_rate", figs["inspection.recorded"], total))
    ordinary = figs["penalty.procedure.ordinary"]
    if ordinary:
        missing = min(w.found("penalty.legal_review"), ordinary)
        rates.append(("results.reviewed_rate", ordinary - missing, ordinary))
    people = figs.tables.get("training.per_person", [])
    if people and figs["training.sessions"]:
        rates.append(("results.training_rate", figs["training.reached_60"], len(people)))
    recorded, inspections = figs.figure("inspection.recorded"), figs.figure("inspection.total")
    points = 0.0                   # how far the 全过程记录 rate rose over last year's
    if total and recorded.previous is not None and inspections.previous:
        points = round(round(recorded.value / total * 100, 1) - round(
            recorded.previous / inspections.previous * 100, 1), 1)
    items = []
    # A rate is a result to report only when it is high; a low one is a problem (三、).
    for name, part, whole in rates:
        if part * 100 < RESULT_RATE * whole:
            continue
        if name == "results.recorded_rate" and points > 0:
            items.append(say("results.recorded_rate_improved", rate=_rate(part, whole),
                             points=number(points)))
            points = 0.0
        else:
            items.append(say(name, rate=_rate(part, whole)))
    rate = figs.figure("staff.certified_rate")
    if isinstance(rate.value, (int, float)) and isinstance(rate.previous, (int, float)) \
            and rate.value > rate.previous:
        items.append(say("results.certified_rate_up",
                         points=number(round(float(rate.value - rate.previous), 1))))
    if points > 0:                         # improved, though not yet high enough to boast of
        items.append(say("results.recorded_rate_up", points=number(points)))
    if figs["campaign.total"] and figs["campaign.rectified"]:
        items.append(say("results.campaign", total=figs["campaign.total"],
                         rectified=figs["campaign.rectified"]))
    if items:
        w.add("body", say("results.opening", year=year, items="，".join(items)))


def _three_systems(w: _Writer) -> None:
    """What the records show of 公示, 全过程记录, 两人持证执法 and 法制审核: 「均…」 only where
    core.compliance found nothing, else the number of exceptions."""
    figs, say = w.figs, w.say
    clauses = []
    total = figs["inspection.total"]
    if total:
        late = w.found("inspection.publication")
        clauses.append(say("measures.published_some", late=late) if late
                       else say("measures.published_all", total=total))
    penalties = figs["penalty.total"]
    if penalties:
        late = w.found("penalty.publication")
        clauses.append(say("measures.penalty_published_some", late=late) if late
                       else say("measures.penalty_published_all", total=penalties))
    if total:
        recorded = figs["inspection.recorded"]
        clauses.append(say("measures.recorded_all") if recorded >= total else
                       say("measures.recorded_some", recorded=recorded, missing=total - recorded))
        few, uncertified = w.found("inspection.inspectors"), w.found("inspection.certificate")
        if few or uncertified:
            clauses.append("、".join(c for c in (
                say("measures.too_few", n=few) if few else "",
                say("measures.no_certificate", n=uncertified) if uncertified else "") if c))
        else:
            clauses.append(say("measures.staffed_all"))
    ordinary = figs["penalty.procedure.ordinary"]
    if ordinary:
        missing = min(w.found("penalty.legal_review"), ordinary)
        text = (say("measures.reviewed_some", ordinary=ordinary, reviewed=ordinary - missing,
                    missing=missing) if missing else say("measures.reviewed_all", ordinary=ordinary))
        corrected = figs["penalty.legal_review_corrected"]
        if corrected:
            text += say("measures.review_corrected", n=corrected)
        clauses.append(text)
    w.add("body", sentence(clauses, "；"), "inspection.recorded", "penalty.procedure.ordinary",
          "penalty.legal_review_corrected")


# 国办发〔2024〕54号 (严格规范涉企行政检查) dates from the end of 2024: said from 2025 on.
ENTERPRISE_RULES_FROM = 2025


def _enterprise_rules(w: _Writer) -> None:
    """How the year's 涉企 inspections kept to 54号: prior approval (core.compliance's
    inspection.approval findings) and the 上级部署 ones left outside the frequency count."""
    figs, say = w.figs, w.say
    if figs.year < ENTERPRISE_RULES_FROM or not figs["inspection.enterprise"]:
        return
    # Not the mean per enterprise: it leaves the 上级部署 checks out of both sides, so beside
    # 一、's 「26次，涉及市场主体15家」 it would read as a wrong division.
    late = w.found("inspection.approval")
    uncapped = figs.get("inspection.enterprise_uncapped")
    items = say("enterprise.approval_some", n=late) if late else say("enterprise.approved_all")
    if uncapped:
        items += "；" + say("enterprise.uncapped", uncapped=uncapped)
    w.add("body", say("enterprise.rules", items=items), "inspection.enterprise_uncapped")


def _joint(w: _Writer, has_customs: bool = False) -> bool:
    """二、(三) as the ledger holds it: the heading names only the work that was done (双随机
    抽查, 联合检查, 专项治理), and a year with none of them has no such section at all (unless
    the clerk placed a custom figure there); never a heading followed by 「本年度未…」 lines.
    Returns whether the section was printed."""
    figs, say, add = w.figs, w.say, w.add
    joint = figs["inspection.method.joint_random"]
    internal = figs["inspection.method.internal_random"]
    campaigns = figs.tables.get("campaign.list", [])
    partnered = any(split_list(row["联合部门"] or "") for row in campaigns)
    random = joint + internal
    if random and (joint or partnered):
        w.heading("h2", "joint")
    elif random and campaigns:
        w.heading("h2", "joint_random_campaigns")
    elif random:
        w.heading("h2", "joint_random")
    elif campaigns:
        w.heading("h2", "joint_campaigns" if partnered else "campaigns")
    elif has_customs:
        w.heading("h2", "joint")
        return True
    else:
        return False
    names = figs["inspection.joint_units"]
    if joint and names:
        shown = names[:MAX_NAMED_UNITS]
        count = figs["inspection.joint_unit_count"]
        units = say("joint.unit_list", names=joined(shown), count=count)
        partners = figs["inspection.joint_partners"]
        personnel = figs["inspection.joint_personnel"]
        text = (say("joint.units", partners=_and(partners), units=units, personnel=personnel)
                if partners else say("joint.units_no_partners", units=units, personnel=personnel))
        add("body", text, "inspection.joint_units", "inspection.joint_unit_count",
            "inspection.joint_partners", "inspection.joint_personnel")
    if random:
        # The counts by kind are in 一、; here what they add up to, and how they are chosen.
        # The sum only when it is new: with one kind, 一、 has stated that count already.
        share = _rate(random, figs["inspection.total"])
        parts = [say("joint.internal", internal=internal) if internal else "",
                 say("joint.random_share", random=random, share=share) if joint and internal
                 else say("joint.random_share_only", share=share)]
        add("body", "".join(parts))
    if not campaigns:
        return True
    parts = [say("joint.campaigns_summary", total=figs["campaign.total"],
                 personnel=figs["campaign.personnel"],
                 institutions=figs["campaign.institutions"])] if len(campaigns) > 1 else []
    detail_columns = (("personnel", "出动人次"), ("institutions", "排查机构数"),
                      ("hazards", "发现隐患数"), ("closed", "关停数"), ("rectified", "整改数"),
                      ("cases", "立案数"))
    for i, row in enumerate(campaigns):
        details = "，".join(say(f"joint.details.{name}", n=row[column])
                           for name, column in detail_columns if row[column])
        partners = split_list(row["联合部门"] or "")
        who = (say("joint.campaign_partners", partners=_and(partners)) if partners
               else say("joint.campaign_alone"))
        # 「会同A和B，出动…」 but 「我局出动…」: no comma after the bureau alone.
        details = ("，" + details if partners else details) if details else ""
        parts.append(say(f"joint.campaign_{i % 3 + 1}", name=row["名称"], partners=who,
                         details=details))
    add("body", "".join(parts), "campaign.total", "campaign.personnel", "campaign.institutions")
    return True


def _and(names: list[str]) -> str:
    """「A、B和C」: the departments named in full, without 「等」 (the list is the whole list)."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + "和" + names[-1]


def _problems(w: _Writer) -> None:
    """三、 when the clerk wrote nothing: the year's own shortfalls first, then the standing
    ones; highlighted like any template text."""
    figs, say = w.figs, w.say
    items = []
    few, uncertified = w.found("inspection.inspectors"), w.found("inspection.certificate")
    if few or uncertified:
        items.append(say("problems.procedure", items="、".join(c for c in (
            say("measures.too_few", n=few) if few else "",
            say("measures.no_certificate", n=uncertified) if uncertified else "") if c)))
    late = [say("measures.published_some", late=n).removeprefix("全年行政检查结果中，")
            for n in [w.found("inspection.publication")] if n]
    late += [say("measures.penalty_published_some", late=n)
             for n in [w.found("penalty.publication")] if n]
    if late:
        items.append(say("problems.publication", items="、".join(late)))
    total = figs["inspection.total"]
    if total and figs["inspection.recorded"] < total:
        items.append(say("problems.recording", missing=total - figs["inspection.recorded"]))
    people = figs.tables.get("training.per_person", [])
    short = len(people) - figs["training.reached_60"]
    if people and short > 0:
        items.append(say("problems.training", short=short, expected=TRAINING_HOURS_EXPECTED))
    if w.found("penalty.legal_review"):
        items.append(say("problems.review", missing=w.found("penalty.legal_review")))
    if _idle_tasks(figs):
        items.append(say("problems.plan", idle=_idle_tasks(figs)))
    if _uncertified(figs):
        items.append(say("problems.certificates", missing=_uncertified(figs)))
    if _no_reviewers(figs):
        items.append(say("problems.reviewers"))
    over = w.found("enterprise.cap") or figs.get("inspection.enterprise_over_cap") or 0
    if over:
        items.append(say("problems.enterprise", over=over))
    items += [say("problems.capacity"), say("problems.coordination"), say("problems.supervision")]
    if len(items) < 5:
        items.append(say("problems.data"))
    w.add("body", say("problems.intro"), unconfirmed=True)
    w.listed(items, unconfirmed=True)


def _next_steps(w: _Writer) -> None:
    """四、 when the clerk wrote nothing: one step for each of the year's shortfalls, then the
    standing ones; 涉企 only in a year with enterprise inspections."""
    figs, say = w.figs, w.say
    items = []
    if w.found("inspection.inspectors") or w.found("inspection.certificate"):
        items.append(say("next_steps.procedure"))
    if w.found("inspection.publication") or w.found("penalty.publication"):
        items.append(say("next_steps.publication"))
    total = figs["inspection.total"]
    if total and figs["inspection.recorded"] < total:
        items.append(say("next_steps.recording"))
    if w.found("penalty.legal_review"):
        items.append(say("next_steps.review"))
    if _idle_tasks(figs):
        items.append(say("next_steps.plan"))
    if _uncertified(figs):
        items.append(say("next_steps.certificates"))
    items.append(say("next_steps.training", expected=TRAINING_HOURS_EXPECTED))
    if _no_reviewers(figs):
        items.append(say("next_steps.capacity"))
    if figs["inspection.enterprise"]:
        items.append(say("next_steps.enterprise"))
    items += [say("next_steps.coordination"), say("next_steps.supervision")]
    if len(items) < 5:
        items.append(say("next_steps.data"))
    w.add("body", say("next_steps.intro", next_year=figs.year + 1), unconfirmed=True)
    w.listed(items, unconfirmed=True)
    w.add("body", say("next_steps.closing"), unconfirmed=True)


def _idle_tasks(figs: AnnualFigures) -> int:
    """Tasks of the year's 检查计划 with no inspection done under them."""
    return max((figs.get("plan.tasks") or 0) - (figs.get("plan.tasks_done") or 0), 0)


def _uncertified(figs: AnnualFigures) -> int:
    """在编执法岗位人员 without a valid certificate on 31 December (0 when none is recorded)."""
    established = figs.get("staff.established") or 0
    return max(established - (figs.get("staff.established_certified") or 0), 0)


def _no_reviewers(figs: AnnualFigures) -> bool:
    """Ordinary-procedure cases decided in a year whose ledger names no 法制审核人员."""
    return bool(figs["penalty.procedure.ordinary"]) and not figs.get("staff.legal_reviewers")
