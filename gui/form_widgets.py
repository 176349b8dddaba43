"""The widget of each field of an entry form (gui.forms), by the field's kind in gui.kinds.

Only building: a widget's value is set and read by gui.form_values, and the form wires what
the clerk does (Enter, edits, a new unit's name) through the handlers it passes in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QGridLayout, QLineEdit, QPlainTextEdit, QSpinBox, QWidget,
)

from core.models import Inspection
from core.vocab import StaffStatus
from core.years import FIRST_YEAR, LAST_YEAR
from gui import pickers
from gui.kinds import Field

DATE_HINT = "如 2025-03-05 或 2025/3/5"
SINGLE_DEPARTMENT = {"lead_department", "department"}
# What to write in a multi-line field whose form is not plain text.
LONG_HINTS = {"CustomFigure": {
    "sentence": "报告中写出这个指标的句子：{value} 处印出数值，{unit} 单位，{name} 名称，"
                "{year} 年度。如：全年办理学生转学{value}{unit}。不填则报告用模板句子。"}}
LINE_EDIT_WIDGETS = ("text", "int", "float", "money", "date", "unit", "staff", "departments")


def must_choose(f: Field) -> bool:
    """A choice that feeds a statistic starts empty: its first value would look like data
    (检查方式 「双随机一公开·部门联合」 kept by pressing Enter through the form). A new
    person's 状态 is 在岗 by what a new entry is. A choice that may stay blank (its first
    value is "": 检查来源 outside a 个案) starts blank, which is a choice too."""
    return f.vocab is not StaffStatus and "" not in f.vocab.values()


@dataclass
class Wiring:
    """What a form gives its widgets: the names to pick from (unit, staff, departments), the
    records to choose (campaign, penalty, plan_task: (id, text) pairs), the object filtering
    their keys (Enter moves on) and what to call when the clerk presses Enter in a line,
    changes anything, or names a unit."""
    names: dict[str, list[str]]
    picks: dict[str, list[tuple[int, str]]]
    key_filter: QObject
    entered: Callable[[QLineEdit], None]
    touched: Callable[..., None]
    unit_changed: Callable[[], None]


def make_widget(f: Field, model, wiring: Wiring) -> QWidget:
    """The widget for field `f` of a `model` record's form."""
    w: QWidget
    if f.widget in LINE_EDIT_WIDGETS:
        w = QLineEdit()
        w.returnPressed.connect(lambda w=w: wiring.entered(w))
        w.textEdited.connect(wiring.touched)
        if f.widget == "date":
            w.setPlaceholderText(DATE_HINT)
        if f.widget == "money":
            w.setPlaceholderText("元")
        if f.widget in ("unit", "staff", "departments"):
            source = "departments" if f.widget == "departments" else f.widget
            multi = f.widget == "staff" or (f.widget == "departments"
                                            and f.attr not in SINGLE_DEPARTMENT)
            w.setCompleter(pickers.ListCompleter(wiring.names[source], w, multi=multi))
            if multi:
                w.setPlaceholderText("输入姓名可快速选择，多人用、分隔" if f.widget == "staff"
                                     else "输入部门名称可快速选择，多个用、分隔")
        if f.widget == "unit":
            w.setPlaceholderText("输入名称可快速选择；新名称可就地新建")
            w.editingFinished.connect(wiring.unit_changed)
        if f.widget == "date" and f.attr == "date" and model is Inspection:
            w.editingFinished.connect(wiring.unit_changed)
    elif f.widget == "long":
        w = QPlainTextEdit()
        if f.attr in LONG_HINTS.get(model.__name__, {}):
            w.setPlaceholderText(LONG_HINTS[model.__name__][f.attr])
        w.setTabChangesFocus(True)
        w.installEventFilter(wiring.key_filter)      # Enter moves on; Shift+Enter starts a new line
        w.setFixedHeight(64)
        w.textChanged.connect(wiring.touched)
    elif f.widget == "choice":
        w = QComboBox()
        w.addItems(f.vocab.values())
        if must_choose(f):
            w.setPlaceholderText("请选择")
            w.setCurrentIndex(-1)
        w.currentIndexChanged.connect(wiring.touched)
    elif f.widget == "bool":
        w = QCheckBox("是")
        w.toggled.connect(wiring.touched)
    elif f.widget == "kinds":
        w = QWidget()
        grid = QGridLayout(w)
        grid.setContentsMargins(0, 0, 0, 0)
        w.boxes = []
        for i, v in enumerate(f.vocab.values()):
            cb = QCheckBox(v)
            cb.toggled.connect(wiring.touched)
            grid.addWidget(cb, i // 3, i % 3)
            w.boxes.append(cb)
    elif f.widget == "year":
        w = QSpinBox()
        w.setRange(FIRST_YEAR, LAST_YEAR)
        w.valueChanged.connect(wiring.touched)
    elif f.widget == "month":
        w = QComboBox()
        w.addItem("全年", 0)          # 0 for "none", never None (see gui.flaglist)
        for m in range(1, 13):
            w.addItem(f"{m}月", m)
        w.currentIndexChanged.connect(wiring.touched)
    elif f.widget in ("campaign", "penalty", "plan_task"):
        w = QComboBox()
        w.addItem("（无）", 0)
        for i, name in wiring.picks[f.widget]:
            w.addItem(name, i)
        w.currentIndexChanged.connect(wiring.touched)
    else:
        raise ValueError(f.widget)
    w.setObjectName(f.attr)
    # Enter moves on from lists, ticks and numbers too, not only from text fields.
    targets = w.boxes if f.widget == "kinds" else [w]
    for t in targets:
        if isinstance(t, (QComboBox, QCheckBox, QSpinBox)):
            t.installEventFilter(wiring.key_filter)
    return w


def edited_signal(widget: QWidget):
    """The signal a widget gives when the clerk changes it, or None."""
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    return None
