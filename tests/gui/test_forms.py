"""Entry forms: the keyboard path, the pickers, undo of deletes, flags that open records, and
no reference lost to None/True/False while the clerk works (PySide6 6.12 drops them when an
empty QVariant comes back to Python, and the interpreter dies once None's count reaches 0)."""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from core.models import Inspection, PenaltyCase
from gui.forms import RecordForm, open_form


def test_enter_moves_to_the_next_field_and_never_saves(qtbot, window, demo_store):
    form = window.show_view("inspection").new_record()
    qtbot.waitExposed(form)
    form.activateWindow()
    form.widgets["date"].setFocus()
    qtbot.waitUntil(lambda: form.widgets["date"].hasFocus())
    qtbot.keyClicks(form.widgets["date"], "2025/4/1")
    qtbot.keyClick(form.widgets["date"], Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.widgets["unit_id"]
    qtbot.keyClick(form.widgets["unit_id"], Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.widgets["category"]
    qtbot.keyClick(form.widgets["category"], Qt.Key.Key_Return)      # a list moves on too
    assert QApplication.focusWidget() is form.widgets["method"]
    form.widgets["recorded"].setFocus()
    qtbot.keyClick(form.widgets["recorded"], Qt.Key.Key_Return)      # and a tick box
    assert QApplication.focusWidget() is form.widgets["published_on"]
    assert form.saved_count == 0 and form.isVisible()
    form.dirty = False
    form.close()


def test_pickers_offer_staff_units_and_departments_by_typing(qtbot, window):
    form = window.show_view("inspection").new_record()
    staff = form.widgets["inspectors"].completer()
    staff.setCompletionPrefix("朱")
    assert "朱红" in [staff.completionModel().index(i, 0).data()
                     for i in range(staff.completionModel().rowCount())]
    # With one name typed, the next is completed after the 、 and the first is kept.
    form.widgets["inspectors"].setText("何勇、朱")
    assert staff.splitPath("何勇、朱") == ["朱"]
    staff.setCompletionPrefix("朱")
    first = staff.completionModel().mapToSource(staff.completionModel().index(0, 0))
    assert staff.pathFromIndex(first) == "何勇、" + first.data()
    assert first.data().startswith("朱")
    units = form.widgets["unit_id"].completer()
    units.setCompletionPrefix("第一中")
    assert units.completionModel().index(0, 0).data() == "示例区第一中学"
    partners = form.widgets["partner_departments"].completer()
    partners.setCompletionPrefix("消防")
    assert partners.completionModel().index(0, 0).data() == "区消防救援支队"
    form.close()


def test_a_deleted_case_comes_back_with_undo(qtbot, window, demo_store, answers):
    view = window.show_view("penalty")
    row = next(r for r in range(view.model.rowCount())
               if view.model.row_values(r)[0] != "示教罚〔2025〕4号")
    number = view.model.row_values(row)[0]
    view.table.selectRow(row)
    view.delete_selected()
    assert "回收站" in answers.asked[-1]
    assert number not in [view.model.row_values(r)[0] for r in range(view.model.rowCount())]
    assert window.undo_action.text() == f"撤销：删除行政处罚「{number}」"
    window.undo()
    assert number in [view.model.row_values(r)[0] for r in range(view.model.rowCount())]
    assert view.model.rowCount() == 4
    with demo_store.read_session() as s:
        assert s.scalar(select(PenaltyCase.deleted_at).where(
            PenaltyCase.decision_no == number)) is None


def test_clicking_a_flag_on_the_overview_opens_its_record(qtbot, window, show, demo_store):
    overview = show("overview")
    # The demo's 3 planted record flags (core/demo.py)
    assert overview.flags_title.text() == "待处理的合规提示：3 条（点击打开记录）"
    head = overview.flags.topLevelItem(0)
    assert head.text(0) == "行政检查执法人员不少于两人（1 条）"
    overview.flags.itemClicked.emit(head.child(0), 0)
    [form] = window.findChildren(RecordForm)
    assert form.windowTitle() == "编辑行政检查"
    with demo_store.read_session() as s:
        flagged = s.get(Inspection, form.record_id)
        assert flagged.unit.name == "示例区第四中学" and len(flagged.inspectors) == 1
    form.close()


def test_a_working_session_keeps_none_true_and_false_alive(qtbot, window, show):
    """A session of filtering, new forms, checks and year changes, then values Qt hands back
    empty (a role nothing set, from a form's picker, a filter and the list) 3,000 times
    each: PySide6 6.12 dropped a reference to None for each one. The counts are taken around
    that loop alone, after a collection: the session itself frees and makes objects holding
    None/True/False, which moves the counts by hundreds either way (a flaky margin before)."""
    view = show("inspection")
    box = view.filter_boxes["result"]
    for i in range(150):
        box.setCurrentIndex(i % box.count())
        view.requery()
        form = view.new_record()
        form.widgets["month" if "month" in form.widgets else "campaign_id"].currentData()
        form.close()
        window.fill_years()
    narrative, report = window.views["narrative"], window.views["report"]
    for i in range(40):
        show("overview")
        narrative.select_block(narrative.blocks.item(i % 7).text().split("（")[0])
        with qtbot.waitSignal(report.checked, timeout=20000):
            report.check()
        if report.flags.topLevelItemCount():
            report.flags.itemClicked.emit(report.flags.topLevelItem(0), 0)   # a group head
        window.year_box.setCurrentIndex(i % window.year_box.count())

    view = show("inspection")
    form = view.new_record()
    picker = form.widgets["campaign_id"]
    cell = view.model.index(0, 0)
    unset = Qt.ItemDataRole.UserRole + 7                     # a role nothing sets: empty
    assert (picker.itemData(0, unset), box.itemData(0, unset), cell.data(unset)) \
        == (None, None, None)
    rounds = 3000
    # The session's background work (the overview's figures, the report's check) must be
    # over: a task still finishing frees objects holding None while the loop is counted
    # (it failed so on a loaded machine).
    QThreadPool.globalInstance().waitForDone()
    QCoreApplication.processEvents()
    gc.collect()
    before = {v: sys.getrefcount(v) for v in (None, True, False)}
    for _ in range(rounds):
        picker.itemData(0, unset)
        box.itemData(0, unset)
        cell.data(unset)
        picker.currentData()
    gc.collect()
    for value, count in before.items():
        assert sys.getrefcount(value) > count - 100, value
    form.close()


def test_a_background_count_reads_one_moment_while_the_clerk_saves(demo_store):
    from core.models import Unit
    from core.records import save

    count = select(func.count()).select_from(Unit)
    with demo_store.reading() as s:
        before = s.scalar(count)
        with demo_store.session() as w:           # the clerk saves meanwhile
            save(w, Unit(name="示例区新开幼儿园", unit_type="民办幼儿园"))
        assert s.scalar(count) == before
    with demo_store.reading() as s:
        assert s.scalar(count) == before + 1


def test_a_training_for_everyone_takes_one_click(qtbot, window, demo_store):
    from core.models import Training

    form = window.show_view("training").new_record()
    form.widgets["date"].setText("2025-12-26")
    form.widgets["topic"].setText("年终执法案卷评查培训")
    form.widgets["hours"].setText("3")
    form.widgets["form"].setCurrentText("集中培训")
    form.all_staff_button.click()
    names = form.widgets["participants"].text().split("、")
    assert len(names) == 20 and "郑华" not in names          # 郑华's certificate is cancelled
    assert any(label.text() == "共 20 人" and label.isVisibleTo(form)
               for label in form.findChildren(type(form.hint)))
    assert form.save()
    with demo_store.read_session() as s:
        t = s.scalar(select(Training).where(Training.topic == "年终执法案卷评查培训"))
        assert len(t.participants) == 20 and t.hours == 3


def test_a_form_refuses_a_third_decimal_of_a_yuan_in_the_imports_words(qtbot, window, demo_store):
    """Forms read money with core.parsing.parse_money, as the import does: 1000.005 元 was
    rounded to 1000.01 without a word."""
    from core.errors import ValidationError
    from core.parsing import parse_money

    with pytest.raises(ValidationError) as imported:
        parse_money("1000.005", "罚款金额")
    case_id, fine = _first(demo_store, PenaltyCase, PenaltyCase.fine_cents > 0)
    form = open_form(window.shared, "penalty", case_id, parent=window)
    form.widgets["fine_cents"].setText("1000.005")
    before = _count(demo_store, PenaltyCase)
    assert form.save() is False
    shown = form.errors["罚款金额"]
    assert not shown.isHidden()
    assert shown.text() == str(imported.value).split("：", 1)[-1]
    assert "两位小数" in shown.text()
    assert _count(demo_store, PenaltyCase) == before
    assert _first(demo_store, PenaltyCase, PenaltyCase.id == case_id)[1] == fine
    form.widgets["fine_cents"].setText("1000.01")       # two decimals are an amount
    assert form.save() is True
    assert _first(demo_store, PenaltyCase, PenaltyCase.id == case_id)[1] == 100001
    form.dirty = False
    form.close()


def test_a_form_refuses_a_count_beyond_the_one_limit(qtbot, window, demo_store):
    from core.limits import MAX_COUNT

    inspection_id, _personnel = _first(demo_store, Inspection, Inspection.personnel > 0)
    form = open_form(window.shared, "inspection", inspection_id, parent=window)
    form.widgets["personnel"].setText(str(MAX_COUNT + 1))
    assert form.save() is False
    assert "过大" in form.errors["出动人次"].text()
    form.widgets["personnel"].setText(str(MAX_COUNT))
    assert form.save() is True
    form.dirty = False
    form.close()


def _first(store, model, where) -> tuple:
    column = model.fine_cents if model is PenaltyCase else model.personnel
    with store.read_session() as s:
        return tuple(s.execute(select(model.id, column).where(where).order_by(model.id)).first())


def _count(store, model) -> int:
    with store.read_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_every_choice_the_form_refuses_unchosen_is_starred(qtbot, window):
    """「带 * 的为必填项」: 检查结果 was refused with 「请选择」 without its star."""
    from PySide6.QtWidgets import QComboBox, QFormLayout

    from gui.kinds import KINDS
    from gui.mainwindow import NAVIGATION

    checked = 0
    for _label, key in NAVIGATION:
        if key not in KINDS:
            continue
        form = window.show_view(key).new_record()
        qtbot.waitExposed(form)
        layout = form.findChild(QFormLayout)
        for f in KINDS[key].fields:
            w = form.widgets[f.attr]
            if isinstance(w, QComboBox) and f.widget == "choice" and w.currentIndex() < 0:
                label = layout.labelForField(w.parentWidget()).text()
                assert label == f"{f.label(KINDS[key].model)}*：", (key, label)
                checked += 1
        form.dirty = False
        form.close()
    assert checked >= 8          # 检查类别、方式、结果, 当事人类型、程序 …


def test_a_record_saved_into_another_year_says_where_it_is(qtbot, window, demo_store):
    """The list shows 2025; an entry dated 2024 is saved but not in it: the status bar says
    which year to choose, instead of only 「已保存」."""
    view = window.show_view("training")

    def save_training(day: str, topic: str) -> str:
        form = view.new_record()
        form.widgets["date"].setText(day)
        form.widgets["topic"].setText(topic)
        form.widgets["hours"].setText("2")
        form.widgets["form"].setCurrentText("集中培训")
        assert form.save()
        return window.statusBar().currentMessage()

    message = save_training("2024-12-20", "补录的上年培训")
    assert message.startswith("已保存学法培训。它属于2024年度") and "选2024年" in message
    assert save_training("2025-12-20", "本年培训") == "已保存学法培训。"
