"""Settings dialogs: the bureau profile, and where the data file and backups live."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from core.errors import ZhifaError
from core.parsing import parse_date
from core.paths import default_backup_dir, default_db_location
from core.records import profile, set_profile
from gui import filedialogs
from gui.shared import text_setting


def _buttons(dialog) -> QDialogButtonBox:
    box = QDialogButtonBox()
    box.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
    box.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class ProfileDialog(QDialog):
    """单位信息: what the report's title, signature and file names come from."""

    def __init__(self, shared, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.setWindowTitle("单位信息")
        self.setMinimumWidth(480)
        self.full_name = QLineEdit()
        self.region = QLineEdit()
        self.signatory = QLineEdit()
        self.document_date = QLineEdit(placeholderText="如 2026-01-20（报告一般在次年1月31日前印发）")
        # 报告依据: the 导语's 「根据…」; empty means the default for the region and year
        # (core.report.legal_basis), shown as the placeholder.
        self.legal_basis = QLineEdit()
        self.legal_basis.setObjectName("legalBasis")
        self.legal_basis.setPlaceholderText("不填则按地区和年度选用，如《行政执法监督条例》（国务院令第825号）")
        self.cap = QSpinBox()
        self.cap.setRange(1, 50)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.hide()
        with shared.store.read_session() as s:
            p = profile(s)
            if p is not None:
                self.full_name.setText(p.full_name)
                self.region.setText(p.region)
                self.signatory.setText(p.signatory)
                self.document_date.setText(f"{p.document_date:%Y-%m-%d}" if p.document_date else "")
                self.cap.setValue(p.enterprise_inspection_cap or 2)
                self.legal_basis.setText(p.legal_basis or "")
        form = QFormLayout()
        form.addRow("单位全称：", self.full_name)
        form.addRow("地区：", self.region)
        form.addRow("署名：", self.signatory)
        form.addRow("成文日期：", self.document_date)
        form.addRow("报告依据：", self.legal_basis)
        form.addRow("同一企业年度检查上限：", self.cap)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self))

    def accept(self) -> None:
        from gui.operations import Operation, models_of

        try:
            day = parse_date(self.document_date.text(), "成文日期")
        except ZhifaError as exc:
            self._show_error(exc)
            return
        if Operation(self.shared, self, lambda s: set_profile(
                s, full_name=self.full_name.text().strip(),
                region=self.region.text().strip(),
                signatory=self.signatory.text().strip(), document_date=day,
                legal_basis=self.legal_basis.text().strip(),
                enterprise_inspection_cap=self.cap.value()),
                touches=models_of("BureauProfile"), status="已保存单位信息。",
        ).on_failure(self._show_error).run():
            super().accept()

    def _show_error(self, exc: ZhifaError) -> None:
        self.error.setText(str(exc))
        self.error.show()


class LocationsDialog(QDialog):
    """数据文件与备份位置. The data file stays on this PC's disk; backups may go to a share."""

    def __init__(self, shared, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.setWindowTitle("数据文件与备份位置")
        self.setMinimumWidth(620)
        st = shared.settings
        self.db = QLineEdit(text_setting(st, "data/location", default_db_location()))
        self.backups = QLineEdit(text_setting(st, "backup/folder", str(default_backup_dir())))
        form = QFormLayout()
        form.addRow("台账数据文件：", self._with_browse(self.db, file=True))
        form.addRow("备份文件夹：", self._with_browse(self.backups, file=False))
        note = QLabel("数据文件请放在本机硬盘上（放在共享盘上可能损坏）；备份文件夹可以是共享盘。"
                      "更换数据文件后需重新启动程序。程序在每天第一次打开和每次关闭时自动备份。")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(_buttons(self))

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

    def accept(self) -> None:
        from pathlib import Path

        from core.store import is_network_path, probe_location
        from gui import messages

        db = self.db.text().strip()
        if db and "://" not in db:
            # Saved absolute: a relative path would be taken from wherever the next start's
            # working folder happens to be (a shortcut's "start in", say).
            db = str(Path(db).expanduser().absolute())
        current = text_setting(self.shared.settings, "data/location") or default_db_location()
        if db and db != current:
            # Checked now: a data file that cannot be opened would stop the next start.
            try:
                exists = probe_location(db)
            except ZhifaError as exc:
                messages.warn(self, "无法使用这个数据文件", str(exc))
                return
            if not exists and not messages.ask(
                    self, "新建台账", f"「{db}」中还没有台账数据。重新启动后将在这里新建一个空台账；"
                    f"原来的台账文件「{current}」留在原处，不会被移动或复制。",
                    yes="使用新位置", no="重新选择"):
                return
        if db and is_network_path(Path(db)) and not messages.ask(
                self, "数据文件在共享盘上", messages.shared_drive_warning(db),
                yes="仍然使用", no="重新选择", safe_default=True):
            return
        self.shared.settings.setValue("data/location", db)
        self.shared.settings.setValue("backup/folder", self.backups.text().strip())
        super().accept()
