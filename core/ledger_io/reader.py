"""Opening a workbook offered for import, safely, and finding its ledger sheets and headers.

Everything a clerk (or a stranger's e-mail) might hand us is checked before anything parses
it: an old .xls, a password-protected workbook (both OLE containers), a .docx or .csv
renamed to .xlsx, a zip bomb, an oversized file. Then each worksheet's XML is scanned as
bytes (nothing parsed or expanded): a workbook whose every sheet is regular (every cell
names its place, within MAX_SHEET_ROWS rows and CALAMINE_COLUMNS columns, no error cells)
is read by python-calamine, a Rust reader about 15 times faster than openpyxl, which
expands no entities (an XML bomb or XXE is an error) and holds one sheet at a time, so its
memory is bounded by the scan. Anything else (a sheet claiming a million rows, a cell at
XFD1048576, cells without references) is read as before by openpyxl in read-only mode
through defusedxml, row by row with a row limit. Both give the same values: a blank cell
is None, a whole number an int, a date cell a date read with the workbook's own epoch.
Every refusal is an ImportFileError in Chinese naming the file and, where it applies, the
sheet and row.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from openpyxl.utils import column_index_from_string

from core.errors import ImportFileError, os_reason
from core.ledger_io.columns import LEDGER_SHEETS, Column, LedgerSheet, normalise_header
from core.parsing import unescape_excel

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024          # a year's ledger of 100,000 rows is ~10 MB
MAX_UNPACKED_BYTES = 300 * 1024 * 1024     # all parts once unzipped (100,000 rows: ~100 MB)
MAX_PART_RATIO = 500                       # unzipped/zipped of one big part: a zip bomb
MAX_ZIP_ENTRIES = 5000
MAX_SHEET_ROWS = 200_000                   # rows read per sheet, blank rows included
MAX_COLUMNS = 200
HEADER_SCAN_ROWS = 10
# python-calamine builds a sheet whole, as a grid from its first to its last cell (32 bytes a
# cell): a sheet is given to it only when the byte scan proved the grid is at most this many
# columns (AF; the widest ledger sheet has 24) by MAX_SHEET_ROWS + HEADER_SCAN_ROWS rows,
# about 200 MB at worst. Wider or longer sheets go to openpyxl, which streams.
CALAMINE_COLUMNS = 32
# Sheets read by calamine are kept for the data rows after their headers were read while
# their grids hold at most this many cells together; the others are read again.
CALAMINE_CACHE_CELLS = 4_000_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IGNORED_SHEETS = {"说明", "填写说明", "填报说明", "目录"}


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def check_file(path: Path) -> None:
    """Refuse, in words, anything that is not a reasonable .xlsx workbook."""
    name = path.name
    if not path.exists():
        raise ImportFileError(f"找不到文件「{path}」。")
    if not path.is_file():
        raise ImportFileError(f"「{path}」不是文件。")
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(f"「{name}」是空文件。")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"「{name}」过大（{size / 1048576:.0f} MB），导入文件不能超过 "
                              f"{MAX_FILE_BYTES // 1048576} MB。请按年度拆分后分别导入。")
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            if head == OLE_MAGIC:
                _refuse_ole(name, head + f.read())
    except OSError as exc:
        raise ImportFileError(f"无法读取「{name}」：{os_reason(exc)}（文件是否正被其他程序打开？）") from exc
    if not zipfile.is_zipfile(path):
        raise ImportFileError(f"「{name}」不是 Excel 工作簿（.xlsx）。如果是 CSV 或文本文件，请先用 "
                              f"Excel 或 WPS 打开，另存为“Excel 工作簿（*.xlsx）”后再导入。")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(f"「{name}」已损坏，无法打开。") from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise ImportFileError(f"「{name}」是 Word 文档，不是 Excel 工作簿，请选择台账的 .xlsx 文件。")
        if any(n.startswith("ppt/") for n in names):
            raise ImportFileError(f"「{name}」是 PowerPoint 演示文稿，不是 Excel 工作簿。")
        if "content.xml" in names:
            raise ImportFileError(f"「{name}」是 ODS 表格，请用 WPS 或 Excel 另存为 .xlsx 后再导入。")
        raise ImportFileError(f"「{name}」不是 Excel 工作簿（.xlsx）。")
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES or any(
            i.file_size > 50 * 1048576 and i.file_size > MAX_PART_RATIO * max(i.compress_size, 1)
            for i in infos):
        raise ImportFileError(f"「{name}」解压后的内容异常巨大，可能已损坏或被恶意构造，已拒绝导入。")


def _refuse_ole(name: str, data: bytes) -> None:
    if _utf16("EncryptionInfo") in data or _utf16("EncryptedPackage") in data:
        raise ImportFileError(f"「{name}」设置了打开密码，程序无法读取。请在 Excel 或 WPS 中打开，"
                              f"取消密码（文件→信息→保护工作簿）后另存，再导入。")
    if _utf16("WordDocument") in data:
        raise ImportFileError(f"「{name}」是旧版 Word 文档（.doc），不是 Excel 工作簿。")
    raise ImportFileError(f"「{name}」是旧版 Excel 97-2003 格式（.xls），请在 Excel 或 WPS 中打开，"
                          f"另存为“Excel 工作簿（*.xlsx）”后再导入。")


def open_workbook(path: Path):
    """The workbook, read-only, with cached values (a formula gives what it shows): a
    CalamineBook when every sheet is regular (see the module's docstring), else openpyxl's."""
    check_file(path)
    book = _calamine_book(path)
    if book is not None:
        return book
    from openpyxl import load_workbook
    try:
        return load_workbook(str(path), read_only=True, data_only=True, keep_links=False)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged or hostile part
        log.info("cannot open %s for import: %r", path, exc)
        raise _unreadable(path.name) from exc


def _unreadable(name: str) -> ImportFileError:
    return ImportFileError(f"「{name}」无法作为 Excel 工作簿读取（文件可能已损坏，或含有"
                           f"不安全的内容）。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。")


# --- python-calamine, for regular workbooks ------------------------------------------------

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
# What calamine would read otherwise than openpyxl, or build too big: a cell whose reference
# is not its first attribute (calamine would count positions), a column past
# CALAMINE_COLUMNS (AF) or written oddly (lower case, leading zero), a row past
# MAX_SHEET_ROWS + HEADER_SCAN_ROWS (200,010), and an error cell (calamine reads #N/A as
# blank, openpyxl as the text #N/A). Each check starts with a literal, so that scanning a
# 100,000-row sheet costs a fraction of reading it.
_FAR_CELL = re.compile(
    rb'<c r="(?:[A-Z]{3}|[B-Z][A-Z]|A[G-Z]|[A-Z]*[^A-Z1-9"]|[A-Z]*\d{7}'
    rb'|[A-Z]*(?:[3-9]\d{5}|2[1-9]\d{4}|20[1-9]\d{3}|200[1-9]\d\d|2000[2-9]\d|20001[1-9])")')
_LAST_ROW = re.compile(rb'<row r="(\d{1,12})"')
# Every reference _FAR_CELL refuses is one of these (not one letter and a row number under
# 100,000), which most sheets (up to Z, 99,999 rows) have none of: found in half the time.
_NOT_PLAIN_REF = re.compile(rb'<c r="(?:[^A-Z]|[A-Z](?:[^1-9]|\d{6}))')
# A cell tag not followed by its reference: <c>, <c/>, <c s="1" r=…>, <c\tr=…
_CELL_WITHOUT_REF = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="))')
_PREFIXED_CELL = re.compile(rb':c[ >/]')        # <x:c …>
_ERROR_CELL = b't="e"'
_ODD_SPACE = (b"\tr=", b"\nr=", b"\rr=")       # <row\nr=…> and the like


def _irregular(data: bytes) -> bool:
    # Each test is one pass over the bytes (a regex with a literal start, or a search for a
    # literal): a 100,000-row sheet is some 120 MB of XML, and each pass costs ~0.1 s.
    if _CELL_WITHOUT_REF.search(data) or _PREFIXED_CELL.search(data) or _ERROR_CELL in data:
        return True
    if (b"\t" in data or b"\n" in data or b"\r" in data) \
            and any(odd in data for odd in _ODD_SPACE):
        return True
    if _NOT_PLAIN_REF.search(data) and _FAR_CELL.search(data):
        return True
    last = data.rfind(b"<row r=")       # trailing blank rows count, as openpyxl counts them
    found = _LAST_ROW.match(data, last) if last >= 0 else None
    return found is not None and int(found[1]) > MAX_SHEET_ROWS + HEADER_SCAN_ROWS


_SMALL_PART = 10 * 1024 * 1024     # workbook.xml and its relationships


def _calamine_book(path: Path) -> "CalamineBook | None":
    """The workbook through python-calamine, or None when some sheet is irregular (or the
    package structure unusual): openpyxl then reads it, as it always did."""
    try:
        with zipfile.ZipFile(path) as z:
            sheets, epoch_1904 = _workbook_parts(z)
            if sheets is None:
                return None
            scans = {}
            for name, part in sheets.items():
                scan = _scan_part(z, part, regular=True)
                if scan is None:
                    return None
                scans[name] = scan
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError) as exc:
        raise ImportFileError(f"「{path.name}」已损坏，无法打开。") from exc
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:      # not installed (a source checkout): openpyxl reads everything
        return None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        listed = [(m.name, str(m.visible).rsplit(".", 1)[-1])
                  for m in workbook.sheets_metadata if m.name in sheets]
    except BaseException as exc:
        if not _failure(exc):
            raise
        log.info("cannot open %s for import: %r", path, exc)
        raise _unreadable(path.name) from exc
    if len(listed) != len(sheets):       # the names disagree with ours: take no chances
        workbook.close()
        return None
    return CalamineBook(path.name, workbook, listed, scans, epoch_1904)


def _workbook_parts(z: zipfile.ZipFile) -> tuple[dict[str, str] | None, bool]:
    """{sheet name: its XML part} of the worksheets in workbook order, and whether the
    workbook counts dates from 1904; None when anything is unusual."""
    from defusedxml.ElementTree import fromstring
    try:
        infos = {i.filename: i for i in z.infolist()}
        wb_info, rels_info = infos.get("xl/workbook.xml"), infos.get("xl/_rels/workbook.xml.rels")
        if wb_info is None or rels_info is None or max(wb_info.file_size, rels_info.file_size) > _SMALL_PART:
            return None, False
        book = fromstring(z.read(wb_info))
        rels = fromstring(z.read(rels_info))
    except Exception:      # a DTD, entities, broken XML: openpyxl's refusal says it
        return None, False
    targets = {}
    for rel in rels.iter(f"{_RELS_NS}Relationship"):
        if rel.get("Type") == _WORKSHEET_REL and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    pr = book.find(f"{_MAIN_NS}workbookPr")
    epoch_1904 = pr is not None and pr.get("date1904", "").lower() in ("1", "true")
    sheets = {}
    for sheet in book.iter(f"{_MAIN_NS}sheet"):
        part = targets.get(sheet.get(_REL_ID))
        if part is None:            # a chart sheet or dialog sheet: no worksheet to read
            if sheet.get(_REL_ID) is None:
                return None, False
            continue
        if part not in infos or sheet.get("name") in sheets:
            return None, False
        sheets[sheet.get("name")] = part
    return (sheets or None), epoch_1904


class CalamineBook:
    """The few things the import asks of a workbook (worksheets, epoch, close) over
    python-calamine: each sheet is built when first read, and kept for its data rows only
    while the kept grids stay under CALAMINE_CACHE_CELLS."""

    def __init__(self, file_name: str, workbook, listed, scans, epoch_1904: bool):
        import datetime as dt
        self.file_name = file_name
        self._workbook = workbook
        self.epoch = dt.datetime(1904, 1, 1) if epoch_1904 else dt.datetime(1899, 12, 30)
        self.worksheets = [CalamineSheet(self, name, state, scans[name]) for name, state in listed]
        self._kept: dict[str, object] = {}

    def load(self, name: str, keep: bool):
        sheet = self._kept.pop(name, None) if not keep else self._kept.get(name)
        if sheet is None:
            try:
                sheet = self._workbook.get_sheet_by_name(name)
            except BaseException as exc:
                if not _failure(exc):
                    raise
                log.info("cannot read %s / %s: %r", self.file_name, name, exc)
                raise ImportFileError(f"「{self.file_name}」工作表「{name}」无法读取（内容已损坏或含有"
                                      f"不安全的内容），未导入任何数据。") from exc
            cells = sheet.height * sheet.width
            if keep and cells + sum(k.height * k.width for k in self._kept.values()) \
                    <= CALAMINE_CACHE_CELLS:
                self._kept[name] = sheet
        return sheet

    def close(self) -> None:
        self._kept.clear()
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None


class CalamineSheet:
    """One worksheet, read as openpyxl's read-only iter_rows(values_only=True) reads it."""

    def __init__(self, book: CalamineBook, name: str, state: str, scan: "SheetScan"):
        self.book, self.title, self.prescan = book, name, scan
        self.sheet_state = {"Hidden": "hidden", "VeryHidden": "veryHidden"}.get(state, "visible")

    def iter_rows(self, min_row: int = 1, max_row: int | None = None,
                  max_col: int | None = None, values_only: bool = True) -> Iterator[tuple]:
        # The header rows keep the sheet for its data rows; reading the data lets it go.
        sheet = self.book.load(self.title, keep=max_row is not None)
        start = sheet.start
        if start is None:
            return
        pad = [None] * start[1]
        width = max_col if max_col is not None else start[1] + sheet.width
        number = 0
        for row in sheet.iter_rows():        # from row 1, columns from the first used one
            number += 1
            if number < min_row:
                continue
            if max_row is not None and number > max_row:
                break
            values = [None if v == "" else _whole(v) if v.__class__ is float else v for v in row]
            if pad:
                values = pad + values
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            elif len(values) > width:
                del values[width:]
            yield values        # a list, as data_rows passes it on (openpyxl gives tuples)


def _whole(value: float):
    """A number cell as openpyxl gives it: 3 for <v>3</v> (calamine says 3.0)."""
    return int(value) if value.is_integer() and -2**53 < value < 2**53 else value


def _failure(exc: BaseException) -> bool:
    """A reader's failure, not an interrupt: a Rust panic reaches Python as pyo3's
    PanicException, which is a BaseException."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


@dataclass
class SheetSource:
    """One worksheet of the file, recognised as one ledger kind, with its header row."""

    name: str                       # the worksheet's own name
    ledger: LedgerSheet
    header_row: int                 # 1-based row of the headers
    headers: list[str]              # the header cells as written
    columns: dict[int, Column]      # 0-based position -> the column it holds
    ignored: list[str] = field(default_factory=list)   # headers not recognised


_LOOKUPS: dict[str, dict[str, tuple[Column, bool]]] = {}


def _lookup(ledger: LedgerSheet) -> dict[str, tuple[Column, bool]]:
    """{a header as compared: (its column, whether it is the real header, not a synonym)},
    made once per ledger sheet: every sheet of a file is tried against each of them."""
    table = _LOOKUPS.get(ledger.title)
    if table is not None:
        return table
    table = {}
    for column in ledger.columns:
        for name in column.synonyms:
            table.setdefault(normalise_header(name), (column, False))
    for column in ledger.columns:   # the real header wins over any synonym
        table[normalise_header(column.header)] = (column, True)
    _LOOKUPS[ledger.title] = table
    return table


def match_headers(ledger: LedgerSheet, cells) -> tuple[dict[int, Column], list[str]]:
    table = _lookup(ledger)
    found: dict[Column, tuple[int, bool]] = {}
    ignored = []
    for i, cell in enumerate(cells):
        text = normalise_header(cell)
        if not text:
            continue
        hit = table.get(text)
        if hit is None:
            ignored.append(str(cell).strip())
            continue
        column, exact = hit
        if column not in found or (exact and not found[column][1]):
            if column in found:      # a synonym met first, beaten by the real header
                ignored.append(_repeated(cells[found[column][0]], column))
            found[column] = (i, exact)
        else:
            ignored.append(_repeated(cell, column))
    return {i: c for c, (i, _) in found.items()}, ignored


def _repeated(cell, column: Column) -> str:
    """An ignored column that says why: 「对象名称（与「检查对象」重复）」."""
    return f"{str(cell).strip()}（与「{column.header}」重复）"


def _as_header_text(value, escaped: bool) -> str:
    if value is None:
        return ""
    return unescape_excel(str(value)[:200]) if escaped else str(value)[:200]


def _guarded(rows, file_name: str, sheet: str, first_row: int) -> Iterator:
    """The rows, with any parser failure (a hostile or damaged sheet) told in words."""
    number = first_row - 1
    try:
        for values in rows:
            number += 1
            yield values
    except ImportFileError:
        raise
    except Exception as exc:
        log.info("cannot read %s / %s near row %s: %r", file_name, sheet, number + 1, exc)
        raise ImportFileError(f"「{file_name}」工作表「{sheet}」第 {number + 1} 行附近无法读取（内容已损坏"
                              f"或含有不安全的内容），未导入任何数据。") from exc
    finally:
        # A sheet left unread (too many rows, a refusal) closes its reader now: openpyxl's
        # holds the sheet's part of the zip open, and the file leaked until collected.
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def find_sheet(ws, ledger: LedgerSheet | None, file_name: str) -> SheetSource | None:
    """Locate the header row in the first rows; `ledger` None means guess the kind from the
    headers (a sheet called Sheet1). Returns None for a sheet that is no ledger."""
    try:
        ws.reset_dimensions()   # a wrong <dimension> would cut rows or invent a million
    except AttributeError:
        pass
    top = []
    escaped = not isinstance(ws, CalamineSheet)     # see data_rows
    for row in _guarded(ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS,
                                     values_only=True), file_name, ws.title, 1):
        top.append([_as_header_text(v, escaped) for v in row])
    candidates = [ledger] if ledger else list(LEDGER_SHEETS)
    best = None
    for kind in candidates:
        required = {c for c in kind.columns if c.required}
        for r, cells in enumerate(top, start=1):
            columns, ignored = match_headers(kind, cells)
            if not columns:
                continue
            complete = required <= set(columns.values())
            score = (complete, len(columns))
            if best is None or score > best[0]:
                best = (score, kind, r, cells, columns, ignored)
    if best is None:
        if ledger is not None:
            raise ImportFileError(f"「{file_name}」工作表「{ws.title}」前 {HEADER_SCAN_ROWS} 行内找不到"
                                  f"表头（应为 {'、'.join(c.header for c in ledger.columns[:4])}…）。")
        return None
    (complete, matched), kind, r, cells, columns, ignored = best
    if ledger is None and (not complete or matched < 3):
        return None
    if not complete:
        missing = [c.header for c in kind.columns if c.required and c not in columns.values()]
        raise ImportFileError(f"「{file_name}」工作表「{ws.title}」第 {r} 行的表头缺少必填列："
                              f"{'、'.join(missing)}。")
    width = max(i for i, v in enumerate(cells) if v.strip()) + 1
    return SheetSource(ws.title, kind, r, [c.strip() for c in cells[:width]], columns, ignored)


def _find_loosely(ws, title: str, file_name: str, misses: list[str]) -> SheetSource | None:
    """A sheet whose name only contains a ledger's (2025年行政检查台账), or none (Sheet1):
    its headers decide. “执法人员培训” holding training rows is read as 学法培训."""
    named = next((s for s in LEDGER_SHEETS if s.title in title), None)
    if named is None:
        return find_sheet(ws, None, file_name)
    try:
        return find_sheet(ws, named, file_name)
    except ImportFileError as exc:
        # 行政处罚实施情况 (a summary table in the annex) is no 行政处罚 ledger: left aside,
        # and the reason is kept in case no sheet at all can be imported.
        guessed = find_sheet(ws, None, file_name)
        if guessed is None:
            misses.append(str(exc))
        return guessed


def sheets_of(wb, file_name: str,
              hidden: list[str] | None = None) -> tuple[list[tuple[object, SheetSource]], list[str]]:
    """The ledger sheets of the workbook (by name, else by headers) and the names of the
    sheets left aside. A hidden sheet is not imported: what the clerk cannot see in Excel
    (an old year's copy, a colleague's workings) does not enter the ledger unseen. Its name
    is added to `hidden`, for the summary to say so."""
    found, ignored, misses = [], [], []
    hidden = [] if hidden is None else hidden
    by_title = {s.title: s for s in LEDGER_SHEETS}
    try:
        worksheets = wb.worksheets
    except Exception as exc:
        raise ImportFileError(f"「{file_name}」的工作表无法读取（文件可能已损坏）。") from exc
    for ws in worksheets:
        title = str(ws.title).strip()
        if title in IGNORED_SHEETS or title.endswith("说明"):
            continue
        if getattr(ws, "sheet_state", "visible") != "visible":
            hidden.append(title)
            continue
        if title in by_title:
            source = find_sheet(ws, by_title[title], file_name)
        else:
            source = _find_loosely(ws, title, file_name, misses)
        if source is None:
            ignored.append(title)
        else:
            found.append((ws, source))
    if not found:
        titles = "、".join(str(ws.title) for ws in worksheets) or "无"
        raise ImportFileError(f"「{file_name}」中没有可导入的台账工作表（现有工作表：{titles}）。"
                              f"工作表应命名为 {'、'.join(s.title for s in LEDGER_SHEETS)} 之一，"
                              f"或第 1 行为这些表的表头。可先用“下载空白模板”查看格式。"
                              + (f"隐藏的工作表不导入（{'、'.join(hidden)}），如需导入请在 Excel 中"
                                 f"取消隐藏后再导入。" if hidden else "")
                              + (f"另：{misses[0]}" if misses else ""))
    return found, ignored


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')
# A formula whose result was never saved (a file written by a program, not by Excel/WPS):
# read-only openpyxl gives None for it, indistinguishable from a blank cell.
_UNCACHED_FORMULA = re.compile(rb'(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*'
                               rb'(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>')


@dataclass
class SheetScan:
    # column (0-based) -> [(first row, last row)] of cells merged over several rows
    merged_down: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    uncached_formulas: int = 0


def scan_sheet(ws) -> SheetScan:
    """What read-only openpyxl does not report: cells merged down over several rows (a date
    typed once for a block of rows, as ledgers kept by hand often are) and formulas without
    a saved result. The sheet's XML is scanned as bytes (no parsing, nothing expanded); a
    sheet read by calamine was scanned when the workbook was opened."""
    scan = getattr(ws, "prescan", None)
    if scan is not None:
        return scan
    try:
        source = ws._get_source()
    except Exception:   # not a read-only sheet: nothing to add
        return SheetScan()
    with source:
        return _scan_stream(source, regular=False)


def _scan_part(z: zipfile.ZipFile, part: str, regular: bool) -> SheetScan | None:
    with z.open(part) as source:
        return _scan_stream(source, regular)


def _scan_stream(source, regular: bool) -> SheetScan | None:
    """The scan of one sheet's XML; with `regular`, None as soon as anything in it is
    irregular (_irregular) for calamine."""
    scan = SheetScan()
    tail = b""
    while True:
        chunk = source.read(1 << 20)
        if not chunk:
            break
        data = tail + chunk
        if regular and _irregular(data[:data.rfind(b">") + 1]):   # whole tags only
            return None
        for m in (_MERGE.finditer(data) if b"mergeCell" in data else ()):
            first, last = int(m[2]), int(m[4])
            if last > first:
                spans = scan.merged_down.setdefault(column_index_from_string(m[1].decode()) - 1, [])
                if (first, last) not in spans:
                    spans.append((first, last))
        # count only matches wholly inside the new chunk, so none is counted twice
        if b"f>" in data or b"<f" in data or b":f" in data:
            scan.uncached_formulas += sum(1 for m in _UNCACHED_FORMULA.finditer(data)
                                          if m.end() > len(tail))
        tail = data[-300:]
    return scan


def data_rows(ws, source: SheetSource, file_name: str,
              scan: SheetScan | None = None) -> Iterator[tuple[int, list]]:
    """(row number, cell values) of every non-blank row under the header; a cell merged
    down over several rows gives its value to each of them."""
    width = len(source.headers)
    scan = scan or scan_sheet(ws)
    merged = {c: spans for c, spans in scan.merged_down.items() if c < width}
    carried: dict[int, tuple[int, object]] = {}   # column -> (last row of the span, value)
    number = source.header_row
    rows = ws.iter_rows(min_row=source.header_row + 1, max_col=width, values_only=True)
    # openpyxl leaves Excel's _xHHHH_ escapes in the text; calamine reads them back itself.
    escaped = not isinstance(ws, CalamineSheet)
    for values in _guarded(rows, file_name, source.name, source.header_row + 1):
        number += 1
        if number > MAX_SHEET_ROWS + source.header_row:
            raise ImportFileError(
                f"「{file_name}」工作表「{source.name}」超过 {MAX_SHEET_ROWS:,} 行（含空行），"
                f"无法导入。请删除表格末尾多余的空行，或把数据拆分到多个文件。")
        if escaped:
            values = [unescape_excel(v) if v.__class__ is str and "_x" in v else v for v in values]
        if merged:
            values = _fill_merged(list(values), number, merged, carried)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        yield number, values if values.__class__ is list else list(values)


def _fill_merged(values: list, number: int, merged, carried) -> list:
    for column, spans in merged.items():
        for first, last in spans:
            if number == first:
                carried[column] = (last, values[column])
        if column in carried:
            last, value = carried[column]
            if number > last:
                del carried[column]
            elif values[column] is None:
                values[column] = value
    return values
