"""Settings and safety: backups (on close, daily, by hand), restore, the database check, the
lock naming the PC, a second start, errors in words and bugs with details, the first start."""

from __future__ import annotations

import datetime as dt
import json
import socket
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from sqlalchemy import func, select

from core.backups import list_backups
from core.errors import OutputError
from core.lock import lock_path
from core.models import Inspection
from core.paths import default_backup_dir
from core.records import profile, years_with_data


def _inspections(store) -> int:
    with store.read_session() as s:
        return s.scalar(select(func.count()).select_from(Inspection).where(
            Inspection.deleted_at.is_(None)))


def test_backup_by_hand_then_restore_it(qtbot, window, demo_store, tmp_path, answers):
    window.shared.settings.setValue("backup/folder", str(tmp_path / "共享盘备份"))
    backup = window.backup_now()
    assert backup.parent == tmp_path / "共享盘备份" and backup.is_file()
    assert "已备份到" in answers.shown[-1]
    before = _inspections(demo_store)

    # A wrong deletion… and the backup brings the inspections back.
    view = window.show_view("inspection")
    shown = view.model.rowCount()
    view.table.selectRow(0)
    view.delete_selected()
    assert _inspections(window.shared.store) == before - 1
    assert window.restore_backup(backup)
    assert "用备份" in answers.asked[-1]
    assert _inspections(window.shared.store) == before
    assert view.model.rowCount() == shown             # the list reads the restored ledger
    assert window.check_database()
    assert answers.shown[-1] == "数据库检查：数据库完好，没有发现问题。"


def test_a_damaged_backup_is_refused_in_words(window, tmp_path, answers):
    bad = tmp_path / "坏的备份.db"
    bad.write_bytes(b"not a database" * 100)
    assert not window.restore_backup(bad)
    assert answers.shown[-1].startswith("无法恢复：")


def test_the_ledger_itself_picked_as_the_backup_is_refused_before_asking(window, answers):
    assert not window.restore_backup(window.shared.store.path)
    assert answers.shown[-1].startswith("无法恢复：") and "就是正在使用的台账本身" in answers.shown[-1]
    assert answers.asked == []                 # never asked to replace the ledger


def test_closing_backs_up_and_the_day_gets_one_automatic_copy(qtbot, window, tmp_path):
    folder = tmp_path / "备份"
    window.shared.settings.setValue("backup/folder", str(folder))
    first = window.daily_backup()
    assert first is not None and first.is_file()
    assert window.daily_backup() is None               # one per day
    first.unlink()
    window.close()
    assert len(list_backups(folder)) == 1              # and one on closing


def test_an_unwritable_backup_folder_is_told_in_words(window, tmp_path, answers):
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x")
    window.shared.settings.setValue("backup/folder", str(blocker / "备份"))
    assert window.backup_now() is None
    assert answers.shown[-1].startswith("备份失败：")
    assert "Traceback" not in answers.shown[-1]


def test_a_ledger_open_on_another_pc_names_that_pc(qtbot, tmp_path, answers):
    from gui.app import open_ledger

    db = tmp_path / "台账.db"
    now = dt.datetime.now().isoformat()
    lock_path(db).write_text(json.dumps(dict(
        host="JIAOYUJU-FZK-02", user="zhangsan", pid=4242, started=now, heartbeat=now,
        token="abc")), encoding="utf-8")
    store, lock = open_ledger(str(db))
    assert store is None and lock is None
    assert "JIAOYUJU-FZK-02" in answers.shown[-1]
    # Our own start takes the lock and names this PC in the lock file.
    lock_path(db).unlink()
    store, lock = open_ledger(str(db))
    assert json.loads(lock_path(db).read_text(encoding="utf-8"))["host"] == socket.gethostname()
    lock.release()
    store.close()


def test_a_second_start_brings_the_first_window_forward(qtbot):
    from gui.single_instance import InstanceServer, hand_over

    server = InstanceServer()
    with qtbot.waitSignal(server.show_requested, timeout=5000):
        assert hand_over()
    server.close()
    assert not hand_over(timeout_ms=200)


def test_errors_in_words_bugs_in_a_dialog_with_details_and_in_the_log(qtbot, window,
                                                                      answers, monkeypatch):
    from core.logs import setup_logging
    from gui import crash

    log_file = setup_logging()
    shown = []
    monkeypatch.setattr(crash, "show_bug", lambda parent, message, details:
                        shown.append((message, details)))
    try:
        raise OutputError("文件「报告.docx」正被其他程序（如 Word、WPS 或 Excel）打开或为只读，请关闭该文件后重试。")
    except OutputError:
        crash.excepthook(*sys.exc_info())
    assert answers.shown[-1].startswith("无法完成：文件「报告.docx」正被其他程序")
    assert shown == []
    try:
        {}["缺少的键"]
    except KeyError:
        crash.excepthook(*sys.exc_info())
    message, details = shown[-1]
    assert "缺少的键" in message and "Traceback" in details
    assert "KeyError" in log_file.read_text(encoding="utf-8")


