"""Generating the year's report: `generate(store, year, folder)` is the one call the report
view, the self-test and the tests make — core.report.write_report (→ ReportFiles(docx,
annex, warnings)) in its own session. The report view runs it with gui.background, so the
window never freezes."""

from __future__ import annotations

from pathlib import Path

from core.report import write_report


def generate(store, year: int, folder: Path, progress=None):
    with store.session() as session:
        return write_report(session, year, Path(folder), progress=progress)
