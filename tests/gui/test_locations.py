"""文件 → 数据文件与备份位置 with a server ledger (issue 22, gui/locations.py): choosing
「服务器台账」, 测试连接 in the background with core's Chinese message, the password in the
system's password store (an in-memory stand-in here) and never in 设置.ini or the log, and
the switch to the server ledger under every pane. The tests that need a real server run
with ZHIFA_TEST_DATABASE_URL set (.ci/run runs this file on its server too)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from core import connection
from core.logs import setup_logging
from gui import screen

TEST_SERVER_URL = os.environ.get("ZHIFA_TEST_DATABASE_URL", "").strip()   # as tests/conftest.py


@pytest.fixture
def window(window):
    """The main window, its background work (the overview's count) finished before the
    ledger under it is dropped."""
    from PySide6.QtCore import QThreadPool

    yield window
    QThreadPool.globalInstance().waitForDone(20_000)


def _fill(dialog, location: str, password: str) -> None:
    parts = connection.server_parts(location)
    dialog.server_choice.setChecked(True)
    dialog.host.setText(parts["host"])
    dialog.port.setValue(parts["port"])
    dialog.database.setText(parts["database"])
    dialog.user.setText(parts["user"])
    dialog.password.setText(password)


def _settings_text(window) -> str:
    window.shared.settings.sync()
    return Path(window.shared.settings.fileName()).read_text(encoding="utf-8")   # closed at once


def test_the_dialog_opens_on_the_local_file_and_fits_the_small_screen(qtbot, window,
                                                                       monkeypatch):
    from PySide6.QtCore import QRect

    monkeypatch.setattr(screen, "available", lambda _w=None: QRect(0, 0, 1024, 560))
    dialog = window.edit_locations()
    qtbot.waitExposed(dialog)
    assert dialog.local_choice.isChecked() and dialog.pages.currentIndex() == 0
    for server in (False, True):
        dialog.server_choice.setChecked(server)
        dialog.local_choice.setChecked(not server)
        dialog.adjustSize()
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 560, (server, hint)
        assert dialog.width() <= 1024 and dialog.height() <= 560, (server, dialog.size())
    dialog.close()


def test_keyboard_first_alt_s_chooses_the_server_and_the_cursor_is_in_its_address(
        qtbot, window):
    dialog = window.edit_locations()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.db             # the file, as before servers
    # To the window, as the keyboard sends it: a shortcut (the &S mnemonic) is matched there.
    qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.server_choice.isChecked)      # a mnemonic clicks after 100 ms
    assert dialog.server_choice.isChecked() and dialog.pages.currentIndex() == 1
    assert dialog.focusWidget() is dialog.host
    assert dialog.port.value() == 5432 and dialog.database.text() == "zhifa"   # safe defaults
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    dialog.close()


def test_an_unreachable_server_is_told_in_words_in_the_background(qtbot, window, memory_keyring):
    dialog = window.edit_locations()
    _fill(dialog, connection.server_location("127.0.0.1", 1, "zhifa", "zhang"), "s3cret")
    dialog.test_connection()
    assert not dialog.test_button.isEnabled()            # running: not twice at once
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=20_000)
    assert dialog.test_result.text().startswith("无法连接数据库服务器")
    assert "s3cret" not in dialog.test_result.text()
    dialog.host.clear()
    dialog.test_connection()
    assert dialog.test_result.text() == "请填写服务器地址。"
    dialog.close()


def test_without_a_keyring_the_dialog_says_so_and_start_asks_for_the_password(
        qtbot, window, no_keyring, monkeypatch):
    from gui.locations import ask_password

    dialog = window.edit_locations()
    dialog.server_choice.setChecked(True)
    assert not dialog.keep_password.isEnabled() and not dialog.keep_password.isChecked()
    note = dialog.findChild(type(dialog.test_result), "noKeyring")
    assert note is not None and "每次启动时需重新输入" in note.text()
    dialog.close()

    location = connection.server_location("db.jyj", 5432, "zhifa", "zhang")
    asked = []
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda *args, **kw: asked.append(args[2]) or ("typed-pw", True))
    ask_password(location, window)
    assert "每次启动时需重新输入" in asked[0] and "db.jyj" in asked[0]
    assert connection.password_for(location) == "typed-pw"
    ask_password(location, window)                      # given this run: not asked again
    assert len(asked) == 1


@pytest.mark.server_only
def test_the_clerk_connects_to_the_server_from_the_dialog(qtbot, window, memory_keyring,
                                                           new_ledger, answers):
    server = new_ledger()
    password = make_url(server).password
    log_file = setup_logging()
    dialog = window.edit_locations()
    _fill(dialog, server, password)
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=20_000)
    assert dialog.test_result.text() == "连接成功：这个数据库中还没有台账，确定后将在其中新建。"

    replaced = []
    window.shared.store_replaced.connect(replaced.append)
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    assert "还没有台账数据" in answers.asked[-1]
    bare = connection.server_location(*connection.server_parts(server).values())
    assert window.shared.store.location == bare and not window.shared.store.is_sqlite
    assert replaced == [window.shared.store]
    assert window.shared.settings.value("data/location") == bare
    assert memory_keyring.entries == {("zhifa-taizhang", connection.account(bare)): password}
    settings = _settings_text(window)
    assert "server/host" in settings.replace("\\", "/") or "host=" in settings
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert password not in settings
    assert password not in log_file.read_text(encoding="utf-8")

    # The next start: the dialog shows the server, the password is not shown, nor needed.
    connection._given.clear()
    again = window.edit_locations()
    assert again.server_choice.isChecked() and again.password.text() == ""
    assert again.password.placeholderText().startswith("已保存")
    assert not connection.needs_password(bare)
    again.close()
    window.shared.store.close()
