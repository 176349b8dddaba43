"""报告文字: the paragraphs a person writes for the year's report, one block at a time.

A block starts from last year's words or the template and stays marked 待确认 until the
clerk confirms it; the report check (core.compliance) lists unconfirmed blocks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
    QVBoxLayout, QWidget,
)
from sqlalchemy import select

from core.errors import ZhifaError
from core.models import NarrativeText
from core.undo import snapshot
from core.vocab import NarrativeBlock
from gui import messages


class NarrativeView(QWidget):
    def __init__(self, shared, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.blocks = QListWidget()
        self.blocks.setMaximumWidth(260)
        self.editor = QPlainTextEdit()
        self.state = QLabel()
        self.save_button = QPushButton("保存")
        self.confirm_button = QPushButton("保存并确认此段")
        self.copy_button = QPushButton("沿用上年文字")
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        for b in (self.copy_button, self.save_button, self.confirm_button):
            buttons.addWidget(b)
        right = QVBoxLayout()
        right.addWidget(self.editor, 1)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addWidget(self.blocks)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        hint = QLabel("每段文字写入年度报告的相应位置。标“待确认”的段落来自模板或上年文字，请核对后确认。")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(body, 1)

        self.current: str | None = None
        self.editor.textChanged.connect(self._edited)
        self.blocks.currentItemChanged.connect(self._switch)
        self.save_button.clicked.connect(lambda: self.save(confirm=False))
        self.confirm_button.clicked.connect(lambda: self.save(confirm=True))
        self.copy_button.clicked.connect(self.copy_last_year)
        shared.year_changed.connect(lambda _y: self.refresh())
        shared.records_changed.connect(self._changed)
        self.dirty = False
        self.refresh()

    def _texts(self, session, year) -> dict[str, NarrativeText]:
        q = select(NarrativeText).where(NarrativeText.deleted_at.is_(None),
                                        NarrativeText.year == year)
        return {n.block: n for n in session.scalars(q)}

    def _changed(self, model: str) -> None:
        if model in ("", "NarrativeText") and not self.dirty:
            self.refresh()

    def refresh(self) -> None:
        year = self.shared.year
        self.title.setText(f"{year}年度报告文字")
        with self.shared.store.read_session() as s:
            texts = self._texts(s, year)
        keep = self.current
        self.blocks.blockSignals(True)
        self.blocks.clear()
        for block in NarrativeBlock.values():
            n = texts.get(block)
            status = "未填写" if n is None or not n.text.strip() else (
                "待确认" if n.needs_review else "已确认")
            item = QListWidgetItem(f"{block}（{status}）")
            item.setData(Qt.ItemDataRole.UserRole, block)
            if status != "已确认":
                item.setForeground(Qt.GlobalColor.darkRed)
            self.blocks.addItem(item)
        self.blocks.blockSignals(False)
        self._texts_cache = texts
        row = NarrativeBlock.values().index(keep) if keep in NarrativeBlock.values() else 0
        self.blocks.setCurrentRow(row)
        self._show(self.blocks.item(row).data(Qt.ItemDataRole.UserRole))

    def _switch(self, current, previous) -> None:
        if current is None:
            return
        if self.dirty and previous is not None:
            self.save(confirm=False)
        self._show(current.data(Qt.ItemDataRole.UserRole))

    def _show(self, block: str) -> None:
        self.current = block
        n = self._texts_cache.get(block)
        self.editor.blockSignals(True)
        self.editor.setPlainText(n.text if n else "")
        self.editor.blockSignals(False)
        self.dirty = False
        self.state.setText(f"「{block}」：" + ("尚未填写" if n is None else
                                             "待确认（模板或上年文字）" if n.needs_review else "已确认"))

    def _edited(self) -> None:
        self.dirty = True

    def select_block(self, block: str) -> None:
        if block in NarrativeBlock.values():
            self.blocks.setCurrentRow(NarrativeBlock.values().index(block))

    def save(self, confirm: bool = False) -> bool:
        if self.current is None:
            return False
        year = self.shared.year
        try:
            with self.shared.store.session() as s:
                n = self._texts(s, year).get(self.current)
                before = snapshot(n) if n is not None else None
                if n is None:
                    n = NarrativeText(year=year, block=self.current)
                n.text = self.editor.toPlainText()
                # Editing is not confirming: only the button says the words were checked.
                n.needs_review = False if confirm else (n.needs_review if before else False)
                self.shared.history.save(s, n, before)
        except ZhifaError as exc:
            messages.warn(self, "无法保存", str(exc))
            return False
        self.dirty = False
        self.shared.changed("NarrativeText")
        self.shared.status.emit(f"已保存「{self.current}」。")
        return True

    def copy_last_year(self) -> int:
        """Fill this year's empty blocks with last year's words, marked 待确认."""
        year = self.shared.year
        copied = 0
        with self.shared.store.session() as s:
            mine = self._texts(s, year)
            for block, old in self._texts(s, year - 1).items():
                if block in mine and mine[block].text.strip():
                    continue
                if block in mine:
                    before = snapshot(mine[block])
                    mine[block].text, mine[block].needs_review = old.text, True
                    self.shared.history.save(s, mine[block], before)
                else:
                    self.shared.history.save(s, NarrativeText(
                        year=year, block=block, text=old.text, needs_review=True))
                copied += 1
        self.shared.changed("NarrativeText")
        messages.info(self, "沿用上年文字",
                      f"已将 {year - 1} 年的 {copied} 段文字填入本年空白段落，请逐段核对后确认。"
                      if copied else f"没有可沿用的 {year - 1} 年文字（或本年各段均已填写）。")
        return copied
