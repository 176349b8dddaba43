"""`zhifa`: start the desktop program.

Start-up order: logging and the crash hook first (so nothing fails silently), then the
hand-over to a running instance, then the window's shell, on screen at once, and once it is
painted the ledger (lock, daily backup) and the view the clerk left last (`launch`).
`zhifa --self-test` runs the installer's smoke test instead (gui.selftest).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import logging
import sys

log = logging.getLogger("zhifa.gui")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="zhifa", add_help=False)
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--db")
    args, _qt_args = parser.parse_known_args(argv)
    return args


def open_ledger(location: str, parent=None, fallback: str | None = None, check: bool = True):
    """Open the ledger and take its lock; None (after telling the clerk why) if it cannot be.
    `check=False` leaves the file's integrity check to `check_in_background`.

    `fallback` is the default data file when `location` came from the settings: a data file
    on a drive that is not connected, or mistyped, would otherwise stop every start with no
    window in which to change it. The setting is kept (the drive may be back tomorrow)."""
    from core.connection import is_server
    from core.errors import DatabaseInUseError, ZhifaError
    from core.lock import DatabaseLock
    from core.store import open_store, shown_location
    from gui import messages

    if is_server(location):     # gui.locations only then: ~50 ms of every start otherwise
        from gui.locations import ask_password
        ask_password(location, parent)  # a server ledger without a kept password (issue 22)
    try:
        store = open_store(location, check=check)
    except ZhifaError as exc:
        if fallback and fallback != location and messages.choose(
                parent, "无法打开台账",
                f"{exc}\n\n设置中的台账数据文件是「{shown_location(location)}」。"
                f"可以先打开默认位置的台账「{fallback}」，"
                f"再在「文件 → 数据文件与备份位置」中更改。",
                ["打开默认位置的台账", "退出"]) == 0:
            return open_ledger(fallback, parent, check=check)
        messages.warn(parent, "无法打开台账", str(exc))
        return None, None
    lock = None
    if store.path is not None:
        try:
            lock = DatabaseLock.acquire(store.path)
        except DatabaseInUseError as exc:
            if getattr(exc, "stale", False) and messages.ask(
                    parent, "台账被占用", str(exc), yes="解除占用并打开", no="退出"):
                lock = DatabaseLock.acquire(store.path, force=True)
            else:
                if not getattr(exc, "stale", False):
                    messages.warn(parent, "台账被占用", str(exc))
                store.close()
                return None, None
    warn_if_shared_drive(store, parent)
    return store, lock


DAMAGED = ("{message}\n\n台账中已保存的记录没有被改动，但在恢复之前，程序不会向这个文件写入任何内容。"
           "请用「数据 → 从备份恢复」恢复最近的备份。")


def check_in_background(window, shared) -> None:
    """The ledger's integrity check (a read of the whole file) on the thread pool, once its
    first page is on screen; the day's automatic backup after it, so that a damaged file
    is never copied over a good backup. Until it has passed, a save waits for it
    (core.store.Store.session), and a damaged file refuses every save."""
    from gui import messages
    from gui.background import run_task

    store = shared.store

    def failed(message: str, _details: str) -> None:
        log.error("ledger failed its integrity check: %s", message)
        window.statusBar().showMessage("台账已损坏，请从备份恢复。")
        messages.warn(window, "台账已损坏", DAMAGED.format(message=message))

    window.integrity_task = run_task(lambda _progress: store.check_integrity(), window,
                                     lambda _none: window.daily_backup(), failed)


def warn_if_shared_drive(store, parent=None) -> bool:
    from core.store import is_network_path
    from gui import messages

    if store.path is not None and is_network_path(store.path):
        messages.warn(parent, "数据文件在共享盘上", messages.shared_drive_warning(store.path))
        return True
    return False


def offer_demo(window, shared) -> bool:
    """First start with an empty ledger: offer the demo year so there is something to see."""
    from core.demo import load_demo
    from core.records import profile, years_with_data
    from gui import messages

    with shared.store.read_session() as s:
        # The profile first: one row, where the years are a pass over every record.
        if profile(s) is not None or years_with_data(s):
            return False
    year = dt.date.today().year
    if not messages.ask(window, "欢迎使用",
                        "台账中还没有数据。\n是否载入一套示例数据（示例区教育局，"
                        f"{year - 1}–{year}年）先熟悉功能？\n示例数据以后可以在列表中删除。",
                        yes="载入示例数据", no="从空白台账开始"):
        return False
    from gui.operations import EVERYTHING, run_operation
    if not run_operation(shared, window, lambda s: load_demo(s, year), touches=EVERYTHING,
                         status="已载入示例数据。"):
        return False
    window.fill_years()
    return True


# Chinese UI fonts first: without them Qt on some systems picks a Japanese or serif face for
# Chinese and a different one for digits.
UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
            "WenQuanYi Micro Hei", "PingFang SC"]


def apply_font() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    font = app.font()
    if font.families()[:1] != UI_FONTS[:1]:
        font.setFamilies(UI_FONTS + font.families())
        font.setPointSize(max(font.pointSize(), 10))
        app.setFont(font)


def build_window(store, year: int | None = None):
    """The main window on an open ledger, in one step (tests, the self-test, benchmarks)."""
    from gui.mainwindow import MainWindow

    apply_font()
    window = MainWindow()
    shared = make_shared(store, year)
    window.attach(shared)
    window.fill_years()         # at once, not on the thread pool: a test chooses a year next
    follow_ledger_choice(window, shared)
    return window, shared


def follow_ledger_choice(window, shared) -> None:
    """文件 → 数据文件与备份位置 chose another ledger: opened here (lock, messages) and swapped
    under every pane by gui.locations.switch_ledger (issue 22)."""
    def chosen(where: str) -> None:
        from gui.locations import switch_ledger     # not at start: only when one is chosen
        switch_ledger(window, shared, where, open_ledger, watch_lock)

    shared.ledger_chosen.connect(chosen)


def make_shared(store, year: int | None = None):
    from core.errors import ReportError
    from core.years import statistical_year
    from gui.shared import Shared, app_settings

    if year is None:
        try:
            year = statistical_year(app_settings().value("window/year", dt.date.today().year))
        except ReportError:             # a hand-edited or damaged settings file
            year = dt.date.today().year
    return Shared(store, year)


def launch(location: str, listen=None, fallback: str | None = None):
    """Show the main window at once and open the ledger once it is painted.

    Opening the ledger needs SQLAlchemy and the models (0.3–0.5 s to import) and an
    integrity check of the file; a clerk double-clicking the icon should see the window
    meanwhile, not nothing (docs/PERFORMANCE.md, cold start). If the ledger cannot be
    opened the clerk is told why and the program ends with exit code 1.

    `listen()`, called once the window is painted and before the ledger is opened, starts
    listening for a second start (gui.single_instance) and returns the signal with which it
    asks this window to come forward.

    Nothing before the first paint touches Qt's enum namespace (`PySide6.QtCore.Qt`): made
    the first time any module uses it, it costs ~30 ms (tests/gui/test_start.py)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.mainwindow import MainWindow

    apply_font()
    window = MainWindow()
    window.statusBar().showMessage(f"正在打开台账「{location}」…")

    started = False

    def open_into_window():
        nonlocal started
        if started:                     # the paint came first, or the fallback timer
            return
        started = True
        if listen is not None:
            listen().connect(bring_forward)
        store, lock = open_ledger(location, window, fallback, check=False)
        if store is None:
            QApplication.instance().exit(1)
            window.close()
            return
        shared = make_shared(store)
        shared.lock = lock              # swapped with the ledger (gui.locations.switch_ledger)

        def on_close():                 # after the window's backup on close
            watch = getattr(window, "lock_watch", None)
            if watch is not None:
                watch.stop()                # else it would take our own release for a takeover
            shared.store.close()
            if shared.lock is not None:
                shared.lock.release()

        window.on_close = on_close
        window.attach(shared)
        follow_ledger_choice(window, shared)
        check_in_background(window, shared)     # then the day's backup
        if lock is not None:
            window.lock_watch = watch_lock(window, lock)
        if not offer_demo(window, shared):
            from gui.forms import offer_drafts
            offer_drafts(window, shared)    # input a crash or power cut left unsaved

    def bring_forward():
        window.showNormal()
        window.raise_()
        window.activateWindow()

    # Posted: the slot runs after the paint has been delivered to the screen. The timer is
    # for a window that is never painted (started minimised, say): the ledger opens anyway.
    window.first_painted.connect(lambda: QTimer.singleShot(0, window, open_into_window))
    QTimer.singleShot(2000, window, open_into_window)
    window.show()
    return window


