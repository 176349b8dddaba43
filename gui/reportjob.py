"""Generating the year's report: `generate(store, year, folder)` is the one call the report
view, the self-test and the tests make — core.report.write_report (→ ReportFiles(docx,
annex, warnings)) in its own session. The report view runs it with gui.background, so the
window never freezes."""

from __future__ import annotations

from pathlib import Path


def generate(store, year: int, folder: Path, progress=None, document_date=None):
    # One snapshot: the clerk may go on saving while the report is written.
    with store.reading() as session:
        # python-docx and openpyxl load here, not while the window starts (~0.25 s).
        from core.report import write_report

        return write_report(session, year, Path(folder), progress=progress,
                            document_date=document_date)
