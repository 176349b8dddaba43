"""报告文字: the paragraphs a person writes for the year's report, one block at a time.

Each block says where the report would take its words from (core.narrative): the clerk's
own, confirmed; own but 待确认; last year's; or the template paragraph. A block not written
this year shows the words the report would use, ready to be corrected and confirmed. The
report check (core.compliance) lists every block not yet confirmed.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
    QVBoxLayout, QWidget,
)
from sqlalchemy import select

from core.errors import ZhifaError
from core.models import NarrativeText
from core.narrative import (
    GENERATED_WHEN_EMPTY, LAST_YEAR, OWN, TEMPLATE, UNCONFIRMED, copy_last_year, load_narratives,
    save_block,
)
from core.records import profile
from core.vocab import NarrativeBlock
from gui import messages
from gui.operations import Operation, models_of

log = logging.getLogger(__name__)

STATUS = {OWN: "已确认", UNCONFIRMED: "待确认", LAST_YEAR: "未填写·沿用上年",
          TEMPLATE: "未填写·模板文字"}
EXPLAIN = {
    OWN: "已确认，报告按此文字印出。",
    UNCONFIRMED: "待确认：这段文字来自模板或上年，请核对修改后点“保存并确认此段”。",
    LAST_YEAR: "本年尚未填写：下面是报告将沿用的上年文字（报告年份已改为本年，文件文号和含有数字的"
               "上年情况保持原样），"
               "报告中会用黄色标出。请修改后保存并确认。",
    TEMPLATE: "本年尚未填写：下面是报告将使用的模板文字，报告中会用黄色标出。请修改后保存并确认。",
}
# A block the report writes from the year's records when nobody has written it.
EXPLAIN_GENERATED = ("本年尚未填写：报告将按本年度台账情况生成这一段并用黄色标出。"
                     "如需自己写，在下面填写（可参考已有文字）后保存并确认。")


def narrative_templates():
    """The template paragraphs, or None when they cannot be read (then blocks stay empty;
    the report itself says what is wrong with the template file)."""
    try:
        from core.report import load_templates
        return load_templates()[1]
    except (ImportError, ZhifaError) as exc:
        log.warning("narrative templates unavailable: %s", exc)
        return None


class NarrativeView(QWidget):
    def __init__(self, shared, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.blocks = QListWidget()
        self.blocks.setObjectName("blocks")
        self.blocks.setMinimumWidth(250)
        self.blocks.setMaximumWidth(300)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("在这里填写本段文字，一行一段。")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.save_button = QPushButton("保存")
        self.confirm_button = QPushButton("保存并确认此段")
        self.confirm_button.setObjectName("primary")
        self.copy_button = QPushButton("沿用上年文字")
        self.copy_button.setToolTip("把上年的文字填入本年所有未填写的段落，标为待确认")
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.confirm_button)
        right = QVBoxLayout()
        right.addWidget(self.state)
        right.addWidget(self.editor, 1)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addWidget(self.blocks)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        hint = QLabel("每段文字写入年度报告的相应位置。没有填写或未确认的段落，报告会用模板或上年的文字"
                      "并用黄色标出，请逐段核对后确认。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(body, 1)

        self.current: str | None = None
        self.dirty = False
        self.origins: dict[str, str] = {}
        self._texts: dict[str, str] = {}       # what the editor shows for each block
        self._stale = True
        self.editor.textChanged.connect(self._edited)
        self.blocks.currentRowChanged.connect(self._switch)
        self.save_button.clicked.connect(lambda: self.save(confirm=False))
        self.confirm_button.clicked.connect(lambda: self.save(confirm=True))
        self.copy_button.clicked.connect(self.copy_last_year)
        shared.year_changed.connect(self._year_changed)
        shared.records_changed.connect(self._changed)
        self.refresh()

    # --- loading -----------------------------------------------------------------------
    def _stored(self, session, year) -> dict[str, NarrativeText]:
        q = select(NarrativeText).where(NarrativeText.deleted_at.is_(None),
                                        NarrativeText.year == year)
        return {n.block: n for n in session.scalars(q)}

    def _year_changed(self, _year: int) -> None:
        if self.dirty:
            self.save(confirm=False)
        self.current = None
        self.refresh()

    def _changed(self, models: frozenset[str]) -> None:
        if models & {"NarrativeText", "BureauProfile"} and not self.dirty:
            self.refresh()

    def refresh(self) -> None:
        year = self.shared.year
        self.title.setText(f"{year}年度报告文字")
        templates = narrative_templates()
        with self.shared.store.read_session() as s:
            p = profile(s)
            bureau = (p.full_name if p else "") or "我局"
            narratives = load_narratives(s, year, templates, bureau)
            stored = self._stored(s, year)
        self.origins, self._texts = {}, {}
        for block, n in narratives.items():
            self.origins[block.value] = n.origin
            own = stored.get(block.value)
            # The clerk's own text as typed; otherwise the words the report would use.
            self._texts[block.value] = (own.text if own is not None and own.text.strip()
                                        else "\n".join(n.paragraphs))
        keep = self.current
        self.blocks.blockSignals(True)
        self.blocks.clear()
        for block in NarrativeBlock.values():
            origin = self.origins.get(block, TEMPLATE)
            item = QListWidgetItem(f"{block}（{STATUS[origin]}）")
            if origin != OWN:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.blocks.addItem(item)
        row = NarrativeBlock.values().index(keep) if keep in NarrativeBlock.values() else 0
        self.blocks.setCurrentRow(row)
        self.blocks.blockSignals(False)
        self._show(NarrativeBlock.values()[row])

    def _switch(self, row: int) -> None:
        if row < 0:
            return
        if self.dirty:                  # moving on never loses what was typed
            self.save(confirm=False)
            self.blocks.blockSignals(True)
            self.blocks.setCurrentRow(row)
            self.blocks.blockSignals(False)
        self._show(NarrativeBlock.values()[row])

    def _show(self, block: str) -> None:
        self.current = block
        self.editor.blockSignals(True)
        self.editor.setPlainText(self._texts.get(block, ""))
        self.editor.blockSignals(False)
        self.dirty = False
        origin = self.origins.get(block, TEMPLATE)
        generated = origin == TEMPLATE and block in {b.value for b in GENERATED_WHEN_EMPTY}
        self.state.setText(f"「{block}」：{EXPLAIN_GENERATED if generated else EXPLAIN[origin]}")
        self.state.setObjectName("hint" if origin == OWN else "fieldWarning")
        self.state.style().unpolish(self.state)                # restyle for the new name
        self.state.style().polish(self.state)

    def _edited(self) -> None:
        self.dirty = True

    def select_block(self, block: str) -> None:
        if block in NarrativeBlock.values():
            self.blocks.setCurrentRow(NarrativeBlock.values().index(block))

    # --- saving ------------------------------------------------------------------------
    def save(self, confirm: bool = False) -> bool:
        """Save the block shown. Only the confirm button marks words that came from the
        template or last year as checked; until then they stay 待确认."""
        if self.current is None:
            return False
        year, block = self.shared.year, self.current
        text = self.editor.toPlainText()
        origin = self.origins.get(block, TEMPLATE)
        def change(s):
            save_block(s, year, block, text, confirm=confirm, origin=origin,
                       save=self.shared.history.save)

        # Not dirty before the change is announced: the announcement refreshes this view.
        was_dirty, self.dirty = self.dirty, False
        if not Operation(self.shared, self, change, touches=models_of(NarrativeText),
                         status=f"已保存「{block}」" + ("并确认。" if confirm else "。")).run():
            self.dirty = was_dirty
            return False
        return True

    def copy_last_year(self) -> int:
        """Fill this year's empty blocks with last year's words, marked 待确认."""
        if self.dirty:
            self.save(confirm=False)
        year = self.shared.year

        done: list[int] = []
        if not Operation(self.shared, self,
                         lambda s: copy_last_year(s, year, save=self.shared.history.save),
                         touches=models_of(NarrativeText)).on_success(done.append).run():
            return 0
        copied = done[0]
        messages.info(self, "沿用上年文字",
                      f"已将 {year - 1} 年的 {copied} 段文字填入本年空白段落（报告年份已改为{year}年，"
                      "文件文号、版本年份和含有数字的上年情况未改），请逐段核对后确认。"
                      if copied else f"没有可沿用的 {year - 1} 年文字（或本年各段均已填写）。")
        return copied
