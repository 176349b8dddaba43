"""统计附件: the year's statistical annex, as two workbooks.

- The published 附件, 《单位全称20XX年度行政执法数据统计表.xlsx》 (`write_annex`): the
  standard tables only, one sheet each, headed 「附件」 and the title the report's 附件 line
  names, then the monthly view with its charts. No person, no record number, no code.
- The clerk's working copy, 《单位全称20XX年度行政执法台账与数据来源.xlsx》 (`write_working`):
  the 说明 (the counting rules), 数据来源 (the records behind every figure), each enforcement
  officer's 学法学时, and the 台账 sheets (every record of the year, in the import template's
  columns, so the working copy doubles as a backup).

`annex_parts` gives both as (target, write) pairs for core.outfiles.atomic_write_set, so the
report and the two workbooks are renamed into place together or not at all
(core.report.write_report); `write_annexes` writes the pair alone (`zhifa-cli annex`).

Every number comes from `core.figures.annual_figures`; values are written, never formulas.
The workbooks are streamed (openpyxl write-only) so a 100,000-row ledger keeps memory flat.
"""

from __future__ import annotations

import contextlib
import errno
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from core.annex import monthly
from core.annex.layout import Grid, cjk_workbook, setup_print, sheet_title
from core.annex.ledgers import write_ledgers
from core.annex.notes import figure_notes, notes_grid
from core.annex.sources import write_sources
from core.annex.tables import TABLE_SHEETS, SheetHead, TableSheet
from core.figures import TRAINING_HOURS_EXPECTED, AnnualFigures, annual_figures
from core.outfiles import atomic_write_set, report_paths
from core.records import profile
from core.text import clean_text

__all__ = ["write_annex", "write_working", "write_annexes", "annex_parts", "bureau_name",
           "annex_title", "AnnexFiles"]

FALLBACK_BUREAU = "本单位"
# The published sheets' page header and footer: 10 points, so that a table printed at the
# smallest scale it may need (core.annex.layout.PRINT_SCALE_MIN) still prints them at 9.
PUBLISHED_HEADER_PT = 10


@dataclass
class AnnexFiles:
    published: Path        # 数据统计表: what is published with the report
    working: Path          # 台账与数据来源: the clerk's and the auditor's working copy


def bureau_name(session: Session) -> str:
    p = profile(session)
    name = clean_text(p.full_name if p else "", keep_newlines=False).strip()
    return name or FALLBACK_BUREAU


def annex_title(year: int, bureau: str) -> str:
    """The annex's title exactly as the report's last line names it (附件：…): the same
    template, so that changing it in report.toml changes both."""
    from core.report.content import load_templates

    return load_templates()[0].render("title.annex", bureau=bureau, year=year)


def annex_parts(session: Session, year: int, *, published: Path | None, working: Path | None,
                figures: AnnualFigures | None = None, title: str | None = None,
                progress: Callable[[str], None] | None = None
                ) -> list[tuple[Path, Callable[[Path], None]]]:
    """The (target, write) pairs for the published annex and/or the working copy."""
    say = progress or (lambda _text: None)
    year = int(year)
    if figures is None:
        say("正在统计全年数据…")
        figures = annual_figures(session, year)
    bureau = bureau_name(session)
    parts = []
    if published is not None:
        heading = title or annex_title(year, bureau)
        parts.append((Path(published), lambda tmp: _save(
            lambda wb: fill_published(wb, figures, bureau, heading, say), tmp, say,
            "正在保存统计附件…")))
    if working is not None:
        parts.append((Path(working), lambda tmp: _save(
            lambda wb: fill_working(wb, session, figures, bureau, say), tmp, say,
            "正在保存台账与数据来源…")))
    return parts


def write_annex(session: Session, year: int, path: Path, *,
                figures: AnnualFigures | None = None,
                progress: Callable[[str], None] | None = None,
                working: Path | None = None) -> Path:
    """The published annex of `year` at `path` and, given `working`, the working copy there
    too, renamed into place together. Returns `path`."""
    return atomic_write_set(annex_parts(session, year, published=Path(path), working=working,
                                        figures=figures, progress=progress))[0]


def write_working(session: Session, year: int, path: Path, **kw) -> Path:
    """The working copy (台账与数据来源) of `year` alone, at `path`."""
    return atomic_write_set(annex_parts(session, year, published=None, working=path, **kw))[0]


def write_annexes(session: Session, year: int, out_dir: Path, *,
                  figures: AnnualFigures | None = None,
                  progress: Callable[[str], None] | None = None) -> AnnexFiles:
    """Both workbooks of `year`, named after the bureau and year, into `out_dir`."""
    _docx, published, working = report_paths(bureau_name(session), int(year), Path(out_dir))
    write_annex(session, year, published, figures=figures, progress=progress, working=working)
    return AnnexFiles(published, working)


# --- the two workbooks -------------------------------------------------------------------

