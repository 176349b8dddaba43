"""One object every pane shares: the open ledger, the undo history, the year, the settings,
and the signals that let panes refresh each other without importing each other."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Signal

from core.paths import data_dir


def app_settings() -> QSettings:
    """Settings in an .ini beside the data, so tests and --self-test never touch the real ones."""
    return QSettings(str(data_dir() / "设置.ini"), QSettings.Format.IniFormat)


def text_setting(settings: QSettings, key: str, default: str = "") -> str:
    """A remembered path or name. The settings file is text a colleague may edit by hand: a
    value that is not one piece of text (QSettings reads `a, b` as a list) is ignored rather
    than stopping the start."""
    value = settings.value(key, default)
    return value if isinstance(value, str) else default


# Where the ledger is (文件 → 数据文件与备份位置, gui/locations.py). LOCATION_KEY holds a file
# path or a server ledger's address without its password: the password is kept in the
# system's password store (core.connection), never in this file. FILE_KEY keeps the file
# chosen before while a server ledger is used; SERVER_KEYS the server's fields for the next
# time 服务器台账 is chosen.
LOCATION_KEY = "data/location"
FILE_KEY = "data/file"
BACKUP_FOLDER_KEY = "backup/folder"
SERVER_KEYS = {"host": "server/host", "port": "server/port", "database": "server/database",
               "user": "server/user"}


def server_settings(settings: QSettings) -> dict[str, str]:
    return {field: text_setting(settings, key) for field, key in SERVER_KEYS.items()}


def set_server_settings(settings: QSettings, parts: dict | None) -> None:
    for field, key in SERVER_KEYS.items():
        settings.setValue(key, str((parts or {}).get(field, "")))


OUTPUT_FOLDER = "教育行政执法台账"


def output_folder() -> Path:
    """Where reports and exports go unless the clerk chooses: 「文档\\教育行政执法台账」, the
    folder a clerk looks in (the hidden data folder, AppData on Windows, was the default).
    Qt knows where 文档 really is (moved to D:, or into OneDrive); the desktop or the home
    folder if there is none."""
    for where in (QStandardPaths.StandardLocation.DocumentsLocation,
                  QStandardPaths.StandardLocation.DesktopLocation):
        found = QStandardPaths.writableLocation(where)
        if found and Path(found).is_dir():
            return Path(found) / OUTPUT_FOLDER
    return Path.home() / OUTPUT_FOLDER


def suggested_path(name: str) -> str:
    """The file a save dialog suggests: in the output folder, made if need be so that the
    dialog opens there (a failure leaves the dialog to start where it can)."""
    folder = output_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return str(folder / name)


class Shared(QObject):
    # The model class names a committed change touched (gui.operations: the one sender).
    records_changed = Signal(object)   # frozenset[str]
    year_changed = Signal(int)
    open_narrative = Signal(str)       # a 报告文字 block to show
    status = Signal(str)               # a short message for the status bar
    store_closing = Signal()           # the ledger file is about to be replaced: stop reading it
    store_replaced = Signal(object)    # the new core.store.Store (after a restore)
    ledger_chosen = Signal(str)        # another ledger chosen (gui.locations): gui.app opens it

    def __init__(self, store, year: int):
        # Here, not at the top: the window's shell imports app_settings before the ledger
        # (and SQLAlchemy, which the undo history needs) is loaded.
        from core.undo import UndoHistory
        from gui.operations import Writer

        super().__init__()
        self.store = store
        self.lock = None                # the file's core.lock.DatabaseLock (gui.app), if any
        self.year = year
        self.history = UndoHistory()
        self.settings = app_settings()
        self.writer = Writer(self)
        self._writable: bool | None = None

    @property
    def writable(self) -> bool:
        """Whether this user may change the ledger (core.server_roles.may_write): a 只读
        server login or read-only media is offered no change. Asked once per ledger."""
        if self._writable is None:
            from core.errors import ZhifaError
            from core.server_roles import may_write
            try:
                self._writable = may_write(self.store)
            except ZhifaError:
                self._writable = True      # unknown: the server's grants still refuse
        return self._writable

    def set_year(self, year: int) -> None:
        if year != self.year:
            self.year = year
            self.year_changed.emit(year)

    def replace_store(self, reopen) -> None:
        """Swap the ledger under every pane (restore from a backup): views stop reading the
        old file, `reopen()` closes it and returns the new Store (it may raise; the panes are
        told of whatever store is open afterwards), undo steps are dropped, and every pane
        reads the new one."""
        from gui.background import wait_for_readers    # SQLAlchemy: not before the first paint
        from gui.operations import EVERYTHING

        self.writer.wait()
        self.store_closing.emit()
        wait_for_readers()      # a count still reading the old file would keep it busy
        try:
            self.store = reopen()
        finally:
            self._writable = None
            self.history.clear()
            self.store_replaced.emit(self.store)
            self.records_changed.emit(EVERYTHING)