# How long a second start waits for the first window to listen: the first's window is on
# screen in under a second here (installer/BUDGETS.md), and in its 5 s budget on a slow PC.
HAND_OVER_PATIENCE_MS = 10_000


def collect_after_start() -> None:
    """Python's cycle collector back on, once the ledger and its page are up (`main`).

    A start makes ~135,000 objects (Qt's wrappers, SQLAlchemy, the models) that live as long
    as the program, and leaves a few hundred cycles of garbage (measured: 572). Collecting
    as they were made took 0.11–0.14 s of the 1.2 s start (~210 passes, gc.callbacks);
    the collector is off until here, and what the start made is then set aside
    (`gc.freeze`), so that no later pass walks it again either."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    args = parse_args(argv[1:])
    if args.self_test:
        from gui.selftest import run_self_test
        return run_self_test(build_window)
    gc.disable()                # until collect_after_start()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from core.logs import setup_logging
    from core.paths import default_db_location
    from gui import crash, single_instance
    from gui.shared import app_settings, text_setting

    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("教育行政执法台账")
    dress(app)
    setup_logging()
    crash.install()
    if not single_instance.claim():
        # Another window runs, maybe not on screen yet (it listens once painted).
        if single_instance.hand_over(patience_ms=HAND_OVER_PATIENCE_MS):
            log.info("another instance is running: handed over")
            return 0
        log.warning("another instance's note, but it did not answer: starting anyway")
        single_instance.claim()         # it may have ended meanwhile
    app.aboutToQuit.connect(single_instance.release)

    def listen():
        server = single_instance.InstanceServer(app)
        app.aboutToQuit.connect(server.close)     # and its note (gui.single_instance)
        return server.show_requested

    chosen = text_setting(app_settings(), "data/location")
    location = args.db or chosen or default_db_location()
    fallback = default_db_location() if chosen and not args.db else None
    window = launch(location, listen, fallback)  # noqa: F841 (kept alive by the name)
    window.ready.connect(collect_after_start)
    # And if the ledger never opens in this window (a question the clerk leaves open, a
    # start that is refused): the collector is on again after a while all the same.
    QTimer.singleShot(10_000, collect_after_start)
    return app.exec()


def dress(app) -> None:
    """The program's icon on every window and the taskbar, and Qt's own buttons and dialogs
    (确定/取消, the file chooser) in Chinese rather than English."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtGui import QIcon

    from core.paths import resources_dir

    icon = resources_dir() / "icons" / "zhifa.ico"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       folder):
        app.installTranslator(translator)
    app._zhifa_translator = translator          # kept alive as long as the application


LOCK_LOST = ("另一台电脑解除了本机对台账「{name}」的占用并打开了它。\n\n"
             "为免两处同时录入互相覆盖，请不要在本机继续录入：已保存的记录都在台账中，"
             "请关闭程序，与对方确认后再打开。")


def watch_lock(window, lock, every_ms: int = 60_000):
    """Tell the clerk once if someone else took over the ledger (cleared our lock)."""
    from PySide6.QtCore import QTimer

    from gui import messages

    timer = QTimer(window, interval=every_ms)

    def check():
        if not lock.held:
            timer.stop()
            log.warning("ledger lock lost: %s", lock.db_path)
            messages.warn(window, "台账已被其他电脑打开", LOCK_LOST.format(name=lock.db_path.name))

    timer.timeout.connect(check)
    timer.start()
    return timer


if __name__ == "__main__":
    sys.exit(main())
