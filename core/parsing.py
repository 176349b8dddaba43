"""Turning what a clerk typed or an Excel cell holds into typed values, or a clear message.

Shared by the GUI forms, the import and the CLI so that 2025/3/5, 2025-03-05, 2025年3月5日,
an Excel date, full-width digits and numbers stored as text all mean the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from core.errors import ValidationError

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／：，＋", "0123456789.-/:,+")
LIST_SPLIT = re.compile(r"[、，,;；\n]+")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已审核", "已"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "未", "未审核", ""}


def normalise(text) -> str:
    """Full-width digits and punctuation to ASCII, surrounding blanks removed."""
    if text is None:
        return ""
    return str(text).translate(_FULLWIDTH).strip().replace("\u3000", " ").strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and normalise(value) == "")


def parse_date(value, field: str, *, required: bool = False) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if is_blank(value):
        if required:
            raise ValidationError(field, "不能为空。")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # An Excel serial date that reached us as a number (1900 date system).
        if 1 <= value < 2958466:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    text = normalise(value)
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    m = _DATE.match(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ValidationError(field, f"「{value}」不是有效日期，请写成 2025-03-05 或 2025年3月5日。")


# No count or amount in a district's year comes near 10^15; bigger text ("9e999999999",
# "inf") is a typo or a hostile cell, and turning it into an int would hang or overflow.
MAX_MAGNITUDE = 15


def _check_magnitude(number: Decimal, value, field: str) -> None:
    if not number.is_finite():
        raise ValidationError(field, f"「{value}」不是有效数字。")
    if number and number.adjusted() >= MAX_MAGNITUDE:
        raise ValidationError(field, f"「{value}」数值过大，请检查。")


def parse_int(value, field: str, *, required: bool = False, default: int = 0,
              minimum: int | None = 0) -> int:
    if is_blank(value):
        if required:
            raise ValidationError(field, "不能为空。")
        return default
    if isinstance(value, bool):
        raise ValidationError(field, f"「{value}」不是整数。")
    try:
        number = Decimal(normalise(value).replace(",", "")) if not isinstance(value, (int, float)) else Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(field, f"「{value}」不是整数。") from None
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
    text = normalise(value).replace(",", "").removesuffix("元").removesuffix("学时").strip()
    try:
        number = Decimal(str(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else Decimal(text)
    except InvalidOperation:
        raise ValidationError(field, f"「{value}」不是有效数字。") from None
    _check_magnitude(number, value, field)
    if number < 0:
        raise ValidationError(field, f"不能为负数（填写的是 {value}）。")
    return number


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
    return list(dict.fromkeys(s.strip() for s in items if s and str(s).strip()))


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
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError(field, "不能为空。")
    if max_length is not None and len(text) > max_length:
        raise ValidationError(field, f"过长（{len(text)} 字，最多 {max_length} 字）。")
    return text
