"""Two clerks on one ledger, as the window shows it (issue 22): a save of a record another
clerk changed after the form opened is refused with that clerk's name and offers
「重新载入」; a delete of a row changed since it was listed is refused; 「操作记录」 shows who
did what to one record."""

from __future__ import annotations

import contextlib

from core import audit
from core.models import PenaltyCase
from core.records import save
from core.store import open_store


@contextlib.contextmanager
def _other_clerk(demo_store):
    """A session of 李四 (民办教育科) on the same ledger, from a store of his own."""
    other = open_store(demo_store.location)
    try:
        audit.act_as(other.engine, "li", "李四", "民办教育科")
        with other.session() as s:
            yield s
    finally:
        other.close()


def test_a_save_over_another_clerks_change_is_refused_and_reloads(qtbot, window, demo_store,
                                                                   answers):
    view = window.show_view("penalty")
    view.table.selectRow(0)
    rid = view.selected_ids()[0]
    form = view.edit_selected()
    with _other_clerk(demo_store) as s:
        case = s.get(PenaltyCase, rid)
        case.facts = "李四补充的违法事实"
        save(s, case)
    form.widgets["facts"].setPlainText("我的修改")
    answers.replies = [True]                    # 「重新载入」
    assert not form.save()
    assert answers.asked[-1].startswith("记录已被他人修改：")
    assert "李四（li）" in answers.asked[-1]
    with demo_store.read_session() as s:
        assert s.get(PenaltyCase, rid).facts == "李四补充的违法事实"
    # Reloaded: the form shows the other clerk's words, and saves over them now.
    assert form.widgets["facts"].toPlainText() == "李四补充的违法事实"
    assert not form.dirty
    form.widgets["facts"].setPlainText("看过后再改")
    assert form.save()
    with demo_store.read_session() as s:
        assert s.get(PenaltyCase, rid).facts == "看过后再改"


def test_a_delete_of_a_row_changed_since_it_was_listed_is_refused(qtbot, window, demo_store,
                                                                  answers):
    view = window.show_view("penalty")
    view.table.selectRow(1)
    rid = view.selected_ids()[0]
    assert view.model.versions[rid] == 1
    with _other_clerk(demo_store) as s:
        case = s.get(PenaltyCase, rid)
        case.legal_basis = "《教育法》"
        save(s, case)
    answers.replies = [True, False]              # yes, delete; then 「取消」 (no reload)
    view.delete_selected()
    assert "李四" in answers.asked[-1] and "删除" in answers.asked[-1]
    with demo_store.read_session() as s:
        assert s.get(PenaltyCase, rid).deleted_at is None


def test_the_record_log_shows_who_did_what(qtbot, window, demo_store, answers):
    view = window.show_view("penalty")
    view.table.selectRow(0)
    rid = view.selected_ids()[0]
    with _other_clerk(demo_store) as s:
        case = s.get(PenaltyCase, rid)
        case.fine_cents = (case.fine_cents or 0) + 10000
        save(s, case)
    dialog = view.show_log()
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    assert [r[2] for r in rows] == ["新增", "修改"]
    assert rows[1][1] == "李四（li）"
    assert "罚款金额：" in rows[1][3] and "→" in rows[1][3]
    assert "最后修改人：李四（li）" in dialog.summary.text()
    dialog.close()


def test_the_lists_pick_up_another_clerks_change(qtbot, window, demo_store, answers):
    view = window.show_view("penalty")
    shown = view.model.rowCount()
    heard: list[frozenset] = []
    window.shared.records_changed.connect(heard.append)
    assert window.change_watch.check() == frozenset()          # nothing new yet
    with _other_clerk(demo_store) as s:
        first = s.get(PenaltyCase, view.model.id_at(0))
        save(s, PenaltyCase(decision_no="李四罚〔2025〕1号", party="某培训学校",
                            party_type="法人或其他组织", procedure="简易程序", kinds="警告",
                            decided_on=first.decided_on))
    assert window.change_watch.check() == frozenset({"PenaltyCase"})
    assert heard == [frozenset({"PenaltyCase"})]
    assert view.model.rowCount() == shown + 1
    assert window.change_watch.check() == frozenset()          # told once
    # The window's own save is announced by gui.operations, not again by the watcher.
    view.table.selectRow(0)
    form = view.edit_selected()
    form.widgets["facts"].setPlainText("本窗口的修改")
    assert form.save()
    assert window.change_watch.check() == frozenset()


def test_report_words_another_clerk_saved_meanwhile_are_not_written_over(qtbot, window, show,
                                                                         demo_store, answers):
    """Two reviewers on one block of 报告文字: the second save is refused naming the first,
    whether the block was stored when the page showed it or not."""
    from core.narrative import save_block, OWN
    from core.models import NarrativeText
    from sqlalchemy import select

    def stored(year, block):
        with demo_store.read_session() as s:
            return s.scalars(select(NarrativeText).where(
                NarrativeText.year == year, NarrativeText.block == block,
                NarrativeText.deleted_at.is_(None))).one().text

    view = show("narrative")
    for year, block in ((2025, "导语"), (2026, "存在的问题")):    # stored / not yet stored
        window.shared.set_year(year)
        view.select_block(block)
        with _other_clerk(demo_store) as s:
            save_block(s, year, block, "李四写的文字。", confirm=True, origin=OWN)
        view.editor.setPlainText("我写的文字。")
        answers.replies = [True]                    # 「重新载入」
        assert not view.save()
        assert answers.asked[-1].startswith("记录已被他人修改：") and "李四（li）" in answers.asked[-1]
        assert stored(year, block) == "李四写的文字。"
        assert view.editor.toPlainText() == "李四写的文字。" and not view.dirty
        view.editor.setPlainText("看过后再改。")
        assert view.save()
        assert stored(year, block) == "看过后再改。"


def test_a_read_only_user_is_offered_no_change(qtbot, window, demo_store, answers):
    """A 只读 login (or read-only media): the lists offer no 新增/删除, a save is refused in
    words before anything reaches the ledger, the title says 只读 (the server's grants
    refuse all the same: tests/core/test_server_roles.py)."""
    window.shared._writable = False
    view = window.show_view("penalty")
    view._offer_changes()
    assert not view.new_button.isEnabled() and not view.delete_button.isEnabled()
    window.update_title()
    assert window.windowTitle().endswith("（只读）")
    assert window.new_record() is None
    view.table.selectRow(0)
    rid = view.selected_ids()[0]
    form = view.edit_selected()                  # 编辑 still opens the record to read it
    form.widgets["facts"].setPlainText("只读用户的修改")
    assert not form.save()
    assert "只读" in form.banner.text() or any("只读" in a for a in answers.shown)
    with demo_store.read_session() as s:
        assert s.get(PenaltyCase, rid).facts != "只读用户的修改"
    form.dirty = False
    form.close()
