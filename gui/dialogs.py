"""Settings dialogs: the bureau profile (where the ledger and backups live: gui/locations.py)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout,
)

from core.errors import ZhifaError
from core.parsing import parse_date
from core.records import profile, set_profile


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
