"""One object every pane shares: the open ledger, the undo history, the year, the settings,
and the signals that let panes refresh each other without importing each other."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal

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


class Shared(QObject):
    records_changed = Signal(str)      # model class name, "" for "anything"
    year_changed = Signal(int)
    open_narrative = Signal(str)       # a 报告文字 block to show
    status = Signal(str)               # a short message for the status bar

    def __init__(self, store, year: int):
        # Here, not at the top: the window's shell imports app_settings before the ledger
        # (and SQLAlchemy, which the undo history needs) is loaded.
        from core.undo import UndoHistory

        super().__init__()
        self.store = store
        self.year = year
        self.history = UndoHistory()
        self.settings = app_settings()

    def set_year(self, year: int) -> None:
        if year != self.year:
            self.year = year
            self.year_changed.emit(year)

    def changed(self, model_name: str = "") -> None:
        self.records_changed.emit(model_name)
