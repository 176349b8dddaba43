"""报告文字 for the blocks the report writes from the records: the page shows the words the
report will print (read-only, from core.report.generated_text), the clerk's own words replace
them; and what the clerk types survives a crash, as a record form's input does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from core.models import NarrativeText
from core.records import delete
from core.report import generated_text
from core.vocab import NarrativeBlock
from gui import drafts
from gui.forms import offer_drafts

ROOT = Path(__file__).resolve().parents[2]


def _remove(store, block):
    with store.session() as s:
        for row in s.query(NarrativeText).filter_by(block=block).all():
            delete(s, row)


def _preview_ready(qtbot, view):
    qtbot.waitUntil(lambda: view.generated is not None and view.preview.isVisible()
                    and "正在" not in view.preview.toPlainText(), timeout=20000)


def test_a_block_the_report_generates_shows_the_words_it_will_print(qtbot, window, demo_store):
    _remove(demo_store, "存在的问题")                # neither 2025 nor 2024 has words for it
    window.shared.records_changed.emit(frozenset({"NarrativeText"}))
    view = window.show_view("narrative")
    view.select_block("存在的问题")
    _preview_ready(qtbot, view)
    with demo_store.read_session() as s:
        expected = generated_text(s, 2025)[NarrativeBlock.PROBLEMS].paragraphs
    assert view.preview.toPlainText() == "\n".join(expected)
    assert expected[1].startswith("一是执法程序还不够规范，1次检查执法人员少于两人")
    assert view.preview.isReadOnly()
    assert view.blocks.item(5).text() == "存在的问题（未填写·按台账生成）"
    assert view.editor.toPlainText() == ""           # not a template the report will not use
    assert "代替" in view.editor.placeholderText() and "改印你的文字" in view.state.text()
    # The clerk writes their own: saved, the report prints those words, the preview goes.
    view.editor.setPlainText("一是执法力量不足。")
    view.save(confirm=True)
    view.select_block("存在的问题")
    assert view.preview.isHidden() and view.editor.toPlainText() == "一是执法力量不足。"


def test_the_plan_shows_its_figures_and_the_clerks_words_follow(qtbot, window, demo_store):
    view = window.show_view("narrative")
    view.select_block("年度执法计划完成情况")
    _preview_ready(qtbot, view)
    assert view.preview.toPlainText().startswith("2025年，我局制定年度行政检查计划，列入检查任务7项")
    assert "接在其后印出" in view.state.text()
    # The demo's own sentence on the plan is still in the box, confirmed.
    assert view.editor.toPlainText().startswith("计划执行中")


def test_a_saved_record_is_counted_again(qtbot, window, demo_store):
    _remove(demo_store, "下一步工作打算")
    window.shared.records_changed.emit(frozenset({"NarrativeText"}))
    view = window.show_view("narrative")
    view.select_block("下一步工作打算")
    _preview_ready(qtbot, view)
    window.shared.records_changed.emit(frozenset({"Inspection"}))
    assert view.generated is None                     # stale: counted again in the background
    _preview_ready(qtbot, view)


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
    view = window.show_view("narrative")
    view.select_block("组织领导")
    view.editor.setPlainText("成立行政执法工作领导小组。\\n局长任组长。")
    # Killed a little after the draft's interval: as a power cut would, no clean exit.
    QTimer.singleShot(4500, lambda: os.kill(os.getpid(), signal.SIGKILL))
    app.exec()
""")


def test_typing_on_the_page_survives_kill_9(qtbot, demo_store, answers):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", KILLED_SESSION, demo_store.location],
                          env=env, cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode(errors="replace")[-2000:]
    [(path, draft)] = drafts.pending(demo_store.location)
    assert draft["title"] == "报告文字 2025年「组织领导」"

    from gui.app import build_window
    window, shared = build_window(demo_store, 2025)
    qtbot.addWidget(window)
    window.show()
    [view] = offer_drafts(window, shared)
    assert "恢复未保存的录入" in answers.asked[-1] and "报告文字 2025年「组织领导」" in answers.asked[-1]
    assert window.stack.currentWidget() is view and view.current == "组织领导"
    assert view.editor.toPlainText() == "成立行政执法工作领导小组。\n局长任组长。" and view.dirty
    assert view.save(confirm=True)
    assert not path.exists() and drafts.pending(demo_store.location) == []
    with demo_store.read_session() as s:
        row = s.query(NarrativeText).filter_by(year=2025, block="组织领导").one()
        assert row.text == "成立行政执法工作领导小组。\n局长任组长。" and not row.needs_review
    window.on_close = None
    window.close()


def test_closing_without_saving_leaves_no_draft(qtbot, window, answers):
    view = window.show_view("narrative")
    view.editor.setPlainText("写了一半")
    assert view.dirty and view.write_draft()
    assert len(drafts.pending(window.shared.store.location)) == 1
    answers.replies = [True]                     # 不保存，退出
    window.on_close = None
    window.close()
    assert drafts.pending(window.shared.store.location) == []


def test_the_clerk_chooses_where_a_custom_figure_goes(window, demo_store):
    """报告位置 in the 其他指标 form: a figure whose name says nothing goes where it is put."""
    from core.report import build_content
    form = window.show_view("custom").new_record()
    choices = [form.widgets["report_section"].itemText(i)
               for i in range(form.widgets["report_section"].count())]
    assert choices == ["", "行政执法人员", "三项制度", "双随机与联合执法", "依法治校", "其他工作情况"]
    form.widgets["name"].setText("家长学校覆盖率")
    form.widgets["value"].setText("98")
    form.widgets["unit"].setText("%")
    form.widgets["report_section"].setCurrentText("依法治校")
    assert form.save()
    with demo_store.read_session() as s:
        content, _ = build_content(s, 2025)
    texts = [p.text for p in content.paragraphs]
    schools = texts.index("（四）推进依法治校，健全法律顾问制度")
    placed = texts[schools:texts.index("（五）其他工作情况")]
    assert any(t.endswith("2025年家长学校覆盖率98%。") for t in placed)
    assert "（五）其他工作情况" in texts               # 转学 is still there, alone
    assert texts[texts.index("（五）其他工作情况") + 1] == "2025年中、小学累计转学674人。"
