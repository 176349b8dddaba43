"""文件 → 数据文件与备份位置: which ledger the program works on, a file on this PC (the
default) or a ledger on the bureau's PostgreSQL server (issue 22), and where backups go.

Every rule lives in core: the server's address (core.connection.server_location), where its
password is kept (core.connection: the system's password store, never 设置.ini), what a
location holds (core.store.probe_location). This only asks and shows. Testing a server runs
in the background: an unreachable one takes up to SERVER_CONNECT_TIMEOUT_S seconds.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QInputDialog,
    QLabel, QLineEdit, QPushButton, QRadioButton, QSizePolicy, QSpinBox, QStackedWidget,
    QVBoxLayout, QWidget,
)

from core import connection
from core.errors import ZhifaError
from core.paths import default_backup_dir, default_db_location
from gui import filedialogs
from gui.shared import (
    BACKUP_FOLDER_KEY, LOCATION_KEY, server_settings, set_server_settings, text_setting,
)

log = logging.getLogger(__name__)

LOCAL, SERVER = 0, 1


class LocationsDialog(QDialog):
    """数据文件与备份位置. A file stays on this PC's disk; backups may go to a share."""

    def __init__(self, shared, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.window_ = parent
        self.setWindowTitle("数据文件与备份位置")
        self.setMinimumWidth(560)
        st = shared.settings
        current = text_setting(st, LOCATION_KEY) or default_db_location()
        parts = connection.server_parts(current)
        remembered = server_settings(st)

        self.local_choice = QRadioButton("本机台账（默认）(&L)")
        self.server_choice = QRadioButton("服务器台账(&S)")
        self.kind = QButtonGroup(self)
        self.kind.addButton(self.local_choice, LOCAL)
        self.kind.addButton(self.server_choice, SERVER)
        kinds = QHBoxLayout()
        kinds.addWidget(self.local_choice)
        kinds.addWidget(self.server_choice)
        kinds.addStretch(1)

        # The file: what the program used before there were servers.
        self.db = QLineEdit(current if parts is None else
                            text_setting(st, "data/file", default_db_location()))
        local_form = QFormLayout()
        local_form.addRow("台账数据文件(&F)：", self._with_browse(self.db, file=True))
        local_note = QLabel("数据文件请放在本机硬盘上（放在共享盘上可能损坏）。")
        local_note.setWordWrap(True)
        local_form.addRow(local_note)
        local_page = QWidget()
        local_page.setLayout(local_form)

        # The server: its fields, the password, and 测试连接.
        fields = parts or remembered
        self.host = QLineEdit(str(fields.get("host", "")), placeholderText="如 10.1.2.3 或 db.jyj.gov.cn")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(fields.get("port") or connection.DEFAULT_PORT))
        self.database = QLineEdit(str(fields.get("database", "") or "zhifa"))
        self.user = QLineEdit(str(fields.get("user", "")))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setObjectName("serverPassword")
        self.keyring_ready = connection.keyring_ready()
        self.keep_password = QCheckBox("记住密码（保存在本机系统的凭据管理器中）(&R)")
        self.keep_password.setChecked(self.keyring_ready)
        self.keep_password.setEnabled(self.keyring_ready)
        self.test_button = QPushButton("测试连接(&T)")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setObjectName("connectionResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        server_form = QFormLayout()
        host_row = QHBoxLayout()
        host_row.addWidget(self.host, 1)
        host_row.addWidget(QLabel("端口(&P)："))
        host_row.addWidget(self.port)
        host_label = QLabel("服务器地址(&H)：")
        host_label.setBuddy(self.host)
        server_form.addRow(host_label, host_row)
        server_form.addRow("数据库名(&D)：", self.database)
        server_form.addRow("用户名(&U)：", self.user)
        server_form.addRow("密码(&W)：", self.password)
        server_form.addRow("", self.keep_password)
        if not self.keyring_ready:
            no_keyring = QLabel(connection.NO_KEYRING)
            no_keyring.setObjectName("noKeyring")
            no_keyring.setWordWrap(True)
            server_form.addRow(no_keyring)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        server_form.addRow(test_row)
        server_page = QWidget()
        server_page.setLayout(server_form)
        for label in server_page.findChildren(QLabel):
            if label.buddy() is None and label.text().startswith("端口"):
                label.setBuddy(self.port)
        if parts is not None:
            self.password.setPlaceholderText("已保存（不修改请留空）" if
                                             connection.stored_password(current) else "")

        self.pages = QStackedWidget()
        self.pages.addWidget(local_page)
        self.pages.addWidget(server_page)
        self.kind.idToggled.connect(self._kind_changed)

        self.backups = QLineEdit(text_setting(st, BACKUP_FOLDER_KEY, str(default_backup_dir())))
        common = QFormLayout()
        common.addRow("备份文件夹(&B)：", self._with_browse(self.backups, file=False))
        note = QLabel("备份文件夹可以是共享盘。本机台账在每天第一次打开和每次关闭时自动备份；"
                      "服务器台账每天自动备份一次，为数据库转储文件（本机装有 pg_dump 时）"
                      "或完整的台账 Excel。")
        note.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(kinds)
        layout.addWidget(self.pages)
        layout.addLayout(common)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        (self.server_choice if parts is not None else self.local_choice).setChecked(True)
        self._kind_changed(self.kind.checkedId(), True)
        self._busy = False
        self._tested: tuple | None = None       # (location, password) last told reachable

    # --- showing ------------------------------------------------------------------------
    def _kind_changed(self, which: int, checked: bool) -> None:
        if not checked:
            return
        self.pages.setCurrentIndex(which)
        # Sized to the page shown, not the taller one hidden (the file page is two lines).
        for i in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if i == which else QSizePolicy.Policy.Ignored
            self.pages.widget(i).setSizePolicy(policy, policy)
        self.pages.adjustSize()
        self.adjustSize()
        (self.db if which == LOCAL else (self.host if not self.host.text() else
                                         self.password)).setFocus()

    def _with_browse(self, edit: QLineEdit, file: bool) -> QWidget:
        button = QPushButton("浏览…")

        def browse():
            if file:
                name = filedialogs.save_file(self, "选择台账数据文件", edit.text(),
                                             "台账数据文件 (*.db)", confirm_overwrite=False)
            else:
                name = filedialogs.choose_folder(self, "选择备份文件夹", edit.text())
            if name:
                edit.setText(name)

        button.clicked.connect(browse)
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(button)
        return w

    def _tell(self, text: str, ok: bool) -> None:
        self.test_result.setText(text)
        self.test_result.setStyleSheet("" if ok else "color: #b00020;")

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.test_button.setEnabled(not busy)
        self.ok_button.setEnabled(not busy)

    # --- the server ---------------------------------------------------------------------
    def server_location(self) -> str:
        """The address the fields make (raises StoreError naming an empty field)."""
        return connection.server_location(self.host.text(), self.port.value(),
                                          self.database.text(), self.user.text())

    def _password(self, location: str) -> str | None:
        typed = self.password.text()
        return typed if typed else connection.password_for(location)

    def test_connection(self, then=None) -> None:
        """测试连接, in the background; `then(exists)` runs after a success (确定)."""
        from core.store import probe_location
        from gui.background import run_task

        if self._busy:
            return
        try:
            location = self.server_location()
        except ZhifaError as exc:
            self._tell(str(exc), ok=False)
            return
        password = self._password(location)
        self._tell("正在连接服务器…", ok=True)
        self._set_busy(True)

        def done(exists):
            self._set_busy(False)
            self._tested = (location, password)
            self._tell("连接成功：服务器上已有台账。" if exists else
                       "连接成功：这个数据库中还没有台账，确定后将在其中新建。", ok=True)
            if then is not None:
                then(exists)

        def failed(message, details):
            self._set_busy(False)
            if details:
                log.error("testing the server connection failed: %s", details)
            self._tell(message, ok=False)

        run_task(lambda _progress: probe_location(location, password=password),
                 self, done, failed)

    # --- 确定 ---------------------------------------------------------------------------
    def accept(self) -> None:
        if self._busy:
            return
        if self.kind.checkedId() == SERVER:
            self.test_connection(then=self._accept_server)
        else:
            self._accept_file()

    def _accept_server(self, exists: bool) -> None:
        from gui import messages

        location = self.server_location()
        current = text_setting(self.shared.settings, LOCATION_KEY) or default_db_location()
        if location != current and not exists and not messages.ask(
                self, "新建台账", f"服务器上的数据库「{self.database.text().strip()}」中还没有台账数据。"
                f"将在其中新建一个空台账；原来的台账「{connection.without_password(current)}」"
                f"留在原处，不会被移动或复制（如需搬到服务器，请用 zhifa-cli copy）。",
                yes="使用服务器台账", no="重新选择"):
            return
        password = self._tested[1] if self._tested else None
        if password:
            kept = connection.remember(location, password,
                                       keep=self.keep_password.isChecked())
            if self.keep_password.isChecked() and not kept:
                messages.warn(self, "密码未保存", connection.NO_KEYRING)
        if not self.keep_password.isChecked():
            connection.forget_stored(location)
        set_server_settings(self.shared.settings, connection.server_parts(location))
        self._save(location)

    def _accept_file(self) -> None:
        from pathlib import Path

        from core.store import is_network_path, probe_location
        from gui import messages

        db = self.db.text().strip()
        if db and "://" not in db:
            # Saved absolute: a relative path would be taken from wherever the next start's
            # working folder happens to be (a shortcut's "start in", say).
            db = str(Path(db).expanduser().absolute())
        current = text_setting(self.shared.settings, LOCATION_KEY) or default_db_location()
        if db and db != current:
            # Checked now: a data file that cannot be opened would stop the next start.
            try:
                exists = probe_location(db)
            except ZhifaError as exc:
                messages.warn(self, "无法使用这个数据文件", str(exc))
                return
            if not exists and not messages.ask(
                    self, "新建台账", f"「{db}」中还没有台账数据。将在这里新建一个空台账；"
                    f"原来的台账「{connection.without_password(current)}」留在原处，"
                    f"不会被移动或复制。",
                    yes="使用新位置", no="重新选择"):
                return
        if db and is_network_path(Path(db)) and not messages.ask(
                self, "数据文件在共享盘上", messages.shared_drive_warning(db),
                yes="仍然使用", no="重新选择", safe_default=True):
            return
        if db:
            self.shared.settings.setValue("data/file", db)
        self._save(db)

    def _save(self, location: str) -> None:
        st = self.shared.settings
        before = text_setting(st, LOCATION_KEY) or default_db_location()
        st.setValue(LOCATION_KEY, location)
        st.setValue(BACKUP_FOLDER_KEY, self.backups.text().strip())
        st.sync()
        super().accept()
        now = location or default_db_location()
        if now != before and now != getattr(self.shared.store, "location", None):
            self.shared.ledger_chosen.emit(now)      # gui.app: switch_ledger


def switch_ledger(window, shared, location: str, open_ledger, watch_lock) -> bool:
    """Work on the ledger at `location` from now on: opened (and locked, for a file) first
    by gui.app's `open_ledger`, so one that cannot be leaves the open ledger as it was; then
    swapped under every pane through Shared.replace_store (as a restore is), and the new
    lock watched by `watch_lock`. (Given by gui.app, which imports this module.)"""
    store, lock = open_ledger(location, window)      # tells the clerk why if it cannot be
    if store is None:
        return False
    old_store, old_lock = shared.store, getattr(shared, "lock", None)
    watch = getattr(window, "lock_watch", None)
    if watch is not None:
        watch.stop()            # else it would take our own release for a takeover

    def reopen():
        old_store.close()
        if old_lock is not None:
            old_lock.release()
        return store

    shared.replace_store(reopen)
    shared.lock = lock
    if window is not None:
        if lock is not None:
            window.lock_watch = watch_lock(window, lock)
        if hasattr(window, "fill_years"):
            window.fill_years()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(
                f"已打开台账「{connection.without_password(location)}」", 8000)
    log.info("switched to the ledger %s", connection.without_password(location))
    return True


def ask_password(location: str, parent=None) -> None:
    """At start: a server ledger whose password is neither in the system's password store
    nor given this run (no keyring on this machine, or never saved): ask for it, for this
    run only. Cancelled, the connection is tried without one and refused in words."""
    if not connection.needs_password(location):
        return
    parts = connection.server_parts(location) or {}
    why = "" if connection.keyring_ready() else connection.NO_KEYRING + "\n\n"
    password, ok = QInputDialog.getText(
        parent, "服务器台账的密码",
        f"{why}请输入数据库服务器「{parts.get('host', '')}」上用户「{parts.get('user', '')}」的密码：",
        QLineEdit.EchoMode.Password)
    if ok and password:
        connection.remember(location, password, keep=False)
