"""立即备份, the day's automatic copy and 从备份恢复 in the window on a server ledger (issue
22, gui/server_backups.py). Run with ZHIFA_TEST_DATABASE_URL set (.ci/run runs this file on
its server): the window's demo ledger is then a database on that server."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from core.models import Inspection

pytestmark = pytest.mark.server_only


@pytest.fixture
def window(window):
    yield window
    QThreadPool.globalInstance().waitForDone(20_000)     # before the ledger is dropped


def _inspections(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Inspection)
                        .where(Inspection.deleted_at.is_(None)))


def test_backup_now_and_the_daily_copy_of_a_server_ledger_are_dumps(qtbot, window, tmp_path,
                                                                    answers):
    window.shared.settings.setValue("backup/folder", str(tmp_path / "备份"))
    window.daily_backup()                                # off the window's thread
    qtbot.waitUntil(lambda: bool(list((tmp_path / "备份").glob("*-自动.dump"))), timeout=30_000)
    qtbot.waitUntil(lambda: "已自动备份" in window.statusBar().currentMessage(), timeout=10_000)
    window.daily_backup()                                # done for today: not again
    QThreadPool.globalInstance().waitForDone(20_000)
    assert len(list((tmp_path / "备份").glob("*-自动.dump"))) == 1
    made = window.backup_now()
    assert made.suffix == ".dump" and made.name.endswith("-手动.dump")
    assert answers.shown[-1].startswith("备份完成：")


def test_restore_of_a_server_ledger_is_asked_twice(qtbot, window, tmp_path, answers,
                                                    monkeypatch):
    window.shared.settings.setValue("backup/folder", str(tmp_path / "备份"))
    backup = window.backup_now()
    store = window.shared.store
    before = _inspections(store)
    view = window.show_view("inspection")
    view.table.selectRow(0)
    view.delete_selected()
    assert _inspections(window.shared.store) == before - 1
    database = make_url(store.location).database

    typed = []
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda *a, **k: (typed.pop(0), True))
    answers.replies = [False]                            # 取消 at the first question
    assert not window.restore_backup(backup)
    assert answers.safe[-1] and "管理员的操作" in answers.asked[-1]
    typed.append("zhifa_wrong")                          # the name typed wrong
    assert not window.restore_backup(backup)
    assert "数据库名不符" in answers.shown[-1]
    assert _inspections(window.shared.store) == before - 1
    typed.append(database)
    assert window.restore_backup(backup)
    assert answers.shown[-1].startswith("恢复完成：") and "恢复前的数据另存在" in answers.shown[-1]
    assert _inspections(window.shared.store) == before
    assert view.model.rowCount() >= 1
    assert list((tmp_path / "备份" / "恢复前副本").glob("*-恢复前.dump"))
