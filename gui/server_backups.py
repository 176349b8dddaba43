"""立即备份, the automatic copies and 从备份恢复 for a ledger on a server (issue 22).

The copy itself is core's (core.server_backup: a pg_dump dump, or the full ledger workbook
where pg_dump is missing). A server copy takes seconds (a city's workbook half a minute), so
the day's automatic one runs in the background; the one on close waits, as the file's does.
Restoring replaces what every clerk sees: an administrator's action, asked twice, the second
time by typing the database's name.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QInputDialog

from core import connection
from core.errors import ZhifaError
from gui import filedialogs, messages

log = logging.getLogger(__name__)


def daily_backup_in_background(window, shared, folder: Path) -> bool:
    """The day's first automatic copy of a server ledger, off the window's thread; the
    outcome goes to the status bar (and a failure to the log). False if none is due."""
    from core.backups import auto_backup, daily_backup_due
    from gui.background import run_task

    try:
        if not daily_backup_due(folder):
            return False
    except OSError:
        return False
    store = shared.store

    def done(target):
        window.statusBar().showMessage(f"已自动备份到「{Path(target).parent}」", 8000)

    def failed(message, details):
        log.warning("daily backup of the server ledger failed: %s %s", message, details)
        window.statusBar().showMessage(f"自动备份失败：{message}")

    window.statusBar().showMessage("正在自动备份服务器台账…")
    run_task(lambda _progress: auto_backup(store, folder), window, done, failed)
    return True


def restore_server_backup(window, shared, folder: Path, backup: Path | None = None) -> bool:
    """从备份恢复 on a server ledger: choose a dump, asked twice, restored in one transaction
    after a safety dump (core.server_backup.restore_server), and every pane reread."""
    from core.server_backup import EXPORT_SUFFIX, restore_server

    store = shared.store
    database = (connection.server_parts(store.location) or {}).get("database", "")
    if backup is None:
        name = filedialogs.open_file(window, "选择服务器台账的备份", str(folder),
                                     "服务器台账备份 (*.dump);;台账 Excel 备份 (*.xlsx)")
        if not name:
            return False
        backup = Path(name)
    if backup.suffix.lower() == EXPORT_SUFFIX:
        messages.warn(window, "无法恢复", f"「{backup.name}」是台账 Excel 备份：请在一个空的台账中"
                      f"用「文件 → 导入台账」恢复它。")
        return False
    if not messages.ask(
            window, "从备份恢复服务器台账",
            f"用备份「{backup.name}」替换服务器台账「{database}」中的全部数据？\n\n"
            f"这是管理员的操作：各科室录入的、备份之后的记录都将被替换。当前数据会先另存一份。"
            f"请先通知其他科室关闭程序。", yes="继续", no="取消", safe_default=True):
        return False
    typed, ok = QInputDialog.getText(
        window, "再次确认", f"请输入数据库名「{database}」以确认恢复：")
    if not ok or typed.strip() != database:
        if ok:
            messages.warn(window, "未恢复", "输入的数据库名不符，未做任何改动。")
        return False
    outcome: list = []

    def reopen():
        from core.store import open_store

        store.close()
        try:
            outcome.append(restore_server(store.location, backup, folder / "恢复前副本"))
        except ZhifaError as exc:
            outcome.append(exc)
        return open_store(store.location)

    shared.replace_store(reopen)
    if hasattr(window, "fill_years"):
        window.fill_years()
    if isinstance(outcome[0], ZhifaError):
        messages.warn(window, "恢复失败", str(outcome[0]))
        return False
    messages.info(window, "恢复完成", f"已从备份恢复服务器台账「{database}」。\n"
                  f"恢复前的数据另存在：{outcome[0]}")
    return True
