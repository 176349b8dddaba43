"""Importing a 台账 workbook: plan first (nothing written), then commit all or nothing.

    plan = plan_import(session, path)      # per-sheet counts, rejected rows with reasons
    plan.write_rejections()                # <name>-未导入的行.xlsx beside the source
    plan.commit(session)                   # the caller's session commits it in one go

Every row becomes a record through the same parsing (core.parsing) and the same rules
(core.validation, via core.records.save) as the forms. A row is imported, skipped as a
duplicate (already in the ledger, or earlier in the file), or rejected with a reason naming
the field. Sheets are taken in IMPORT_ORDER so that staff, units and campaigns exist before
the inspections that name them; staff and units are matched by name or created.

Planning never writes: objects it would create stay outside the session. `commit` reads
the file again and saves; if the file or the ledger changed since the plan (so the result
would differ from what the clerk confirmed) it raises ImportFileError, and the caller's
session rolls everything back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
from array import array
import logging
import math
import operator
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from openpyxl.utils import get_column_letter
from sqlalchemy import func, insert, inspect as inspect_mapper, select
from sqlalchemy.orm import Session

from core.errors import ImportFileError, ValidationError, os_reason
from core.ledger_io.columns import (
    REASON_HEADER, ROW_HEADER, SHEET_BY_TITLE, Column, LedgerSheet, cell_value, ledger_rows,
)
from core.ledger_io.reader import SheetSource, data_rows, open_workbook, scan_sheet, sheets_of
from core.models import (
    Campaign, CustomFigure, Inspection, InspectionCap, InspectionPlanTask, OtherAct, PenaltyCase,
    PowerItem, ReviewCase, Staff, Training, Unit, inspection_staff, join_list, split_list,
    yuan_to_cents,
)
from core.inspection_days import mark_first_of_day
from core.parsing import (
    EPOCH_1900, EPOCH_1904, is_blank, normalise, parse_bool, parse_choice, parse_date, parse_decimal,
    parse_int, parse_list, parse_money, parse_text, strip_invisible,
)
from core.records import live, save
from core.limits import MAX_COUNT, MAX_MONEY_CENTS, MAX_NUMBER
from core.text import clean_text
from core.validation import validate
from core import audit, vocab
from core.years import FIRST_YEAR, LAST_YEAR, is_valid_year

log = logging.getLogger(__name__)

IMPORT_ORDER = ("执法人员", "检查对象", "专项行动", "检查计划任务", "检查频次上限", "行政检查",
                "行政处罚", "其他执法行为", "学法培训", "权责清单", "复议诉讼", "其他指标")
TEXT_LIMIT = 5000          # a Text column (违法事实, 备注…) in one cell

# The records a clerk fills in whole (an inspection, a month's count, a training, a campaign,
# a power list item, a review case, a custom figure) are a duplicate only when equal in every
# column of the sheet: a second inspection of one unit on one day (a morning 日常 and an
# afternoon 专项 visit) is a record of its own, with its own 事项, 问题数 and staff, and the
# counting rule (one a day, core.figures first_of_day) stays in the figures. A row is skipped
# only against what the ledger held before this import, one ledger record per row, so that
# importing the same file twice adds nothing while two equal rows within one file are two
# entries, as the ledger that was exported held them.
WHOLE_ROW = {"行政检查", "其他执法行为", "学法培训", "专项行动", "权责清单", "复议诉讼", "其他指标"}

# Beyond these a number is a typo (or would overflow the database's 64-bit integers); the
# limits are core.limits', which validation applies to every entry path.
LIMITS = {"int": MAX_COUNT, "year": 10**4, "month": 10**4, "money": MAX_MONEY_CENTS,
          "number": MAX_NUMBER}
_COUNT_UNIT = re.compile(r"\s*(人次|人|次|处|家|个|项|件|所|起|名|份)$")
_NOT_PLAIN_NUMBER = re.compile(r"[eEiInN]|^.{40,}$")
# Rejected rows kept with their cells and reason, over all sheets of one file; the rest are
# counted only. A hostile or wrong workbook of 17 sheets × 200,000 bad rows (under every
# file limit) held 3.4 million rejections in 1.5 GB and wrote them all back out.
MAX_LISTED_REJECTIONS = 10_000
FLUSH_EVERY = 2000                 # records written to SQLite at a time by the commit
# A cell's text is parsed once per column: the same units, dates, choices, counts and staff
# come back row after row (a city year's 100,000 inspections name a few thousand units and
# fewer dates). parse_cell depends on the cell and the workbook's epoch only, and a cell
# it refuses is parsed (and refused, naming its cell) each time. Long texts (违法事实,
# 备注) are mostly unique and are not kept; the count bounds the memory for any workbook.
MEMO_CELLS = 100_000
MEMO_TEXT = 80
_UNSEEN = object()
# The inspection's mapped columns (first_of_day is the database's, kept by mark_first_of_day).
_INSPECTION_ATTRS = {c.key for c in inspect_mapper(Inspection).columns}
assert not inspect_mapper(Inspection).validators, "_unwatched would skip an @validates hook"
VOCABS = [v for v in vars(vocab).values()
          if isinstance(v, type) and issubclass(v, vocab.Vocab) and v is not vocab.Vocab]


@dataclass
class Rejected:
    row: int            # the row number in the source sheet
    reason: str         # names the field, e.g. 「检查日期」「2025-13-01」不是有效日期…
    values: list        # the row's cells as read, for the rejection workbook


@dataclass
class SheetResult:
    name: str                       # the worksheet's own name in the file
    kind: str                       # the ledger sheet it was read as (行政检查…)
    headers: list[str]
    imported: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)   # listed, up to the cap
    unlisted: int = 0                                          # rejected beyond the cap
    ignored_columns: list[str] = field(default_factory=list)
    # Each row's fate in order (I imported, D duplicate, R rejected) with its row number:
    # what the commit must reproduce row by row, not just in total.
    fates: bytearray = field(default_factory=bytearray, repr=False)
    rows: array = field(default_factory=lambda: array("I"), repr=False)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected) + self.unlisted

    def counts(self) -> tuple[int, int, int]:
        return self.imported, self.duplicates, self.rejected_count


@dataclass
class ImportPlan:
    source: Path
    digest: str
    sheets: list[SheetResult] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    hidden_sheets: list[str] = field(default_factory=list)    # not imported (reader.sheets_of)
    created_staff: list[str] = field(default_factory=list)
    created_units: list[str] = field(default_factory=list)
    completed_staff: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def imported(self) -> int:
        return sum(s.imported for s in self.sheets)

    @property
    def duplicates(self) -> int:
        return sum(s.duplicates for s in self.sheets)

    @property
    def rejected(self) -> int:
        return sum(s.rejected_count for s in self.sheets)

    @property
    def unlisted(self) -> int:
        """Rejected rows beyond MAX_LISTED_REJECTIONS: counted, without row and reason."""
        return sum(s.unlisted for s in self.sheets)

    def problems(self) -> list[tuple[str, int, str]]:
        """(worksheet, row number, reason) of every rejected row, for a table in the GUI."""
        return [(s.name, r.row, r.reason) for s in self.sheets for r in s.rejected]

    def summary_lines(self) -> list[str]:
        verb = "已导入" if self.committed else "将导入"
        lines = []
        for s in self.sheets:
            label = s.kind if s.name == s.kind else f"{s.name}（按{s.kind}）"
            lines.append(f"{label}：{verb} {s.imported} 行，重复跳过 {s.duplicates} 行，"
                         f"未导入 {s.rejected_count} 行")
        if self.created_staff:
            lines.append(f"新建执法人员 {len(self.created_staff)} 人：{_names(self.created_staff)}")
        if self.completed_staff:
            lines.append(f"补充已有执法人员的证件等信息 {len(self.completed_staff)} 人（计入导入行数）："
                         f"{_names(self.completed_staff)}")
        if self.created_units:
            lines.append(f"新建检查对象 {len(self.created_units)} 个：{_names(self.created_units)}")
        if self.ignored_sheets:
            lines.append(f"未识别、已忽略的工作表：{'、'.join(self.ignored_sheets)}")
        if self.hidden_sheets:
            lines.append(f"隐藏的工作表未导入：{'、'.join(self.hidden_sheets)}（其中的行不会导入；"
                         f"如需导入，请在 Excel 中取消隐藏后重新导入）")
        for s in self.sheets:
            if s.ignored_columns:
                lines.append(f"「{s.name}」中已忽略的列（未识别或重复）：{'、'.join(s.ignored_columns[:20])}")
        lines.extend(f"注意：{w}" for w in self.warnings)
        if self.unlisted:
            lines.append(f"注意：未导入的行过多，只列出前 {MAX_LISTED_REJECTIONS:,} 行及原因，其余 "
                         f"{self.unlisted:,} 行只计数。请先按列出的原因检查文件（是否选错了文件，"
                         f"或整列格式有误），改正后再导入。")
        lines.append(f"合计：{verb} {self.imported} 行，重复跳过 {self.duplicates} 行，"
                     f"未导入 {self.rejected} 行。")
        return lines

    def rejection_path(self) -> Path:
        return self.source.with_name(f"{self.source.stem}-未导入的行.xlsx")

    def write_rejections(self, target: Path | None = None) -> Path | None:
        """Write the rejected rows, each with its reason, beside the source (None if all
        rows were fine). Sheets keep their ledger names and headers, so the corrected file
        can be imported again as it is."""
        if not self.rejected:
            return None
        from core.ledger_io.rejections import write_rejections
        return write_rejections(self, Path(target) if target else self.rejection_path())

    def commit(self, session: Session, say: Callable[[str], None] | None = None) -> "ImportPlan":
        """Save exactly what this plan showed, in `session` (the caller commits it)."""
        if _digest(self.source) != self.digest:
            raise ImportFileError(f"「{self.source.name}」在预览后被修改过，请重新预览后再导入。")
        with audit.summarized(session, f"导入「{self.source.name}」"):
            done = _run(session, self.source, apply=True, say=say)
        changed = _changed_rows(self, done)
        if changed or any(getattr(done, name) != getattr(self, name) for name in (
                "completed_staff", "created_staff", "created_units")):
            raise PlanChangedError(self, done, changed)
        done.committed = True
        return done


IMPORTED, DUPLICATE, REJECTED = b"IDR"    # a row's fate, one byte in SheetResult.fates
FATES = {IMPORTED: "将导入", DUPLICATE: "重复跳过", REJECTED: "未导入"}


def _changed_rows(before: ImportPlan, after: ImportPlan) -> list[tuple[str, int, str, str]]:
    """(worksheet, row, fate in the preview, fate now) of every row whose fate differs."""
    changed = []
    for old, new in zip(before.sheets, after.sheets):
        if old.fates == new.fates and old.rows == new.rows:
            continue
        for i in range(max(len(old.fates), len(new.fates))):
            was = old.fates[i] if i < len(old.fates) else None
            now = new.fates[i] if i < len(new.fates) else None
            if was != now:
                row = (old.rows if i < len(old.rows) else new.rows)[i]
                changed.append((old.name, row, FATES.get(was, "—"), FATES.get(now, "—")))
    return changed


class PlanChangedError(ImportFileError):
    """The ledger changed between the preview and the commit so that some row would fare
    otherwise than the clerk saw (another window added the inspection a row repeats, or
    deleted one): nothing is imported, and `fresh` is the plan as it stands now, for a new
    preview."""

    def __init__(self, previewed: ImportPlan, fresh: ImportPlan, changed: list):
        fresh.committed = False
        self.fresh = fresh
        self.changed = changed
        rows = "；".join(f"「{sheet}」第 {row} 行：预览时{was}，现在{now}"
                        for sheet, row, was, now in changed[:5])
        more = f"等 {len(changed)} 行" if len(changed) > 5 else ""
        lines = "\n".join(f"  {line}" for line in fresh.summary_lines())
        super().__init__(
            "台账在预览后有变动（可能在其他窗口修改了记录），导入结果会与预览不同，未导入任何内容。"
            + (f"变动的行：{rows}{more}。" if rows else "将新建的执法人员或检查对象有变化。")
            + f"\n重新预览的结果如下，请核对后再确认导入：\n{lines}")


def _names(names: list[str], limit: int = 10) -> str:
    text = "、".join(names[:limit])
    return text + (f" 等 {len(names)} 个" if len(names) > limit else "")


def plan_import(session: Session, path, say: Callable[[str], None] | None = None) -> ImportPlan:
    """Read and check the whole workbook against the ledger in `session`; writes nothing."""
    return _run(session, Path(path), apply=False, say=say)


def import_now(session: Session, path, say: Callable[[str], None] | None = None) -> ImportPlan:
    """Plan and save in one reading, in `session` (the caller commits it): for a caller
    that holds the ledger's write lock from before the reading until its commit (the
    command line), so that no other writer can change what a preview would have shown,
    and a preview then a commit would read the file twice to the same result."""
    with audit.summarized(session, f"导入「{Path(path).name}」"):     # one 操作日志 entry
        done = _run(session, Path(path), apply=True, say=say, verb="读取")
    done.committed = True
    return done


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:
        raise ImportFileError(f"无法读取「{path.name}」：{os_reason(exc)}") from exc
    return h.hexdigest()


_COLLECTING = threading.Lock()
_collecting_paused = 0
# Python's cycle collector runs after every 700 new objects and, now and then, over every
# object alive: an import of 100,000 rows makes millions (cells, records, rows for the
# INSERT), and the collector took 1.9 s of one (2,285 passes, 17 over everything; measured
# with gc.callbacks). Few of these objects form cycles (refcounting frees them); during an
# import the collector runs after every IMPORT_COLLECT_EVERY new objects instead (0.1 s).
IMPORT_COLLECT_EVERY = 100_000


@contextlib.contextmanager
def _fewer_collections():
    global _collecting_paused
    with _COLLECTING:
        if _collecting_paused == 0:
            _fewer_collections.saved = gc.get_threshold()
            gc.set_threshold(IMPORT_COLLECT_EVERY, *_fewer_collections.saved[1:])
        _collecting_paused += 1
    try:
        yield
    finally:
        with _COLLECTING:
            _collecting_paused -= 1
            if _collecting_paused == 0:
                gc.set_threshold(*_fewer_collections.saved)


def _run(session: Session, path: Path, *, apply: bool, say, verb: str | None = None) -> ImportPlan:
    with _fewer_collections():
        return _read(session, path, apply=apply, say=say, verb=verb)


def _read(session: Session, path: Path, *, apply: bool, say, verb: str | None) -> ImportPlan:
    wb = open_workbook(path)
    try:
        plan = ImportPlan(path, _digest(path))
        found, plan.ignored_sheets = sheets_of(wb, path.name, plan.hidden_sheets)
        found.sort(key=lambda pair: IMPORT_ORDER.index(pair[1].ledger.title))
        run = _Importer(session, apply, plan)
        # A plain number in a date column counts days from the workbook's own day 0.
        run.epoch = EPOCH_1904 if getattr(getattr(wb, "epoch", None), "year", 1899) == 1904 \
            else EPOCH_1900
        for ws, source in found:
            ignored = [h for h in source.ignored if h not in (REASON_HEADER, ROW_HEADER)]
            result = SheetResult(source.name, source.ledger.title, source.headers,
                                 ignored_columns=ignored)
            plan.sheets.append(result)
            scan = scan_sheet(ws)
            if scan.uncached_formulas:
                plan.warnings.append(
                    f"工作表「{source.name}」有 {scan.uncached_formulas} 个公式单元格没有保存计算结果"
                    f"（文件可能不是用 Excel 或 WPS 保存的），这些单元格按空白处理。请用 Excel 或 WPS "
                    f"打开该文件、保存后再导入。")
            for number, values in data_rows(ws, source, path.name, scan):
                run.row(source, result, number, values)
                if say and number % 1000 == 0:
                    say(f"正在{verb or ('核对并写入' if apply else '读取')}「{source.name}」第 {number:,} 行…")
        if apply:
            run.flush()                 # the last batch, so that errors surface here
        return plan
    finally:
        wb.close()


# --- one row into one record ------------------------------------------------------------

_VOCAB_OF: dict[tuple, type] = {}
# (a choice column's values, the text of a cell) -> the value it was read as: the same few
# words (日常检查, 合格…) fill 100,000 rows.
_CHOSEN: dict[tuple, str] = {}


def _vocab_of(column: Column):
    vocab_ = _VOCAB_OF.get(column.choices)
    if vocab_ is None:
        vocab_ = _VOCAB_OF[column.choices] = next(
            v for v in VOCABS if tuple(v.values()) == column.choices)
    return vocab_


def _text_of(raw) -> str:
    """A cell as text: 12010001.0 (a number typed in a text column) as 12010001."""
    if raw is None:
        return ""
    if isinstance(raw, bool):   # an Excel TRUE/FALSE cell
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date() if raw.time() == dt.time() else raw
    if isinstance(raw, dt.date):
        raw = raw.isoformat()
    # Excel's _x000D_ escapes were read back by the reader (core.ledger_io.reader, once: a
    # second pass would turn _x005F_x000D_, a literal "_x000D_", into a line end); line ends
    # and invisible characters (zero-width, bidi controls) are taken out here, once, for
    # every text the import keeps (docs/LEDGER_FORMAT.md).
    text = str(raw)
    if text.isprintable():
        # The usual cell: printable text holds no control (Cc), format (Cf: the invisible
        # characters) or unassigned character, so clean_text and strip_invisible keep it.
        text = text.strip()
    else:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = strip_invisible(clean_text(text)).strip()
    # The export writes '=… for text starting like a formula (core.text.excel_text); the
    # apostrophe is ours, not the clerk's.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


def _limit(model, attr: str | None) -> int:
    if attr is None:
        return 200
    length = getattr(model.__table__.c[attr].type, "length", None)
    return length or TEXT_LIMIT


def _strip_suffix(raw, suffix: str):
    return normalise(raw).removesuffix(suffix) if isinstance(raw, str) else raw


def parse_cell(sheet: LedgerSheet, column: Column, raw, epoch: dt.date = EPOCH_1900):
    """The typed value of one cell, None for a blank optional cell (the model default then
    applies). `epoch`: the workbook's date system (1900, or 1904 for some Mac workbooks).
    Raises ValidationError naming the column."""
    h = column.header
    # is_blank, quicker for the usual cell: printable text (no invisible characters, which
    # are all of Unicode's format category) with something besides blanks is not blank.
    if raw is None or not (raw.__class__ is not str or (raw.isprintable() and raw.strip())
                           or not is_blank(raw)):
        if column.required:
            raise ValidationError(h, "不能为空。")
        return None
    kind = column.kind
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValidationError(h, f"「{raw}」不是有效数字。")
    if kind in LIMITS and isinstance(raw, str) and _NOT_PLAIN_NUMBER.search(normalise(raw)):
        # "9e999999999" or "inf" would make Decimal build a number too big to handle.
        raise ValidationError(h, f"「{raw[:30]}」不是有效数字。")
    value = _parse_typed(sheet, column, raw, epoch)
    if kind == "date" and not is_valid_year(value.year):
        # "2025" typed into a date cell is Excel's day 2025, in 1905: not what was meant.
        raise ValidationError(h, f"「{value:%Y-%m-%d}」不在 {FIRST_YEAR}–{LAST_YEAR} 年之间，"
                                 f"请写成 2025-03-05 或 2025年3月5日。")
    if kind in LIMITS and value is not None and abs(value) > LIMITS[kind]:
        raise ValidationError(h, f"「{raw}」过大，请检查。")
    return value


def _parse_typed(sheet: LedgerSheet, column: Column, raw, epoch: dt.date = EPOCH_1900):
    h, kind = column.header, column.kind
    if kind == "date":
        return parse_date(raw, h, epoch=epoch)
    if kind == "int":   # “2人次”“3处”: the unit the header already states
        return parse_int(_COUNT_UNIT.sub("", normalise(raw)) if isinstance(raw, str) else raw, h)
    if kind == "year":
        return parse_int(_strip_suffix(raw, "年"), h, minimum=None)
    if kind == "month":
        return parse_int(_strip_suffix(raw, "月"), h, minimum=None)
    if kind == "money":
        return yuan_to_cents(parse_money(raw, h))
    if kind == "number":
        return float(parse_decimal(raw, h))
    if kind == "bool":
        return parse_bool(_text_of(raw) if not isinstance(raw, bool) else raw, h)
    if kind == "choice":
        text = _text_of(raw)
        value = _CHOSEN.get((column.choices, text))
        if value is None:
            value = parse_choice(text, _vocab_of(column), h).value
            if len(_CHOSEN) < 10_000:
                _CHOSEN[(column.choices, text)] = value
        return value
    text = parse_text(_text_of(raw), h, max_length=TEXT_LIMIT if kind == "list"
                      else _limit(sheet.model, column.attr))
    if kind == "list":
        items = parse_list(text)
        if column.choices:
            items = [parse_choice(i, _vocab_of(column), h).value for i in items]
        if column.required and not items:
            raise ValidationError(h, "不能为空。")
        return items
    if column.required and not text:
        raise ValidationError(h, "不能为空。")
    return text


def _bare(person: Staff) -> bool:
    """Known by name only: no certificate, department or dates."""
    return not (person.certificate_no or person.department or person.certificate_issued
                or person.certificate_expires or person.cancelled_on or person.is_legal_reviewer)


class _Importer:
    """Turns rows into records, remembering what the file itself adds so that later rows
    (and the duplicate rule) see it, whether or not anything is saved."""

    def __init__(self, session: Session, apply: bool, plan: ImportPlan):
        self.s = session
        self.apply = apply
        self.plan = plan
        self.staff: dict[str, Staff] = {}
        for st in session.scalars(live(Staff).order_by(Staff.id)):
            self.staff.setdefault(st.name, st)
        self.units = {u.name: u for u in session.scalars(live(Unit).order_by(Unit.id))}
        self.campaigns: dict[str, list[Campaign]] = {}
        for c in session.scalars(live(Campaign).order_by(Campaign.start_date, Campaign.id)):
            self.campaigns.setdefault(c.name, []).append(c)
        self.penalties = {p.decision_no: p for p in session.scalars(live(PenaltyCase))}
        self.plan_tasks = {(t.year, t.name): t for t in session.scalars(
            live(InspectionPlanTask).order_by(InspectionPlanTask.id))}
        self.keys: dict[str, set] = {}
        self.epoch = EPOCH_1900
        self.listed = 0                 # rejected rows kept in full, over all sheets
        self.staged = 0                 # records added to the session (apply only)
        self.completed: set[str] = set()
        self.inspections: list[Inspection] = []   # validated, to be written by flush()
        self.readings: dict[int, tuple] = {}   # per sheet read: _reading
        self.days_taken: set | None = None  # (unit id, date) of live inspections: _mark_first
        self.numbered = session.get_bind().dialect.name == "sqlite"     # _new_ids
        self.next_id: dict[str, int] = {}   # table -> the next id _new_ids gives
        self.now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        self.joined: dict[tuple, str] = {}  # _joined
        self.remembered = 0                # values held in the memos and joined, all sheets

    # keys that make a row a duplicate of a record already there
    def _existing_keys(self, kind: str):
        """A set of names or numbers for the records matched by them (staff, units, penalty
        cases); for the others a Counter of whole-row keys of the records the ledger held."""
        if kind in self.keys:
            return self.keys[kind]
        if kind == "执法人员":
            keys = set(self.staff)
        elif kind == "检查对象":
            keys = set(self.units)
        elif kind == "行政处罚":
            keys = set(self.penalties)
        elif kind == "检查计划任务":
            keys = set(self.plan_tasks)
        elif kind == "检查频次上限":
            # One published cap per type and year (core.records): a second is the same entry.
            keys = set(self.s.execute(select(InspectionCap.year, InspectionCap.unit_type).where(
                InspectionCap.deleted_at.is_(None))).all())
        else:
            sheet = SHEET_BY_TITLE[kind]
            model = sheet.model
            # The usual first import finds none: asked first, as building the sheet's query
            # (its joins) is most of a small import's time.
            held = self.s.scalar(select(model.id).where(model.deleted_at.is_(None)).limit(1))
            keys = Counter(_whole_row(sheet, values) for values in ledger_rows(self.s, None, sheet)) \
                if held is not None else Counter()
        self.keys[kind] = keys
        return keys

    def _is_duplicate(self, kind: str, key) -> bool:
        keys = self._existing_keys(kind)
        if kind not in WHOLE_ROW:
            return key in keys
        if keys.get(key, 0) > 0:
            keys[key] -= 1          # one ledger record stands for one row only
            if not keys[key]:
                del keys[key]       # so that an exhausted Counter reads as empty
            return True
        return False

    def row(self, source: SheetSource, result: SheetResult, number: int, values: list) -> None:
        sheet = source.ledger
        try:
            cells = {}
            width = len(values)
            columns, missing, build = self._reading(source)
            for i, header, column, memo in columns:
                raw = values[i] if i < width else None
                # 1, 1.0 and True are equal, but not alike: only a text (or None) is its own key
                key = raw if raw is None or raw.__class__ is str else (raw.__class__, raw)
                value = memo.get(key, _UNSEEN)
                if value is _UNSEEN:
                    try:
                        value = parse_cell(sheet, column, raw, self.epoch)
                    except ValidationError as exc:
                        exc.cell = f"{get_column_letter(i + 1)}{number}"
                        raise
                    if self.remembered < MEMO_CELLS and (raw.__class__ is not str
                                                         or len(raw) <= MEMO_TEXT):
                        memo[key] = value
                        self.remembered += 1
                cells[header] = list(value) if value.__class__ is list else value
            if missing is not None:         # a required column absent from this file
                raise ValidationError(missing, "不能为空。")
            record, key, new_staff, new_unit = build(sheet, cells)
            if isinstance(record, Staff) and self._completes(record):
                result.imported += 1
                result.fates.append(IMPORTED)
                result.rows.append(number)
                return
            if sheet.title in WHOLE_ROW:
                # A row of the file is compared with the ledger's records only: with none
                # of its kind left to match (an empty ledger, the usual first import) it
                # can be no duplicate, and its key is not built.
                key = _whole_row(sheet, _record_cells(sheet, record)) \
                    if self._existing_keys(sheet.title) else None
            if key is not None and self._is_duplicate(sheet.title, key):
                result.duplicates += 1
                result.fates.append(DUPLICATE)
                result.rows.append(number)
                return
            for extra in (*new_staff, *([new_unit] if new_unit else [])):
                validate(extra)
            validate(record)
        except ValidationError as exc:
            reason = str(exc)
            if exc.record == sheet.title:   # the sheet already says which kind it is
                reason = reason.removeprefix(f"{exc.record}：")
            if getattr(exc, "cell", None):   # 「罚款金额」…（单元格 H12）。
                reason = f"{reason.removesuffix('。')}（单元格 {exc.cell}）。"
            if self.listed < MAX_LISTED_REJECTIONS:
                self.listed += 1
                result.rejected.append(Rejected(number, reason, values))
            else:
                result.unlisted += 1
            result.fates.append(REJECTED)
            result.rows.append(number)
            return
        self._accept(sheet, record, key, new_staff, new_unit)
        result.imported += 1
        result.fates.append(IMPORTED)
        result.rows.append(number)

    def _reading(self, source: SheetSource) -> tuple[list, str | None, Callable]:
        """What reading a row of `source` needs, worked out at its first row: (position,
        header, column, its parsed values by cell) of each column it has, the first
        required column it lacks (None: none), and the sheet's record builder."""
        found = self.readings.get(id(source))
        if found is None:
            sheet = source.ledger
            held = {column.header for column in source.columns.values()}
            missing = next((c.header for c in sheet.columns if c.required and c.header not in held),
                           None)
            found = self.readings[id(source)] = (
                [(i, column.header, column, {}) for i, column in source.columns.items()],
                missing, getattr(self, "_" + _BUILDERS[sheet.title]))
        return found

    def _completes(self, row: Staff) -> bool:
        """A staff row naming someone the ledger holds only by name (created when an earlier
        import met the name in an inspection) fills in that record instead of being skipped:
        otherwise the certificates would never reach the figures. Raises ValidationError."""
        existing = self.staff.get(row.name)
        if existing is None or row.name in self.completed or not _bare(existing) or _bare(row):
            return False
        validate(row)
        self.completed.add(row.name)
        self.plan.completed_staff.append(row.name)
        if self.apply:
            for column in Staff.__table__.columns:
                if column.key not in ("id", "created_at", "updated_at", "deleted_at", "name"):
                    setattr(existing, column.key, getattr(row, column.key))
            save(self.s, existing)
        return True

    def _accept(self, sheet, record, key, new_staff, new_unit) -> None:
        for st in new_staff:
            self.staff[st.name] = st
            self.plan.created_staff.append(st.name)
        if new_unit is not None:
            self.units[new_unit.name] = new_unit
            self.plan.created_units.append(new_unit.name)
        if key is not None and sheet.title not in WHOLE_ROW:
            self._existing_keys(sheet.title).add(key)
        if isinstance(record, Staff):
            self.staff.setdefault(record.name, record)
        elif isinstance(record, Unit):
            self.units[record.name] = record
        elif isinstance(record, Campaign):
            self.campaigns.setdefault(record.name, []).append(record)
        elif isinstance(record, PenaltyCase):
            self.penalties[record.decision_no] = record
        elif isinstance(record, InspectionPlanTask):
            self.plan_tasks[(record.year, record.name)] = record
        if self.apply:
            # What records.save does, in batches: the row and the staff and unit it creates
            # were validated in row(), and the names and numbers save would check for clashes
            # (unit names, decision numbers) are this importer's own keys, over the ledger and
            # the file. One flush per record was most of a 10,000-row import's time.
            for extra in (*new_staff, *([new_unit] if new_unit is not None else [])):
                self._number(extra)
                self.s.add(extra)
            if isinstance(record, Inspection):
                self.inspections.append(record)
            else:
                self._number(record)
                self.s.add(record)
            self.staged += 1
            if self.staged % FLUSH_EVERY == 0:
                self.flush()

    def _new_ids(self, table, count: int) -> range | None:
        """`count` ids for new rows of `table`, after the highest it holds, on SQLite (None
        on a server, whose sequence numbers them). SQLAlchemy can learn the ids of the
        records it inserts on SQLite only by inserting one record per statement (no INSERT
        form there ties new rowids to the rows given), a tenth of a city-sized import; a
        record given its id is inserted with the others in one executemany. The ids are
        those SQLite itself would give (the tables have no AUTOINCREMENT): it has one writer
        at a time and the import holds the ledger's write lock. Should another connection
        still write in between, SQLite refuses this transaction's write (or the id's
        uniqueness does) and the whole import is rolled back; no id is ever shared."""
        if not self.numbered:
            return None
        start = self.next_id.get(table.name)
        if start is None:      # before this import's first row of `table`: no autoflush
            start = (self.s.connection().execute(select(func.max(table.c.id))).scalar() or 0) + 1
        self.next_id[table.name] = start + count
        return range(start, start + count)

    def _number(self, record) -> None:
        ids = self._new_ids(type(record).__table__, 1)
        if ids is not None:
            record.id = ids[0]
            # What the database's defaults would write (SQLite's CURRENT_TIMESTAMP is UTC
            # to the second; a record's first version is 1): a default left to the
            # database must be read back, and SQLAlchemy would insert these records one
            # per statement again to do so.
            record.created_at = record.updated_at = self.now
            record.version = 1

    def flush(self) -> None:
        """Write what was staged: the records through the session, then the inspections
        (most of a city's rows) as one INSERT of many rows and one of their inspectors,
        instead of an ORM object each (most of a 100,000-row import's time), with their
        days' first entries marked as the session's flush would (core.inspection_days).
        The staff, units, campaigns and plan tasks they name were flushed first, so their
        ids are known."""
        self.s.flush()
        if not self.inspections:
            return
        table = Inspection.__table__
        given = [c.key for c in table.columns if c.key != "id" and c.key in _INSPECTION_ATTRS
                 and c.server_default is None]
        defaulted = [c.key for c in table.columns if c.key != "id" and c.key in _INSPECTION_ATTRS
                     and c.server_default is not None]
        groups: dict[tuple, list[tuple[Inspection, dict]]] = {}
        for record in self.inspections:
            held = record.__dict__          # _unwatched put every attribute there
            row = {key: held[key] for key in given}
            for key in defaulted:           # created_at, updated_at…: unless set, the
                if held[key] is not None:   # database's default
                    row[key] = held[key]
            campaign, task = held["campaign"], held["plan_task"]
            row["unit_id"] = held["unit"].id
            row["campaign_id"] = campaign.id if campaign is not None else None
            row["plan_task_id"] = task.id if task is not None else None
            groups.setdefault(tuple(row), []).append((record, row))
        audit.stamp_new_rows(self.s, Inspection.KIND,
                             [row for pairs in groups.values() for _, row in pairs])
        connection = self.s.connection()
        links, days = [], set()
        for pairs in groups.values():
            rows = [row for _, row in pairs]
            ids = self._new_ids(table, len(rows))
            if ids is None:
                ids = connection.execute(insert(table).returning(
                    table.c.id, sort_by_parameter_order=True), rows).scalars().all()
            else:
                for row, new_id in zip(rows, ids):
                    row["id"] = new_id
                self._mark_first(connection, rows)
                _insert_rows(connection, table, rows)
            for (record, row), new_id in zip(pairs, ids):
                links.extend({"inspection_id": new_id, "staff_id": person.id}
                             for person in record.__dict__["inspectors"])
                days.add((row["unit_id"], row["date"]))
        _insert_rows(connection, inspection_staff, links)
        if not self.numbered:
            mark_first_of_day(connection, sorted(days))
        self.inspections = []

    def _mark_first(self, connection, rows: list[dict]) -> None:
        """`first_of_day` of new inspections numbered after every id the ledger holds
        (_new_ids), in the order of `rows`: what mark_first_of_day's UPDATE would then set (the
        first live entry of a unit and day counts), without an UPDATE per day, a fifth of
        a city-sized import. A new entry is first when no live entry of its unit and day
        is in the ledger or came before it in this import; the earlier entries keep theirs."""
        if self.days_taken is None:
            t = Inspection.__table__
            self.days_taken = {tuple(day) for day in connection.execute(
                select(t.c.unit_id, t.c.date).where(t.c.deleted_at.is_(None)).distinct())}
        taken = self.days_taken
        for row in rows:
            day = (row["unit_id"], row["date"])
            row["first_of_day"] = day not in taken
            taken.add(day)

    # --- helpers for names in cells ---
    def _fields(self, sheet: LedgerSheet, cells: dict) -> dict:
        out = {}
        for attr, header, is_list in _stored(sheet):
            value = cells.get(header)
            if value is not None:
                out[attr] = self._joined(value) if is_list else value
        return out

    def _joined(self, items: list[str]) -> str:
        """join_list, remembered: a few hundred lists of 检查事项 fill 100,000 rows."""
        key = tuple(items)
        text = self.joined.get(key)
        if text is None:
            text = join_list(items)
            if self.remembered < MEMO_CELLS:
                self.joined[key] = text
                self.remembered += 1
        return text

    def _people(self, names: list[str], header: str) -> tuple[list[Staff], list[Staff]]:
        people, new = [], []
        for name in names:
            if len(name) > 50:
                raise ValidationError(header, f"中的姓名「{name[:20]}…」过长。")
            person = self.staff.get(name) or next((n for n in new if n.name == name), None)
            if person is None:
                person = Staff(name=name)
                new.append(person)
            people.append(person)
        return people, new

    def _campaign_for(self, name: str, day: dt.date) -> Campaign:
        found = self.campaigns.get(name)
        if not found:
            raise ValidationError("专项行动", f"「{name}」不在专项行动表中，请先在“专项行动”表中添加。")
        running = [c for c in found if c.start_date <= day and (c.end_date is None or c.end_date >= day)]
        started = [c for c in found if c.start_date <= day]
        return (running or started or found)[-1]

    # --- one builder per sheet: (record, duplicate key, new staff, new unit) ---
    def _staff(self, sheet, cells):
        fields = self._fields(sheet, cells)
        if "status" not in fields and fields.get("cancelled_on"):
            fields["status"] = vocab.StaffStatus.CANCELLED.value
        return Staff(**fields), fields["name"], [], None

    def _unit(self, sheet, cells):
        fields = self._fields(sheet, cells)
        enterprise = fields.pop("is_enterprise", None)
        unit = Unit(**fields)
        if enterprise is not None:
            unit.is_enterprise = enterprise
        return unit, fields["name"], [], None

    def _campaign(self, sheet, cells):
        fields = self._fields(sheet, cells)
        return Campaign(**fields), (fields["name"], fields["start_date"]), [], None

    def _inspection(self, sheet, cells):
        fields = self._fields(sheet, cells)
        name, unit_type = cells["检查对象"], cells.get("对象类型")
        unit, new_unit = self.units.get(name), None
        if unit is None:
            if not unit_type:
                raise ValidationError("检查对象", f"「{name}」不在检查对象表中；请在“检查对象”表中添加，"
                                                 f"或在本行填写“对象类型”以便自动新建。")
            unit = new_unit = Unit(name=name, unit_type=unit_type)
        inspectors, new_staff = self._people(cells.get("执法人员") or [], "执法人员")
        campaign = None
        if cells.get("专项行动"):
            campaign = self._campaign_for(cells["专项行动"], fields["date"])
        task = self._plan_task_for(cells.get("检查计划任务"), fields["date"])
        record = _unwatched(Inspection, fields, unit=unit, unit_id=unit.id, inspectors=inspectors,
                            campaign=campaign, campaign_id=campaign.id if campaign else None,
                            plan_task=task, plan_task_id=task.id if task else None)
        return record, (name, fields["date"]), new_staff, new_unit

    def _penalty(self, sheet, cells):
        fields = self._fields(sheet, cells)
        unit = None
        if cells.get("检查对象"):
            unit = self.units.get(cells["检查对象"])
            if unit is None:
                raise ValidationError("检查对象", f"「{cells['检查对象']}」不在检查对象表中（此列可不填）。")
        record = PenaltyCase(**fields, unit=unit, unit_id=unit.id if unit else None)
        return record, fields["decision_no"], [], None

    def _other_act(self, sheet, cells):
        return OtherAct(**self._fields(sheet, cells)), None, [], None

    def _training(self, sheet, cells):
        fields = self._fields(sheet, cells)
        people, new_staff = self._people(cells.get("参加人员") or [], "参加人员")
        record = Training(**fields, participants=people)
        return record, (fields["date"], fields["topic"]), new_staff, None

    def _power(self, sheet, cells):
        return PowerItem(**self._fields(sheet, cells)), None, [], None

    def _review(self, sheet, cells):
        fields = self._fields(sheet, cells)
        number, case = cells.get("关联文号") or "", None
        if number:
            case = self.penalties.get(number)
            if case is None:
                raise ValidationError("关联文号", f"「{number}」不在行政处罚台账中（此列可不填）。")
        record = ReviewCase(**fields, penalty_case=case,
                            penalty_case_id=case.id if case else None)
        return record, (fields["kind"], fields["received_on"], number), [], None

    def _plan_task_for(self, name: str | None, day: dt.date) -> InspectionPlanTask | None:
        if not name:
            return None
        task = self.plan_tasks.get((day.year, name))
        if task is None:
            raise ValidationError("检查计划任务", f"「{name}」不在{day.year}年的检查计划任务表中，"
                                              f"请先在“检查计划任务”表中添加（计划外检查此列不填）。")
        return task

    def _plan_task(self, sheet, cells):
        f = self._fields(sheet, cells)
        ratio = _plan_ratio(cells.get("检查比例"))
        if ratio is not None:
            f["ratio"] = ratio
        return InspectionPlanTask(**f), (f["year"], f["name"]), [], None

    def _inspection_cap(self, sheet, cells):
        f = self._fields(sheet, cells)
        return InspectionCap(**f), (f["year"], f["unit_type"]), [], None

    def _custom(self, sheet, cells):
        f = self._fields(sheet, cells)
        return CustomFigure(**f), (f["year"], f["name"]), [], None


