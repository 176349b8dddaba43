"""Bugs reach the clerk as a dialog with copyable details and the log file's place; errors
the clerk can act on (ZhifaError: disk full, file locked…) as a plain message in words.

Installed before the window is shown, so this module imports nothing at load: the dialog's
Qt classes (and Qt's enum namespace, ~30 ms the first time any module touches it) are made
at the first error, not at every start (docs/PERFORMANCE.md, issue 20: start)."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("zhifa.gui")


def _bug_dialog_class():
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import (
        QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout,
    )

    from core.logs import LOG_NAME
    from core.paths import log_dir

    class BugDialog(QDialog):
        def __init__(self, parent, message: str, details: str):
            super().__init__(parent)
            self.setWindowTitle("程序出错")
            self.resize(640, 420)
            self.head = head = QLabel(f"程序遇到了一个错误：{message}\n\n已输入的数据已保存在台账中。"
                          f"请把下面的详细信息复制给技术支持，日志文件在：\n{log_dir() / LOG_NAME}")
            head.setWordWrap(True)
            head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details = QPlainTextEdit(details)
            self.details.setReadOnly(True)
            self.copy_button = copy = QPushButton("复制详细信息")
            close = QPushButton("关闭")
            copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
            close.clicked.connect(self.accept)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(copy)
            row.addWidget(close)
            layout = QVBoxLayout(self)
            layout.addWidget(head)
            layout.addWidget(self.details, 1)
            layout.addLayout(row)

    return BugDialog


def __getattr__(name: str):
    # `from gui.crash import BugDialog` still works: the class is made on first use.
    if name == "BugDialog":
        cls = globals()["BugDialog"] = _bug_dialog_class()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def show_bug(parent, message: str, details: str) -> None:
    from gui import crash
    crash.BugDialog(parent, message, details).exec()


def excepthook(exc_type, exc, tb) -> None:
    """Installed as sys.excepthook: nothing unhandled ever reaches the clerk as a traceback."""
    import traceback

    from PySide6.QtWidgets import QApplication

    from core.errors import ZhifaError
    from gui import messages

    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    parent = QApplication.activeWindow()
    if isinstance(exc, ZhifaError):
        log.warning("error shown to the clerk: %s", exc)
        messages.warn(parent, "无法完成", str(exc))
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unhandled error:\n%s", details)
    show_bug(parent, str(exc) or exc_type.__name__, details)


def install() -> None:
    sys.excepthook = excepthook
