"""Opening a workbook offered for import, safely, and finding its ledger sheets and headers.

Everything a clerk (or a stranger's e-mail) might hand us is checked before openpyxl parses
it: an old .xls, a password-protected workbook (both OLE containers), a .docx or .csv
renamed to .xlsx, a zip bomb, an oversized file. Worksheet XML is parsed through defusedxml
(openpyxl uses it when installed), and a sheet is read row by row in read-only mode with a
row limit, so a sheet claiming a million rows is refused quickly instead of filling memory.
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

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024          # a year's ledger of 100,000 rows is ~10 MB
MAX_UNPACKED_BYTES = 300 * 1024 * 1024     # all parts once unzipped (100,000 rows: ~100 MB)
MAX_PART_RATIO = 500                       # unzipped/zipped of one big part: a zip bomb
MAX_ZIP_ENTRIES = 5000
MAX_SHEET_ROWS = 200_000                   # rows read per sheet, blank rows included
MAX_COLUMNS = 200
HEADER_SCAN_ROWS = 10

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
    """The workbook in read-only mode with cached values (a formula gives what it shows)."""
    check_file(path)
    from openpyxl import load_workbook
    try:
        return load_workbook(str(path), read_only=True, data_only=True, keep_links=False)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged or hostile part
        log.info("cannot open %s for import: %r", path, exc)
        raise ImportFileError(f"「{path.name}」无法作为 Excel 工作簿读取（文件可能已损坏，或含有"
                              f"不安全的内容）。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。") from exc


@dataclass
class SheetSource:
    """One worksheet of the file, recognised as one ledger kind, with its header row."""

    name: str                       # the worksheet's own name
    ledger: LedgerSheet
    header_row: int                 # 1-based row of the headers
    headers: list[str]              # the header cells as written
    columns: dict[int, Column]      # 0-based position -> the column it holds
    ignored: list[str] = field(default_factory=list)   # headers not recognised


def _lookup(ledger: LedgerSheet) -> dict[str, tuple[Column, bool]]:
    table: dict[str, tuple[Column, bool]] = {}
    for column in ledger.columns:
        for name in column.synonyms:
            table.setdefault(normalise_header(name), (column, False))
    for column in ledger.columns:   # the real header wins over any synonym
        table[normalise_header(column.header)] = (column, True)
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
            found[column] = (i, exact)
        else:
            ignored.append(str(cell).strip())
    return {i: c for c, (i, _) in found.items()}, ignored


def _as_header_text(value) -> str:
    return "" if value is None else str(value)[:200]


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


def find_sheet(ws, ledger: LedgerSheet | None, file_name: str) -> SheetSource | None:
    """Locate the header row in the first rows; `ledger` None means guess the kind from the
    headers (a sheet called Sheet1). Returns None for a sheet that is no ledger."""
    try:
        ws.reset_dimensions()   # a wrong <dimension> would cut rows or invent a million
    except AttributeError:
        pass
    top = []
    for row in _guarded(ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS,
                                     values_only=True), file_name, ws.title, 1):
        top.append([_as_header_text(v) for v in row])
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


def sheets_of(wb, file_name: str) -> tuple[list[tuple[object, SheetSource]], list[str]]:
    """The ledger sheets of the workbook (by name, else by headers) and the names of the
    sheets left aside."""
    found, ignored, misses = [], [], []
    by_title = {s.title: s for s in LEDGER_SHEETS}
    try:
        worksheets = wb.worksheets
    except Exception as exc:
        raise ImportFileError(f"「{file_name}」的工作表无法读取（文件可能已损坏）。") from exc
    for ws in worksheets:
        title = str(ws.title).strip()
        if title in IGNORED_SHEETS or title.endswith("说明"):
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
    a saved result. The sheet's XML is scanned as bytes (no parsing, nothing expanded)."""
    scan = SheetScan()
    try:
        source = ws._get_source()
    except Exception:   # not a read-only sheet: nothing to add
        return scan
    with source:
        tail = b""
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            for m in _MERGE.finditer(data):
                first, last = int(m[2]), int(m[4])
                if last > first:
                    spans = scan.merged_down.setdefault(column_index_from_string(m[1].decode()) - 1, [])
                    if (first, last) not in spans:
                        spans.append((first, last))
            # count only matches wholly inside the new chunk, so none is counted twice
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
    for values in _guarded(rows, file_name, source.name, source.header_row + 1):
        number += 1
        if number > MAX_SHEET_ROWS + source.header_row:
            raise ImportFileError(
                f"「{file_name}」工作表「{source.name}」超过 {MAX_SHEET_ROWS:,} 行（含空行），"
                f"无法导入。请删除表格末尾多余的空行，或把数据拆分到多个文件。")
        if merged:
            values = _fill_merged(list(values), number, merged, carried)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        yield number, list(values)


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
