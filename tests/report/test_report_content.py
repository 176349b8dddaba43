"""The clerk's year end: generate the report, and every number it prints is the ledger's."""

from __future__ import annotations

import datetime as dt

from docx import Document

from core.compliance import check_year
from core.figures import annual_figures
from core.narrative import carry_over
from core.models import Inspection, NarrativeText, PenaltyCase, Staff, Unit
from core.records import delete, save, set_profile
from core.report import build_content
from core.report.content import number

D = dt.date


def test_demo_report_states_the_years_figures_in_the_seed_sentences(demo_store, make_report):
    files, texts = make_report(demo_store, 2025)
    assert files.docx.name == "示例区教育局2025年度行政执法工作报告.docx"
    text = "\n".join(texts)
    assert texts[0] == "示例区教育局2025年度行政执法工作报告"
    # Hand-checked against the demo ledger (zhifa-cli figures --year 2025).
    assert ("2025年我局共开展行政检查72次，较上年增长28.6%，其中部门联合“双随机、一公开”检查6次、"
            "内部“双随机、一公开”检查11次。") in text
    assert "从检查类别看，日常检查43次、专项检查27次、个案检查2次。" in text
    assert "涉企行政检查26次，涉及市场主体15家，同一主体年度检查最多2次，均未超过年度频次上限。" in text
    # Small counts change by a number, not a percentage (4 against 2; 19 against 20).
    assert "作出行政处罚决定4件，较上年增加2件，其中适用简易程序2件、普通程序2件。" in text
    assert "所作处罚为警告1件、罚款1件、没收违法所得、没收非法财物1件、责令停产停业1件。" in text
    assert "罚没金额共计94800元，其中罚款82000元、没收12800元。" in text
    assert "共有19名执法人员持有有效行政执法证件，较上年减少1人。" in text
    assert "权责清单共有行政职权22项，其中行政处罚5项、行政检查4项、行政许可3项、行政奖励7项、行政确认1项、其他2项。" in text
    assert "2025年中、小学累计转学674人。" in text            # the clerk's own 其他指标 sentence
    assert "附件：示例区教育局2025年度行政执法数据统计表" in texts
    assert texts[-2:] == ["示例区教育局", "2025年12月28日"]


def test_every_figure_a_paragraph_claims_is_printed_in_it(demo_store):
    """Traceability: a paragraph that says it states a figure contains that figure's value."""
    with demo_store.session() as s:
        content, figs = build_content(s, 2025)
    checked = 0
    for paragraph in content.paragraphs:
        for key in paragraph.figures:
            value = figs[key]
            if isinstance(value, list):
                assert all(name in paragraph.text for name in value), (key, paragraph.text)
            elif value:                 # zero counts are left out of "A 3次、B 2次" lists
                assert number(value) in paragraph.text, (key, value, paragraph.text)
            checked += 1
    assert checked > 60


def _minimal_year(session):
    set_profile(session, full_name="测试区教育局", signatory="测试区教育局")
    a = save(session, Staff(name="甲", certificate_no="A1", certificate_issued=D(2020, 1, 1),
                            certificate_expires=D(2030, 1, 1), is_established=True))
    b = save(session, Staff(name="乙", certificate_no="B1", certificate_issued=D(2020, 1, 1),
                            certificate_expires=D(2030, 1, 1), is_established=True))
    unit = save(session, Unit(name="测试一中", unit_type="公办中小学"))
    save(session, Inspection(date=D(2025, 3, 3), unit=unit, unit_id=unit.id, category="日常检查",
                             method="其他", result="合格", inspectors=[a, b],
                             published_on=D(2025, 3, 4)))
    return unit, (a, b)


def test_a_quiet_year_is_reported_honestly(store, make_report):
    with store.session() as s:
        _minimal_year(s)
    files, texts = make_report(store, 2025)
    text = "\n".join(texts)
    assert "本年度未发生行政处罚案件。" in texts
    assert "本年度未办理行政许可事项。" in texts
    assert "2025年，我局未发生以我局为被申请人的行政复议案件，也未发生行政应诉案件。" in texts
    # No 双随机, no campaign: no section promising them, and no 「本年度未…」 lines.
    assert not any("双随机" in t or "专项治理" in t for t in texts)
    assert "2025年我局共开展行政检查1次。以上检查均为日常检查。检查对象均为公办中小学。" in texts
    assert "全年行政检查未发现问题和隐患；检查结果均为合格。" in texts   # no 「出动0人次」
    assert "注销行政执法证件" not in text      # nothing cancelled: not "注销0人"
    assert "较上年" not in text               # no 2024 in the ledger: no year-over-year claim
    assert "罚没" not in text and "听证" not in text
    # No power list entered: the clerk is told after generating, the document says no more
    # than is true (no note to the clerk in the body).
    assert any("权责清单" in w for w in files.warnings)
    assert not any("补录" in t or "请在" in t for t in texts)


