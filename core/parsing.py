"""Turning what a clerk typed or an Excel cell holds into typed values, or a clear message.

Shared by the GUI forms, the import and the CLI so that 2025/3/5, 2025-03-05, 2025年3月5日,
an Excel date, full-width digits and numbers stored as text all mean the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from core.errors import ValidationError
from core.limits import MAX_MAGNITUDE

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／：，＋", "0123456789.-/:,+")
LIST_SPLIT = re.compile(r"[、，,;；\n]+")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已审核", "已"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "未", "未审核", ""}


# Characters that show nothing but change what a text is: zero-width spaces and joiners, the
# soft hyphen, the byte-order mark, and the bidirectional controls (U+202E turns 「一中」 into
# a name that sorts, matches and prints as something else). Pasted from web pages and chat
# programs, they made 「示例一中」 a second unit and reached the report as they were.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Excel writes a control character in a cell as _xHHHH_ (_x000D_ for a carriage return) and
# a literal "_x" followed by four hex digits as _x005F_xHHHH_.
_EXCEL_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def unescape_excel(text: str) -> str:
    """A cell's text with Excel's _xHHHH_ escapes turned back into the characters, and line
    ends as \n (Excel's _x000D_ before a line feed is the Windows line end)."""
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def normalise(text) -> str:
    """Full-width digits and punctuation to ASCII, invisible characters and surrounding
    blanks removed."""
    if text is None:
        return ""
    return strip_invisible(str(text)).translate(_FULLWIDTH).strip().replace("\u3000", " ").strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and normalise(value) == "")


EPOCH_1900 = dt.date(1899, 12, 30)   # Excel's serial day 0 (Windows, the usual system)
EPOCH_1904 = dt.date(1904, 1, 1)     # a workbook saved with the 1904 date system (Mac)


def parse_date(value, field: str, *, required: bool = False,
               epoch: dt.date = EPOCH_1900) -> dt.date | None:
    """`epoch`: the workbook's day 0, for a plain number in a date cell (a cell formatted as
    a date reaches us as a date, already read with the workbook's own system)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if is_blank(value):
        if required:
            raise ValidationError(field, "不能为空。")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # An Excel serial date that reached us as a number: 44259 is 2021-03-04 in the
        # 1900 system and 2025-03-05 in the 1904 one.
        if 1 <= value < 2958466:
            return epoch + dt.timedelta(days=int(value))
    text = normalise(value)
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    m = _DATE.match(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ValidationError(field, f"「{value}」不是有效日期，请写成 2025-03-05 或 2025年3月5日。")


def _check_magnitude(number: Decimal, value, field: str) -> None:
    if not number.is_finite():
        raise ValidationError(field, f"「{value}」不是有效数字。")
    if number and number.adjusted() >= MAX_MAGNITUDE:
        raise ValidationError(field, f"「{value}」数值过大，请检查。")


# A number as text, in the forms that mean one thing only: 1000, 1,000, 1,000.5, 0.5. Not
# 「1,2」 or 「1,0.5」 (a list? a European decimal comma? the comma was removed and made 12),
# not 「1_2」 (Python's Decimal reads it as 12), not 1e3.
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?|\.\d+)$")


def _number_text(value, field: str, what: str, text: str | None = None) -> Decimal:
    """The Decimal a text cell means, or ValidationError saying why it is not one. `text`:
    the value already normalised, with a unit (元) taken off."""
    text = normalise(value) if text is None else text
    if not _PLAIN_NUMBER.match(text):
        if "," in text:
            raise ValidationError(field, f"「{value}」不是有效{what}：千位分隔符“,”只能用在每三位数字之间"
                                         f"（如 1,000），多项请分行填写。")
        raise ValidationError(field, f"「{value}」不是有效{what}。")
    return Decimal(text.replace(",", ""))


def parse_int(value, field: str, *, required: bool = False, default: int = 0,
              minimum: int | None = 0) -> int:
    if is_blank(value):
        if required:
            raise ValidationError(field, "不能为空。")
        return default
    if isinstance(value, bool):
        raise ValidationError(field, f"「{value}」不是整数。")
    if isinstance(value, (int, float)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(field, f"「{value}」不是整数。") from None
    else:
        number = _number_text(value, field, "整数")
    _check_magnitude(number, value, field)
    if number != number.to_integral_value():
        raise ValidationError(field, f"「{value}」应为整数。")
    result = int(number)
    if minimum is not None and result < minimum:
        raise ValidationError(field, f"不能小于 {minimum}（填写的是 {result}）。")
    return result


def parse_decimal(value, field: str, *, required: bool = False,
                  default: Decimal | None = Decimal(0)) -> Decimal | None:
    if is_blank(value):
        if required:
            raise ValidationError(field, "不能为空。")
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(field, f"「{value}」不是有效数字。") from None
    else:
        text = normalise(value).removesuffix("元").removesuffix("学时").strip()
        number = _number_text(value, field, "数字", text)
    _check_magnitude(number, value, field)
    if number < 0:
        raise ValidationError(field, f"不能为负数（填写的是 {value}）。")
    return number


CENT = Decimal("0.01")


def parse_money(value, field: str, *, required: bool = False,
                default: Decimal | None = Decimal(0)) -> Decimal | None:
    """An amount in 元 with at most two decimals (分). 1000.005 is refused rather than
    rounded: which of 1000.00 and 1000.01 was meant is for the clerk to say. A number Excel
    computed (0.1 + 0.2 = 0.30000000000000004) is its amount in 分."""
    number = parse_decimal(value, field, required=required, default=default)
    if number is None or number == number.quantize(CENT):
        return number
    if isinstance(value, float) and abs(number - number.quantize(CENT)) < Decimal("1e-9"):
        return number.quantize(CENT)
    raise ValidationError(field, f"「{value}」超过两位小数：金额以元为单位，最多精确到分（两位小数）。")


def parse_bool(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = normalise(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(field, f"「{value}」应填写“是”或“否”。")


def parse_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = LIST_SPLIT.split(str(value))
    items = (strip_invisible(str(s)).strip() for s in items if s)
    return list(dict.fromkeys(s for s in items if s))


def parse_choice(value, vocab, field: str, *, required: bool = True, default=None):
    if is_blank(value):
        if required and default is None:
            raise ValidationError(field, f"不能为空，可选：{'、'.join(vocab.values())}。")
        return default
    try:
        return vocab.parse(normalise(value))
    except ValueError:
        raise ValidationError(
            field, f"「{value}」不是可选值，可选：{'、'.join(vocab.values())}。") from None


def parse_text(value, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    text = "" if value is None else strip_invisible(str(value)).strip()
    if required and not text:
        raise ValidationError(field, "不能为空。")
    if max_length is not None and len(text) > max_length:
        raise ValidationError(field, f"过长（{len(text)} 字，最多 {max_length} 字）。")
    return text