def fill_published(wb, figures: AnnualFigures, bureau: str, heading: str, say) -> None:
    year = figures.year
    wb.properties.creator = bureau[:200]
    wb.properties.title = heading[:250]          # the annex title names the bureau itself
    taken: set[str] = set()
    say("正在生成统计表…")
    number = 0
    for number, (name, build) in enumerate(TABLE_SHEETS, start=1):
        grid = build(figures, SheetHead(bureau, heading, number))
        _write_grid_sheet(wb, taken, name, grid, f"{bureau}{year}年度{name}",
                          title_rows=grid.print_title_rows, freeze=f"A{grid.title_rows + 1}",
                          header_size=PUBLISHED_HEADER_PT)
    say("正在生成月度统计图…")
    grid = monthly.monthly_grid(figures, SheetHead(bureau, heading, number + 1))
    ws = _write_grid_sheet(wb, taken, "月度统计", grid, f"{bureau}{year}年度月度统计",
                           title_rows=monthly.TITLE_ROWS, freeze=monthly.FREEZE,
                           header_size=PUBLISHED_HEADER_PT)
    monthly.add_chart(ws, figures)
    ws.print_area = monthly.PRINT_AREA


def fill_working(wb, session: Session, figures: AnnualFigures, bureau: str, say) -> None:
    year = figures.year
    wb.properties.creator = bureau[:200]
    wb.properties.title = f"{bureau}{year}年度行政执法台账与数据来源"[:250]
    taken: set[str] = set()
    say("正在列出各项数据的来源记录…")
    ws = wb.create_sheet(sheet_title("数据来源", taken))
    setup_print(ws, title_rows="1:2", header=f"{bureau}{year}年度统计数据来源明细",
                gridlines=True, header_size=10)
    write_sources(ws, session, figures, bureau)
    people = _training_people(figures, bureau)
    if people is not None:
        _write_grid_sheet(wb, taken, "学法学时（每人）", people,
                          f"{bureau}{year}年度执法人员学法学时", title_rows="1:2")
    empty = write_ledgers(wb, taken, session, year, bureau, say)
    _write_grid_sheet(wb, taken, "说明", notes_grid(year, bureau, figures.has_previous,
                                                     figure_notes(figures), empty_ledgers=empty),
                      f"{bureau}{year}年度行政执法数据统计 填报说明", title_rows="1:2")
    # 说明 first: the reader meets the rules before the rows they explain.
    wb._sheets.insert(0, wb._sheets.pop())


def _training_people(figures: AnnualFigures, bureau: str) -> Grid | None:
    """Each certified officer's 学法学时 of the year: personal data, so in the working copy
    (the published table states the 人均 and the 达标率 only)."""
    people = figures.tables.get("training.per_person", [])
    if not people:
        return None
    year = figures.year
    t = TableSheet(figures, SheetHead(bureau, f"{bureau}{year}年度执法人员学法学时"),
                   f"持证执法人员年度学法学时（截至{year}年12月31日持证）", "学时")
    t.grid.rows = t.grid.rows[1:2]          # the working copy has no 附件 heading
    t._spanning = [1]
    t.grid.heights = {1: 28}
    t.grid.title_rows = 2
    t.rows(["序号", "姓名", "学法学时", f"达到{TRAINING_HOURS_EXPECTED}学时"],
           [[i, p["姓名"], p["学时"], "是" if p["达标"] else "否"]
            for i, p in enumerate(people, start=1)], ["int", None, "hours", None])
    return t.finish()


def _write_grid_sheet(wb, taken, name, grid, header, *, title_rows="1:2", freeze="A3",
                      header_size=9):
    ws = wb.create_sheet(sheet_title(name, taken))
    setup_print(ws, title_rows=title_rows, header=header, orientation=grid.orientation,
                header_size=header_size)
    grid.write(ws, freeze=freeze)
    return ws


# lxml reports a failed write as SerialisationError("IO_ENOSPC"), not as an OSError: turn it
# into the OSError core.outfiles explains in words.
_LXML_ERRNO = {"IO_ENOSPC": errno.ENOSPC, "IO_EFBIG": errno.EFBIG, "IO_EDQUOT": errno.EDQUOT,
               "IO_EACCES": errno.EACCES, "IO_EROFS": errno.EROFS}


def _save(fill: Callable, tmp: Path, say, message: str) -> None:
    """A streaming workbook filled by `fill` and saved to `tmp`; on any failure, what it
    had open is closed quietly and a write failure is an OSError."""
    wb = cjk_workbook()
    try:
        fill(wb)
        say(message)
        wb.save(str(tmp))
    except BaseException as exc:
        _discard(wb)
        text = str(exc)
        if not isinstance(exc, OSError) and text.startswith("IO_"):
            raise OSError(_LXML_ERRNO.get(text, errno.EIO), text) from exc
        raise


def _discard(wb) -> None:
    """Close what a failed save left open. openpyxl streams each sheet through a generator;
    left to the garbage collector, each one prints 「Exception ignored in: <generator …>」 and
    an English traceback on the clerk's terminal."""
    for ws in getattr(wb, "_sheets", []):
        for gen in (getattr(ws, "_rows", None),
                    getattr(getattr(ws, "_writer", None), "xf", None)):
            if gen is not None:
                with contextlib.suppress(BaseException):
                    gen.close()
        out = getattr(getattr(ws, "_writer", None), "out", None)
        if out:
            with contextlib.suppress(OSError):
                Path(out).unlink()
