"""生成年度报告: check the year first, then generate in the background, then open the files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QProgressBar,
    QPushButton, QVBoxLayout, QWidget,
)
from PySide6.QtCore import Qt

from core.compliance import check_year
from core.paths import data_dir
from gui.reportjob import ReportJob


def default_output_dir() -> Path:
    docs = Path.home() / "Documents"
    return (docs if docs.is_dir() else data_dir()) / "执法年度报告"


class ReportView(QWidget):
    finished = Signal(object)     # ReportFiles
    failed = Signal(str)

    def __init__(self, shared, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.files = None
        self.job = None
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.folder = QLineEdit(shared.settings.value("report/folder", str(default_output_dir())))
        self.browse = QPushButton("选择文件夹…")
        self.generate_button = QPushButton("检查并生成报告")
        self.generate_button.setObjectName("primary")
        self.flags_label = QLabel()
        self.flags_label.setWordWrap(True)
        self.flags = QListWidget()
        self.flags.setWordWrap(True)
        self.flags.itemDoubleClicked.connect(self._open_flag)
        self.continue_button = QPushButton("忽略提示，继续生成")
        self.fix_button = QPushButton("先去修改")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings = QListWidget()
        self.warnings.setWordWrap(True)
        self.open_docx = QPushButton("打开报告")
        self.open_annex = QPushButton("打开附件")
        self.open_folder = QPushButton("打开所在文件夹")

        row = QHBoxLayout()
        row.addWidget(QLabel("保存到："))
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        flag_buttons = QHBoxLayout()
        flag_buttons.addStretch(1)
        flag_buttons.addWidget(self.fix_button)
        flag_buttons.addWidget(self.continue_button)
        opens = QHBoxLayout()
        for b in (self.open_docx, self.open_annex, self.open_folder):
            opens.addWidget(b)
        opens.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        intro = QLabel("生成前会先检查本年度台账（人员资格、公示期限、程序、报告文字等），"
                       "再生成年度行政执法工作报告（Word）和数据统计表附件（Excel）。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.generate_button)
        layout.addWidget(self.flags_label)
        layout.addWidget(self.flags, 2)
        layout.addLayout(flag_buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.warnings, 1)
        layout.addLayout(opens)

        self.browse.clicked.connect(self._browse)
        self.generate_button.clicked.connect(self.check)
        self.continue_button.clicked.connect(self.start)
        self.fix_button.clicked.connect(self._fix)
        self.open_docx.clicked.connect(lambda: self._open(self.files.docx))
        self.open_annex.clicked.connect(lambda: self._open(self.files.annex))
        self.open_folder.clicked.connect(lambda: self._open(Path(self.files.docx).parent))
        shared.year_changed.connect(lambda _y: self.reset())
        self.reset()

    def reset(self) -> None:
        self.title.setText(f"生成{self.shared.year}年度行政执法工作报告")
        for w in (self.flags, self.flags_label, self.continue_button, self.fix_button,
                  self.progress, self.warnings, self.open_docx, self.open_annex,
                  self.open_folder):
            w.hide()
        self.status.setText("")
        self.generate_button.setEnabled(True)

    def _browse(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "选择保存报告的文件夹", self.folder.text())
        if name:
            self.folder.setText(name)

    def check(self) -> list:
        """Step 1: the compliance check; flags are shown and the clerk decides."""
        self.reset()
        with self.shared.store.read_session() as s:
            flags = check_year(s, self.shared.year)
        if not flags:
            self.start()
            return flags
        self.flags_label.setText(f"检查发现 {len(flags)} 条提示。可以先修改（双击打开记录），"
                                 "也可以继续生成报告。")
        self.flags.clear()
        for flag in flags:
            item = QListWidgetItem(str(flag))
            item.setData(Qt.ItemDataRole.UserRole, (flag.record_kind, flag.record_id))
            self.flags.addItem(item)
        for w in (self.flags_label, self.flags, self.continue_button, self.fix_button):
            w.show()
        return flags

    def start(self) -> None:
        """Step 2: generate on the thread pool; the window stays responsive."""
        for w in (self.continue_button, self.fix_button):
            w.hide()
        folder = Path(self.folder.text().strip() or default_output_dir())
        self.shared.settings.setValue("report/folder", str(folder))
        self.generate_button.setEnabled(False)
        self.progress.show()
        self.status.setText("正在生成报告和附件，请稍候…")
        self.job = ReportJob(self.shared.store, self.shared.year, folder)
        self.job.signals.progress.connect(self.status.setText)
        self.job.signals.finished.connect(self._done)
        self.job.signals.failed.connect(self._failed)
        QThreadPool.globalInstance().start(self.job)

    def _done(self, files) -> None:
        self.files = files
        self.progress.hide()
        self.generate_button.setEnabled(True)
        self.status.setText(f"已生成：\n报告：{files.docx}\n附件：{files.annex}")
        self.warnings.clear()
        for w in getattr(files, "warnings", None) or []:
            self.warnings.addItem(f"提示：{w}")
        self.warnings.setVisible(self.warnings.count() > 0)
        for b in (self.open_docx, self.open_annex, self.open_folder):
            b.show()
        self.shared.status.emit("年度报告已生成。")
        self.finished.emit(files)

    def _failed(self, message: str, details: str) -> None:
        self.progress.hide()
        self.generate_button.setEnabled(True)
        self.status.setText(f"未能生成报告：{message}")
        if details:
            from gui.crash import show_bug
            show_bug(self, message, details)
        self.failed.emit(message)

    def _open(self, path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _fix(self) -> None:
        self.reset()
        if self.flags.count():
            self._open_flag(self.flags.item(0))

    def _open_flag(self, item) -> None:
        from gui.kinds import BY_MODEL_NAME
        kind, record_id = item.data(Qt.ItemDataRole.UserRole)
        if kind == "NarrativeText":
            self.shared.open_record.emit(kind, record_id or 0)
        elif kind in BY_MODEL_NAME and record_id is not None:
            from gui.forms import open_form
            open_form(self.shared, BY_MODEL_NAME[kind], record_id, parent=self)