def _insert_rows(connection, table, rows: list[dict]) -> None:
    """INSERT `rows` (dicts with the same keys) as one executemany. On SQLite the values
    are converted by the columns' own bind processors (dates as SQLAlchemy stores them)
    and handed to the driver as tuples: SQLAlchemy's per-row parameter processing was as
    slow as the writing itself for a city year's inspections and their inspectors."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    keys = list(rows[0])
    statement = insert(table).compile(dialect=connection.dialect, column_keys=keys)
    names = statement.positiontup           # the order of the statement's ? marks
    assert sorted(names) == sorted(keys), (names, keys)
    pick = operator.itemgetter(*names)
    values = pick if len(names) > 1 else lambda row: (pick(row),)   # always a tuple
    convert = [(i, to) for i, key in enumerate(names)
               if (to := table.c[key].type.bind_processor(connection.dialect)) is not None]
    given = []
    for row in rows:
        cells = values(row)
        if convert:
            cells = list(cells)
            for i, to in convert:
                if cells[i] is not None:
                    cells[i] = to(cells[i])
            cells = tuple(cells)            # the driver's executemany takes tuples
        given.append(cells)
    connection.exec_driver_sql(statement.string, given)


_STORED: dict[str, tuple[tuple[str, str, bool], ...]] = {}


def _stored(sheet: LedgerSheet) -> tuple[tuple[str, str, bool], ...]:
    """(attribute, header, is a list) of each column of `sheet` stored as a record's field."""
    found = _STORED.get(sheet.title)      # by title: a LedgerSheet hashes all its columns
    if found is None:
        found = _STORED[sheet.title] = tuple((c.attr, c.header, c.kind == "list")
                                             for c in sheet.columns if c.attr is not None)
    return found


