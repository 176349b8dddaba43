"""One list per record kind: search, filters, sorting, recycle bin, export to .xlsx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QMenu, QPushButton, QTableView, QVBoxLayout, QWidget,
)
from core.listing import FIRST_SCREEN, ListQuery, id_batches
from core.outfiles import atomic_write, safe_filename
from core.text import excel_text
from gui import filedialogs, messages
from gui.background import run_task
from gui.kinds import KINDS, Kind
from gui.operations import Operation, models_of
from gui.shared import suggested_path
from gui.tablemodel import PAGE, RecordTableModel, load_records

ALL = "全部"
# The keys that take the search box's words to the list below it (as ints: compared at
# every key pressed in the box).
_TO_RESULTS = {int(k) for k in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)}


def search_hint(kind: Kind) -> str:
    """「搜索：检查事项、备注、检查对象」— the columns the search box looks in."""
    labels = []
    for col in kind.search:
        owner = col.class_
        labels.append(owner.field_label(col.key) if owner is kind.model else
                      next((k.title for k in KINDS.values() if k.model is owner), ""))
    return "搜索：" + "、".join(dict.fromkeys(x for x in labels if x))


class SortingModel(RecordTableModel):
    """Sorting asks the list for a new id order; the rows stay lazy."""

    def __init__(self, store, kind, on_sort, parent=None):
        super().__init__(store, kind, parent)
        self._on_sort = on_sort

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        self._on_sort(column, order)


class RecordListView(QWidget):
    exported = Signal(object)           # Path of the .xlsx written
    export_failed = Signal(str)

    def __init__(self, shared, key: str, kind: Kind, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.key = key
        self.kind = kind
        self.sort_column: int | None = None
        self.sort_order = Qt.SortOrder.AscendingOrder

        self.search = QLineEdit(placeholderText=search_hint(kind))
        self.search.setClearButtonEnabled(True)
        self.filter_boxes: dict[str, QComboBox] = {}
        self.date_from = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date_to = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.recycle = QCheckBox("回收站")
        self.count_label = QLabel()
        self._stale = True
        self._sized = False
        self._reading = None            # (session, id batches) while the rest is unread
        # The rest of a long list is read once the first screen has been painted.
        self._rest_timer = QTimer(self, singleShot=True, interval=0)
        self._rest_timer.timeout.connect(self.read_all)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        # The search box keeps room for what is typed; several filters get a row of their
        # own so the list fits a 1024-wide screen (it shrank to 「搜…」 there).
        self.search.setMinimumWidth(220)
        filter_row = bar
        if len(kind.filters) > 1:
            filter_row = QHBoxLayout()
        for attr, vocab_ in kind.filters:
            box = QComboBox()
            # "" for 全部, not None: see gui.flaglist on PySide6 and empty QVariants.
            box.addItem(f"{kind.model.field_label(attr)}：{ALL}", "")
            for v in vocab_.values():
                box.addItem(v, v)
            box.currentIndexChanged.connect(self.requery)
            self.filter_boxes[attr] = box
            filter_row.addWidget(box)
        if kind.year_column is not None and kind.has_dates:
            bar.addWidget(QLabel("日期"))
            bar.addWidget(self.date_from)
            bar.addWidget(QLabel("至"))
            bar.addWidget(self.date_to)
            self.date_from.dateChanged.connect(self.requery)
            self.date_to.dateChanged.connect(self.requery)
        bar.addWidget(self.recycle)

        self.new_button = QPushButton("新增")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.restore_button = QPushButton("恢复")
        self.export_button = QPushButton("导出Excel")
        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.delete_button, self.restore_button,
                  self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        self._offer_changes()

        self.model = SortingModel(shared.store, kind, self._sort)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        # The arrow starts where the order really is: newest first by the year's date column.
        first = next((i for i, c in enumerate(kind.columns)
                      if kind.year_column is not None and c.sort is kind.year_column), -1)
        self.table.horizontalHeader().setSortIndicator(first, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        # Column widths from the first rows only: measuring 1,000 rows would fetch them all.
        self.table.horizontalHeader().setResizeContentsPrecision(60)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self._content_widths: list[int] = []
        self._fitting = self._widened = False
        self.table.horizontalHeader().sectionResized.connect(self._column_resized)
        self.table.installEventFilter(self)
        self.search.installEventFilter(self)        # Down or Enter: on to the results

        layout = QVBoxLayout(self)
        title = QLabel(kind.title)
        title.setObjectName("viewTitle")
        layout.addWidget(title)
        layout.addLayout(bar)
        if filter_row is not bar:
            filter_row.addStretch(1)
            layout.addLayout(filter_row)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

        # Search as the clerk types, but not on every keystroke of a long word.
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.requery)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.recycle.toggled.connect(self._recycle_toggled)
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        # Not connected straight to export(): the button's `checked` (False) would arrive
        # as the target file, and 导出Excel failed as a bug the first time it was clicked.
        self.export_button.clicked.connect(lambda _checked=False: self.export())
        # As in Excel: Ctrl+C copies the selected rows (paste into a sheet), Enter opens one.
        # Only while the table has focus: Enter in the search box or a form is theirs.
        for key, slot in ((QKeySequence.StandardKey.Delete, self.delete_selected),
                          (QKeySequence.StandardKey.Copy, self.copy_selected),
                          (QKeySequence("Return"), self.edit_selected),
                          (QKeySequence("Enter"), self.edit_selected)):
            shortcut = QShortcut(key, self.table, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        # Ctrl+N is the window's (gui.mainwindow.new_record): a shortcut here as well would
        # make the key ambiguous, and Qt then runs neither.
        self.new_button.setToolTip("新增一条记录（Ctrl+N）")
        self.delete_button.setToolTip("把选中的记录移入回收站（Delete），可撤销")
        self.export_button.setToolTip("把当前列表（按搜索和筛选条件）导出为 Excel 工作簿")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        shared.year_changed.connect(lambda _y: self.reset_dates())
        shared.records_changed.connect(self._records_changed)
        shared.store_closing.connect(self.stop_reading)     # its session is on the old file
        shared.store_replaced.connect(self._store_replaced)
        self._recycle_toggled(False)
        self.reset_dates()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.requery()

    def refresh(self) -> None:
        """Query again now if the list is on screen, else when it is next shown."""
        # Only this: requery() closes a reading still under way and starts the new one. (It
        # used to set up the reader again here too, dropping the one requery had just begun:
        # a list past one screen kept its first 100 rows and 「正在读取…」 after a save.)
        if self.isVisible():
            self.requery()
        else:
            self.stop_reading()         # a hidden list holds no read open on the ledger
            self._stale = True

    # --- query -----------------------------------------------------------------------
    def reset_dates(self) -> None:
        y = self.shared.year
        for box in (self.date_from, self.date_to):
            box.blockSignals(True)
        self.date_from.setDate(QDate(y, 1, 1))
        self.date_to.setDate(QDate(y, 12, 31))
        for box in (self.date_from, self.date_to):
            box.blockSignals(False)
        self.refresh()

    def list_query(self) -> ListQuery:
        """The search box, filters, dates, recycle bin and sorted column, for core.listing."""
        kind = self.kind
        sort = self.kind.columns[self.sort_column].sort if self.sort_column is not None else None
        return ListQuery(
            kind.model, kind.year_column,
            date_range=((self.date_from.date().toPython(), self.date_to.date().toPython())
                        if kind.year_column is not None and kind.has_dates else None),
            year=self.shared.year, search=self.search.text(), search_columns=kind.search,
            filters={attr: box.currentData() for attr, box in self.filter_boxes.items()},
            sort=sort, descending=self.sort_order == Qt.SortOrder.DescendingOrder,
            recycle_bin=self.recycle.isChecked())

    def requery(self) -> None:
        """Show the list for the chosen search, filters and order.

        A city year's inspection list is 85,000 ids: the first screenful is shown at once
        and the rest read right after it is painted (core.listing.id_batches), so opening
        the list or typing in the search box answers in the time of one screen."""
        self._stale = False
        self.stop_reading()
        session = self.shared.store.read_session()
        batches = id_batches(session, self.list_query())
        self._reading = (session, batches)
        try:
            first = next(batches)
        except BaseException:
            self.stop_reading()
            raise
        self.model.set_ids(first)
        if len(first) < FIRST_SCREEN:
            self.read_all()             # nothing more to read: closes it, shows the count
        else:
            self.count_label.setText("正在读取…")
            self._rest_timer.start()
        if first and not self._sized:
            # Widths from the first rows, once: the clerk may widen columns after that.
            self._sized = True
            self.table.resizeColumnsToContents()
            self._content_widths = [self.table.columnWidth(c)
                                    for c in range(self.model.columnCount())]
            self.fit_columns()

    def fit_columns(self) -> None:
        """Columns as wide as their first rows, but together no wider than the table: the
        widest texts (检查对象, 检查事项…) are cut with 「…」 rather than the last columns
        going off to the right, where the vertical scrollbar cut their header in half. Each
        keeps at least its header's width; a list whose headers alone do not fit scrolls
        sideways, uncut."""
        if not self._content_widths or self._widened:
            return
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        count = self.model.columnCount()
        wanted = [min(width, 260) for width in self._content_widths]
        # Header text, the sort arrow and the section's margins; a short column (a date,
        # a number) is never cut.
        least = [min(wanted[c], max(100, metrics.horizontalAdvance(self.kind.columns[c].header)
                                    + 30)) for c in range(count)]
        frame = 2 * self.table.frameWidth() + self.table.verticalHeader().sizeHint().width()
        room = (self.table.width() - frame - self.table.verticalScrollBar().sizeHint().width())

        def widths(cap: int) -> list[int]:
            return [max(least[c], min(wanted[c], cap)) for c in range(count)]

        # When even the headers do not fit, the list scrolls sideways anyway: then nothing
        # is cut (a 决定书文号 cut to 「示教罚…」 for nothing).
        if sum(least) <= room < sum(wanted):
            low, high = 0, max(wanted, default=0)
            while low < high:               # the largest cap on the widest that still fits
                cap = (low + high + 1) // 2
                if sum(widths(cap)) <= room:
                    low = cap
                else:
                    high = cap - 1
            wanted = widths(low)
        self._fitting = True
        try:
            for c, width in enumerate(wanted):
                self.table.setColumnWidth(c, width)
        finally:
            self._fitting = False

    def _column_resized(self, *_args) -> None:
        if not self._fitting and self._content_widths:
            self._widened = True        # the clerk's own widths are kept from now on

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self.fit_columns()          # the window resized: the columns follow
        elif watched is self.search and event.type() == QEvent.Type.KeyPress \
                and int(event.key()) in _TO_RESULTS:
            self.to_results()
            return True
        return super().eventFilter(watched, event)

    def to_results(self) -> None:
        """From the search box to the first row found: with the keyboard alone the list was
        a dozen Tabs away from the words just typed."""
        if self._search_timer.isActive():       # typed a moment ago: search now
            self._search_timer.stop()
            self.requery()
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.selectRow(0)

    def read_all(self) -> None:
        """Read the rest of the list now (before exporting it, for instance)."""
        self._rest_timer.stop()
        if self._reading is None:
            return
        try:
            rest = next(self._reading[1], [])
        finally:
            self.stop_reading()
        self.model.append_ids(rest)
        self._show_count()

    def stop_reading(self) -> None:
        """Close the list's reading (done, a new search, or the ledger is to be replaced)."""
        self._rest_timer.stop()
        if self._reading is not None:
            session, batches = self._reading
            self._reading = None
            batches.close()
            session.close()

    def _show_count(self) -> None:
        where = "回收站中" if self.recycle.isChecked() else "共"
        self.count_label.setText(f"{where} {len(self.model.ids):,} 条")

    def _sort(self, column: int, order) -> None:
        if not 0 <= column < len(self.kind.columns):
            return
        if self.kind.columns[column].sort is None:
            # Not a sortable column: put the arrow back where the order really is.
            self.table.horizontalHeader().setSortIndicator(
                -1 if self.sort_column is None else self.sort_column, self.sort_order)
            return
        self.sort_column, self.sort_order = column, order
        self.refresh()

    def _records_changed(self, models: frozenset[str]) -> None:
        if self.kind.depends_on & models:
            self.refresh()

    def _store_replaced(self, store) -> None:
        self.model.store = store
        self._offer_changes()
        self.refresh()

    def _offer_changes(self) -> None:
        """A user who may not change the ledger (a 只读 login, read-only media) is offered
        no change; 编辑 still opens a record to read it."""
        for b in (self.new_button, self.delete_button, self.restore_button):
            b.setEnabled(self.shared.writable)

    def _recycle_toggled(self, on: bool) -> None:
        self.restore_button.setVisible(on)
        self.delete_button.setVisible(not on)
        self.new_button.setVisible(not on)
        self.edit_button.setVisible(not on)
        self.refresh()

    # --- actions ---------------------------------------------------------------------
    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        if self.recycle.isChecked():
            menu.addAction("恢复", self.restore_selected).setEnabled(self.shared.writable)
        else:
            menu.addAction("编辑", self.edit_selected)
            for text, slot in (("新增", self.new_record), ("删除（移入回收站）", self.delete_selected)):
                menu.addAction(text, slot).setEnabled(self.shared.writable)
        menu.addAction("操作记录", self.show_log)       # issue 22: gui.auditview
        menu.addSeparator()
        menu.addAction("复制选中行（可粘贴到Excel）", self.copy_selected)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def copy_selected(self) -> str:
        """The selected rows, with the headers, as tab-separated text on the clipboard."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows:
            return ""
        lines = ["\t".join(c.header for c in self.kind.columns)]
        lines += ["\t".join(v.replace("\t", " ").replace("\n", " ")
                            for v in self.model.row_values(r)) for r in rows]
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        self.shared.status.emit(f"已复制 {len(rows)} 行，可粘贴到 Excel/WPS 表格。")
        return text

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.id_at(r) for r in rows]

    def show_log(self):
        ids = self.selected_ids()
        if ids:
            from gui.auditview import show_record_log
            return show_record_log(self.shared, self.kind.model, ids[0], parent=self)
        return None

    def new_record(self):
        from gui.forms import open_form
        return open_form(self.shared, self.key, None, parent=self)

    def edit_selected(self):
        ids = self.selected_ids()
        if not ids or self.recycle.isChecked():
            return None
        from gui.forms import open_form
        return open_form(self.shared, self.key, ids[0], parent=self)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.recycle.isChecked():
            return
        if not messages.ask(self, "删除", f"将选中的 {len(ids)} 条记录移入回收站？\n"
                                          "可在回收站中恢复，也可按 Ctrl+Z 撤销。"):
            return
        self._apply(ids, self.shared.history.delete, "删除", "已将 {n} 条记录移入回收站（Ctrl+Z 可撤销）。")

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._apply(ids, self.shared.history.restore, "恢复", "已恢复 {n} 条记录。")

    def _apply(self, ids, action, verb: str, done: str) -> bool:
        def change(s):
            for i in ids:       # refused if changed since shown (issue 22)
                action(s, s.get(self.kind.model, i), self.model.versions.get(i))

        return Operation(self.shared, self, change, touches=models_of(self.kind.model),
                         status=done.format(n=len(ids)), failure_title=f"无法{verb}").run()

    def export(self, target: Path | None = None) -> bool:
        """Write the rows shown (search, filters, order) to .xlsx in the background; the
        `exported` signal brings the path, or `export_failed` the reason in words."""
        if target is None:
            suggested = suggested_path(safe_filename(
                f"{self.kind.title}-{self.shared.year}-{dt.date.today():%Y%m%d}.xlsx"))
            name = filedialogs.save_file(self, "导出Excel", suggested, "Excel 工作簿 (*.xlsx)")
            if not name:
                return False
            target = Path(name)
        target = Path(target)
        self.read_all()
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        store, kind, ids = self.shared.store, self.kind, list(self.model.ids)
        self.export_button.setEnabled(False)
        self.shared.status.emit(f"正在导出 {len(ids):,} 条…")

        def write(progress):
            return atomic_write(target, lambda tmp: write_xlsx(store, kind, ids, tmp, progress))

        run_task(write, self, self._exported, self._export_failed, self.shared.status.emit)
        return True

    def _exported(self, target: Path) -> None:
        self.export_button.setEnabled(True)
        self.shared.status.emit(f"已导出 {len(self.model.ids):,} 条到「{target}」")
        self.exported.emit(Path(target))

    def _export_failed(self, message: str, details: str) -> None:
        self.export_button.setEnabled(True)
        if details:
            from gui.crash import show_bug
            show_bug(self, message, details)
        else:
            messages.warn(self, "导出失败", message)
        self.export_failed.emit(message)


def write_xlsx(store, kind: Kind, ids: list[int], tmp: Path, progress=None) -> None:
    """The listed records as a worksheet: the list's headers, one row per record, numbers as
    numbers, text defused against formulas (core.text.excel_text)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(kind.title[:31])
    ws.freeze_panes = "A2"
    for i, _col in enumerate(kind.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = 16
    ws.append([c.header for c in kind.columns])
    with store.reading() as s:
        for start in range(0, len(ids), PAGE * 5):
            chunk = ids[start:start + PAGE * 5]
            found = load_records(s, kind, chunk)
            for i in chunk:
                r = found.get(i)
                if r is None:
                    continue
                row = []
                for col in kind.columns:
                    v = col.value(r)
                    row.append(v if isinstance(v, (int, float)) and not isinstance(v, bool)
                               else excel_text("" if v is None else str(v)))
                ws.append(row)
            s.expunge_all()
            if progress is not None and len(ids) > PAGE * 5:
                progress(f"正在导出… {min(start + PAGE * 5, len(ids)):,}/{len(ids):,}")
    wb.save(tmp)
