"""The clerk's day through the window: log an inspection, find it, correct it, undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from core.figures import annual_figures
from core.models import Inspection, Unit
from gui.forms import RecordForm


def _form(window, key="inspection") -> RecordForm:
    view = window.show_view(key)
    return view.new_record()


def _type(widget, text):
    """What typing does to a line edit (QTest cannot type Chinese characters)."""
    widget.insert(text)
    widget.textEdited.emit(widget.text())


def _fill_inspection(qtbot, form, unit="示例区第一中学", staff="朱红、何勇", day="2025/3/5"):
    w = form.widgets
    w["date"].clear()
    qtbot.keyClicks(w["date"], day)
    _type(w["unit_id"], unit)
    w["unit_id"].editingFinished.emit()
    _type(w["inspectors"], staff)
    w["personnel"].setText("3")
    w["result"].setCurrentText("责令整改")
    w["items"].setText("校园安全、食品安全")


def test_log_find_edit_undo(qtbot, window, demo_store):
    with demo_store.read_session() as s:
        before = annual_figures(s, 2025)["inspection.total"]
    form = _fill = _form(window)
    _fill_inspection(qtbot, form, unit="示例区和平路小学", day="2025/3/6")
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.saved_count == 1
    # Ctrl+Enter started a new entry keeping the date and staff, clearing the unit.
    assert form.widgets["date"].text() == "2025-03-06"
    assert form.widgets["inspectors"].text() == "朱红、何勇"
    assert form.widgets["unit_id"].text() == ""
    assert form.record_id is None
    form.close()

    with demo_store.read_session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == before + 1
        rid = s.scalar(select(func.max(Inspection.id)))
    # Find it in the list by searching the unit's name.
    view = window.views["inspection"]
    view.search.setText("和平路")
    view.requery()
    rows = [view.model.row_values(r) for r in range(view.model.rowCount())]
    assert any(r[0] == "2025-03-06" and r[1] == "示例区和平路小学" and r[8] == "责令整改"
               for r in rows)
    # The overview shows the new number, the same one the report counts.
    overview = window.views["overview"]
    assert overview.cards[0].value.text() == f"{before + 1}次"

    # Correct it: personnel 3 -> 4.
    row = view.model.ids.index(rid)
    view.table.selectRow(row)
    edit = view.edit_selected()
    assert edit.widgets["personnel"].text() == "3"
    edit.widgets["personnel"].setText("4")
    assert edit.save()
    with demo_store.read_session() as s:
        assert s.get(Inspection, rid).personnel == 4
    assert window.undo_action.text().startswith("撤销：修改行政检查 2025-03-06")

    window.undo()
    with demo_store.read_session() as s:
        assert s.get(Inspection, rid).personnel == 3
    window.undo()        # the new entry goes to the recycle bin
    with demo_store.read_session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == before
    assert overview.cards[0].value.text() == f"{before}次"
    window.redo()
    with demo_store.read_session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == before + 1


def test_a_wrong_value_is_named_under_its_field_and_nothing_is_saved(qtbot, window, demo_store):
    with demo_store.read_session() as s:
        count = s.scalar(select(func.count()).select_from(Inspection))
    form = _form(window)
    _fill_inspection(qtbot, form, day="2025-13-45")
    assert not form.save()
    error = form.errors["检查日期"]
    assert error.isVisible() and "日期" in error.text() or "2025-13-45" in error.text()
    form.widgets["date"].setText("2025-03-05")
    form.widgets["inspectors"].setText("朱红、不存在的人")
    assert not form.save()
    assert "不存在的人" in form.errors["执法人员"].text()
    assert not form.errors["检查日期"].isVisible()
    with demo_store.read_session() as s:
        assert s.scalar(select(func.count()).select_from(Inspection)) == count
    form.dirty = False
    form.close()


def test_new_unit_created_in_place_and_same_day_warning(qtbot, window, demo_store):
    form = _form(window)
    _fill_inspection(qtbot, form, unit="示例区新开培训中心")
    assert form._new_unit_row.isVisibleTo(form)
    form.unit_type.setCurrentText("校外培训机构")
    assert form.save(and_new=True)
    with demo_store.read_session() as s:
        unit = s.scalar(select(Unit).where(Unit.name == "示例区新开培训中心"))
        assert unit.unit_type == "校外培训机构" and unit.is_enterprise
    # The same unit again on the same day: told that it counts once.
    _type(form.widgets["unit_id"], "示例区新开培训中心")
    form.widgets["unit_id"].editingFinished.emit()
    assert form.unit_note.isVisibleTo(form)
    assert "只计为 1 次" in form.unit_note.text()
    form.dirty = False
    form.close()


def test_closing_a_form_with_changes_asks(qtbot, window, answers):
    form = _form(window)
    form.widgets["items"].setText("招生")
    form.widgets["items"].textEdited.emit("招生")
    answers.replies = [False]            # 继续编辑
    form.reject()
    assert form.isVisible()
    assert "未保存的修改" in answers.asked[-1]
    answers.replies = [True]             # 放弃修改
    form.reject()
    assert not form.isVisible()


def test_main_window_asks_before_losing_an_open_form(qtbot, window, answers):
    form = _form(window)
    form.widgets["items"].setText("招生")
    form.widgets["items"].textEdited.emit("招生")
    answers.replies = [False]
    assert not window.close()
    assert "新增行政检查" in answers.asked[-1]
    form.dirty = False