def _plan_ratio(text: str | None) -> float | None:
    """检查比例 in percent: "20%" and 20 are 20%; a fraction up to 1 (0.2, what Excel keeps
    for a cell formatted as 20%) is 20% too."""
    if not text:
        return None
    percent = text.endswith(("%", "％"))
    number = float(parse_decimal(text.rstrip("%％"), "检查比例"))
    return number if percent or number > 1 else number * 100


# --- whole-row keys -----------------------------------------------------------------------

_DEFAULTS = {}


def _defaults(model) -> dict:
    """The column defaults the database applies to an attribute left unset (0, 「在办」…)."""
    if model not in _DEFAULTS:
        _DEFAULTS[model] = {c.key: c.default.arg for c in model.__table__.columns
                            if c.default is not None and c.default.is_scalar}
    return _DEFAULTS[model]


@functools.cache
def _attrs(model) -> tuple[str, ...]:
    return tuple(a.key for a in inspect_mapper(model).column_attrs)


@functools.cache
def _blank(model) -> dict:
    """Every attribute of a new `model` record: None when unset, so that each is read fast,
    except the column defaults."""
    return {**dict.fromkeys(_attrs(model)), **_defaults(model)}


def _unwatched(model, fields: dict, **relations):
    """A record as model(**fields) builds it (the column defaults set, as core.models.Base
    does), with its values put in place directly instead of through the ORM's attribute
    events: an inspection is only validated, compared and then written by
    _Importer.flush's INSERT, never added to the session, so the events (a third of an
    import's time) had nothing to do. Only for a model without @validates hooks."""
    record = model.__mapper__.class_manager.new_instance()
    values = _blank(model).copy()
    values.update(fields)
    values.update(relations)
    record.__dict__.update(values)
    return record


