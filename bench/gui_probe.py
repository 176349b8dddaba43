"""The window's timings for the benchmark, each beside a bare-Qt floor from the same run.

- cold start: a new process running the program's own start (`gui.app.main --db` the big
  ledger) until the main window is painted, vs. a new process painting an empty
  `QMainWindow` (python, PySide6 import, first paint); and, for reference, until the ledger
  is open in it and the view the clerk left last is painted;
- opening the 100,000-row inspection list, vs. a `QTableView` over a model that answers the
  same row count with constant text (what Qt itself costs);
- one filter keystroke: after the search box's 250 ms pause (deliberate, so typing a word
  runs one query; not counted) until the first screen of results is painted, and until
  every id is read, vs. the list's id query itself.

Run by bench/run.py (`measure(store, size)`); `python -m bench.gui_probe start|bare DB` is the
child process of the cold-start measurement.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025


def _child(kind: str, db: str) -> None:
    """One cold start; prints the seconds since the epoch at which the window was painted,
    and for the program also when the ledger was open and its first view painted."""
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    if kind == "bare":
        class Bare(QMainWindow):
            painted = False

            def paintEvent(self, event):        # as MainWindow.first_painted
                super().paintEvent(event)
                if not self.painted:
                    self.painted = True
                    print(time.time(), flush=True)
                    QTimer.singleShot(0, app.quit)

        app = QApplication([])
        window = Bare()
        window.setWindowTitle("floor")
        window.resize(1280, 800)
        window.show()
        app.exec()
    else:
        import gui.app

        # The program's own start (gui.app.main), told to print when the window is painted
        # and when the ledger is open and its first view painted.
        program_launch = gui.app.launch

        def launch(*args, **kwargs):
            window = program_launch(*args, **kwargs)
            window.first_painted.connect(lambda: print(time.time(), flush=True))

            def ready():
                QCoreApplication.sendPostedEvents()     # the first view's paint
                print(time.time(), flush=True)
                QCoreApplication.instance().quit()

            window.ready.connect(ready)
            return window

        gui.app.launch = launch
        gui.app.main(["zhifa", "--db", db])
    os._exit(0)                          # not measuring teardown


def _start_times(kind: str, db: str, runs: int = 5) -> list[float]:
    """Median seconds from process start to each time the child prints."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "ZHIFA_DATA_DIR": tempfile.mkdtemp(prefix="bench-gui-")}
    samples = []
    for _ in range(runs):
        started = time.time()
        # The timeout: a start that fails shows the (modal) bug dialog and would wait for ever.
        out = subprocess.run([sys.executable, "-m", "bench.gui_probe", kind, db], cwd=ROOT,
                             env=env, capture_output=True, text=True, check=True,
                             timeout=300).stdout
        samples.append([float(x) - started for x in out.split()])
    return [statistics.median(column) for column in zip(*samples)]


def _until(app, done, limit: float = 60.0) -> None:
    end = time.perf_counter() + limit
    while not done() and time.perf_counter() < end:
        app.processEvents()


def measure(store, size: int) -> list:
    from PySide6.QtCore import QAbstractTableModel, QCoreApplication, Qt, QThreadPool
    from PySide6.QtWidgets import QApplication, QTableView

    from bench.results import Result
    from core.listing import list_ids
    from gui.app import build_window

    # The benchmark runs headless: without a display Qt would abort loading xcb.
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = []
    db = str(store.path)
    shown, ready = _start_times("start", db)
    [bare] = _start_times("bare", db)
    results.append(Result("冷启动到主窗口显示（新进程）", shown, "s", bare,
                          "新进程显示空白 QMainWindow", "≤ 2 × 基准", shown <= 2 * bare))
    results.append(Result("冷启动到台账打开、上次的页面显示", ready, "s",
                          note="无目标，供参考：窗口先显示，台账随后在窗口中打开"))

    app = QApplication.instance() or QApplication([])
    os.environ.setdefault("ZHIFA_DATA_DIR", tempfile.mkdtemp(prefix="bench-gui-"))
    window, _shared = build_window(store, YEAR)
    window.show_view("overview")        # not the list: its first opening is what is timed
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    # The overview counts the year in the background for ~2 s after start; the list is
    # timed once that is done (while it runs, both share the interpreter and a 2-core VM).
    QThreadPool.globalInstance().waitForDone()
    app.processEvents()

    def first_screen_and_all(action) -> tuple[float, float]:
        """Seconds until the list's first screen is painted, and until all its ids are read.
        The paint is posted by the reset; the rest is read on a timer after it
        (gui.listview), so delivering posted events alone paints the first screen."""
        t = time.perf_counter()
        action()
        QCoreApplication.sendPostedEvents()
        first = time.perf_counter() - t
        _until(app, lambda: view._reading is None)
        app.processEvents()
        return first, time.perf_counter() - t

    view = window.views["inspection"]
    open_first, opened = first_screen_and_all(lambda: window.show_view("inspection"))
    rows = view.model.rowCount()

    class Constant(QAbstractTableModel):
        def rowCount(self, parent=None):
            return rows

        def columnCount(self, parent=None):
            return 8

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return "示例" if role == Qt.ItemDataRole.DisplayRole else None

    t = time.perf_counter()
    table = QTableView()
    table.setModel(Constant())
    table.resize(1280, 700)
    table.show()
    app.processEvents()
    floor_open = time.perf_counter() - t
    table.close()
    results.append(Result("打开行政检查列表（全部读入）", opened * 1000, "ms",
                          floor_open * 1000, "QTableView 显示同样行数的常量模型",
                          "< 200 ms", opened < 0.2,
                          note=f"{rows:,} 行；第一屏 {open_first * 1000:.0f} ms 即显示"))

    firsts, wholes = [], []
    for _ in range(5):
        for text in ("安全", "招生", "收费"):
            view.search.blockSignals(True)      # the 250 ms pause is the box's, not counted
            view.search.setText(text)
            view.search.blockSignals(False)
            first, whole = first_screen_and_all(view.requery)
            firsts.append(first)
            wholes.append(whole)
    keystroke, whole = statistics.median(firsts), statistics.median(wholes)
    floors = []
    for _ in range(5):
        with store.read_session() as s:
            t = time.perf_counter()
            list_ids(s, view.list_query())
            floors.append(time.perf_counter() - t)
    floor_query = statistics.median(floors)
    results.append(Result("筛选一次按键（停顿后到第一屏结果显示）", keystroke * 1000, "ms",
                          floor_query * 1000, "同一搜索的全部 id 查询本身", "< 50 ms",
                          keystroke < 0.05,
                          note=f"全部结果读入并显示条数 {whole * 1000:.0f} ms"))
    window.on_close = None
    window.close()
    return results


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
