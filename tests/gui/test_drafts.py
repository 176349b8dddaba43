"""Nothing typed is lost to a crash: the program is killed (SIGKILL) with a half-filled form,
and the next start offers 「恢复未保存的录入」 with what was typed, on the page it was left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import select

from core.models import PenaltyCase
from gui import drafts
from gui.forms import offer_drafts

ROOT = Path(__file__).resolve().parents[2]

# The clerk's session that dies: a penalty half typed on the 行政处罚 page, then kill -9.
KILLED_SESSION = textwrap.dedent("""
    import os, signal, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from core.store import open_store
    from gui.app import build_window
    store = open_store(sys.argv[1])
    window, shared = build_window(store, 2025)
    window.show()
    view = window.show_view("penalty")
    form = view.new_record()
    form.widgets["decision_no"].setText("示教罚〔2025〕12号")
    form.widgets["party"].setText("示例区星光艺术培训中心")
    form.widgets["facts"].setPlainText("超范围招生，\\n未按规定公示收费项目")
    form.widgets["kinds"].boxes[0].setChecked(True)
    form.widgets["party_type"].setCurrentText("法人或其他组织")
    form.dirty = True
    # Killed a little after the draft's interval: as a power cut would, no clean exit.
    QTimer.singleShot(4500, lambda: os.kill(os.getpid(), signal.SIGKILL))
    app.exec()
""")


def test_a_half_filled_form_survives_kill_9(qtbot, demo_store, answers, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", KILLED_SESSION, demo_store.location],
                          env=env, cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode(errors="replace")[-2000:]
    [(path, draft)] = drafts.pending(demo_store.location)
    assert draft["title"] == "新增行政处罚"

    from gui.app import build_window
    from gui.forms import RecordForm
    from gui.shared import app_settings

    assert app_settings().value("window/view") == "penalty"    # kept as it changed
    window, shared = build_window(demo_store, 2025)
    qtbot.addWidget(window)
    window.show()
    [form] = offer_drafts(window, shared)
    assert "恢复未保存的录入" in answers.asked[-1] and "新增行政处罚" in answers.asked[-1]
    assert isinstance(form, RecordForm) and form.dirty
    assert form.widgets["decision_no"].text() == "示教罚〔2025〕12号"
    assert form.widgets["facts"].toPlainText() == "超范围招生，\n未按规定公示收费项目"
    assert form.widgets["party_type"].currentText() == "法人或其他组织"
    assert [cb.isChecked() for cb in form.widgets["kinds"].boxes][0]
    form.widgets["procedure"].setCurrentText("简易程序")
    assert form.save()
    assert not path.exists() and drafts.pending(demo_store.location) == []
    with demo_store.read_session() as s:
        case = s.scalar(select(PenaltyCase).where(PenaltyCase.decision_no == "示教罚〔2025〕12号"))
        assert case.party == "示例区星光艺术培训中心"
    window.on_close = None
    window.close()


def test_a_draft_goes_when_the_input_is_thrown_away_and_another_ledgers_is_not_offered(
        qtbot, window, answers, tmp_path):
    form = window.show_view("unit").new_record()
    form.widgets["name"].setText("示例区某幼儿园")
    form.dirty = True
    assert form.write_draft()
    assert len(drafts.pending(window.shared.store.location)) == 1
    assert drafts.pending(str(tmp_path / "另一个台账.db")) == []
    answers.replies = [True]                     # 放弃修改
    form.close()
    assert drafts.pending(window.shared.store.location) == []


def test_declining_the_drafts_removes_them(qtbot, window, answers):
    form = window.show_view("unit").new_record()
    form.widgets["name"].setText("示例区某幼儿园")
    form.dirty = True
    assert form.write_draft()
    form._draft_timer.stop()            # as if the program had died with the form open
    form.hide()
    assert len(drafts.pending(window.shared.store.location)) == 1
    answers.replies = [False]
    assert offer_drafts(window, window.shared) == []
    assert drafts.pending(window.shared.store.location) == []
