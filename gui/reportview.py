"""生成年度报告: check the year first and show the flags (fix them or go on), generate in
the background with progress, then offer 打开报告 / 打开附件 / 打开所在文件夹.

Both the check and the writing run off the window's thread (gui.background). A file the
clerk still has open in Word/WPS, a full disk or a read-only folder comes back from core as
a message in words and is shown as such; only a bug shows the details dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QLineEdit, QListWidget, QProgressBar, QPushButton,
    QVBoxLayout, QWidget,
)

from core.compliance import check_year
from core.errors import ZhifaError
from core.parsing import parse_date
from core.report.readiness import readiness_flags
from gui.background import run_task
from gui.flaglist import FlagTree, open_flag
from gui.reportjob import generate
from gui import filedialogs
from gui.shared import output_folder, text_setting


def default_output_dir() -> Path:
    return output_folder()


class ReportView(QWidget):
    checked = Signal(list)        # the flags found (empty: generation started at once)
    finished = Signal(object)     # ReportFiles
    failed = Signal(str)

    def __init__(self, shared, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.files = None
        self.busy = False
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.folder = QLineEdit(text_setting(shared.settings, "report/folder",
                                             str(default_output_dir())))
        self.browse = QPushButton("选择文件夹…")
        # 成文日期 of this report; empty: the one in 单位信息, else today (core.report.readiness).
        self.document_date = QLineEdit()
        self.document_date.setObjectName("documentDate")
        self.document_date.setPlaceholderText("如 2026-01-20；不填则用单位信息中的成文日期，没有则用今天")
        self.generate_button = QPushButton("检查并生成报告")
        self.generate_button.setObjectName("primary")
        self.flags_label = QLabel()
        self.flags_label.setWordWrap(True)
        self.flags = FlagTree()
        self.flags.flag_clicked.connect(lambda flag: open_flag(self.shared, flag, self))
        self.continue_button = QPushButton("忽略提示，继续生成")
        self.fix_button = QPushButton("先去修改")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)            # busy indicator: the steps are not timed
        self.progress.setTextVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings_label = QLabel("请注意：")
        self.warnings = QListWidget()
        self.warnings.setWordWrap(True)
        self.open_docx = QPushButton("打开报告")
        self.open_annex = QPushButton("打开附件")
        # The clerk's working copy (数据来源 and 台账): for checking, not for publishing.
        self.open_working = QPushButton("打开台账与数据来源")
        self.open_folder = QPushButton("打开所在文件夹")
        self.open_docx.setObjectName("primary")

        row = QHBoxLayout()
        row.addWidget(QLabel("保存到："))
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        date_row = QHBoxLayout()
        date_row.addWidget(QLabel("成文日期："))
        date_row.addWidget(self.document_date, 1)
        start_row = QHBoxLayout()
        start_row.addWidget(self.generate_button)
        start_row.addStretch(1)
        flag_buttons = QHBoxLayout()
        flag_buttons.addStretch(1)
        flag_buttons.addWidget(self.fix_button)
        flag_buttons.addWidget(self.continue_button)
        opens = QHBoxLayout()
        for b in (self.open_docx, self.open_annex, self.open_working, self.open_folder):
            opens.addWidget(b)
        opens.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        intro = QLabel("生成前会先检查本年度台账（执法人员资格、公示期限、法制审核、报告文字等），"
                       "再生成年度行政执法工作报告（Word）和数据统计表附件（Excel）。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addLayout(date_row)
        layout.addLayout(start_row)
        layout.addWidget(self.flags_label)
        layout.addWidget(self.flags, 3)
        layout.addLayout(flag_buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(opens)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.warnings, 2)
        layout.addStretch(1)

        self.browse.clicked.connect(self._browse)
        self.generate_button.clicked.connect(self.check)
        self.continue_button.clicked.connect(self.start)
        self.fix_button.clicked.connect(self._fix)
        self.open_docx.clicked.connect(lambda: self._open(self.files.docx))
        self.open_annex.clicked.connect(lambda: self._open(self.files.annex))
        self.open_working.clicked.connect(lambda: self._open(self.files.working))
        self.open_folder.clicked.connect(lambda: self._open(Path(self.files.docx).parent))
        shared.year_changed.connect(lambda _y: self.reset())
        self.reset()

    def reset(self) -> None:
        self.title.setText(f"生成{self.shared.year}年度行政执法工作报告")
        for w in (self.flags, self.flags_label, self.continue_button, self.fix_button,
                  self.progress, self.warnings_label, self.warnings, self.open_docx,
                  self.open_annex, self.open_working, self.open_folder):
            w.hide()
        self.status.setText("")
        self.status.setObjectName("")
        self.status.setStyleSheet("")
        self.generate_button.setEnabled(not self.busy)

    def chosen_date(self):
        """The 成文日期 typed for this report, or None; a ZhifaError names a bad date."""
        text = self.document_date.text().strip()
        return parse_date(text, "成文日期") if text else None

    def _browse(self) -> None:
        name = filedialogs.choose_folder(self, "选择保存报告的文件夹", self.folder.text())
        if name:
            self.folder.setText(name)

    # --- step 1: the check -------------------------------------------------------------
    def check(self) -> None:
        """Check the year in the background; with flags the clerk decides, else go on."""
        if self.busy:
            return
        self.reset()
        try:
            day = self.chosen_date()
        except ZhifaError as exc:
            self.status.setText(str(exc))
            self.status.setStyleSheet("color: #c0392b;")
            return
        self.busy = True
        self.generate_button.setEnabled(False)
        self.progress.show()
        self.status.setText("正在检查本年度台账…")
        store, year = self.shared.store, self.shared.year

        def run(_progress):
            with store.reading() as s:
                flags = check_year(s, year)
                return flags + readiness_flags(s, year, chosen_date=day, flags_found=flags)

        run_task(run, self, self._checked, self._failed)

    def _checked(self, flags: list) -> None:
        self.busy = False
        self.progress.hide()
        self.checked.emit(flags)
        if not flags:
            self.start()
            return
        self.status.setText("")
        self.generate_button.setEnabled(True)
        self.flags_label.setText(f"检查发现 {len(flags):,} 条提示。可以先修改（点击提示打开记录），"
                                 "也可以忽略提示继续生成报告。")
        self.flags.set_flags(flags)
        for w in (self.flags_label, self.flags, self.continue_button, self.fix_button):
            w.show()
        # The keyboard goes on where the clerk's eyes do (the button it was on was disabled
        # while checking, and Qt had put the focus on whatever came next): the flags, where
        # the arrows and Enter open a record, and Tab leads to 先去修改 and 忽略提示.
        self.flags.setFocus()

    # --- step 2: writing ---------------------------------------------------------------
    def start(self) -> None:
        """Generate on the thread pool; the window stays responsive."""
        if self.busy:
            return
        for w in (self.continue_button, self.fix_button, self.flags, self.flags_label):
            w.hide()
        folder = Path(self.folder.text().strip() or default_output_dir())
        self.folder.setText(str(folder))
        self.shared.settings.setValue("report/folder", str(folder))
        self.busy = True
        self.generate_button.setEnabled(False)
        self.progress.show()
        self.status.setText("正在生成报告和附件，请稍候…")
        store, year = self.shared.store, self.shared.year
        try:
            day = self.chosen_date()
        except ZhifaError as exc:
            self._failed(str(exc), "")
            return
        run_task(lambda progress: generate(store, year, folder, progress, document_date=day), self,
                 self._done, self._failed, self.status.setText)

    def _done(self, files) -> None:
        self.busy = False
        self.files = files
        self.progress.hide()
        self.generate_button.setEnabled(True)
        lines = [f"已生成 {self.shared.year} 年度报告：", f"报告：{files.docx}",
                 f"附件：{files.annex}", f"台账与数据来源（本单位留存，不公开）：{files.working}"]
        self.status.setText("\n".join(lines))
        self.warnings.clear()
        for w in files.warnings:
            self.warnings.addItem(w)
        has_warnings = self.warnings.count() > 0
        self.warnings_label.setVisible(has_warnings)
        self.warnings.setVisible(has_warnings)
        self.open_docx.show()
        self.open_annex.show()
        self.open_working.show()
        self.open_folder.show()
        self.open_docx.setFocus()           # Enter opens the report just written
        self.shared.status.emit("年度报告已生成。")
        self.finished.emit(files)

    def _failed(self, message: str, details: str) -> None:
        self.busy = False
        self.progress.hide()
        self.generate_button.setEnabled(True)
        self.generate_button.setFocus()     # to try again once the cause is put right
        self.status.setText(f"未能生成报告：{message}")
        self.status.setStyleSheet("color: #c0392b;")
        if details:
            from gui.crash import show_bug
            show_bug(self, message, details)
        self.failed.emit(message)

    def _open(self, path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _fix(self):
        """Open the first flag's record; the list stays for the next ones."""
        if self.flags.flags:
            return open_flag(self.shared, self.flags.flags[0], self)
        return None
