"""Making the clerk's text safe for documents: control characters out, formulas defused.

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


def clean_text(value, *, keep_newlines: bool = True) -> str:
    """The text without characters that a Word or Excel file cannot hold."""
    if value is None:
        return ""
    text = _ILLEGAL.sub("", str(value))
    if not keep_newlines:
        text = re.sub(r"[\r\n\t]+", " ", text)
    return text


def excel_text(value) -> str:
    """A string for an .xlsx cell: cleaned, and never taken as a formula.

    A leading apostrophe-free guard: the text is prefixed with a zero-width-safe single quote
    only where it would otherwise start a formula. Callers must still write it as a string
    cell (openpyxl: cell.data_type = "s").
    """
    text = clean_text(value).replace("\r", "")
    if text.startswith(_FORMULA_START):
        text = "'" + text
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
