"""文件 → 导入台账… / 导出台账… / 下载空白模板…: the 台账 workbook in and out (core.ledger_io).

Importing shows the plan first — rows per sheet that would be imported, skipped as
duplicates or rejected with their reason — and writes nothing until the clerk confirms;
then a backup is taken and the plan committed all or nothing. Reading a big workbook and
writing the ledger both run off the window's thread.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel,
    QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from core.backups import manual_backup
from core.errors import OutputError
from core.outfiles import safe_filename
from core.paths import data_dir
from gui import filedialogs, messages, screen
from gui.background import run_task
from gui.operations import EVERYTHING, Operation
from gui.shared import suggested_path

SHOWN_PROBLEMS = 2000        # rows of the rejection table; the saved workbook has them all


def add_actions(window, menu) -> None:
    window.ledger = LedgerActions(window)
    window._action(menu, "导入台账…", window.ledger.choose_import)
    window._action(menu, "导出台账…", window.ledger.choose_export)
    window._action(menu, "下载空白模板…", window.ledger.choose_template)


def _xlsx(name: str) -> Path:
    path = Path(name)
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def _failed(window, title: str):
    def show(message: str, details: str) -> None:
        window.statusBar().clearMessage()
        if details:
            from gui.crash import show_bug
            show_bug(window, message, details)
        else:
            messages.warn(window, title, message)
    return show


class LedgerActions:
    def __init__(self, window):
        self.window = window
        self.shared = window.shared
        self.dialog: ImportDialog | None = None

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text)

    # --- import ------------------------------------------------------------------------
    def choose_import(self) -> None:
        name = filedialogs.open_file(self.window, "选择要导入的台账", str(Path.home()),
                                     "Excel 工作簿 (*.xlsx)")
        if name:
            self.preview(Path(name))

    def preview(self, path: Path) -> None:
        """Read and check the workbook in the background, then show the plan."""
        store = self.shared.store
        self._say(f"正在检查「{path.name}」…")

        def plan(say):
            # A read-only snapshot, rolled back: planning writes nothing, and a save made
            # meanwhile is not half-seen.
            with store.reading() as s:
                from core.ledger_io.importer import plan_import  # openpyxl: loaded when used
                return plan_import(s, path, say=say)

        run_task(plan, self.window, self._show_plan, _failed(self.window, "无法导入"),
                 self._say)

    def _show_plan(self, plan) -> None:
        self.window.statusBar().clearMessage()
        self.dialog = ImportDialog(plan, self.window)
        self.dialog.confirmed.connect(lambda: self.commit(plan))
        self.dialog.open()

    def commit(self, plan) -> None:
        """Back up, then save exactly what the plan showed, in one transaction."""
        store, folder = self.shared.store, self.window.backup_folder()
        self._say("正在导入…")

        def backup():
            return manual_backup(store, folder)      # a file's copy, or a server's (issue 22)

        def run(s, say, backup_path):
            return plan.commit(s, say=say), backup_path

        # On the one writer thread: a form saved meanwhile is told to wait, in words.
        # Undo steps from before the import no longer apply (resets_history).
        Operation(self.shared, self.window, run, first=backup, touches=EVERYTHING,
                  status=lambda result: f"已导入 {result[0].imported:,} 行。",
                  failure_title="导入未完成", resets_history=True, what="导入台账",
                  ).on_success(self._committed).run_in_background(self._say)

    def _committed(self, result) -> None:
        done, backup = result
        self.window.fill_years()
        text = "\n".join(done.summary_lines())
        if backup is not None:
            text += f"\n\n导入前的台账已备份到：{backup}"
        messages.info(self.window, "导入完成", text)
        self.window.ledger_imported(done)

    # --- export and template -----------------------------------------------------------
    def choose_export(self) -> None:
        year = self.shared.year
        suggested = suggested_path(safe_filename(f"执法台账{year}年度-{dt.date.today():%Y%m%d}.xlsx"))
        name = filedialogs.save_file(self.window, "导出台账", str(suggested),
                                     "Excel 工作簿 (*.xlsx)")
        if name:
            self.export(_xlsx(name), year)

    def export(self, target: Path, year: int | None) -> None:
        store = self.shared.store
        self._say("正在导出台账…")

        def run(_say):
            with store.reading() as s:
                from core.ledger_io.exporter import export_ledger
                return export_ledger(s, year, target)

        run_task(run, self.window, self._exported, _failed(self.window, "导出失败"))

    def _exported(self, result) -> None:
        path, counts = result
        rows = "，".join(f"{k} {v:,} 行" for k, v in counts.items())
        self.window.statusBar().showMessage(f"已导出台账到「{path}」：{rows}", 15000)
        self.window.ledger_exported(path)

    def choose_template(self) -> None:
        name = filedialogs.save_file(
            self.window, "保存空白模板", suggested_path("教育行政执法台账导入模板.xlsx"),
            "Excel 工作簿 (*.xlsx)")
        if name:
            self.template(_xlsx(name))

    def template(self, target: Path) -> Path | None:
        try:
            from core.ledger_io.template import write_template
            path = write_template(target)
        except OutputError as exc:
            messages.warn(self.window, "无法保存模板", str(exc))
            return None
        self.window.statusBar().showMessage(f"已保存空白模板：{path}", 15000)
        return path


class ImportDialog(QDialog):
    """The plan: what would be imported, skipped and rejected; 导入 writes it."""

    confirmed = Signal()

    def __init__(self, plan, parent=None):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"导入台账：{plan.source.name}")
        screen.fit(self, 900, 620)
        head = QLabel(f"已检查「{plan.source.name}」，尚未写入台账。请核对后点“导入”。"
                      "导入前会自动备份当前台账；有问题的行不会导入，可保存出来改正后再导入。")
        head.setWordWrap(True)
        self.summary = QPlainTextEdit("\n".join(plan.summary_lines()))
        self.summary.setReadOnly(True)
        self.summary.setMaximumHeight(260)
        problems = plan.problems()
        self.problems_label = QLabel(
            f"未导入的行（{len(problems):,} 行）" + (f"，仅显示前 {SHOWN_PROBLEMS:,} 行"
                                                   if len(problems) > SHOWN_PROBLEMS else "")
            if problems else "所有行都可以导入。")
        self.problems = QTableWidget(min(len(problems), SHOWN_PROBLEMS), 3)
        self.problems.setHorizontalHeaderLabels(["工作表", "行号", "原因"])
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.verticalHeader().hide()
        self.problems.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.problems.setWordWrap(True)
        for r, (sheet, row, reason) in enumerate(problems[:SHOWN_PROBLEMS]):
            for c, value in enumerate((sheet, str(row), reason)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.problems.setItem(r, c, item)
        self.problems.resizeColumnToContents(0)
        self.problems.resizeColumnToContents(1)
        self.problems.setVisible(bool(problems))

        self.save_rejections = QPushButton("保存未导入的行…")
        self.save_rejections.setVisible(bool(problems))
        self.import_button = QPushButton(f"导入 {plan.imported:,} 行")
        self.import_button.setObjectName("primary")
        self.import_button.setEnabled(plan.imported > 0)
        self.cancel_button = QPushButton("取消")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_rejections)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 1)
        layout.addLayout(buttons)
        if not problems:
            layout.addStretch(1)

        self.import_button.clicked.connect(self._confirm)
        self.cancel_button.clicked.connect(self.reject)
        # not connected directly: clicked(bool) would arrive as the target file
        self.save_rejections.clicked.connect(lambda: self.write_rejections())
        self.import_button.setDefault(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

    def _confirm(self) -> None:
        self.accept()
        self.confirmed.emit()

    def write_rejections(self, target: Path | None = None) -> Path | None:
        """The rejected rows with their reasons, as a workbook that imports again once
        corrected: beside the source, or in the data folder when that one is read-only."""
        try:
            path = self.plan.write_rejections(target)
        except OutputError:
            try:
                path = self.plan.write_rejections(
                    data_dir() / "导入记录" / self.plan.rejection_path().name)
            except OutputError as exc:
                messages.warn(self, "无法保存", str(exc))
                return None
        messages.info(self, "已保存", f"未导入的行及原因已保存到：\n{path}")
        return path
