"""Putting a value into an entry form's widget and reading it back (gui.forms).

Reading parses with core.parsing, the same functions the import uses, so a form refuses
what the import refuses with the same words (1000.005 元 is refused, not rounded to
1000.01). Staff and units, which are looked up in the ledger, are read by the form itself.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from core.errors import ValidationError
from core.models import cents_to_yuan, join_list, split_list, yuan_to_cents
from core.parsing import parse_date, parse_decimal, parse_int, parse_money, parse_text
from gui import pickers
from gui.form_widgets import SINGLE_DEPARTMENT, must_choose
from gui.kinds import Field


def set_value(w: QWidget, f: Field, value, default_year: int) -> None:
    """Show `value` (as the record holds it) in field `f`'s widget `w`."""
    if f.widget == "unit":
        w.setText(value.name if value is not None else "")
    elif f.widget == "staff":
        w.setText("、".join(p.name for p in value))
        w.setCursorPosition(0)              # a long list shows its first names
    elif f.widget == "date":
        w.setText(f"{value:%Y-%m-%d}" if value else "")
    elif f.widget == "money":
        w.setText("" if value is None else f"{cents_to_yuan(value):f}")
    elif f.widget == "float":
        w.setText("" if value is None else f"{value:g}")
    elif f.widget in ("text", "int", "departments"):
        w.setText("" if value is None else str(value))
    elif f.widget == "long":
        w.setPlainText(value or "")
    elif f.widget == "choice":
        w.setCurrentText(value or "")
    elif f.widget == "bool":
        w.setChecked(bool(value))
    elif f.widget == "kinds":
        chosen = set(split_list(value))
        for cb in w.boxes:
            cb.setChecked(cb.text() in chosen)
    elif f.widget == "year":
        w.setValue(int(value or default_year))
    elif f.widget in ("month", "campaign", "penalty", "plan_task"):
        w.setCurrentIndex(max(0, w.findData(value or 0)))


def read_value(w: QWidget, f: Field, label: str, *, nullable: bool):
    """The value field `f`'s widget `w` holds, as the record stores it, or ValidationError
    naming `label`. Not for staff and units (the form looks them up in the ledger)."""
    if f.widget in ("text", "departments"):
        text = parse_text(w.text(), label, required=f.required)
        if f.widget == "departments" and f.attr not in SINGLE_DEPARTMENT:
            return join_list(pickers.split_names(text))
        return text
    if f.widget == "long":
        return parse_text(w.toPlainText(), label, required=f.required)
    if f.widget == "int":
        return parse_int(w.text(), label, required=f.required)
    if f.widget == "float":
        v = parse_decimal(w.text(), label, required=f.required)
        return None if v is None else float(v)
    if f.widget == "money":
        # Decimal(0), not None: an empty 罚款金额 of a case without a fine is 0 分.
        return yuan_to_cents(parse_money(w.text(), label,
                                         default=None if nullable else Decimal(0)))
    if f.widget == "date":
        return parse_date(w.text(), label, required=f.required)
    if f.widget == "choice":
        if w.currentIndex() < 0:
            raise ValidationError(label, "请选择。")
        return w.currentText()
    if f.widget == "bool":
        return w.isChecked()
    if f.widget == "kinds":
        return join_list(cb.text() for cb in w.boxes if cb.isChecked())
    if f.widget == "year":
        return w.value()
    if f.widget in ("month", "campaign", "penalty", "plan_task"):
        return w.currentData() or None
    raise ValueError(f.widget)


def clear_value(w: QWidget, f: Field) -> None:
    """Empty field `f` for the next new entry."""
    if isinstance(w, (QLineEdit, QPlainTextEdit)):
        w.clear()
    elif isinstance(w, QCheckBox):
        w.setChecked(False)
    elif isinstance(w, QComboBox):
        w.setCurrentIndex(-1 if f.widget == "choice" and must_choose(f) else 0)
    elif f.widget == "kinds":
        for cb in w.boxes:
            cb.setChecked(False)


def draft_value(w: QWidget, f: Field):
    """What field `f` shows now, as text, ticks or a choice (not parsed: a half-typed date
    is kept as typed), for a draft (gui.drafts)."""
    if f.widget == "kinds":
        return [cb.text() for cb in w.boxes if cb.isChecked()]
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QSpinBox):
        return w.value()
    if f.widget == "choice":
        # None for nothing chosen yet; "" is the blank item an optional choice offers
        return w.currentText() if w.currentIndex() >= 0 else None
    if isinstance(w, QComboBox):
        return w.currentData()
    return None


def apply_draft_value(w: QWidget, f: Field, value) -> None:
    """Put back what draft_value kept."""
    if f.widget == "kinds":
        for cb in w.boxes:
            cb.setChecked(cb.text() in value)
    elif isinstance(w, QLineEdit):
        w.setText(str(value))
    elif isinstance(w, QPlainTextEdit):
        w.setPlainText(str(value))
    elif isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, QSpinBox):
        w.setValue(int(value))
    elif f.widget == "choice":
        w.setCurrentIndex(-1 if value is None else w.findText(value))
    elif isinstance(w, QComboBox):
        w.setCurrentIndex(max(0, w.findData(value or 0)))
