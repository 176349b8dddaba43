"""The clerk's day with the keyboard: a form opens ready to type, Ctrl+N wherever the focus
is, Enter through every field, names picked one after another, and no default that puts
data the clerk never chose into the statistics."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from core.models import Unit
from gui.forms import RecordForm


def _focus(qtbot, widget) -> None:
    widget.window().activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_the_arrow_keys_at_start_go_from_page_to_page_not_to_another_year(qtbot, window):
    """The focus starts in the navigation; it was in the year box, where the first arrow
    key switched the statistical year."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.nav)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert window.stack.currentWidget() is window.views["inspection"]
    assert window.shared.year == 2025 and window.year_box.currentData() == 2025


def test_ctrl_n_right_after_clicking_a_page_opens_a_form_ready_to_type(qtbot, window):
    window.activateWindow()
    _focus(qtbot, window.nav)
    window.nav.setCurrentRow([k for _l, k in __import__("gui.mainwindow", fromlist=["x"])
                              .NAVIGATION].index("penalty"))
    assert window.nav.hasFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    [form] = window.findChildren(RecordForm)
    assert form.windowTitle() == "新增行政处罚"
    qtbot.waitExposed(form)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.widgets["decision_no"])
    form.close()


def test_enter_leaves_a_multi_line_field_and_shift_enter_starts_a_line(qtbot, window):
    form = window.show_view("campaign").new_record()
    qtbot.waitExposed(form)
    note = form.widgets["note"]
    _focus(qtbot, note)
    note.insertPlainText("第一行")
    qtbot.keyClick(note, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    note.insertPlainText("第二行")
    assert note.hasFocus() and note.toPlainText() == "第一行\n第二行"
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert not note.hasFocus() and note.toPlainText() == "第一行\n第二行"
    form.dirty = False
    form.close()


def test_a_name_picked_with_enter_keeps_the_cursor_for_the_next(qtbot, window):
    form = window.show_view("inspection").new_record()
    qtbot.waitExposed(form)
    staff = form.widgets["inspectors"]
    _focus(qtbot, staff)
    qtbot.keyClicks(staff, "a")                 # anything, to have the field edited
    staff.setText("何勇、朱")
    completer = staff.completer()
    completer.setCompletionPrefix("朱")
    completer.complete()
    qtbot.waitUntil(completer.popup().isVisible)
    popup = completer.popup()
    popup.setCurrentIndex(completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: staff.text().endswith("、"))
    assert staff.text().startswith("何勇、朱") and staff.text().endswith("、")
    assert form.focusWidget() is staff                   # ready for a third name
    qtbot.keyClick(staff, Qt.Key.Key_Return)             # an Enter of its own moves on
    assert form.focusWidget() is form.widgets["lead_department"]
    form.dirty = False
    form.close()


def test_closing_a_changed_form_keeps_it_unless_discarding_is_chosen(qtbot, window, answers):
    form = window.show_view("penalty").new_record()
    form.widgets["party"].setText("某培训中心")
    form.dirty = True
    answers.replies = [False]
    form.close()
    assert form.isVisible() and answers.safe[-1] is True   # Enter there keeps editing
    form.dirty = False
    form.close()


def test_a_statistic_is_never_filled_in_by_a_default(qtbot, window, demo_store):
    form = window.show_view("inspection").new_record()
    assert form.widgets["method"].currentIndex() == -1
    assert form.widgets["category"].currentText() == ""
    form.widgets["date"].setText("2025-06-03")
    form.widgets["unit_id"].setText("示例区第一中学")
    form.widgets["inspectors"].setText("何勇、朱红")
    form.widgets["category"].setCurrentText("专项检查")
    form.widgets["result"].setCurrentText("合格")
    assert not form.save()
    assert "请选择" in form.errors["检查方式"].text()
    form.widgets["method"].setCurrentText("双随机一公开·内部")
    assert not form.errors["检查方式"].isVisibleTo(form)      # the old message goes at once
    assert form.save()
    again = window.show_view("inspection").new_record()      # the last choice carries over
    assert again.widgets["method"].currentText() == "双随机一公开·内部"
    assert again.widgets["category"].currentText() == "专项检查"
    assert again.widgets["result"].currentIndex() == -1      # a result is chosen each time
    again.close()


def test_a_new_unit_takes_its_type_from_its_name_or_is_asked(qtbot, window, demo_store):
    form = window.show_view("inspection").new_record()
    w = form.widgets
    for attr, value in (("category", "日常检查"), ("method", "其他"), ("result", "合格")):
        w[attr].setCurrentText(value)
    w["date"].setText("2025-06-04")
    w["inspectors"].setText("何勇、朱红")
    w["unit_id"].setText("示例区星光艺术培训中心")
    w["unit_id"].editingFinished.emit()
    assert form.unit_type.currentText() == "校外培训机构"
    w["unit_id"].setText("示例区第九中学")                    # public or private: not said
    w["unit_id"].editingFinished.emit()
    assert form.unit_type.currentIndex() == -1
    assert not form.save()
    assert "请选择它的类型" in form.errors["检查对象"].text()
    form.unit_type.setCurrentText("民办学校")
    assert form.save()
    with demo_store.read_session() as s:
        unit = s.scalar(select(Unit).where(Unit.name == "示例区第九中学"))
        assert unit.unit_type == "民办学校" and unit.is_enterprise


def test_every_menu_opens_with_alt_and_its_letter(qtbot, window):
    """A clerk working with the keyboard only reaches the menus: 文件(F) 编辑(E) 数据(D) 帮助(H)."""
    from PySide6.QtGui import QKeySequence

    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["文件(&F)", "编辑(&E)", "数据(&D)", "帮助(&H)"]
    keys = {QKeySequence.mnemonic(t).toString() for t in titles}
    assert keys == {"Alt+F", "Alt+E", "Alt+D", "Alt+H"}


def test_enter_presses_the_focused_button_in_the_main_window(qtbot, window):
    """Only the space bar did: Qt presses a focused button on Enter only in a dialog."""
    overview = window.show_view("overview")
    button = overview.penalty_chart_button
    assert not button.isChecked()
    _focus(qtbot, button)
    qtbot.keyClick(button, Qt.Key.Key_Return)
    qtbot.waitUntil(button.isChecked)
    qtbot.keyClick(button, Qt.Key.Key_Enter)            # the keypad's
    qtbot.waitUntil(lambda: not button.isChecked())
    qtbot.keyClick(button, Qt.Key.Key_Space)            # as before
    qtbot.waitUntil(button.isChecked)


def test_from_the_search_box_down_or_enter_goes_to_the_rows_found(qtbot, window):
    """Type words, press Enter (or Down): the first row found is selected (where Enter opens
    it). The list was a dozen Tabs away from the search box."""
    view = window.show_view("penalty")
    _focus(qtbot, view.search)
    everything = view.model.rowCount()
    view.search.insert("〔2025〕1号")     # as an input method commits it (QTest types Latin only)
    qtbot.keyClick(view.search, Qt.Key.Key_Return)      # at once, not after the pause
    assert view.table.hasFocus() and view.table.currentIndex().row() == 0
    assert view.model.rowCount() == 1 < everything
    _focus(qtbot, view.search)
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert view.table.hasFocus() and view.table.currentIndex().row() == 0
