"""The 报告文字 page shows the words the report will print for the blocks it writes from the
records, and `check` says truly, per block, where each unconfirmed block's words come from."""

from __future__ import annotations

import datetime as dt

from core.compliance import check_year
from core.models import NarrativeText
from core.records import delete, save
from core.report import build_content, generated_text
from core.vocab import NarrativeBlock

TODAY = dt.date(2026, 1, 10)


def _without(store, *blocks):
    with store.session() as s:
        for row in s.query(NarrativeText).filter(NarrativeText.block.in_(blocks)).all():
            delete(s, row)


def _report_section(content, start: str, end: str) -> list[str]:
    texts = [p.text for p in content.paragraphs]
    return texts[texts.index(start) + 1:texts.index(end)]


def test_the_preview_is_what_the_report_prints(demo_store):
    _without(demo_store, "存在的问题", "下一步工作打算", "年度执法计划完成情况")
    with demo_store.session() as s:
        preview = generated_text(s, 2025, today=TODAY)
        content, _ = build_content(s, 2025, today=TODAY)
    assert preview[NarrativeBlock.PROBLEMS].paragraphs == _report_section(content, "三、存在的问题",
                                                               "四、下一步工作打算")
    assert preview[NarrativeBlock.PLAN].paragraphs == _report_section(content, "（四）年度执法计划完成情况",
                                                           "（五）行政复议、行政应诉情况")
    assert preview[NarrativeBlock.PLAN].paragraphs[0].startswith("2025年，我局制定年度行政检查计划，"
                                                      "列入检查任务7项")
    steps = preview[NarrativeBlock.NEXT_STEPS].paragraphs
    assert steps[0] == "2026年，我局将重点做好以下工作：" and steps[1].startswith("一是")
    # The plan is printed from its records whatever the clerk writes; 问题 only while unwritten.
    assert preview[NarrativeBlock.PLAN].always and preview[NarrativeBlock.PLAN].printed("own")
    assert not preview[NarrativeBlock.PROBLEMS].printed("own")
    assert preview[NarrativeBlock.PROBLEMS].printed("template")
    assert set(preview) == {NarrativeBlock.PLAN, NarrativeBlock.PROBLEMS,
                            NarrativeBlock.NEXT_STEPS}


def test_a_year_without_a_plan_previews_the_honest_sentence(demo_store):
    with demo_store.session() as s:
        preview = generated_text(s, 2024, today=TODAY)   # the demo's 2024 has no plan
    assert not preview[NarrativeBlock.PLAN].always
    assert preview[NarrativeBlock.PLAN].paragraphs == [
        "2024年度行政检查计划及其任务未录入本局执法台账，计划完成情况未作统计；"
        "全年实际开展行政检查56次，情况见前文。"]


def _messages(store, year):
    with store.session() as s:
        return {f.record.split("「")[1].rstrip("」"): f.message for f in check_year(s, year)
                if f.rule == "narrative.unconfirmed"}


def test_check_says_where_each_unconfirmed_blocks_words_come_from(demo_store):
    _without(demo_store, "存在的问题", "下一步工作打算", "年度执法计划完成情况", "导语")
    messages = _messages(demo_store, 2025)
    # Generated from the records (问题, 打算); the plan is written from its records and needs
    # no confirming; 导语 (gone from both years) is the template paragraph.
    assert "按本年度台账记录生成" in messages["存在的问题"]
    assert "按本年度台账记录生成" in messages["下一步工作打算"]
    assert "年度执法计划完成情况" not in messages
    assert "模板段落" in messages["导语"]
    assert sorted(messages) == ["下一步工作打算", "存在的问题", "导语"]
    # 2026: the demo's 2025 words are carried.
    messages = _messages(demo_store, 2026)
    assert "沿用2025年的文字" in messages["组织领导"]
    # 2027: nothing this year or last, no plan: template, generated, and the plan's own note.
    messages = _messages(demo_store, 2027)
    assert "模板段落" in messages["导语"] and "模板段落" in messages["组织领导"]
    assert "按本年度台账记录生成" in messages["存在的问题"]
    assert "计划完成情况未作统计" in messages["年度执法计划完成情况"]


def test_an_unconfirmed_plan_text_is_said_to_follow_the_plan_figures(demo_store):
    with demo_store.session() as s:
        row = s.query(NarrativeText).filter_by(year=2025, block="年度执法计划完成情况").one()
        row.needs_review = True
        save(s, row)
    message = _messages(demo_store, 2025)["年度执法计划完成情况"]
    assert message.startswith("标记为待确认：报告先按本年度检查计划记录写出计划完成情况")


def test_a_block_deleted_to_the_recycle_bin_can_be_written_again(demo_store):
    """One row per year and block: saving a deleted block brings its row back (it once
    failed on the unique constraint)."""
    from core.narrative import copy_last_year, save_block
    _without(demo_store, "存在的问题")
    with demo_store.session() as s:
        save_block(s, 2025, "存在的问题", "一是执法力量不足。", confirm=True, origin="template")
    with demo_store.session() as s:
        row = s.query(NarrativeText).filter_by(year=2025, block="存在的问题").one()
        assert row.deleted_at is None and row.text == "一是执法力量不足。"
        delete(s, s.query(NarrativeText).filter_by(year=2025, block="导语").one())
        assert copy_last_year(s, 2025) == 1             # 导语 from 2024, into its old row