def test_the_bug_dialog_copies_its_details(qtbot, window):
    from gui.crash import BugDialog

    dialog = BugDialog(window, "示例错误", "Traceback (most recent call last):\nKeyError: 'x'")
    qtbot.addWidget(dialog)
    assert "示例错误" in dialog.head.text() and "zhifa.log" in dialog.head.text()
    assert dialog.details.toPlainText().endswith("KeyError: 'x'")
    assert dialog.copy_button.text() == "复制详细信息"
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text().endswith("KeyError: 'x'")


def test_an_empty_ledgers_overview_shows_a_dash_for_a_rate_of_nothing(qtbot, store, answers):
    """The first thing a new clerk sees: 持证率 and 人均学法学时 of no staff at all read 「—」,
    not 「None%」."""
    from gui.app import build_window
    from gui.overview import KEY_FIGURES

    win, _shared = build_window(store, dt.date.today().year)
    qtbot.addWidget(win)
    win.show()                                 # a hidden overview does not count
    overview = win.show_view("overview")
    qtbot.waitUntil(lambda: overview.figures is not None and overview.busy.isHidden())
    shown = {key: card.value.text() for key, card in zip(KEY_FIGURES, overview.cards)}
    assert shown["staff.certified_rate"] == "—"
    assert shown["training.avg_hours"] == "—"
    assert shown["inspection.total"] == "0次"


def test_first_start_offers_the_demo_year(qtbot, store, answers):
    from gui.app import build_window, offer_demo

    win, shared = build_window(store, dt.date.today().year)
    qtbot.addWidget(win)
    answers.replies = [False]                  # 从空白台账开始
    assert not offer_demo(win, shared)
    with store.read_session() as s:
        assert years_with_data(s) == []
    answers.replies = [True]                   # 载入示例数据
    assert offer_demo(win, shared)
    assert "示例数据" in answers.asked[-1]
    with store.read_session() as s:
        assert profile(s).full_name == "示例区教育局"
        assert dt.date.today().year in years_with_data(s)
    assert not offer_demo(win, shared)         # never offered again once there is data
    win.on_close = None
    win.close()


def test_the_bureau_profile_is_edited_with_errors_under_the_form(qtbot, window, demo_store):
    dialog = window.edit_profile()
    assert dialog.full_name.text() == "示例区教育局"
    dialog.full_name.setText("天津市示例区教育局")
    dialog.document_date.setText("2026年2月30日")
    dialog.accept()
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)
    assert "成文日期" in dialog.error.text()
    dialog.document_date.setText("2026/1/20")
    dialog.accept()
    assert not dialog.isVisible()
    with demo_store.read_session() as s:
        p = profile(s)
        assert (p.full_name, p.document_date) == ("天津市示例区教育局", dt.date(2026, 1, 20))


def test_data_file_and_backup_folder_are_remembered(qtbot, window, tmp_path):
    dialog = window.edit_locations()
    dialog.backups.setText(str(tmp_path / "网络盘" / "台账备份"))
    dialog.db.setText(str(tmp_path / "台账.db"))
    dialog.accept()
    assert window.backup_folder() == tmp_path / "网络盘" / "台账备份"
    assert window.shared.settings.value("data/location") == str(tmp_path / "台账.db")


def test_geometry_year_and_last_view_are_remembered(qtbot, window, demo_store):
    from gui.app import build_window
    from gui.mainwindow import NAVIGATION

    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "概览", "行政检查", "行政处罚", "其他执法行为", "执法人员", "检查对象", "学法培训",
        "专项行动", "权责清单", "检查计划", "检查频次上限", "复议诉讼", "其他指标", "报告文字",
        "生成年度报告"]
    assert len(NAVIGATION) == 15
    window.show_view("penalty")
    window.resize(window.width(), 540)
    window.year_box.setCurrentIndex(window.year_box.findData(2024))
    assert window.shared.year == 2024
    geometry = window.saveGeometry()
    window.close()
    assert window.shared.settings.value("window/geometry") == geometry
    again, _shared = build_window(demo_store)
    qtbot.addWidget(again)
    assert again.shared.year == 2024
    assert again.stack.currentWidget() is again.views["penalty"]
    assert again.nav.currentItem().text() == "行政处罚"
    # (Qt fits a restored window into the offscreen 800×600 screen, so the size itself
    # cannot be compared here.)
    again.on_close = None


def test_a_data_file_on_a_shared_drive_is_warned_about(qtbot, window, answers, tmp_path):
    # A path starting // is a UNC path (\\\\server\\share) to the program; on Linux it is
    # also a real folder, so the file can be checked like any other.
    shared_file = "/" + str(tmp_path / "台账.db")
    dialog = window.edit_locations()
    dialog.db.setText(shared_file)
    answers.replies = [True, False]            # 使用新位置 (a new ledger), 重新选择
    dialog.accept()
    assert dialog.isVisible() and "共享盘" in answers.asked[-1]
    assert window.shared.settings.value("data/location", "") != shared_file
    answers.replies = [True, True]             # 使用新位置, 仍然使用
    dialog.accept()
    assert window.shared.settings.value("data/location") == shared_file


