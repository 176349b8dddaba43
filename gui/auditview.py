"""「操作记录」: who entered one record, who changed what in it and when (issue 22), read from
the 操作日志 by core.audit; shown from a list's context menu. Only renders: nothing here
writes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from core.audit import UNKNOWN, record_history

HEADERS = ("时间", "操作人", "操作", "修改内容")


def change_lines(changes) -> str:
    """「出动人次：2 → 4」, one line per field (an import's summary: 「行政检查：新增 120 条」)."""
    return "\n".join(f"{field}：{old} → {new}" if old else f"{field}：{new}"
                     for field, old, new in changes)


class AuditDialog(QDialog):
    def __init__(self, store, model: type, record_id: int, parent=None):
        super().__init__(parent)
        with store.read_session() as s:
            record = s.get(model, record_id)
            label = record.describe() if record is not None else f"{model.KIND}#{record_id}"
            self.entries = record_history(s, model, record_id)
            created_by = (record.created_by if record is not None else "") or UNKNOWN
            updated_by = (record.updated_by if record is not None else "") or UNKNOWN
        self.setWindowTitle(f"操作记录 — {label}")
        self.setMinimumSize(640, 360)
        layout = QVBoxLayout(self)
        self.summary = QLabel(f"录入人：{created_by}　　最后修改人：{updated_by}"
                              + ("" if self.entries else
                                 "\n（本记录在操作日志启用之前录入，之后没有修改过。）"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(self.entries), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, entry in enumerate(self.entries):
            for column, value in enumerate((f"{entry.at:%Y-%m-%d %H:%M:%S}", entry.who,
                                            entry.action, change_lines(entry.changes))):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table)
        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.table.item(r, c).text() for c in range(self.table.columnCount()))
                for r in range(self.table.rowCount())]


def show_record_log(shared, model: type, record_id: int, parent=None) -> AuditDialog:
    dialog = AuditDialog(shared.store, model, record_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
