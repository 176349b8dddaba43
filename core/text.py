"""Making the clerk's text safe for documents: control characters out, formulas defused,
cells no longer than Excel holds.

python-docx raises ValueError on XML-illegal characters and openpyxl raises
IllegalCharacterError on \\x00-\\x1f; a cell starting with = + - @ would run as a formula
in Excel (formula injection). Every string written to .docx or .xlsx passes through here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# XML 1.0 forbids C0 controls but tab, LF, CR; also lone surrogates and U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Excel holds at most 32,767 characters (UTF-16 units) in a cell and "repairs" a file with a
# longer one; a pasted 100,000-character note is cut there, and says so.
EXCEL_CELL_LIMIT = 32_767
EXCEL_CUT = "……（以下超出 Excel 单元格 32767 字的上限，未写入）"


def clean_text(value, *, keep_newlines: bool = True) -> str:
    """The text without characters that a Word or Excel file cannot hold."""
    if value is None:
        return ""
    text = _ILLEGAL.sub("", str(value))
    if not keep_newlines:
        text = re.sub(r"[\r\n\t]+", " ", text)
    return text


def excel_text(value) -> str:
    """A string for an .xlsx cell: cleaned, never taken as a formula (a ' goes before text
    that would start one; the importer takes it off again), and cut to what a cell holds.
    Callers must still write it as a string cell (openpyxl: cell.data_type = "s")."""
    text = clean_text(value).replace("\r", "")
    if text.startswith(_FORMULA_START):
        text = "'" + text
    if len(text) > EXCEL_CELL_LIMIT // 2:          # only then can it be too long
        units = text.encode("utf-16-le")
        if len(units) > 2 * EXCEL_CELL_LIMIT:
            keep = units[:2 * (EXCEL_CELL_LIMIT - len(EXCEL_CUT))]
            text = keep.decode("utf-16-le", errors="ignore") + EXCEL_CUT
    return text


def excel_texts() -> Callable[[object], str | None]:
    """`excel_text` remembering its answers, for one workbook: the same texts come back row
    after row in the ledgers and the sources sheet (categories, results, unit and staff
    names; over a million cells in a city year). An empty text comes back as None, an empty
    cell: openpyxl skips None but writes "" as a cell of its own, which reads back as None
    anyway."""
    safe: dict[object, str | None] = {}

    def text(value) -> str | None:
        try:
            return safe[value]
        except KeyError:
            out = safe[value] = excel_text(value) or None
            return out

    return text