def test_a_data_file_that_cannot_be_opened_is_refused_when_chosen(qtbot, window, answers,
                                                                   tmp_path):
    dialog = window.edit_locations()
    dialog.db.setText(str(tmp_path))           # the folder, not a file in it
    dialog.accept()
    assert dialog.isVisible()
    assert answers.shown[-1].startswith("无法使用这个数据文件：") and "是文件夹" in answers.shown[-1]
    assert window.shared.settings.value("data/location", "") == ""
    dialog.db.setText(str(tmp_path / "新台账.db"))
    answers.replies = [False]                  # 重新选择
    dialog.accept()
    assert "还没有台账数据" in answers.asked[-1] and "不会被移动或复制" in answers.asked[-1]
    assert dialog.isVisible() and window.shared.settings.value("data/location", "") == ""
    answers.replies = [True]                   # 使用新位置
    dialog.accept()
    assert not dialog.isVisible()
    assert window.shared.settings.value("data/location") == str(tmp_path / "新台账.db")
    # Switched to now, under every pane (gui.locations, through Shared.replace_store).
    assert window.shared.store.location == str(tmp_path / "新台账.db")
    assert (tmp_path / "新台账.db").exists()


def test_a_data_file_typed_without_its_folder_is_saved_with_it(qtbot, window, answers, tmp_path,
                                                               monkeypatch):
    """「台账.db」 alone would name a file in whatever folder the next start runs in."""
    monkeypatch.chdir(tmp_path)
    dialog = window.edit_locations()
    dialog.db.setText("执法台账2026.db")
    dialog.accept()
    assert window.shared.settings.value("data/location") == str(tmp_path / "执法台账2026.db")


def test_the_window_title_names_the_bureau(qtbot, window):
    assert window.windowTitle() == "教育行政执法台账 — 示例区教育局"
    dialog = window.edit_profile()
    dialog.full_name.setText("天津市示例区教育局")
    dialog.accept()
    assert window.windowTitle() == "教育行政执法台账 — 天津市示例区教育局"


def test_a_lock_taken_over_by_another_pc_is_told_once(qtbot, window, tmp_path, answers):
    from core.lock import DatabaseLock
    from gui.app import watch_lock

    db = tmp_path / "台账.db"
    db.touch()
    lock = DatabaseLock.acquire(db, heartbeat=None)
    timer = watch_lock(window, lock, every_ms=10)
    lock_path(db).unlink()                     # another PC cleared it (解除占用)
    qtbot.waitUntil(lambda: not timer.isActive())
    assert answers.shown == ["台账已被其他电脑打开：" + answers.shown[0].split("：", 1)[1]]
    assert "台账.db" in answers.shown[0] and "请关闭程序" in answers.shown[0]


def test_the_program_has_its_icon_and_qt_speaks_chinese(qapp):
    """Qt's own buttons (Cancel, Yes) come out in Chinese, and windows carry the icon."""
    from PySide6.QtCore import QCoreApplication

    from gui.app import dress

    dress(qapp)
    assert not qapp.windowIcon().isNull()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_a_hand_edited_settings_file_does_not_stop_the_start(qtbot, demo_store, answers):
    """设置.ini is a text file beside the data; a colleague "fixing" it by hand leaves a year
    that is no year and paths QSettings reads as lists (a comma). The start goes on with
    today's year and the default folders instead of ending in an error every time."""
    from gui.app import build_window, make_shared
    from gui.reportview import default_output_dir
    from gui.shared import app_settings, text_setting

    settings = app_settings()
    settings.setValue("window/year", "二〇二五")
    settings.sync()
    ini = Path(settings.fileName())
    ini.write_text(ini.read_text("utf-8") + "\n[backup]\nfolder=D:\\备份, E:\\备份\n"
                   "[report]\nfolder=a, b\n", "utf-8")
    settings = app_settings()
    assert isinstance(settings.value("backup/folder"), list)          # how QSettings reads it
    assert text_setting(settings, "backup/folder", "默认") == "默认"
    assert make_shared(demo_store).year == dt.date.today().year
    settings.setValue("window/year", 99999)
    assert make_shared(demo_store).year == dt.date.today().year
    win, shared = build_window(demo_store, 2025)
    qtbot.addWidget(win)
    assert win.backup_folder() == default_backup_dir()
    assert win.show_view("report").folder.text() == str(default_output_dir())


def test_the_report_basis_is_kept_in_the_profile(qtbot, window, demo_store):
    dialog = window.edit_profile()
    assert dialog.legal_basis.text() == ""            # empty: the region's default
    dialog.legal_basis.setText("《天津市行政执法监督规定》和《行政执法监督条例》")
    dialog.accept()
    with demo_store.read_session() as s:
        assert profile(s).legal_basis == "《天津市行政执法监督规定》和《行政执法监督条例》"
