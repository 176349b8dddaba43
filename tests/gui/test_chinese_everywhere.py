"""Every word the clerk sees is Chinese: each page, each form and the menus are scanned for
English words (keys and products by name excepted), and Qt's own dialogs are translated."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QTableView,
)

from gui.kinds import KINDS
from gui.mainwindow import NAVIGATION

# Names, not English: keys on the keyboard, products and file types the clerk knows.
NAMES = re.compile(r"Ctrl|Shift|Enter|Delete|Excel|WPS|Word|GB/T|docx|xlsx|Ctrl\+\w"
                   r"|\{(value|unit|name|year)\}")     # a custom figure's placeholders


def english(texts) -> list[str]:
    return [t for t in texts if re.search(r"[A-Za-z]{2,}", NAMES.sub("", t or ""))]


def visible_texts(widget) -> list[str]:
    out = [widget.windowTitle()]
    for w in widget.findChildren(QLabel):
        if w.isVisibleTo(widget):
            out.append(w.text())
    for w in widget.findChildren(QAbstractButton):
        if w.isVisibleTo(widget):
            out += [w.text(), w.toolTip()]
    for w in widget.findChildren(QGroupBox):
        out.append(w.title())
    for w in widget.findChildren(QLineEdit) + widget.findChildren(QPlainTextEdit):
        out.append(w.placeholderText())
    for w in widget.findChildren(QComboBox):
        out += [w.itemText(i) for i in range(w.count())] + [w.placeholderText()]
    for w in widget.findChildren(QTableView):
        model = w.model()
        if model is not None:
            out += [str(model.headerData(c, __import__("PySide6.QtCore", fromlist=["Qt"])
                                         .Qt.Orientation.Horizontal) or "")
                    for c in range(model.columnCount())]
    return out


def test_every_page_form_and_menu_speaks_chinese(qtbot, window, show):
    from gui.forms import open_form

    found = []
    for _label, key in NAVIGATION:
        found += english(visible_texts(show(key)))
    for action in window.menuBar().actions():
        found += english([action.text()])
        found += english([a.text() for a in action.menu().actions()])
    for key in KINDS:
        form = open_form(window.shared, key, None, parent=window)
        found += english(visible_texts(form))
        form.close()
    assert found == []


def test_qt_dialogs_speak_chinese(qtbot):
    from PySide6.QtWidgets import QApplication

    from gui.app import dress

    dress(QApplication.instance())
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QCoreApplication.translate("QFileDialog", "Files of type:") == "文件类型："


def test_about_names_the_version(window, answers):
    from core import __version__

    about = next(a for a in window.menus["帮助"].actions() if a.text() == "关于")
    about.trigger()
    assert __version__ in answers.shown[-1] and "版本" in answers.shown[-1]


def test_a_custom_figures_sentence_says_what_its_braces_are(window):
    from gui.forms import open_form

    form = open_form(window.shared, "custom", None, parent=window)
    hint = form.widgets["sentence"].placeholderText()
    assert "{value} 处印出数值" in hint and "{unit}" in hint
    form.close()


def test_file_dialogs_say_every_label_in_chinese(qtbot):
    """Qt's translation left 「Look in:」 and 「Files of type:」 English in the drawn dialog."""
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog, QLabel

    import gui
    from gui.filedialogs import make_dialog

    dialog = make_dialog(None, "选择要导入的台账", "/", "Excel 工作簿 (*.xlsx)")
    qtbot.addWidget(dialog)
    for label in (QFileDialog.DialogLabel.LookIn, QFileDialog.DialogLabel.FileType,
                  QFileDialog.DialogLabel.FileName, QFileDialog.DialogLabel.Accept,
                  QFileDialog.DialogLabel.Reject):
        assert english([dialog.labelText(label)]) == [], dialog.labelText(label)
    assert english([w.text() for w in dialog.findChildren(QLabel)]) == []
    folder = Path(gui.__file__).parent
    direct = [p.name for p in folder.glob("*.py") if p.name != "filedialogs.py"
              and re.search(r"QFileDialog\.get", p.read_text(encoding="utf-8"))]
    assert direct == []
