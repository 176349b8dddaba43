"""报告文字: a new year starts from last year's words, the clerk corrects and confirms them,
and the report check stops listing a block once it is confirmed."""

from __future__ import annotations

from sqlalchemy import select

from core.compliance import check_year
from core.models import NarrativeText
from core.vocab import NarrativeBlock


def _narrative_flags(store, year):
    with store.read_session() as s:
        return [f.record for f in check_year(s, year) if f.rule == "narrative.unconfirmed"]


def _stored(store, year, block):
    with store.read_session() as s:
        return s.scalar(select(NarrativeText).where(
            NarrativeText.year == year, NarrativeText.block == block,
            NarrativeText.deleted_at.is_(None)))


def test_a_new_year_shows_last_years_words_until_confirmed(window, show, demo_store):
    view = show("narrative")
    assert view.blocks.item(0).text() == "导语（已确认）"
    window.shared.set_year(2026)
    assert view.title.text() == "2026年度报告文字"
    # Nothing written for 2026: every block shows the words the report would take.
    assert [view.blocks.item(i).text() for i in range(view.blocks.count())] == [
        f"{b}（未填写·沿用上年）" for b in NarrativeBlock.values()]
    assert view.editor.toPlainText().startswith("2026年，示例区教育局")
    assert "本年尚未填写" in view.state.text()
    assert len(_narrative_flags(demo_store, 2026)) == len(NarrativeBlock.values())

    # The clerk rewrites the opening and confirms it.
    view.editor.setPlainText("2026年，示例区教育局深入推进严格规范公正文明执法。")
    view.confirm_button.click()
    stored = _stored(demo_store, 2026, "导语")
    assert stored.text == "2026年，示例区教育局深入推进严格规范公正文明执法。"
    assert not stored.needs_review
    assert view.blocks.item(0).text() == "导语（已确认）"
    assert "报告文字 2026年「导语」" not in _narrative_flags(demo_store, 2026)
    assert len(_narrative_flags(demo_store, 2026)) == len(NarrativeBlock.values()) - 1


def test_typing_then_moving_to_another_block_keeps_the_words(window, show, demo_store):
    view = show("narrative")
    window.shared.set_year(2026)
    view.select_block("存在的问题")
    view.editor.setPlainText("一是执法力量不足。")
    assert view.dirty
    view.select_block("下一步工作打算")
    assert view.current == "下一步工作打算"
    stored = _stored(demo_store, 2026, "存在的问题")
    assert stored.text == "一是执法力量不足。"
    assert stored.needs_review                   # saved, but not yet confirmed
    assert view.blocks.item(5).text() == "存在的问题（待确认）"


def test_start_from_last_year_fills_every_empty_block(window, show, demo_store, answers):
    view = show("narrative")
    window.shared.set_year(2026)
    assert view.copy_last_year() == len(NarrativeBlock.values())
    assert "已将 2025 年的 7 段文字" in answers.shown[-1]
    assert all(view.blocks.item(i).text().endswith("（待确认）")
               for i in range(view.blocks.count()))
    assert _stored(demo_store, 2026, "导语").text.startswith("2026年")
    # Still listed by the report check until each block is confirmed.
    assert len(_narrative_flags(demo_store, 2026)) == len(NarrativeBlock.values())
    # Undo takes the copied words back out, one block at a time.
    window.undo()
    assert window.undo_action.isEnabled()


def test_a_narrative_flag_opens_its_block(window, show, demo_store):
    window.shared.set_year(2026)
    overview = show("overview")
    flag = next(f for f in overview.flag_list if f.record.endswith("「存在的问题」"))
    overview.open_flag(flag)
    assert window.stack.currentWidget() is window.views["narrative"]
    assert window.views["narrative"].current == "存在的问题"


def test_a_block_the_report_writes_from_the_records_says_so(window, show, demo_store):
    view = show("narrative")
    window.shared.set_year(2027)                 # nothing this year or last: template origin
    view.select_block("存在的问题")
    assert "报告将按本年度台账情况生成这一段" in view.state.text()
    view.select_block("组织领导")
    assert "模板文字" in view.state.text()
