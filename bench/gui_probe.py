"""The window's timings for the benchmark, each beside a bare-Qt floor from the same run.

- cold start: a new process until the main window (on the big ledger) is shown and painted,
  vs. a new process showing an empty `QMainWindow` (python, PySide6 import, first paint);
- opening the 100,000-row inspection list, vs. a `QTableView` over a model that answers the
  same row count with constant text (what Qt itself costs);
- one filter keystroke: the list's query after the search box's 250 ms pause (the pause is
  deliberate, so typing a word runs one query, and is not counted), vs. the bare id query.

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
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    if kind == "bare":
        window = QMainWindow()
        window.setWindowTitle("floor")
    else:
        from core.store import open_store
        from gui.app import build_window

        window, _shared = build_window(open_store(db), YEAR)
    window.resize(1280, 800)
    window.show()

    def painted():
        print(time.time(), flush=True)
        app.quit()

    QTimer.singleShot(0, painted)       # runs once the first paint has been processed
    app.exec()
    os._exit(0)                          # not measuring teardown


def _start_time(kind: str, db: str, runs: int = 3) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "ZHIFA_DATA_DIR": tempfile.mkdtemp(prefix="bench-gui-")}
    times = []
    for _ in range(runs):
        started = time.time()
        out = subprocess.run([sys.executable, "-m", "bench.gui_probe", kind, db], cwd=ROOT,
                             env=env, capture_output=True, text=True, check=True).stdout
        times.append(float(out.strip().splitlines()[-1]) - started)
    return statistics.median(times)


def _until(app, done, limit: float = 60.0) -> None:
    end = time.perf_counter() + limit
    while not done() and time.perf_counter() < end:
        app.processEvents()


def measure(store, size: int) -> list:
    from PySide6.QtCore import QAbstractTableModel, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from bench.run import Result
    from gui.app import build_window

    # The benchmark runs headless: without a display Qt would abort loading xcb.
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = []
    db = str(store.path)
    start = _start_time("start", db)
    bare = _start_time("bare", db)
    results.append(Result("冷启动到主窗口显示（新进程）", start, "s", bare,
                          "新进程显示空白 QMainWindow", "≤ 2 × 基准", start <= 2 * bare))

    app = QApplication.instance() or QApplication([])
    os.environ.setdefault("ZHIFA_DATA_DIR", tempfile.mkdtemp(prefix="bench-gui-"))
    window, _shared = build_window(store, YEAR)
    window.show_view("overview")        # not the list: its first opening is what is timed
    window.resize(1280, 800)
    window.show()
    app.processEvents()

    t = time.perf_counter()
    view = window.show_view("inspection")
    _until(app, lambda: view.model.rowCount() > 0)
    app.processEvents()
    opened = time.perf_counter() - t
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
    results.append(Result(f"打开行政检查列表（{rows:,} 行）", opened * 1000, "ms",
                          floor_open * 1000, "QTableView 显示同样行数的常量模型",
                          "< 200 ms", opened < 0.2))

    keystrokes = []
    for text in ("安全", "招生", "收费"):
        view.search.blockSignals(True)          # the 250 ms pause is the box's, not counted
        view.search.setText(text)
        view.search.blockSignals(False)
        t = time.perf_counter()
        view.requery()
        app.processEvents()
        keystrokes.append(time.perf_counter() - t)
    keystroke = statistics.median(keystrokes)
    with store.read_session() as s:
        t = time.perf_counter()
        s.connection().execute(view.id_query()).all()
        floor_query = time.perf_counter() - t
    results.append(Result("筛选一次按键（搜索框停顿后的查询与重绘）", keystroke * 1000, "ms",
                          floor_query * 1000, "同一条 id 查询本身", "< 50 ms", keystroke < 0.05))
    window.on_close = None
    window.close()
    return results


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
