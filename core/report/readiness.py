"""Is the year's report ready to print? The notes for the clerk that never go into the document.

The report body only says what the ledger shows; what is missing or doubtful (no 权责清单, a
成文日期 past the deadline for publishing, carried-over text that still holds last year's
numbers) is told here, to `zhifa-cli check`, the generation dialog and the warnings after
generating. Each note is a core.compliance.Flag so the same list widget shows it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy.orm import Session

from core.compliance import RULES, Flag, check_year
from core.figures import AnnualFigures, annual_figures
from core.narrative import LAST_YEAR, OWN, carried_numbers, load_narratives
from core.records import profile
from core.vocab import NarrativeBlock


# 国办发〔2018〕118号: each body publishes its previous year's enforcement figures and report
# by 31 January.
PUBLISH_BY_MONTH, PUBLISH_BY_DAY = 1, 31


def document_date(stored: dt.date | None, year: int, today: dt.date,
                  chosen: dt.date | None = None, stored_for: int | None = None) -> dt.date:
    """成文日期: the date chosen for this report (--date, the dialog's field); else the one
    set in 单位信息 when it belongs to this report (its 报告年度 is this year, or, with none
    set, it falls in the year or the next); else today."""
    if chosen is not None:
        return chosen
    if stored is not None and stored_for in (None, year) and stored.year in (year, year + 1):
        return stored
    return today


def publish_deadline(year: int) -> dt.date:
    return dt.date(year + 1, PUBLISH_BY_MONTH, PUBLISH_BY_DAY)


def date_note(day: dt.date, year: int) -> str:
    """A warning when the 成文日期 falls after 31 January of the following year or before
    the year is over; "" when it is a date a bureau would print."""
    if day > publish_deadline(year):
        return (f"成文日期为{day.year}年{day.month}月{day.day}日，晚于{year + 1}年1月31日"
                f"（国办发〔2018〕118号要求每年1月31日前公开上年度行政执法数据和报告）。"
                f"如需另定日期，请在“单位信息”中填写成文日期，或生成时指定。")
    if day < dt.date(year, 12, 1):
        return (f"成文日期为{day.year}年{day.month}月{day.day}日，早于{year}年12月，"
                f"报告的统计年度尚未结束，请核对成文日期。")
    return ""


# Words in the clerk's own paragraphs that claim what core.compliance can disprove, by the
# rule whose flags contradict them.
CLAIMS = {
    "inspection.publication": ("及时公示", "按时公示", "按期公示", "全部公示", "均已公示"),
    "penalty.publication": ("及时公示", "按时公示", "按期公示", "全部公示", "均已公示"),
    "inspection.inspectors": ("两名以上", "两人以上", "不少于两人"),
    "inspection.certificate": ("持证上岗", "出示执法证件", "亮证执法", "持证执法"),
    "penalty.legal_review": ("均经法制审核", "全部经法制审核", "一律经法制审核"),
}
CLAIM_RECORDING = ("全程记录", "均实行执法全过程记录", "佩戴执法记录仪")


def claim_notes(narratives, findings: Counter, figures, year: int) -> list[Flag]:
    """The clerk's sentences that claim compliance the records contradict: each names the
    words and how many records say otherwise. The report prints the clerk's words; the clerk
    decides."""
    out = []
    unrecorded = figures["inspection.total"] - figures["inspection.recorded"]
    for block, narrative in narratives.items():
        if block in (NarrativeBlock.PROBLEMS, NarrativeBlock.NEXT_STEPS):
            continue                     # what is wrong, and what is to be done: no claims
        text = "".join(narrative.paragraphs)
        said = []
        for rule, words in CLAIMS.items():
            hit = next((w for w in words if w in text), None)
            if hit and findings.get(rule):
                said.append(f"「{hit}」，但台账中有{findings[rule]}条“{RULES[rule]}”的提示")
        hit = next((w for w in CLAIM_RECORDING if w in text), None)
        if hit and unrecorded > 0:
            said.append(f"「{hit}」，但台账中有{unrecorded}次行政检查未留存全过程记录")
        if said:
            out.append(Flag("report.claim", "NarrativeText", narrative.record_id,
                            f"报告文字 {year}年「{block.value}」",
                            f"写有{'；'.join(said)}，请核实后改写。"))
    return out


def readiness_flags(session: Session, year: int, today: dt.date | None = None,
                    chosen_date: dt.date | None = None,
                    flags_found: list[Flag] | None = None,
                    figures: AnnualFigures | None = None) -> list[Flag]:
    """What the clerk should know before printing the report of `year`. `flags_found` are
    core.compliance's flags of the year, and `figures` its figures, when the caller has
    them already (so that `check` counts the year once)."""
    today = today or dt.date.today()
    flags: list[Flag] = []
    p = profile(session)
    day = document_date(p.document_date if p else None, year, today, chosen_date,
                        p.report_year if p else None)
    note = date_note(day, year)
    if note:
        flags.append(Flag("report.document_date", "BureauProfile", p.id if p else None,
                          "成文日期", note))
    if figures is None:
        figures = annual_figures(session, year, with_previous=False)
    if flags_found is None:
        flags_found = check_year(session, year, today, figures=figures)
    if not figures["power.total"]:
        flags.append(Flag("report.missing_data", "", None, f"{year}年权责清单",
                          "尚未录入权责清单事项，报告“行政执法主体及职权”一节将只写本局的执法主体"
                          "情况而不写事项数；请在“权责清单”中补录后重新生成。"))
    narratives = load_narratives(session, year)
    if not figures.get("plan.tasks") and narratives[NarrativeBlock.PLAN].origin != OWN \
            and figures["inspection.total"]:
        flags.append(Flag("report.missing_data", "", None, f"{year}年行政检查计划",
                          "台账中没有本年度的行政检查计划任务，报告“年度执法计划完成情况”一节将写明"
                          "计划完成情况未作统计；请录入检查计划，或在“报告文字”中填写该段。"))
    flags += claim_notes(narratives, Counter(f.rule for f in flags_found), figures, year)
    for block, narrative in narratives.items():
        if narrative.origin != LAST_YEAR:
            continue
        numbers = carried_numbers(narrative.paragraphs)
        if numbers:
            flags.append(Flag("report.carried_numbers", "NarrativeText", narrative.record_id,
                              f"报告文字 {year}年「{block.value}」",
                              f"沿用的{year - 1}年文字含有数字（{'、'.join(numbers[:5])}），"
                              f"可能是{year - 1}年的情况，请核实后改写或确认。"))
    return flags
