"""Starting the program (gui.app.launch): the window is on screen before the ledger is
opened in it, the ledger then fills it in, and a ledger that cannot be opened ends the start
with a message and exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool

ROOT = Path(__file__).resolve().parents[2]


def test_the_window_shell_needs_only_qt():
    """What runs before the first paint imports no SQLAlchemy, no models, no document
    libraries: those cost 0.3–0.5 s and come after the window is on screen."""
    code = ("import sys, gui.app, gui.mainwindow, gui.shared, gui.crash, gui.single_instance\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'docx', 'openpyxl', 'alembic') or m in ('core.models', 'core.store'))\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT),
                                                     "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "[]"


# Run up to the first paint of the program's own start (gui.app.main), then say what was
# loaded by then: Qt's enum namespace (PySide6.QtCore.Qt, ~30 ms when first made), the
# network and logging modules a start does not need before its window is on screen.
UNTIL_PAINTED = """
import os, sys
import PySide6.QtCore as qc
import gui.app
program_launch = gui.app.launch
def launch(*args, **kwargs):
    window = program_launch(*args, **kwargs)
    def painted():
        loaded = [m for m in ('PySide6.QtNetwork', 'logging.handlers', 'socket', 'pickle',
                              '_hashlib', 'sqlalchemy', 'core.models', 'core.errors')
                  if m in sys.modules]
        print('Qt' in qc.__dict__, sorted(loaded), flush=True)
        os._exit(0)
    window.first_painted.connect(painted)
    return window
