"""生成年度报告: the year's ledger turned into the 年度行政执法工作报告 (.docx) and its annex.

`write_report(session, year, out_dir)` is the one call the CLI, the GUI and the installer's
smoke test make. The report, the published annex and the working copy are written to
temporary names and renamed into place only when all three succeeded
(core.outfiles.atomic_write_set), so a crash, a SIGTERM or a full disk leaves the previous
set as it was, never a new report beside last run's annex; the templates are loaded and
checked first, so a broken template stops before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.compliance import check_year
from core.errors import ReportError
from core.figures import AnnualFigures, annual_figures, ledger_has_year
from core.models import CustomFigure
from core.narrative import load_narratives
from core.outfiles import atomic_write_set, report_paths
from core.records import profile
from core.report import readiness
from core.report.content import (
    GeneratedBlock, ReportContent, compose, generated_paragraphs, load_templates,
)
from core.report.legal_basis import legal_basis
from core.text import clean_text
from core.vocab import NarrativeBlock
from core.years import statistical_year



@dataclass
class ReportFiles:
    docx: Path
    annex: Path                  # the published 数据统计表
    warnings: list[str] = field(default_factory=list)
    working: Path | None = None  # the clerk's 台账与数据来源 (trace and ledgers)


def build_content(session: Session, year: int, *, today: dt.date | None = None,
                  document_date: dt.date | None = None) -> tuple[ReportContent, AnnualFigures]:
    """The report's paragraphs for `year`, without writing anything."""
    year = statistical_year(year)
    if not ledger_has_year(session, year):
        raise ReportError(f"台账中没有{year}年的任何执法记录，无法生成该年度报告。"
                          f"请确认年度是否选对，或先录入、导入{year}年的数据。")
    report_templates, narrative_templates = load_templates()
    bureau_profile = profile(session)
    bureau = (clean_text(bureau_profile.full_name, keep_newlines=False).strip()
              if bureau_profile else "")
    if not bureau:
        raise ReportError("尚未填写单位全称，报告标题和署名需要它：请先在“单位信息”中填写。")
    signatory = clean_text(bureau_profile.signatory or "").strip() or bureau
    day = readiness.document_date(bureau_profile.document_date, year, today or dt.date.today(),
                                  document_date, bureau_profile.report_year)
    figures = annual_figures(session, year)
    basis = legal_basis(bureau_profile.legal_basis, bureau_profile.region, bureau, year,
                        report_templates)
    narratives = load_narratives(session, year, narrative_templates, bureau)
    findings = Counter(flag.rule for flag in check_year(session, year, today or dt.date.today(),
                                                        figures=figures))
    sections = {f"custom.{name}": section for name, section in session.execute(
        select(CustomFigure.name, CustomFigure.report_section).where(
            CustomFigure.deleted_at.is_(None), CustomFigure.year == year))}
    content = compose(report_templates, figures, narratives, bureau=bureau, signatory=signatory,
                      document_date=day, legal_basis=basis, findings=findings,
                      sections=sections)
    late = readiness.date_note(day, year)
    if late:
        content.warnings.insert(0, late)
    content.warnings += [f"{note.record}{note.message}"
                         for note in readiness.claim_notes(narratives, findings, figures, year)]
    return content, figures


def generated_text(session: Session, year: int, *,
                   today: dt.date | None = None) -> dict[NarrativeBlock, GeneratedBlock]:
    """The paragraphs the report would write from the records of `year` for 年度执法计划完成情况,
    存在的问题 and 下一步工作打算 when the clerk has written nothing (the 报告文字 page shows
    them). Counts the year once, as `build_content` does."""
    year = statistical_year(year)
    report_templates, _ = load_templates()
    figures = annual_figures(session, year)
    findings = Counter(flag.rule for flag in check_year(session, year, today or dt.date.today(),
                                                        figures=figures))
    return generated_paragraphs(report_templates, figures, findings)


def write_report(session: Session, year: int, out_dir: Path, *,
                 progress: Callable[[str], None] | None = None,
                 today: dt.date | None = None,
                 document_date: dt.date | None = None) -> ReportFiles:
    say = progress or (lambda _text: None)
    say("正在统计全年数据…")
    content, figures = build_content(session, year, today=today, document_date=document_date)
    docx_path, annex_path, working_path = report_paths(content.bureau, figures.year,
                                                       Path(out_dir))
    # python-docx and openpyxl load here: the window's 报告文字 view uses this package's
    # templates without paying for them at start-up.
    from core.annex import annex_parts
    from core.report.layout import write_docx

    def report(tmp: Path) -> None:
        say("正在生成报告正文…")
        write_docx(content, tmp, author=content.bureau, year=figures.year)
        say("正在生成统计附件…")

    atomic_write_set([(docx_path, report),
                      *annex_parts(session, figures.year, published=annex_path,
                                   working=working_path, figures=figures,
                                   title=content.annex_title, progress=say)])
    say("完成。")
    return ReportFiles(docx_path, annex_path, list(content.warnings), working=working_path)
