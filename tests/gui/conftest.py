"""GUI fixtures: the main window on the demo year, with every dialog answered by the test.

Message boxes never block (QMessageBox.exec is patched, as novelWriter's conftest does);
`answers` lists what gui.messages.ask should reply, in order (default: yes), and for
gui.messages.choose the text of the button clicked (default: the first).
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

DEMO_YEAR = 2025


class Answers:
    def __init__(self):
        self.replies: list[bool] = []
        self.asked: list[str] = []
        self.shown: list[str] = []
        self.safe: list[bool] = []         # whether each question's default kept things


@pytest.fixture
def answers(monkeypatch):
    a = Answers()

    def ask(parent, title, text, yes="确定", no="取消", safe_default=False):
        a.asked.append(f"{title}：{text}")
        a.safe.append(safe_default)
        return a.replies.pop(0) if a.replies else True

    def choose(parent, title, text, options):
        a.asked.append(f"{title}：{text}")
        return options.index(a.replies.pop(0)) if a.replies else 0

    def shown(parent, title, text):
        a.shown.append(f"{title}：{text}")

    monkeypatch.setattr("gui.messages.ask", ask)
    monkeypatch.setattr("gui.messages.choose", choose)
    monkeypatch.setattr("gui.messages.warn", shown)
    monkeypatch.setattr("gui.messages.info", shown)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    # A bug dialog is modal: in a test it would wait for ever. Recorded instead, and a test
    # that did not expect one fails (see `window`).
    a.bugs = []
    monkeypatch.setattr("gui.crash.show_bug",
                        lambda parent, message, details: a.bugs.append((message, details)))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    a.opened = opened
    return a


@pytest.fixture
def window(qtbot, demo_store, answers):
    from gui.app import build_window

    win, shared = build_window(demo_store, DEMO_YEAR)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    assert answers.bugs == [], answers.bugs
    from gui.forms import RecordForm
    for form in win.findChildren(RecordForm):
        form.dirty = False
    win.views["narrative"].dirty = False
    win.on_close = None
    win.close()


@pytest.fixture
def show(qtbot, window):
    """Show a view the way the navigation list does; the overview counts in the background,
    so wait until its numbers are in."""
    def show_view(key: str):
        view = window.show_view(key)
        if key == "overview":
            qtbot.waitUntil(lambda: view.figures is not None and view.busy.isHidden())
        return view
    return show_view