class _Filled:
    """A record not yet saved, read as it will be stored: an unset attribute gives its
    column's default, as the ledger's record of it will."""

    __slots__ = ("_record", "_defaults")

    def __init__(self, record):
        self._record, self._defaults = record, _defaults(type(record))

    def __getattr__(self, name):
        value = getattr(self._record, name)
        return self._defaults.get(name) if value is None else value


def _record_cells(sheet: LedgerSheet, record) -> list:
    """The row the export would write for `record` (core.ledger_io.columns.cell_value)."""
    filled = _Filled(record)
    return [cell_value(sheet, c, filled) for c in sheet.columns]


def _whole_row(sheet: LedgerSheet, values: list) -> tuple:
    """A row's cells compared as values: a list (检查事项, 执法人员) as a set, a blank as ""."""
    key = []
    for column, value in zip(sheet.columns, values):
        if column.kind == "list":
            value = tuple(sorted(split_list(value) if isinstance(value, str) else value or ()))
        elif value is None:
            value = ""
        key.append(value)
    return tuple(key)


_BUILDERS = {"执法人员": "staff", "检查对象": "unit", "专项行动": "campaign", "行政检查": "inspection",
             "行政处罚": "penalty", "其他执法行为": "other_act", "学法培训": "training",
             "权责清单": "power", "复议诉讼": "review", "其他指标": "custom",
             "检查计划任务": "plan_task", "检查频次上限": "inspection_cap"}
assert set(_BUILDERS) == set(SHEET_BY_TITLE) == set(IMPORT_ORDER)
