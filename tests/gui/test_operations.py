"""One path for every change: a save, a delete, an undo and an import each go through
gui.operations, tell the panes once which kinds changed, and never leave an undo step or a
half-seen plan behind."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from sqlalchemy import func, select

from core.errors import ZhifaError
from core.models import Inspection, PenaltyCase, Unit
from gui.operations import Operation

GUI = Path(__file__).resolve().parents[2] / "gui"


def _announcements(shared) -> list[frozenset]:
    heard: list[frozenset] = []
    shared.records_changed.connect(heard.append)
    return heard


def test_no_pane_opens_a_writing_session_of_its_own():
    writers = {p.name for p in GUI.glob("*.py")
               if re.search(r"store\.session\(", p.read_text(encoding="utf-8"))}
    assert writers == {"operations.py"}


def test_a_save_a_delete_and_an_undo_each_say_once_what_they_touched(window, answers):
    shared = window.shared
    heard = _announcements(shared)
    form = window.show_view("inspection").new_record()
    form.widgets["date"].setText("2025-06-02")
    form.widgets["unit_id"].setText("示例区第一中学")
    form.widgets["inspectors"].setText("何勇、朱红")
    for attr, value in (("category", "日常检查"), ("method", "其他"), ("result", "合格")):
        form.widgets[attr].setCurrentText(value)
    assert form.save()
    assert heard == [frozenset({"Inspection", "Unit"})]
    assert window.statusBar().currentMessage() == "已保存行政检查。"

    view = window.show_view("penalty")
    # 4号 is still under 行政复议, and refused: any other case is deleted.
    view.table.selectRow(next(r for r in range(view.model.rowCount())
                              if view.model.row_values(r)[0] != "示教罚〔2025〕4号"))
    view.delete_selected()
    assert heard[-1] == frozenset({"PenaltyCase"})
    assert "移入回收站" in window.statusBar().currentMessage()
    assert window.undo()
    assert heard[-1] == frozenset({"PenaltyCase"}) and len(heard) == 3
    assert window.statusBar().currentMessage().startswith("已撤销：删除")
    assert window.redo()
    assert window.statusBar().currentMessage().startswith("已重做：删除")


def test_a_change_that_fails_leaves_no_undo_step_and_says_why(window, demo_store, answers):
    shared = window.shared
    heard = _announcements(shared)
    steps = shared.history.undo_label

    def save_then_refused(s):
        shared.history.save(s, Unit(name="示例区新开幼儿园", unit_type="民办幼儿园"))
        raise ZhifaError("磁盘已满，台账没有保存。")

    assert not Operation(shared, window, save_then_refused, touches={"Unit"},
                         failure_title="无法保存").run()
    assert answers.shown == ["无法保存：磁盘已满，台账没有保存。"]
    assert heard == []
    assert shared.history.undo_label == steps                # no step for what never happened
    with demo_store.read_session() as s:
        assert s.scalar(select(Unit).where(Unit.name == "示例区新开幼儿园")) is None


def test_a_bug_in_a_change_is_shown_with_its_details(window, answers):
    def broken(_s):
        raise KeyError("unit")

    assert not Operation(window.shared, window, broken, touches={"Unit"}).run()
    [(message, details)] = answers.bugs
    assert message.startswith("程序出错") and "KeyError" in details
    answers.bugs.clear()


def test_a_save_while_an_import_writes_is_told_to_wait_and_keeps_the_input(
        qtbot, window, demo_store):
    shared = window.shared
    release = threading.Event()

    def long_import(s, _say):
        release.wait(20)
        return 0

    finished = []
    assert Operation(shared, window, long_import, touches={"Inspection"},
                     what="导入台账").on_success(finished.append).run_in_background()
    form = window.show_view("penalty").new_record()
    form.widgets["decision_no"].setText("示教罚〔2025〕9号")
    form.widgets["party"].setText("示例区某培训中心")
    form.widgets["kinds"].boxes[0].setChecked(True)          # 警告
    form.widgets["party_type"].setCurrentText("法人或其他组织")
    form.widgets["procedure"].setCurrentText("简易程序")
    assert not form.save()
    assert "正在导入台账" in form.banner.text() and form.banner.isVisibleTo(form)
    assert form.widgets["decision_no"].text() == "示教罚〔2025〕9号"   # nothing typed is lost
    release.set()
    qtbot.waitUntil(lambda: finished == [0], timeout=20000)
    assert form.save(), [e.text() for e in form.errors.values() if e.isVisibleTo(form)]
    with demo_store.read_session() as s:
        assert s.scalar(select(func.count()).select_from(PenaltyCase).where(
            PenaltyCase.decision_no == "示教罚〔2025〕9号")) == 1


def test_the_import_plan_is_read_from_a_snapshot_not_a_writing_session(
        qtbot, window, demo_store, tmp_path, monkeypatch):
    from core.ledger_io.exporter import export_ledger

    source = tmp_path / "台账.xlsx"
    with demo_store.read_session() as s:
        export_ledger(s, 2025, source)

    def no_writing(*_a, **_k):
        raise AssertionError("planning the import opened a writing session")

    monkeypatch.setattr(type(demo_store), "session", no_writing)
    window.ledger.preview(source)
    qtbot.waitUntil(lambda: window.ledger.dialog is not None, timeout=30000)
    assert "重复跳过" in window.ledger.dialog.summary.toPlainText()
    window.ledger.dialog.reject()


def test_a_list_reads_again_only_when_a_kind_it_shows_changed(window, monkeypatch):
    inspections = window.show_view("inspection")
    reads = []
    monkeypatch.setattr(inspections, "refresh", lambda: reads.append(1))
    window.shared.records_changed.emit(frozenset({"PenaltyCase"}))
    assert reads == []                 # a penalty is not in the inspection list
    window.shared.records_changed.emit(frozenset({"Unit"}))
    assert reads == [1]                # a unit's name is
    assert window.views["review"].kind.depends_on == {"ReviewCase", "PenaltyCase"}


def test_restoring_a_backup_hands_every_list_the_new_ledger(window, answers):
    view = window.show_view("inspection")
    old = window.shared.store
    backup = window.backup_now()
    replaced = []
    window.shared.store_replaced.connect(replaced.append)
    assert window.restore_backup(backup)
    assert replaced == [window.shared.store] and window.shared.store is not old
    assert view.model.store is window.shared.store
    with window.shared.store.read_session() as s:
        listed = s.scalar(select(func.count()).select_from(Inspection).where(
            Inspection.deleted_at.is_(None), Inspection.date.between("2025-01-01", "2025-12-31")))
    assert view.model.rowCount() == listed == 73
    assert view.model.row_values(listed - 1)[0].startswith("2025-")


def test_the_window_does_not_close_while_an_import_writes(qtbot, window, answers):
    release = threading.Event()
    finished = []
    Operation(window.shared, window, lambda s, _say: release.wait(20), touches=set(),
              what="导入台账").on_success(finished.append).run_in_background()
    window.close()
    assert window.isVisible() and "正在导入台账" in answers.shown[-1]
    release.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=20000)


def test_an_import_refused_while_writing_keeps_the_undo_steps_and_says_why(
        qtbot, window, answers):
    from types import SimpleNamespace

    from core.errors import ImportFileError

    view = window.show_view("penalty")
    view.table.selectRow(next(r for r in range(view.model.rowCount())
                              if view.model.row_values(r)[0] != "示教罚〔2025〕4号"))
    view.delete_selected()
    steps = window.shared.history.undo_label
    heard = _announcements(window.shared)

    def refused(_s, say):
        say("正在写入…")
        raise ImportFileError("「台账.xlsx」在检查之后被修改过，请重新导入。")

    window.ledger.commit(SimpleNamespace(commit=refused))
    qtbot.waitUntil(lambda: any(t.startswith("导入未完成") for t in answers.shown),
                    timeout=20000)
    assert "被修改过" in answers.shown[-1]
    assert heard == [] and window.shared.history.undo_label == steps
    assert window.statusBar().currentMessage() == ""
    assert window.shared.writer.busy_with is None