gui.app.launch = launch
gui.app.HAND_OVER_PATIENCE_MS = 300        # a note whose program never answers (below)
gui.app.main(['zhifa', '--db', sys.argv[1]])
"""


def until_painted(tmp_path, data: Path) -> str:
    return subprocess.run(
        [sys.executable, "-c", UNTIL_PAINTED, str(tmp_path / "台账.db")], cwd=ROOT,
        capture_output=True, text=True, check=True, timeout=120,
        env={"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
             "ZHIFA_DATA_DIR": str(data)}).stdout.strip()


def test_nothing_before_the_first_paint_makes_what_only_later_steps_need(tmp_path):
    """The shell was 1.6–2.0 × a bare QMainWindow; these were most of the difference."""
    assert until_painted(tmp_path, tmp_path / "data") == "False []"


def _ended_process_id() -> int:
    """The id of a process that has run and ended (as a crashed program's is)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_a_start_asks_for_a_running_instance_only_if_one_left_its_note(tmp_path, qtbot):
    """The running instance's note says who it is; a start that finds none, or one left by
    a program that no longer runs, is the first and loads QtNetwork (10–25 ms) only after
    its window is on screen. A note of a program that runs but does not answer costs the
    wait and the load, and the start goes on."""
    from core.paths import data_dir
    from gui.single_instance import NOTE, InstanceServer, hand_over

    server = InstanceServer()
    note = data_dir() / NOTE
    assert note.read_text(encoding="utf-8").startswith(f"{os.getpid()}\n")
    with qtbot.waitSignal(server.show_requested, timeout=5000):
        assert hand_over()
    server.close()
    assert not note.exists() and not hand_over(timeout_ms=200)

    data = tmp_path / "data"
    data.mkdir()
    crashed = _ended_process_id()
    (data / NOTE).write_text(f"{crashed}\nzhifa-taizhang-00000000\n", encoding="utf-8")
    assert until_painted(tmp_path, data) == "False []"
    assert (data / NOTE).read_text(encoding="utf-8").split("\n")[0] != str(crashed)

    silent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (data / NOTE).write_text(f"{silent.pid}\nzhifa-taizhang-00000000\n", encoding="utf-8")
        assert until_painted(tmp_path, data) == "False ['PySide6.QtNetwork']"
        # A crash's note whose process id another program has since taken: older than a
        # start takes to listen, it is not waited for (a power cut, then a start: Windows
        # reuses process ids).
        note.write_text(f"{silent.pid}\nzhifa-taizhang-00000000\n", encoding="utf-8")
        an_hour_ago = time.time() - 3600
        os.utime(note, (an_hour_ago, an_hour_ago))
        asked = time.monotonic()
        assert not hand_over(patience_ms=60_000)
        assert time.monotonic() - asked < 5
    finally:
        silent.kill()
        silent.wait()


def test_two_starts_at_the_same_moment_end_with_one_window(tmp_path, demo_store):
    """The icon double-clicked twice: both starts looked for a note before either had left
    one, and the second window was told 「台账被占用」. The note is now created exclusively
    at once: one start is the first, the other waits for it to listen and hands over."""
    location = str(demo_store.path)
    demo_store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "ZHIFA_DATA_DIR": str(tmp_path / "data")}
    starts = [subprocess.Popen([sys.executable, "-m", "gui.app", "--db", location], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
              for _ in range(2)]
    try:
        ended = []
        for _ in range(300):                    # up to 30 s on a loaded machine
            ended = [p for p in starts if p.poll() is not None]
            if ended:
                break
            time.sleep(0.1)
        time.sleep(2)                           # the other has had time to end too, if it would
        assert len(ended) == 1 and ended[0].returncode == 0
        assert [p.poll() for p in starts].count(None) == 1
    finally:
        for p in starts:
            p.terminate()
            p.wait()


# The cycle collector during a start (gui.app.collect_after_start): off until the ledger and
# its page are up, then on, with what the start made set aside.
COLLECTOR = """
import gc, os, sys
from PySide6.QtCore import QTimer
import gui.app
program_launch = gui.app.launch
def launch(*args, **kwargs):
    window = program_launch(*args, **kwargs)
    window.first_painted.connect(lambda: print('painted', gc.isenabled(), flush=True))
    def after_ready():
        print('ready', gc.isenabled(), gc.get_freeze_count() > 50_000, flush=True)
        os._exit(0)
    window.ready.connect(lambda: QTimer.singleShot(0, after_ready))
    return window
gui.app.launch = launch
gui.app.main(['zhifa', '--db', sys.argv[1]])
"""


def test_the_collector_is_off_while_the_program_starts_and_on_once_it_is_up(tmp_path):
    """0.11–0.14 s of a 1.2 s start was the cycle collector walking objects that live as
    long as the program."""
    out = subprocess.run(
        [sys.executable, "-c", COLLECTOR, str(tmp_path / "台账.db")], cwd=ROOT,
        capture_output=True, text=True, check=True, timeout=120,
        env={"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
             "ZHIFA_DATA_DIR": str(tmp_path / "data")}).stdout.split("\n")
    assert out[:2] == ["painted False", "ready True True"]


def test_the_window_shows_first_then_the_ledger_opens_in_it(qtbot, demo_store, answers):
    from gui.app import launch

    location = str(demo_store.path)
    demo_store.close()                   # the program opens it itself
    window = launch(location)
    qtbot.addWidget(window)
    # On screen, still without the ledger: navigation and menus, a line saying what happens.
    assert window.shared is None
    assert window.nav.count() == 15
    assert not window.menus["文件"].isEnabled()
    assert "正在打开台账" in window.statusBar().currentMessage()
    # Centred by the style sheet, not by a Qt.AlignmentFlag (see UNTIL_PAINTED).
    assert window.opening.alignment() == Qt.AlignmentFlag.AlignCenter
    with qtbot.waitSignal(window.ready, timeout=30000):
        pass
    assert window.shared is not None and window.menus["文件"].isEnabled()
    assert window.windowTitle() == "教育行政执法台账 — 示例区教育局"
    assert window.stack.currentWidget() is window.views["overview"]
    # The day's copy, once the integrity check on the thread pool has passed.
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("已自动备份到"),
                    timeout=30000)
    # Only the view on screen was built; another is built when it is first shown.
    assert set(window.views) == {"overview"}
    # The years with records are counted on the thread pool (a pass over every record):
    # the selector first lists the year shown and this year, then every year.
    qtbot.waitUntil(lambda: window.year_box.findData(2025) >= 0, timeout=30000)
    view = window.show_view("penalty")
    window.year_box.setCurrentIndex(window.year_box.findData(2025))    # the demo year
    assert view.model.rowCount() == 4
    assert answers.shown == []
    assert window.lock_watch.isActive()
    window.close()                       # closes the ledger and releases its lock
    # The watch stops with the ledger: a minute later it would take the program's own
    # release for another PC taking the ledger over, and say so.
    assert not window.lock_watch.isActive()


