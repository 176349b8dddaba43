"""The main window 「教育行政执法台账」: year selector, navigation list, one view per task,
menus for settings, backups and undo. Geometry, year and last view are remembered.

The window is built in two steps so that it is on screen at once (docs/PERFORMANCE.md,
cold start): `MainWindow()` is the shell — navigation, menus, remembered size — and needs
only Qt; `attach(shared)` runs once the ledger is open and fills it in. What needs the
ledger (core, SQLAlchemy, the views) is imported there, not when this module loads, and
each view is built the first time it is shown.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QListWidget, QMainWindow, QPushButton, QSplitter,
    QStackedWidget, QVBoxLayout, QWidget,
)

from core.paths import default_backup_dir, log_dir
from gui import messages, screen
from gui.shared import app_settings, text_setting

log = logging.getLogger(__name__)

# Qt.Key.Key_Return and Key_Enter (the keypad's) as plain ints: Qt's enum namespace is not
# made before the first paint (gui.app.launch).
_ENTER_KEYS = (0x01000004, 0x01000005)

# Navigation order as the clerk thinks of the year (issue 5).
NAVIGATION = (
    ("概览", "overview"), ("行政检查", "inspection"), ("行政处罚", "penalty"),
    ("其他执法行为", "other_act"), ("执法人员", "staff"), ("检查对象", "unit"),
    ("学法培训", "training"), ("专项行动", "campaign"), ("权责清单", "power"),
    ("检查计划", "plan_task"), ("检查频次上限", "inspection_cap"),   # issue 21
    ("复议诉讼", "review"), ("其他指标", "custom"), ("报告文字", "narrative"),
    ("生成年度报告", "report"),
)

STYLE = """
QLabel#viewTitle { font-size: 18px; font-weight: bold; padding: 4px 0 6px 0; }
QLabel#fieldError { color: #c0392b; }
QLabel#fieldWarning { color: #a05a00; }
QLabel#formBanner { color: #c0392b; background: #fdecea; padding: 6px; }
QLabel#hint { color: #666666; }
QLabel#opening { color: #666666; qproperty-alignment: AlignCenter; }
QLabel#figureValue { font-size: 20px; font-weight: bold; color: #1f4e79; }
QLabel#figureChange { color: #666666; }
QFrame#figureCard { background: #f7f9fc; border: 1px solid #d5dde8; border-radius: 4px; }
QListWidget#navigation { font-size: 15px; }
QListWidget#navigation::item { padding: 6px 10px; }
QListWidget#blocks::item { padding: 5px 8px; }
QPushButton { min-height: 22px; padding: 3px 12px; }
QPushButton#primary { font-size: 15px; padding: 3px 18px; }
"""


class Views(dict):
    """The views by navigation key, each built the first time it is asked for."""

    def __init__(self, build):
        super().__init__()
        self._build = build

    def __missing__(self, key: str) -> QWidget:
        view = self[key] = self._build(key)
        return view


class MainWindow(QMainWindow):
    imported = Signal(object)          # the committed core.ledger_io ImportPlan
    exported = Signal(object)          # the path of an exported 台账 workbook
    first_painted = Signal()           # the shell is on screen: time to open the ledger
    ready = Signal()                   # the ledger is attached and its first view shown

    def __init__(self, parent=None):
        super().__init__(parent)
        self.shared = None
        self.setWindowTitle("教育行政执法台账")
        self.setStyleSheet(STYLE)
        self.on_close = None           # set by app.main: closes the ledger, releases the lock
        self._painted = False
        # The day's automatic backup also when the program stays open overnight.
        self.backup_timer = QTimer(self, interval=60 * 60 * 1000)
        self.backup_timer.timeout.connect(self.daily_backup)
        # Size, place, page and year kept as they change, not only on a clean exit: a
        # crash or power cut forgot them.
        self.state_timer = QTimer(self, singleShot=True, interval=1000)
        self.state_timer.timeout.connect(self.save_settings)

        self.year_box = QComboBox()
        self.year_box.setMinimumWidth(110)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMinimumWidth(150)
        self.nav.setMaximumWidth(200)
        for label, _key in NAVIGATION:
            self.nav.addItem(label)
        self.stack = QStackedWidget()
        self.opening = QLabel("正在打开台账…")
        # Centred by the style sheet: Qt.AlignmentFlag would make Qt's enum namespace
        # before the first paint (~30 ms; gui.app.launch).
        self.opening.setObjectName("opening")
        self.stack.addWidget(self.opening)
        self.views = Views(self._make_view)
        self._years_listed: set[int] = set()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        year_row = QHBoxLayout()
        year_row.addWidget(QLabel("年度"))
        year_row.addWidget(self.year_box, 1)
        left_layout.addLayout(year_row)
        left_layout.addWidget(self.nav, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        # The keyboard starts in the navigation, where the arrows go from page to page. Qt
        # gave the focus to the year box, first in the tab order: an arrow key pressed at
        # start switched the statistical year, with nothing on screen showing the focus.
        self.nav.setFocus()
        self.statusBar().showMessage("正在打开台账…")

        # The menus are there from the first paint (no jump when they fill in); their
        # entries need the ledger and are added by attach().
        # Alt+F/E/D/H open them: with the keyboard only the menus were out of reach.
        self.menus = {name: self.menuBar().addMenu(f"{name}(&{key})") for name, key in
                      (("文件", "F"), ("编辑", "E"), ("数据", "D"), ("帮助", "H"))}
        for menu in self.menus.values():
            menu.setEnabled(False)
        self._restore_geometry()

    def keyPressEvent(self, event) -> None:
        # Enter presses the focused button, as the space bar does. Qt does that only in a
        # dialog (QPushButton.autoDefault): a clerk who tabbed to 「检查并生成报告」 and
        # pressed Enter, as Windows programs let them, saw nothing happen. A button passes
        # Enter on to its parents, so it arrives here.
        focused = self.focusWidget()
        if int(event.key()) in _ENTER_KEYS and isinstance(focused, QPushButton) \
                and focused.isEnabled():
            focused.animateClick()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def attach(self, shared) -> None:
        """The ledger is open: fill the window in and show the view the clerk left last."""
        self.shared = shared
        self._build_menus()
        # The year chosen last and this year at once; every year with records is counted on
        # the thread pool (a full pass over a city year's 86,000 inspections, 0.1–0.3 s).
        self.fill_years(years=())
        # Once the first view is painted: a count on the thread pool started before it shares
        # the interpreter with building and painting the page (issue 20: start).
        QTimer.singleShot(0, self, self.refresh_years)
        self.year_box.currentIndexChanged.connect(self._year_chosen)
        self.nav.currentRowChanged.connect(self._show_view)
        shared.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        shared.records_changed.connect(self._records_changed)
        shared.open_narrative.connect(self._open_narrative)
        self._show_view(self.nav.currentRow())      # the view left last (_restore_geometry)
        self.stack.removeWidget(self.opening)
        self.opening.deleteLater()
        self.update_title()
        self.statusBar().showMessage("就绪")
        self.backup_timer.start()
        from gui.changewatch import ChangeWatcher     # other clerks' changes (issue 22)
        self.change_watch = ChangeWatcher(shared, self)
        self.ready.emit()

    def _make_view(self, key: str) -> QWidget:
        # Only the module of the view asked for: at start the others (the report page
        # alone loads the report's templates and checks) would delay the first page.
        if key == "overview":
            from gui.overview import OverviewView
            view = OverviewView(self.shared)
        elif key == "narrative":
            from gui.narrative import NarrativeView
            view = NarrativeView(self.shared)
        elif key == "report":
            from gui.reportview import ReportView
            view = ReportView(self.shared)
        else:
            from gui.kinds import KINDS
            from gui.listview import RecordListView
            view = RecordListView(self.shared, key, KINDS[key])
        self.stack.addWidget(view)
        return view

    # --- menus -----------------------------------------------------------------------
    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        for menu in self.menus.values():
            menu.setEnabled(True)
        file_menu = self.menus["文件"]
        self._action(file_menu, "单位信息…", self.edit_profile)
        self._action(file_menu, "数据文件与备份位置…", self.edit_locations)
        file_menu.addSeparator()
        self._add_ledger_io(file_menu)
        self._action(file_menu, "退出", self.close, "Ctrl+Q")
        edit = self.menus["编辑"]
        # The window's, not each list's: Ctrl+N works with the focus anywhere in the
        # window, also right after a page was clicked in the navigation.
        self.new_action = self._action(edit, "新增记录", self.new_record,
                                       QKeySequence.StandardKey.New)
        edit.addSeparator()
        self.undo_action = self._action(edit, "撤销", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(edit, "重做", self.redo, QKeySequence.StandardKey.Redo)
        data = self.menus["数据"]
        self._action(data, "立即备份", self.backup_now)
        self._action(data, "从备份恢复…", self.restore_backup)
        self._action(data, "检查数据库", self.check_database)
        self._action(data, "打开备份文件夹", lambda: self._open_path(self.backup_folder()))
        help_menu = self.menus["帮助"]
        self._action(help_menu, "打开日志文件夹", lambda: self._open_path(log_dir()))
        self._action(help_menu, "关于", self.about)
        self._update_undo()

    def about(self) -> None:
        from core import __version__
        location = self.shared.store.location if self.shared is not None else ""
        messages.info(self, "关于", f"教育行政执法台账　版本 {__version__}\n"
                      "记录行政检查、行政处罚等执法活动，一键生成年度行政执法工作报告。\n\n"
                      f"台账数据文件：{location}")

    def _add_ledger_io(self, menu) -> None:
        from gui import ledger_menu     # 导入台账 / 导出台账 / 下载空白模板 (core.ledger_io)
        ledger_menu.add_actions(self, menu)
        menu.addSeparator()

    def ledger_imported(self, plan) -> None:
        self.imported.emit(plan)

    def ledger_exported(self, path) -> None:
        self.exported.emit(path)

    # --- year and views --------------------------------------------------------------
    def fill_years(self, years=None) -> None:
        """The year selector: every year with records (counted now unless given), this
        year and the year shown."""
        if years is None:
            from core.records import years_with_data
            with self.shared.store.read_session() as s:
                years = years_with_data(s)
        years = set(years) | {dt.date.today().year, self.shared.year}
        self._years_listed = years
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in sorted(years, reverse=True):
            self.year_box.addItem(f"{y}年", y)
        self.year_box.setCurrentIndex(self.year_box.findData(self.shared.year))
        self.year_box.blockSignals(False)

    def _year_chosen(self, _index) -> None:
        if self.year_box.currentIndex() < 0:
            return
        year = self.year_box.currentData()
        if year:
            self.shared.set_year(int(year))
            self.state_timer.start()
            self.statusBar().showMessage(f"已切换到 {year} 年", 4000)

    def _show_view(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentWidget(self.views[NAVIGATION[row][1]])
            self.state_timer.start()

    def moveEvent(self, event) -> None:
        super().moveEvent(event)
        self.state_timer.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.state_timer.start()

    def show_view(self, key: str) -> QWidget:
        keys = [k for _l, k in NAVIGATION]
        self.nav.setCurrentRow(keys.index(key))
        return self.views[key]

    def new_record(self):
        """A new entry of the list shown (Ctrl+N); on a page without one, where to go."""
        view = self.stack.currentWidget()
        if not self.shared.writable:
            self.statusBar().showMessage("这本台账对您只读，不能新增记录。", 8000)
            return None
        if hasattr(view, "new_record") and not getattr(view, "recycle").isChecked():
            return view.new_record()
        self.statusBar().showMessage("在行政检查、行政处罚等列表页中按 Ctrl+N 新增记录。", 8000)
        return None

    def update_title(self) -> None:
        """「教育行政执法台账 — 示例区教育局」: which bureau's ledger is open."""
        from core.records import profile
        with self.shared.store.read_session() as s:
            p = profile(s)
            name = p.full_name if p is not None else ""
        self.setWindowTitle("教育行政执法台账" + (f" — {name}" if name else "")
                            + ("" if self.shared.writable else "（只读）"))

    def refresh_years(self) -> None:
        """Count the years with records on the thread pool and list them when done: on a
        city year the count would stall the window after every save."""
        from core.records import years_with_data
        from gui.background import run_task

        store = self.shared.store

        def count(_progress):
            with store.reading() as s:
                return years_with_data(s)

        def counted(years) -> None:
            if self.shared is not None and self.shared.store is store \
                    and set(years) | {dt.date.today().year, self.shared.year} != self._years_listed:
                self.fill_years(years)

        def failed(message: str, _details: str) -> None:
            log.warning("years with records not counted: %s", message)

        self.years_task = run_task(count, self, counted, failed)

    def _records_changed(self, models: frozenset[str]) -> None:
        if "BureauProfile" in models:
            self.update_title()
        self._update_undo()
        self.refresh_years()

    def _open_narrative(self, block: str) -> None:
        self.show_view("narrative").select_block(block)

    # --- undo ------------------------------------------------------------------------
    def _update_undo(self) -> None:
        h = self.shared.history
        self.undo_action.setEnabled(h.can_undo)
        self.redo_action.setEnabled(h.can_redo)
        self.undo_action.setText(f"撤销：{h.undo_label}" if h.can_undo else "撤销")
        self.redo_action.setText(f"重做：{h.redo_label}" if h.can_redo else "重做")

    def undo(self) -> bool:
        if not self.shared.history.can_undo:
            return False
        return self._history_step(self.shared.history.undo, "已撤销", "无法撤销")

    def redo(self) -> bool:
        if not self.shared.history.can_redo:
            return False
        return self._history_step(self.shared.history.redo, "已重做", "无法重做")

    def _history_step(self, step, verb: str, refused: str) -> bool:
        from gui.operations import Operation
        return Operation(self.shared, self, step, failure_title=refused,
                         touches=lambda change: {change.before.model.__name__},
                         status=lambda change: f"{verb}：{change.label}").run()

    # --- settings and safety ---------------------------------------------------------
    def backup_folder(self) -> Path:
        folder = text_setting(self.shared.settings, "backup/folder", str(default_backup_dir()))
        return Path(folder)

    def edit_profile(self):
        from gui.dialogs import ProfileDialog
        dialog = ProfileDialog(self.shared, self)
        dialog.open()
        return dialog

    def edit_locations(self):
        from gui.locations import LocationsDialog
        dialog = LocationsDialog(self.shared, self)
        dialog.open()
        return dialog

    def daily_backup(self) -> Path | None:
        """The day's first automatic copy, thinned to daily/weekly/monthly by core.backups.
        A failure goes to the status bar and the log: it is tried again within the hour."""
        from core.backups import auto_backup, daily_backup_due
        from core.errors import ZhifaError
        if not self.shared.store.is_sqlite:       # a server's: dumped in the background
            from gui.server_backups import daily_backup_in_background
            daily_backup_in_background(self, self.shared, self.backup_folder())
            return None
        path = self.shared.store.path
        if path is None or not path.exists() or not self._intact():
            return None
        try:
            if daily_backup_due(self.backup_folder()):
                target = auto_backup(path, self.backup_folder())
                self.statusBar().showMessage(f"已自动备份到「{target.parent}」", 8000)
                return target
        except ZhifaError as exc:
            log.warning("daily backup failed: %s", exc)
            self.statusBar().showMessage(f"自动备份失败：{exc}")
        return None

    def _intact(self) -> bool:
        """Whether the ledger passed its integrity check (run now if it has not yet): a
        damaged file is not copied, it would push a good backup out of the rotation."""
        from core.errors import ZhifaError
        try:
            self.shared.store.check_integrity()
        except ZhifaError:
            return False
        return True

    def backup_on_close(self) -> Path | None:
        from core.backups import auto_backup
        from core.errors import ZhifaError
        if self.shared is None:
            return None
        path = self.shared.store.path
        if path is None or not path.exists() or not self._intact():
            return None
        try:
            return auto_backup(path, self.backup_folder())
        except ZhifaError as exc:
            log.warning("backup on close failed: %s", exc)
            messages.warn(self, "自动备份失败", f"关闭前的自动备份没有完成：{exc}\n"
                          "台账本身已保存。请检查备份文件夹（文件 → 数据文件与备份位置）。")
            return None

    def backup_now(self) -> Path | None:
        from core.backups import manual_backup
        from core.errors import ZhifaError
        try:
            target = manual_backup(self.shared.store, self.backup_folder())
        except ZhifaError as exc:
            messages.warn(self, "备份失败", str(exc))
            return None
        messages.info(self, "备份完成", f"已备份到：\n{target}")
        return target

    def restore_backup(self, backup: Path | None = None) -> bool:
        from core.backups import refuse_the_ledger_itself, restore_sqlite, verify_backup
        from core.errors import ZhifaError
        from core.store import open_store
        if not self.shared.store.is_sqlite:       # an administrator's action, asked twice
            from gui.server_backups import restore_server_backup
            return restore_server_backup(self, self.shared, self.backup_folder(), backup)
        if backup is None:
            from gui import filedialogs
            name = filedialogs.open_file(self, "选择备份文件", str(self.backup_folder()),
                                         "台账备份 (*.db)")
            if not name:
                return False
            backup = Path(name)
        try:
            refuse_the_ledger_itself(backup, self.shared.store.path)
            verify_backup(backup)
        except ZhifaError as exc:
            messages.warn(self, "无法恢复", str(exc))
            return False
        if not messages.ask(self, "从备份恢复",
                            f"用备份「{backup.name}」替换当前台账？\n当前台账会先另存一份副本。",
                            yes="恢复", no="取消", safe_default=True):
            return False
        store = self.shared.store
        live, location = store.path, store.location
        restored: list = []

        def reopen():
            store.close()
            try:
                restored.append(restore_sqlite(backup, live))
            except ZhifaError as exc:
                restored.append(exc)
            return open_store(location)      # the restored file, or the old one left as it was

        self.shared.replace_store(reopen)
        self.fill_years()
        if isinstance(restored[0], ZhifaError):
            messages.warn(self, "恢复失败", str(restored[0]))
            return False
        safety = restored[0]
        messages.info(self, "恢复完成", "已从备份恢复台账。" + (
            f"\n原台账副本保存在：{safety}" if safety else ""))
        return True

    def check_database(self) -> bool:
        from core.backups import verify_backup
        from core.errors import ZhifaError
        try:
            verify_backup(self.shared.store.path)
        except ZhifaError as exc:
            messages.warn(self, "数据库检查", f"发现问题：{exc}\n请用「数据 → 从备份恢复」恢复最近的备份。")
            return False
        messages.info(self, "数据库检查", "数据库完好，没有发现问题。")
        return True

    def _open_path(self, path: Path) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # --- remembered state ------------------------------------------------------------
    def _restore_geometry(self) -> None:
        settings = app_settings()
        geometry = settings.value("window/geometry", QByteArray())
        area = screen.available(self)
        restored = (isinstance(geometry, QByteArray) and not geometry.isEmpty()
                    and self.restoreGeometry(geometry))
        if not restored or not (self.isMaximized() or screen.fits(self.frameGeometry(), area)):
            # The first start, or a geometry from a bigger screen (a projector, a second
            # monitor since unplugged): as large as the screen allows, up to 1280×800.
            if restored:                # not on the first start: enums make Qt's namespace
                from PySide6.QtCore import Qt
                self.setWindowState(Qt.WindowState.WindowNoState)
            screen.fit(self, 1280, 800, area)
            self.move(area.left() + max(0, (area.width() - self.width() - screen.FRAME_WIDTH) // 2),
                      area.top() + max(0, (area.height() - self.height() - screen.FRAME_HEIGHT) // 2))
        keys = [k for _l, k in NAVIGATION]
        last = settings.value("window/view", "overview")
        # Highlighted in the shell already; the view itself is built by attach().
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(keys.index(last) if last in keys else 0)
        self.nav.blockSignals(False)

    def save_settings(self) -> None:
        if self.shared is None:         # the shell before the ledger opened: nothing chosen yet
            return
        st = self.shared.settings
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/view", NAVIGATION[max(0, self.nav.currentRow())][1])
        st.setValue("window/year", self.shared.year)
        st.sync()

    def _forms(self) -> list:
        if self.shared is None:
            return []
        from gui.forms import RecordForm
        return self.findChildren(RecordForm)

    def unsaved_work(self) -> list[str]:
        out = [f.windowTitle() for f in self._forms() if f.isVisible() and f.dirty]
        narrative = self.views.get("narrative")
        if narrative is not None and narrative.dirty:
            out.append("报告文字")
        return out

    def closeEvent(self, event) -> None:
        busy = self.shared.writer.busy_with if self.shared is not None else None
        if busy is not None:
            # The ledger is being written on the writer thread: closing it now would end
            # that write half done (it would be rolled back, but the clerk would not know).
            messages.warn(self, "请稍候", f"正在{busy}，完成后再关闭程序。")
            event.ignore()
            return
        unsaved = self.unsaved_work()
        if unsaved and not messages.ask(
                self, "未保存的修改", "以下内容有未保存的修改：\n" + "\n".join(unsaved)
                + "\n\n确定不保存就退出吗？", yes="不保存，退出", no="返回", safe_default=True):
            event.ignore()
            return
        for form in self._forms():
            form.dirty = False
            form.close()
        if self.views.get("narrative") is not None:
            self.views["narrative"].dirty = False      # its draft goes with 「不保存，退出」
        if self.shared is not None:         # closed before the ledger opened: nothing to keep
            self.state_timer.stop()
            self.save_settings()
            self.backup_timer.stop()
            self.backup_on_close()
        if self.on_close is not None:
            self.on_close()
        event.accept()
