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
    w["category"].setCurrentText("日常检查")            # the clerk chooses: no default
    w["method"].setCurrentText("双随机一公开·部门联合")
    w["result"].setCurrentText("责令整改")
    w["items"].setText("校园安全、食品安全")


def _docx_text(path) -> str:
    import docx
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_log_find_edit_undo_and_the_number_is_in_the_report(qtbot, window, show, demo_store,
                                                             answers, tmp_path):
    # Hand-counted from the demo year: 72 inspections, 177 personnel sent out.
    overview = show("overview")
    assert overview.cards[0].value.text() == "72次"
    assert overview.cards[2].value.text() == "177人次"

    # Log an inspection through the form; Ctrl+Enter saves and starts the next entry.
    form = _form(window)
    _fill_inspection(qtbot, form, unit="示例区和平路小学", day="2025/3/6")
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.saved_count == 1
    # The new entry keeps the date and staff, and clears the unit.
    assert form.widgets["date"].text() == "2025-03-06"
    assert form.widgets["inspectors"].text() == "朱红、何勇"
    assert form.widgets["unit_id"].text() == ""
    assert form.record_id is None
    form.close()
    with demo_store.read_session() as s:
        rid = s.scalar(select(func.max(Inspection.id)))

    # Find it in the list by typing part of the unit's name in the search box.
    view = window.views["inspection"]
    view.search.setText("和平路")
    qtbot.waitUntil(lambda: all(view.model.row_values(r)[1] == "示例区和平路小学"
                                for r in range(view.model.rowCount())))
    rows = [view.model.row_values(r) for r in range(view.model.rowCount())]
    assert ("2025-03-06", "示例区和平路小学") in [(r[0], r[1]) for r in rows]
    assert any(r[0] == "2025-03-06" and r[8] == "责令整改" and r[5] == "朱红、何勇" for r in rows)

    # Correct it: personnel 3 -> 4.
    view.table.selectRow(view.model.ids.index(rid))
    edit = view.edit_selected()
    assert edit.windowTitle() == "编辑行政检查"
    assert edit.widgets["personnel"].text() == "3"
    edit.widgets["personnel"].setText("4")
    assert edit.save()
    with demo_store.read_session() as s:
        assert s.get(Inspection, rid).personnel == 4
    assert window.undo_action.text().startswith("撤销：修改行政检查 2025-03-06")

    # Undo puts 3 back; the overview counts 73 inspections and 177 + 3 personnel.
    window.undo()
    with demo_store.read_session() as s:
        assert s.get(Inspection, rid).personnel == 3
    overview = show("overview")
    assert overview.cards[0].value.text() == "73次"
    assert overview.cards[2].value.text() == "180人次"

    # Year end: 生成年度报告 checks first: the demo year's 3 planted flags and the new
    # inspection, whose result was never published. The clerk goes on anyway.
    report = show("report")
    report.folder.setText(str(tmp_path / "报告"))
    with qtbot.waitSignal(report.checked, timeout=20000) as checked:
        qtbot.mouseClick(report.generate_button, Qt.MouseButton.LeftButton)
    flags = checked.args[0]
    assert len(flags) == 3 + 1
    assert any(f.record_id == rid and f.rule == "inspection.publication" for f in flags)
    assert report.flags.isVisible() and report.continue_button.isVisible()
    with qtbot.waitSignal(report.finished, timeout=60000) as done:
        qtbot.mouseClick(report.continue_button, Qt.MouseButton.LeftButton)
    files = done.args[0]
    text = _docx_text(files.docx)
    assert "共开展行政检查73次" in text and "共开展行政检查72次" not in text
    assert "出动执法人员180人次" in text
    assert files.annex.is_file() and files.annex.parent == files.docx.parent
    assert report.open_docx.isVisible() and report.open_folder.isVisible()
    assert report.open_annex.isVisible() and report.open_working.isVisible()
    assert files.working.is_file() and files.working.parent == files.docx.parent
    for button in (report.open_docx, report.open_annex, report.open_working, report.open_folder):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in answers.opened] == [
        str(files.docx), str(files.annex), str(files.working), str(tmp_path / "报告")]

    # Undo once more: the new inspection goes to the recycle bin, and redo brings it back.
    window.undo()
    with demo_store.read_session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == 72
    assert show("overview").cards[0].value.text() == "72次"
    window.redo()
    with demo_store.read_session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == 73


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


def test_a_refused_save_brings_the_field_it_names_into_view(qtbot, window, demo_store):
    """On a short screen the form scrolls; a refused Ctrl+Enter seemed to do nothing while
    the field it named was scrolled away. The field is scrolled to and has the cursor."""
    form = _form(window)
    _fill_inspection(qtbot, form, day="2025-13-45")
    form.resize(form.width(), 320)
    qtbot.wait(50)
    bar = form.scroll.verticalScrollBar()
    assert bar.maximum() > 0                    # the form scrolls at this height
    bar.setValue(bar.maximum())                 # the clerk is at the last field
    assert not form.save()
    date = form.widgets["date"]
    top = date.mapTo(form.scroll.widget(), date.rect().topLeft()).y()
    assert bar.value() <= top <= bar.value() + form.scroll.viewport().height()
    assert date.hasFocus() or form.focusWidget() is date
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
