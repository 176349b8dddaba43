"""统计附件: the year's statistical annex (.xlsx) published with the report.

`write_annex(session, year, path)` writes, in this order: the standard tables (one sheet
each, headed with the bureau and the year), the monthly view with its chart, the 说明 (the
counting rules), 数据来源 (the records behind every figure), and the 台账 sheets (every record
of the year, in the import template's columns, so the annex doubles as a backup).

Every number comes from `core.figures.annual_figures`; values are written, never formulas.
The workbook is streamed (openpyxl write-only) so a 100,000-row ledger keeps memory flat, and
written to a temporary file renamed into place (core.outfiles.atomic_write).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from sqlalchemy.orm import Session

from core.annex import monthly
from core.annex.layout import setup_print, sheet_title
from core.annex.ledgers import write_ledgers
from core.annex.notes import notes_grid
from core.annex.sources import write_sources
from core.annex.tables import TABLE_SHEETS
from core.figures import AnnualFigures, annual_figures
from core.outfiles import atomic_write
from core.records import profile
from core.text import clean_text

__all__ = ["write_annex", "bureau_name"]

FALLBACK_BUREAU = "本单位"


def bureau_name(session: Session) -> str:
    p = profile(session)
    name = clean_text(p.full_name if p else "", keep_newlines=False).strip()
    return name or FALLBACK_BUREAU


def write_annex(session: Session, year: int, path: Path, *,
                figures: AnnualFigures | None = None,
                progress: Callable[[str], None] | None = None) -> Path:
    """Write the annex for `year` to `path` (atomically) and return `path`."""
    say = progress or (lambda _text: None)
    year = int(year)
    if figures is None:
        say("正在统计全年数据…")
        figures = annual_figures(session, year)
    bureau = bureau_name(session)

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        wb.properties.creator = bureau[:200]
        wb.properties.title = f"{bureau}{year}年度行政执法数据统计表"[:250]
        taken: set[str] = set()
        say("正在生成统计表…")
        for name, build in TABLE_SHEETS:
            _write_grid_sheet(wb, taken, name, build(figures, bureau), f"{bureau}{year}年度{name}")
        say("正在生成月度统计图…")
        ws = _write_grid_sheet(wb, taken, "月度统计", monthly.monthly_grid(figures, bureau),
                               f"{bureau}{year}年度月度统计", title_rows="1:4", freeze="B5")
        monthly.add_chart(ws, figures)
        ws.print_area = monthly.PRINT_AREA
        _write_grid_sheet(wb, taken, "说明", notes_grid(year, bureau, figures.has_previous),
                          f"{bureau}{year}年度行政执法数据统计表 填报说明", title_rows="1:2")
        say("正在列出各项数据的来源记录…")
        ws = wb.create_sheet(sheet_title("数据来源", taken))
        setup_print(ws, title_rows="1:2", header=f"{bureau}{year}年度统计数据来源明细",
                    gridlines=True)
        write_sources(ws, session, figures, bureau)
        write_ledgers(wb, taken, session, year, bureau, say)
        say("正在保存统计附件…")
        wb.save(str(tmp))

    return atomic_write(Path(path), write)


def _write_grid_sheet(wb, taken, name, grid, header, *, title_rows="1:2", freeze="A3"):
    ws = wb.create_sheet(sheet_title(name, taken))
    setup_print(ws, title_rows=title_rows, header=header)
    grid.write(ws, freeze=freeze)
    return ws

