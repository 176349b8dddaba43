"""生成年度报告 from the button: what the clerk is told when it cannot be done."""

from __future__ import annotations

import errno
import os

from PySide6.QtCore import Qt
from sqlalchemy import delete

from core.models import BureauProfile


def _generate(qtbot, report, tmp_path, expect="finished"):
    report.folder.setText(str(tmp_path / "报告"))
    report.check()
    qtbot.waitUntil(lambda: not report.busy and report.continue_button.isVisible(), timeout=20000)
    with qtbot.waitSignal(getattr(report, expect), timeout=60000) as got:
        qtbot.mouseClick(report.continue_button, Qt.MouseButton.LeftButton)
    return got.args[0]


def test_a_report_still_open_in_word_is_said_in_words(qtbot, window, show, tmp_path,
                                                      monkeypatch):
    report = show("report")
    files = _generate(qtbot, report, tmp_path)
    assert files.docx.is_file()

    # Word/WPS on Windows holds the file: replacing it is refused.
    real_replace = os.replace

    def locked(src, dst):
        if str(dst).endswith(".docx"):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr("core.outfiles.os.replace", locked)
    bugs = []
    monkeypatch.setattr("gui.crash.show_bug", lambda *a: bugs.append(a))
    message = _generate(qtbot, report, tmp_path, expect="failed")
    assert "正被其他程序（如 Word、WPS 或 Excel）打开" in message
    assert report.status.text().startswith("未能生成报告：文件")
    assert bugs == []
    assert report.generate_button.isEnabled()          # the clerk closes Word and tries again
    assert not report.open_docx.isVisible()


def test_no_bureau_name_says_where_to_fill_it_in(qtbot, window, show, demo_store, tmp_path):
    with demo_store.session() as s:
        s.execute(delete(BureauProfile))
    report = show("report")
    message = _generate(qtbot, report, tmp_path, expect="failed")
    assert "单位全称" in message and "单位信息" in message


def test_a_bug_while_generating_shows_the_details_dialog(qtbot, window, show, tmp_path,
                                                         monkeypatch):
    def broken(*_args, **_kw):
        raise KeyError("模板字段")

    monkeypatch.setattr("gui.reportview.generate", broken)
    bugs = []
    monkeypatch.setattr("gui.crash.show_bug", lambda parent, message, details:
                        bugs.append((message, details)))
    report = show("report")
    _generate(qtbot, report, tmp_path, expect="failed")
    message, details = bugs[-1]
    assert "程序出错" in message and "KeyError" in details


def test_flags_open_their_record_and_the_window_stays_usable_meanwhile(qtbot, window, show,
                                                                       tmp_path):
    report = show("report")
    report.folder.setText(str(tmp_path / "报告"))
    with qtbot.waitSignal(report.checked, timeout=20000):
        report.check()
    assert report.flags.texts() == [
        "行政检查 2025-02-21「示例区第四中学」：执法人员 1 人，少于两人。",
        "行政检查 2025-06-20「示例区滨河小学」：2025-07-28 公示，晚于20个工作日期限（2025-07-18）。",
        "行政检查 2025-11-20「示例区第二幼儿园」：郭娜 在检查当日无有效执法证。"]
    form = report._fix()                 # 先去修改: the first flag's inspection opens
    assert form.windowTitle() == "编辑行政检查"
    assert form.widgets["unit_id"].text() == "示例区第四中学"
    assert form.widgets["inspectors"].text().count("、") == 0
    form.close()
    assert report.flags.isVisible()      # the list stays for the next ones


def test_the_date_typed_for_this_report_is_checked_and_printed(qtbot, window, show, tmp_path):
    from docx import Document

    report = show("report")
    report.document_date.setText("2026年2月30日")
    report.check()
    assert not report.busy and "「成文日期」" in report.status.text()   # said, nothing started
    report.document_date.setText("2026-02-10")
    with qtbot.waitSignal(report.checked, timeout=20000) as got:
        report.check()
    # Past 31 January: the check says so before anything is written.
    assert any(f.rule == "report.document_date" and "晚于2026年1月31日" in f.message
               for f in got.args[0])
    files = _generate(qtbot, report, tmp_path)
    assert Document(str(files.docx)).paragraphs[-1].text == "2026年2月10日"
    assert any("晚于2026年1月31日" in w for w in files.warnings)


def test_the_report_is_checked_generated_and_opened_with_the_keyboard(qtbot, window, show,
                                                                      tmp_path, answers):
    """Enter on 检查并生成报告, the flags to read, Tab to 忽略提示，继续生成, Enter, and Enter
    again opens the report: the focus follows each step (it was left on whatever Qt chose
    when the button was disabled during the check)."""
    from PySide6.QtWidgets import QApplication

    report = show("report")
    report.folder.setText(str(tmp_path / "报告"))
    window.activateWindow()
    report.generate_button.setFocus()
    qtbot.waitUntil(report.generate_button.hasFocus)
    with qtbot.waitSignal(report.checked, timeout=20000):
        qtbot.keyClick(report.generate_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is report.flags)
    focused = report.flags
    while focused is not report.continue_button:        # Tab along, as the clerk would
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is not focused
        focused = QApplication.focusWidget()
        assert focused in (report.fix_button, report.continue_button)
    with qtbot.waitSignal(report.finished, timeout=60000):
        qtbot.keyClick(focused, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is report.open_docx)
    qtbot.keyClick(report.open_docx, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: answers.opened != [])
    assert answers.opened[-1].toLocalFile().endswith(".docx")