def test_year_over_year_only_where_last_year_has_records(store, make_report):
    with store.session() as s:
        unit, people = _minimal_year(s)
        for day in (D(2024, 5, 6), D(2024, 5, 7)):
            save(s, Inspection(date=day, unit=unit, unit_id=unit.id, category="日常检查",
                               method="其他", result="合格", inspectors=list(people),
                               published_on=day))
    _, texts = make_report(store, 2025)
    assert any(t.startswith("2025年我局共开展行政检查1次，较上年减少1次。") for t in texts)


def test_a_penalty_with_fine_only_names_no_detail_and_counts_the_heaviest(store, make_report):
    with store.session() as s:
        _minimal_year(s)
        save(s, PenaltyCase(decision_no="测教罚〔2025〕1号", party="某培训学校",
                            party_type="法人或其他组织", procedure="普通程序",
                            kinds="警告、罚款、责令停产停业", fine_cents=500000,
                            decided_on=D(2025, 6, 2), legal_review=True,
                            published_on=D(2025, 6, 3)))
    _, texts = make_report(store, 2025)
    text = "\n".join(texts)
    assert "所作处罚均为责令停产停业。罚没金额共计5000元。" in text
    assert "按处罚种类分" not in text and "按最重的种类计" not in text   # no table labels
    # 法制审核 is said once, under 三项制度, as the records show it.
    assert "普通程序行政处罚案件1件，作出决定前均经法制审核" in text
    assert text.count("作出决定前均经法制审核") == 1
    assert "作出重大执法决定前经法制审核" not in text      # the old, ungrammatical sentence


def test_missing_narrative_falls_back_to_last_year_highlighted_and_checked(demo_store, make_report):
    with demo_store.session() as s:
        row = s.query(NarrativeText).filter_by(year=2025, block="存在的问题").one()
        last = s.query(NarrativeText).filter_by(year=2024, block="存在的问题").one().text
        delete(s, row)
    files, texts = make_report(demo_store, 2025)
    first_line = carry_over(last, 2024, 2025).splitlines()[0].strip()
    assert first_line in texts
    doc = Document(str(files.docx))
    para = next(p for p in doc.paragraphs if p.text == first_line)
    assert all(r.font.highlight_color is not None for r in para.runs)
    assert any("存在的问题" in w and "2024" in w for w in files.warnings)
    with demo_store.session() as s:
        flags = [f for f in check_year(s, 2025) if f.rule == "narrative.unconfirmed"]
    assert [f.record for f in flags] == ["报告文字 2025年「存在的问题」"]
    # A confirmed paragraph is not highlighted.
    intro = next(p for p in doc.paragraphs if p.text.startswith("2025年，示例区教育局"))
    assert all(r.font.highlight_color is None for r in intro.runs)


def test_no_text_this_year_or_last_uses_the_template_paragraph(store, make_report):
    with store.session() as s:
        _minimal_year(s)
    files, texts = make_report(store, 2025)
    assert any(t.startswith("2025年，测试区教育局坚持以习近平法治思想为指导") for t in texts)
    # 导语, 组织领导, 主要工作措施, 依法治校 from the template; 计划, 问题, 打算 from the year's records.
    assert sum("模板段落" in w for w in files.warnings) == 4
    assert sum("按本年度台账情况生成" in w for w in files.warnings) == 2
    with store.session() as s:
        assert len([f for f in check_year(s, 2025) if f.rule == "narrative.unconfirmed"]) == 7


def test_figures_match_zhifa_cli_figures(demo_store):
    """The content is built from the very same annual_figures the CLI prints."""
    with demo_store.session() as s:
        _, figs = build_content(s, 2025)
        assert figs.as_json() == annual_figures(s, 2025).as_json()