def test_a_damaged_ledger_ends_the_start_with_a_message(qtbot, tmp_path, answers, monkeypatch):
    from gui.app import launch

    damaged = tmp_path / "台账.db"
    damaged.write_bytes(b"not a database" * 1000)
    codes = []
    monkeypatch.setattr(QCoreApplication, "exit", staticmethod(lambda code=0: codes.append(code)))
    window = launch(str(damaged))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: codes == [1], timeout=30000)
    assert answers.shown and answers.shown[0].startswith("无法打开台账")
    assert "台账.db" in answers.shown[0]
    assert not window.isVisible()
    assert damaged.read_bytes() == b"not a database" * 1000


def test_a_data_file_on_a_drive_not_connected_offers_the_default_ledger(qtbot, tmp_path, demo_store,
                                                                        answers, monkeypatch):
    """The settings name a data file on a USB drive left at home: without a way out, every
    start would end at the message, with no window in which to change the setting."""
    from gui.app import launch

    default = str(demo_store.path)
    demo_store.close()
    unplugged = str(tmp_path / "U盘" / "台账.db")
    codes = []
    monkeypatch.setattr(QCoreApplication, "exit", staticmethod(lambda code=0: codes.append(code)))
    answers.replies = ["打开默认位置的台账"]
    window = launch(unplugged, fallback=default)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=30000):
        pass
    assert answers.asked[0].startswith("无法打开台账：数据库所在文件夹")
    assert unplugged in answers.asked[0] and default in answers.asked[0]
    assert window.windowTitle() == "教育行政执法台账 — 示例区教育局" and codes == []
    window.close()

    answers.asked.clear()
    answers.replies = ["退出"]
    window = launch(unplugged, fallback=default)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: codes == [1], timeout=30000)
    assert answers.asked and answers.shown[-1].startswith("无法打开台账：数据库所在文件夹")
    assert not window.isVisible()


def test_a_ledger_damaged_inside_is_shown_then_refused_before_any_write(qtbot, tmp_path, answers):
    """The integrity check (a read of the whole file) runs after the first page is shown;
    a damaged file is told, refuses every save and is not copied into the backups."""
    from core.errors import NotADatabaseError
    from gui.app import launch
    from tests.core.test_deferred_check import damaged_ledger

    path = damaged_ledger(tmp_path)
    window = launch(str(path))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=30000):
        pass
    qtbot.waitUntil(lambda: any(t.startswith("台账已损坏") for t in answers.shown), timeout=30000)
    assert "请用「数据 → 从备份恢复」" in answers.shown[-1]
    assert window.shared.store.checked
    with pytest.raises(NotADatabaseError):
        with window.shared.store.session():
            pass
    assert window.daily_backup() is None and window.backup_on_close() is None
    assert not (Path(window.backup_folder())).exists() or not any(window.backup_folder().iterdir())
    # The overview's count reads the damaged pages too: it says so where its figures would
    # be, and is not shown as a bug (it was: 「程序出错」 with SQLite's English traceback).
    overview = window.views["overview"]
    qtbot.waitUntil(lambda: overview.busy.text().startswith("统计出错"), timeout=30000)
    assert "已损坏，请从备份恢复" in overview.busy.text()
    QThreadPool.globalInstance().waitForDone()
    qtbot.wait(50)
    assert answers.bugs == []
    window.on_close = None
    window.close()
