"""报告文字: the paragraphs a person writes for the year's report, one block at a time.

Each block says where the report would take its words from (core.narrative): the clerk's
own, confirmed; own but 待确认; last year's; or the template paragraph. A block not written
this year shows the words the report would use, ready to be corrected and confirmed. The
blocks the report writes from the records (计划, 问题, 打算: core.report.generated_text) show
those words, read-only, above the clerk's box; they are counted in the background. The
report check (core.compliance) lists every block not yet confirmed. Typing not yet saved is
kept as a crash draft, as the record forms' is (gui.drafts).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
    QVBoxLayout, QWidget,
)
from sqlalchemy import select

from core.errors import ZhifaError
from core.models import NarrativeText
from core.narrative import (
    GENERATED_WHEN_EMPTY, LAST_YEAR, NO_ROW_SEEN, OWN, TEMPLATE, UNCONFIRMED, copy_last_year,
    load_narratives,
    save_block,
)
from core.records import profile
from core.vocab import NarrativeBlock
from gui import drafts, messages
from gui.background import run_task
from gui.operations import Operation, models_of

log = logging.getLogger(__name__)

STATUS = {OWN: "已确认", UNCONFIRMED: "待确认", LAST_YEAR: "未填写·沿用上年",
          TEMPLATE: "未填写·模板文字"}
STATUS_GENERATED = "未填写·按台账生成"     # a block in GENERATED with nothing written
EXPLAIN = {
    OWN: "已确认，报告按此文字印出。",
    UNCONFIRMED: "待确认：这段文字来自模板或上年，请核对修改后点“保存并确认此段”。",
    LAST_YEAR: "本年尚未填写：下面是报告将沿用的上年文字（报告年份已改为本年，文件文号和含有数字的"
               "上年情况保持原样），"
               "报告中会用黄色标出。请修改后保存并确认。",
    TEMPLATE: "本年尚未填写：下面是报告将使用的模板文字，报告中会用黄色标出。请修改后保存并确认。",
}
# A block the report writes from the year's records when nobody has written it.
EXPLAIN_GENERATED = ("本年尚未填写：报告将按本年度台账情况生成这一段（即上方的文字）并用黄色标出。"
                     "如需自己写，在下面填写后保存并确认，报告改印你的文字。")
# The plan, which the report writes from its records whatever the clerk writes.
EXPLAIN_PLAN = "报告按本年度检查计划记录写出计划完成情况（即上方的文字）；下面的文字{state}。"
PLAN_STATE = {OWN: "已确认，接在其后印出", UNCONFIRMED: "待确认，确认后才接在其后印出",
              LAST_YEAR: "是上年的，确认后才接在其后印出", TEMPLATE: "可用来补充说明，确认后接在其后印出"}
PREVIEW_GENERATED = "报告将印出（按本年度台账生成，只读；在下面写了自己的文字后不再使用）："
PREVIEW_PLAN = "报告将印出（按本年度检查计划记录生成，只读）："
EDITOR_OWN = "自己写的文字（可不填）："
EDITOR_PLAN = "补充说明（确认后接在上面的文字之后印出）："
PLACEHOLDER = "在这里填写本段文字，一行一段。"
PLACEHOLDER_GENERATED = "如需自己写，在这里填写，一行一段；保存后报告印出你的文字，代替上方按台账生成的文字。"
PLACEHOLDER_PLAN = "可在这里补充计划执行情况，一行一段；确认后接在上方按计划记录生成的文字之后印出。"
GENERATED = frozenset(b.value for b in GENERATED_WHEN_EMPTY)
DRAFT_KIND = "narrative"          # the kind of this page's drafts (gui.drafts.RESTORERS)


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
        self.editor.setPlaceholderText(PLACEHOLDER)
        self.state = QLabel()
        self.state.setWordWrap(True)
        # What the report writes from the records for this block (read-only).
        self.preview_label = QLabel()
        self.preview_label.setObjectName("hint")
        self.preview_label.setWordWrap(True)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("generatedPreview")
        self.preview.setReadOnly(True)
        self.preview.setStyleSheet("QPlainTextEdit { background: #f2f2f2; }")   # not a box to type in
        self.editor_label = QLabel()
        self.editor_label.setObjectName("hint")
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
        right.addWidget(self.preview_label)
        right.addWidget(self.preview, 1)
        right.addWidget(self.editor_label)
        right.addWidget(self.editor, 1)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addWidget(self.blocks)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        hint = QLabel("每段文字写入年度报告的相应位置。没有填写或未确认的段落，报告会用模板或上年的文字"
                      "并用黄色标出，请逐段核对后确认。“年度执法计划完成情况”“存在的问题”“下一步工作打算”"
                      "由报告按本年度台账生成，页面上显示将印出的文字；自己填写的文字代替生成的文字"
                      "（计划完成情况则接在按计划记录写出的文字之后）。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(body, 1)

        self.current: str | None = None
        self._dirty = False
        self._draft_path = drafts.new_path(DRAFT_KIND)
        self._draft_timer = QTimer(self, singleShot=True, interval=drafts.EVERY_MS)
        self._draft_timer.timeout.connect(self.write_draft)
        self.origins: dict[str, str] = {}
        self._versions: dict[str, int] = {}    # block -> the version shown (issue 22)
        self._reloads = 0                      # reload_record calls (a refused save's 重新载入)
        self._texts: dict[str, str] = {}       # what the editor shows for each block
        self._stale = True
        # core.report.generated_text of the year (block value → GeneratedBlock); None until
        # counted, and again after any record changes. `_token` drops a stale count's result.
        self.generated: dict | None = None
        self._generating = False
        self._token = 0
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
        self._token += 1
        self.generated = None
        self.refresh()

    @property
    def dirty(self) -> bool:
        return self._dirty

    @dirty.setter
    def dirty(self, value: bool) -> None:
        """Typing not yet saved is kept as a draft every few seconds (gui.drafts), as the
        record forms' is; once it is saved or thrown away the draft goes."""
        self._dirty = bool(value)
        if self._dirty:
            if not self._draft_timer.isActive():
                self._draft_timer.start()
        else:
            self._draft_timer.stop()
            drafts.remove(self._draft_path)

    def draft_title(self) -> str:
        return f"报告文字 {self.shared.year}年「{self.current}」"

    def write_draft(self) -> bool:
        if not self.dirty or self.current is None:
            return False
        return drafts.write(self._draft_path, self.shared.store.location, DRAFT_KIND, None,
                            self.draft_title(), {"year": self.shared.year, "block": self.current,
                                                 "text": self.editor.toPlainText()})

    def restore_draft(self, path, fields: dict) -> None:
        """Put back what a crash left unsaved: its year, its block, its words (not saved:
        the clerk checks them and saves)."""
        year, block = fields.get("year"), fields.get("block")
        if isinstance(year, int) and year != self.shared.year:
            self.shared.set_year(year)
        if block in NarrativeBlock.values():
            self.select_block(block)
        self.editor.setPlainText(str(fields.get("text", "")))
        drafts.remove(self._draft_path)
        self._draft_path = Path(path)           # the same file, until saved or thrown away
        self.dirty = True
        self.write_draft()

    def _changed(self, models: frozenset[str]) -> None:
        # Any record can change what the report generates (a late publication, a plan task).
        self._token += 1
        self.generated = None
        if self.current in GENERATED:
            self._update_preview()
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
        self.origins, self._texts, self._versions = {}, {}, {}
        for block, n in narratives.items():
            self.origins[block.value] = n.origin
            own = stored.get(block.value)
            # The version shown: a save over words another clerk saved since is refused.
            self._versions[block.value] = own.version if own is not None else NO_ROW_SEEN
            # The clerk's own text as typed; otherwise the words the report would use (for a
            # block generated from the records, those are shown above the box, which is empty).
            self._texts[block.value] = (
                own.text if own is not None and own.text.strip()
                else "" if n.origin == TEMPLATE and block.value in GENERATED
                else "\n".join(n.paragraphs))
        keep = self.current
        self.blocks.blockSignals(True)
        self.blocks.clear()
        for block in NarrativeBlock.values():
            origin = self.origins.get(block, TEMPLATE)
            status = (STATUS_GENERATED if origin == TEMPLATE and block in GENERATED
                      else STATUS[origin])
            item = QListWidgetItem(f"{block}（{status}）")
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
        self._update_preview()

    def _update_preview(self) -> None:
        """The state line, and for a block the report writes from the records, the words it
        will print (counted in the background the first time)."""
        block = self.current
        if block is None:
            return
        origin = self.origins.get(block, TEMPLATE)
        explain, placeholder, preview = EXPLAIN[origin], PLACEHOLDER, None
        if block in GENERATED:
            generated = self.generated.get(block) if self.generated is not None else None
            if generated is None:
                self._count_generated()
                if origin == TEMPLATE:
                    explain, placeholder = EXPLAIN_GENERATED, PLACEHOLDER_GENERATED
                    preview = (PREVIEW_GENERATED, "正在按本年度台账生成……")
            elif generated.always:
                explain = EXPLAIN_PLAN.format(state=PLAN_STATE[origin])
                placeholder = PLACEHOLDER_PLAN
                preview = (PREVIEW_PLAN, "\n".join(generated.paragraphs))
            elif generated.printed(origin):
                explain, placeholder = EXPLAIN_GENERATED, PLACEHOLDER_GENERATED
                preview = (PREVIEW_GENERATED, "\n".join(generated.paragraphs))
        self.state.setText(f"「{block}」：{explain}")
        self.editor.setPlaceholderText(placeholder)
        for widget in (self.preview_label, self.preview, self.editor_label):
            widget.setVisible(preview is not None)
        if preview is not None:
            self.preview_label.setText(preview[0])
            self.preview.setPlainText(preview[1])
            self.editor_label.setText(EDITOR_PLAN if preview[0] == PREVIEW_PLAN else EDITOR_OWN)
        ok = origin == OWN and (preview is None or self.generated is None
                                or self.generated[block].always)
        self.state.setObjectName("hint" if ok else "fieldWarning")
        self.state.style().unpolish(self.state)                # restyle for the new name
        self.state.style().polish(self.state)

    def _count_generated(self) -> None:
        """core.report.generated_text for the year, off the window's thread."""
        if self._generating:
            return
        self._generating = True
        store, year, token = self.shared.store, self.shared.year, self._token

        def run(_progress):
            from core.report import generated_text
            with store.reading() as s:
                return token, {b.value: g for b, g in generated_text(s, year).items()}

        run_task(run, self, self._counted, self._count_failed)

    def _counted(self, result) -> None:
        self._generating = False
        token, generated = result
        if token != self._token:             # the records or the year changed meanwhile
            if self.current in GENERATED:
                self._count_generated()
            return
        self.generated = generated
        self._update_preview()

    def _count_failed(self, message: str, details: str) -> None:
        self._generating = False
        log.warning("report text not generated: %s %s", message, details)
        self.preview_label.setText(f"未能按台账生成这一段：{message}")
        self.preview.setPlainText("")

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
        seen = self._versions.get(block)

        def change(s):
            save_block(s, year, block, text, confirm=confirm, origin=origin,
                       save=self.shared.history.save, seen_version=seen)

        # Not dirty before the change is announced: the announcement refreshes this view.
        # The draft stays until the save has gone through.
        was_dirty, self._dirty = self.dirty, False
        self._draft_timer.stop()
        reloads = self._reloads
        if not Operation(self.shared, self, change, touches=models_of(NarrativeText),
                         status=f"已保存「{block}」" + ("并确认。" if confirm else "。")).run():
            if self._reloads == reloads:     # still the clerk's words (not the stored ones)
                self.dirty = was_dirty
            return False
        drafts.remove(self._draft_path)
        return True

    def reload_record(self) -> None:
        """Show the words as they now are: another clerk saved this block meanwhile
        (gui.operations). The clerk's own typing stays in its draft until a save."""
        self._reloads += 1
        self.dirty = False
        self.refresh()

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


def restore_draft(window, shared, path, fields: dict):
    """gui.drafts' restorer for this page: open 报告文字 with the words a crash left unsaved."""
    view = window.show_view("narrative")
    view.restore_draft(path, fields)
    return view
