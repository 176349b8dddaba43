"""`zhifa --self-test`: the installer's smoke test. In a temporary data folder it loads the
demo year, opens the main window, generates the report and checks the files exist.
Exit 0 when all went well, 1 otherwise; never waits for a dialog."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path

DEMO_YEAR = 2025


def run_self_test(build_window) -> int:
    """The installed program's self-test; `build_window` is gui.app's, passed in so that
    this module needs nothing from the module that starts it."""
    with tempfile.TemporaryDirectory(prefix="zhifa-selftest-") as tmp:
        os.environ["ZHIFA_DATA_DIR"] = str(Path(tmp) / "数据")
        os.environ.pop("ZHIFA_DB", None)
        try:
            return _run(Path(tmp), build_window)
        except Exception:                       # report every failure, never hang
            print("自检失败：\n" + traceback.format_exc(), file=sys.stderr)
            return 1


def _run(tmp: Path, build_window) -> int:
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QMessageBox

    from core.demo import load_demo
    from core.logs import setup_logging
    from core.store import open_store
    from gui.operations import EVERYTHING, run_operation
    from gui.reportjob import generate

    # A dialog in a smoke test would wait for ever: every message box answers itself.
    QMessageBox.exec = lambda self: 0
    app = QApplication.instance() or QApplication([sys.argv[0]])
    setup_logging()
    (tmp / "数据").mkdir(parents=True, exist_ok=True)
    store = open_store(str(tmp / "数据" / "ledger.db"))
    window, shared = build_window(store, DEMO_YEAR)
    if not run_operation(shared, window, lambda s: load_demo(s, DEMO_YEAR), touches=EVERYTHING):
        print("自检失败：未能载入示例数据", file=sys.stderr)
        return 1
    window.fill_years()
    window.show()
    for key in ("overview", "inspection", "report"):
        window.show_view(key)
        app.processEvents()
    # The overview counts on the thread pool: let it finish before the ledger closes.
    QThreadPool.globalInstance().waitForDone(60_000)
    app.processEvents()
    overview = window.views["overview"]
    if overview.figures is None:
        print("自检失败：概览未能统计出数字", file=sys.stderr)
        return 1
    files = generate(store, DEMO_YEAR, tmp / "报告")
    expected = [files.docx, files.annex, files.working]
    missing = [str(p) for p in expected if p is None or not Path(p).is_file()
               or Path(p).stat().st_size == 0]
    window.on_close = None
    window.close()
    store.close()
    if missing:
        print("自检失败：未生成 " + "、".join(missing), file=sys.stderr)
        return 1
    print("自检通过：" + "、".join(Path(p).name for p in expected))
    return 0
