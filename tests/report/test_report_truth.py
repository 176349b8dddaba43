"""A 司法局 reads the report beside the ledger: every sentence must be true of it.

The clerk's year: log the year, generate the report, and what the report claims is what the
records show (core.compliance's findings), in the bureau's own region, dated as set.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.cli import main
from core.figures import Figure
from core.models import CustomFigure, Inspection, NarrativeText, OtherAct, ReviewCase, Staff, Unit
from core.narrative import LAST_YEAR, carry_over, carried_numbers, copy_last_year, load_narratives
from core.records import save, set_profile
from core.report import build_content, load_templates
from core.report.content import compose, custom_section, heading_role
from core.report.readiness import readiness_flags
from core.vocab import NarrativeBlock

D = dt.date
TODAY = dt.date(2026, 1, 10)


def _year(session, *, bureau="测试区教育局", region="", inspections=2, late=False,
          one_inspector=False, recorded=True):
    """A small year: two certified officers, `inspections` inspections of one school."""
    set_profile(session, full_name=bureau, region=region, signatory=bureau)
    people = [save(session, Staff(name=n, certificate_no=f"C{i}", certificate_issued=D(2020, 1, 1),
                                  certificate_expires=D(2030, 1, 1), is_established=True))
              for i, n in enumerate(("甲", "乙"))]
    unit = save(session, Unit(name="测试一中", unit_type="公办中小学"))
    for k in range(inspections):
        day = D(2025, 3, 3) + dt.timedelta(days=7 * k)
        published = day + dt.timedelta(days=60 if late and k == 0 else 1)
        save(session, Inspection(
            date=day, unit=unit, unit_id=unit.id, category="日常检查", method="其他",
            result="合格", recorded=recorded or k > 0,
            inspectors=people[:1] if one_inspector and k == 0 else people,
            published_on=published))
    return unit


def _texts(store, year=2025, **kwargs):
    with store.session() as s:
        content, _ = build_content(s, year, today=kwargs.pop("today", TODAY), **kwargs)
    return content, [p.text for p in content.paragraphs]


# --- 1. 成文日期 --------------------------------------------------------------------------

def test_report_date_from_the_command_line(store, tmp_path, capsys):
    with store.session() as s:
        _year(s)
    db = store.location
    store.close()
    assert main(["--db", db, "report", "--year", "2025", "--date", "2026-01-20",
                 "-o", str(tmp_path / "out")]) == 0
    from docx import Document
    docx = next((tmp_path / "out").glob("*.docx"))
    assert Document(str(docx)).paragraphs[-1].text == "2026年1月20日"
    assert "成文日期" not in capsys.readouterr().out         # in time: no warning


def test_a_bad_date_is_named(store, tmp_path, capsys):
    with store.session() as s:
        _year(s)
    db = store.location
    store.close()
    assert main(["--db", db, "report", "--year", "2025", "--date", "2026-02-30",
                 "-o", str(tmp_path / "out")]) == 2
    assert "「成文日期」「2026-02-30」不是有效日期" in capsys.readouterr().err


def test_no_date_set_uses_today_and_warns_after_31_january(store, capsys):
    with store.session() as s:
        _year(s)
    late = D(2026, 12, 1)
    content, texts = _texts(store, today=late)
    assert texts[-1] == "2026年12月1日"                      # today, never a made-up 31 December
    assert any("晚于2026年1月31日" in w for w in content.warnings)
    with store.session() as s:
        flags = readiness_flags(s, 2025, today=late)
        assert [f.rule for f in flags if f.rule == "report.document_date"] == ["report.document_date"]
        assert not [f for f in readiness_flags(s, 2025, today=D(2026, 1, 15))
                    if f.rule == "report.document_date"]
    content, texts = _texts(store, today=D(2026, 1, 31))
    assert texts[-1] == "2026年1月31日" and not any("成文日期" in w for w in content.warnings)


def test_check_lists_the_readiness_notes(store, capsys):
    with store.session() as s:
        _year(s)
    db = store.location
    store.close()
    main(["--db", db, "check", "--year", "2025"])
    out = capsys.readouterr().out
    assert "2025年权责清单" in out and "尚未录入权责清单事项" in out


# --- 2. carried-over text ----------------------------------------------------------------

LAST = ("2024年，我局深入贯彻《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号），"
        "对照《天津市教育行政执法手册（2024年版）》规范执法。2024年共组织专项检查2次，较2023年增加1次。"
        "现将2024年度工作情况报告如下：")


def test_carried_text_moves_only_the_report_year():
    moved = carry_over(LAST, 2024, 2025)
    assert moved.startswith("2025年，我局深入贯彻")
    assert "国办发〔2024〕54号" in moved and "（2024年版）" in moved
    # A fact of 2024 stays a fact of 2024; a comparison keeps its year.
    assert "2024年共组织专项检查2次，较2023年增加1次。" in moved
    assert moved.endswith("现将2025年度工作情况报告如下：")
    assert carry_over("{year}年，我局", 2024, 2025) == "2025年，我局"


def test_carried_numbers_are_the_counts_not_the_citations():
    assert carried_numbers([carry_over(LAST, 2024, 2025)]) == ["2次", "1次"]
    assert carried_numbers(["依据《条例》（国务院令第825号）和国办发〔2018〕118号。"]) == []


def test_a_2024_narrative_carried_into_2025_is_flagged_and_its_numbers_kept(store):
    with store.session() as s:
        _year(s)
        save(s, NarrativeText(year=2024, block="组织领导", text=LAST))
    content, texts = _texts(store)
    paragraph = next(p for p in content.paragraphs if p.text.startswith("2025年，我局深入贯彻"))
    assert paragraph.unconfirmed
    assert "国办发〔2024〕54号" in paragraph.text and "国办发〔2025〕" not in paragraph.text
    with store.session() as s:
        flags = [f for f in readiness_flags(s, 2025, today=TODAY)
                 if f.rule == "report.carried_numbers"]
    assert len(flags) == 1 and "2次、1次" in flags[0].message
    assert flags[0].record == "报告文字 2025年「组织领导」"


def test_copy_last_year_is_the_same_rule(store):
    with store.session() as s:
        _year(s)
        save(s, NarrativeText(year=2024, block="组织领导", text=LAST))
        assert copy_last_year(s, 2025) == 1
    with store.session() as s:
        row = s.query(NarrativeText).filter_by(year=2025, block="组织领导").one()
        assert row.text == carry_over(LAST, 2024, 2025) and row.needs_review
        assert copy_last_year(s, 2025) == 0                  # filled blocks are left alone
        narratives = load_narratives(s, 2026)
        assert narratives[NarrativeBlock.ORGANISATION].origin == LAST_YEAR


# --- 3. any bureau, any province ----------------------------------------------------------

def test_a_henan_bureau_names_no_tianjin_regulation(store):
    with store.session() as s:
        _year(s, bureau="洛阳市洛龙区教育体育局", region="河南省洛阳市洛龙区")
    _, texts = _texts(store)
    text = "\n".join(texts)
    assert "天津" not in text
    assert "根据《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度" \
           "的指导意见》（国办发〔2018〕118号）有关要求，现将2025年度行政执法工作情况报告如下：" in texts


def test_from_2026_the_national_regulation_is_cited(store):
    with store.session() as s:
        _year(s, bureau="洛阳市洛龙区教育体育局", region="河南省洛阳市洛龙区")
        save(s, Inspection(date=D(2026, 3, 3), unit=s.query(Unit).one(),
                           unit_id=s.query(Unit).one().id, category="日常检查", method="其他",
                           result="合格", inspectors=s.query(Staff).all(),
                           published_on=D(2026, 3, 4)))
    _, texts = _texts(store, 2026, today=D(2027, 1, 10))
    assert "根据《行政执法监督条例》（国务院令第825号）有关要求，现将2026年度行政执法工作情况报告如下：" in texts
    assert "天津" not in "\n".join(texts)


@pytest.mark.parametrize("year,expected", [
    (2025, "根据《天津市行政执法监督规定》有关要求"),
    (2026, "根据《行政执法监督条例》（国务院令第825号）和《天津市行政执法监督规定》有关要求"),
])
def test_tianjin_cites_its_own_rule(year, expected):
    templates, _ = load_templates()
    from core.report.legal_basis import legal_basis
    basis = legal_basis("", "天津市东丽区", "东丽区教育局", year, templates)
    assert templates.render("intro.basis", basis=basis, year=year, bureau="").startswith(expected)


def test_the_clerks_own_basis_is_used(store):
    with store.session() as s:
        _year(s, region="河南省洛阳市洛龙区")
        set_profile(s, legal_basis="根据《河南省行政执法条例》。")
    _, texts = _texts(store)
    assert "根据《河南省行政执法条例》有关要求，现将2025年度行政执法工作情况报告如下：" in texts


# --- 4. claims the data contradicts ------------------------------------------------------

def test_compliance_is_claimed_only_when_every_record_complies(store):
    with store.session() as s:
        _year(s, inspections=3)
    _, texts = _texts(store)
    assert ("全年3次行政检查结果均在检查后20个工作日内公示；行政检查均实行执法全过程记录；"
            "每次检查均由两名以上持有效执法证件的执法人员实施。") in texts


def test_exceptions_are_counted_instead_of_claiming_compliance(store):
    with store.session() as s:
        _year(s, inspections=3, late=True, one_inspector=True, recorded=False)
    _, texts = _texts(store)
    text = "\n".join(texts)
    assert ("全年行政检查结果中，1次未在检查后20个工作日内公示；2次行政检查实行执法全过程记录，"
            "1次未留存全过程记录；1次检查执法人员少于两人。") in texts
    for claim in ("均在检查后20个工作日内公示", "均实行执法全过程记录", "每次检查均由两名以上"):
        assert claim not in text
    # 三、 follows from the same facts when the clerk wrote nothing.
    assert any("执法公示还不够及时，1次未在检查后20个工作日内公示" in t for t in texts)


def test_the_demo_report_states_its_three_exceptions(demo_store):
    with demo_store.session() as s:
        content, _ = build_content(s, 2025, today=TODAY)
    text = "\n".join(p.text for p in content.paragraphs)
    assert "1次未在检查后20个工作日内公示" in text
    assert "69次行政检查实行执法全过程记录，3次未留存全过程记录" in text
    assert "1次检查执法人员少于两人、1次检查有执法人员当日未持有效执法证件" in text
    assert "按照年初制定" not in text and "顺利完成" not in text


def test_no_plan_in_the_ledger_is_said_honestly_and_highlighted(store):
    with store.session() as s:
        _year(s, inspections=0)
        save(s, Inspection(date=D(2025, 4, 1), unit=s.query(Unit).one(),
                           unit_id=s.query(Unit).one().id, category="日常检查", method="其他",
                           result="合格", inspectors=s.query(Staff).all(),
                           published_on=D(2025, 4, 2)))
    content, texts = _texts(store)
    plan = next(p for p in content.paragraphs if "检查计划" in p.text)
    assert plan.text.startswith("2025年度行政检查计划及其任务未录入本局执法台账")
    assert plan.unconfirmed
    assert any("行政检查计划未录入台账" in w for w in content.warnings)


def _figures_with_plan(store) -> tuple:
    """The demo year's figures with the plan figures issue 21 adds (built here by hand)."""
    with store.session() as s:
        content, figs = build_content(s, 2025, today=TODAY)
    for key, value, unit in (("plan.tasks", 4, "项"), ("plan.tasks_done", 3, "项"),
                             ("plan.objects_planned", 40, "家"),
                             ("plan.objects_inspected", 35, "家"),
                             ("plan.completion_rate", 87.5, "%"),
                             ("inspection.planned", 60, "次"), ("inspection.unplanned", 12, "次")):
        figs.figures[key] = Figure(key, key, value, unit)
    figs.tables["plan.tasks"] = [
        {"name": "民办学校年检", "inspected": 10}, {"name": "校外培训机构抽查", "inspected": 0}]
    figs.tables["inspection.unplanned_by_source"] = [
        {"source": "投诉举报", "count": 9}, {"source": "转办交办", "count": 3},
        {"source": "数据监测", "count": 0}]
    return content, figs


def test_the_plan_section_states_planned_against_done(demo_store):
    _, figs = _figures_with_plan(demo_store)
    templates, _ = load_templates()
    with demo_store.session() as s:
        narratives = load_narratives(s, 2025, load_templates()[1], "示例区教育局")
    content = compose(templates, figs, narratives, bureau="示例区教育局", signatory="示例区教育局",
                      document_date=TODAY)
    texts = [p.text for p in content.paragraphs]
    start = texts.index("（四）年度执法计划完成情况")
    assert texts[start + 1] == (
        "2025年，我局制定年度行政检查计划，列入检查任务4项，已实施3项。计划检查对象40家，"
        "已检查35家，计划完成率87.5%。尚未实施的任务有「校外培训机构抽查」。"
        "全年计划内检查60次、计划外检查12次。计划外检查中，投诉举报9次、转办交办3次。")


# --- 5. 复议 and 诉讼 as the bureau's own cases ------------------------------------------

def test_the_bureau_is_the_respondent_and_zero_litigation_is_stated(demo_store):
    _, texts = _texts(demo_store)
    assert "（五）行政复议、行政应诉情况" in texts
    assert "2025年，我局被申请行政复议1件（维持1件），无被纠错案件；未发生行政应诉案件。" in texts
    assert not any("收到行政复议申请" in t for t in texts)


def test_a_lost_suit_is_counted_as_corrected(store):
    with store.session() as s:
        _year(s)
        save(s, ReviewCase(kind="行政诉讼", received_on=D(2025, 5, 1), result="撤销"))
    _, texts = _texts(store)
    assert ("2025年，我局行政应诉1件（撤销1件），其中被纠错1件；"
            "未发生以我局为被申请人的行政复议案件。") in texts


# --- 6. numbers dropped or fragmented -----------------------------------------------------

def test_a_description_becomes_a_sentence_with_its_number(store):
    with store.session() as s:
        _year(s)
        save(s, CustomFigure(year=2025, name="转学人数", value=674, unit="人",
                             sentence="中、小学累计转学"))
        save(s, CustomFigure(year=2025, name="执法记录仪", value=8, unit="台"))
        save(s, CustomFigure(year=2025, name="示范校", value=2, unit="所", report_section="依法治校",
                             sentence="推选第一中学、实验小学参加依法治校示范校评比。"))
    _, texts = _texts(store)
    # No 双随机 and no campaign this year: that section is left out, the next ones move up.
    other = texts.index("（四）其他工作情况")
    assert texts[other + 1] == "2025年中、小学累计转学674人。"
    # 执法记录仪 under 三项制度 (全过程记录), the 示范校 under 依法治校, as the clerk chose.
    three, schools = texts.index("（二）落实行政执法“三项制度”"), texts.index(
        "（三）推进依法治校，健全法律顾问制度")
    assert "2025年执法记录仪8台。" in texts[three:schools]
    assert "推选第一中学、实验小学参加依法治校示范校评比（示范校2所）。" in texts[schools:other]


def test_sections_for_custom_figures():
    assert custom_section("依法治校示范校推选") == "schools"
    assert custom_section("执法记录仪") == "three_systems"
    assert custom_section("转学人数") == "other"
    assert custom_section("转学人数", "全过程记录") == "three_systems"


def test_licences_by_item_with_their_counts(store):
    with store.session() as s:
        _year(s)
        for item, n in (("教师资格认定", 1510), ("民办学校设立", 2)):
            save(s, OtherAct(year=2025, category="行政许可", item=item, applied=n, accepted=n,
                             granted=n))
    _, texts = _texts(store)
    assert "受理的许可事项中，教师资格认定1510件、民办学校设立2件。" in texts


# --- 7. the clerk's own headings ------------------------------------------------------------

def test_clerk_lines_numbered_like_headings_become_headings(store):
    with store.session() as s:
        _year(s)
        save(s, NarrativeText(year=2025, block="主要工作措施", text=(
            "（一）落实行政执法公示制度\n在区政府网站公示执法信息。\n1.全过程记录\n配备执法记录仪。")))
    content, _ = _texts(store)
    roles = {p.text: p.role for p in content.paragraphs}
    assert roles["（一）落实行政执法公示制度"] == "h2"
    assert roles["1.全过程记录"] == "h3"
    assert roles["在区政府网站公示执法信息。"] == "body"
    assert heading_role("1.加强组织领导。成立领导小组，由局长任组长。") is None


def test_every_section_has_its_words_when_the_clerk_wrote_nothing(store):
    """Sections 二–四 come from templates of seed-like length, never a one-line stub."""
    with store.session() as s:
        _year(s)
    content, texts = _texts(store)
    body = sum(len(p.text) for p in content.paragraphs if p.role == "body")
    assert body > 1800
    start, end = texts.index("二、主要工作措施及成效"), texts.index("三、存在的问题")
    assert sum(len(t) for t in texts[start:end]) > 700


def test_a_clerks_claim_the_records_contradict_is_flagged(store):
    """The clerk's own words are printed as written; check and the generation step say which
    of them the ledger contradicts."""
    with store.session() as s:
        _year(s, inspections=3, late=True, recorded=False)
        save(s, NarrativeText(year=2025, block="主要工作措施", text=(
            "及时公示执法结果，执法人员佩戴执法记录仪、持证上岗。")))
    content, texts = _texts(store)
    assert "及时公示执法结果，执法人员佩戴执法记录仪、持证上岗。" in texts
    with store.session() as s:
        notes = [f for f in readiness_flags(s, 2025, today=TODAY) if f.rule == "report.claim"]
    assert len(notes) == 1 and notes[0].record == "报告文字 2025年「主要工作措施」"
    assert "「及时公示」，但台账中有1条" in notes[0].message
    assert "「佩戴执法记录仪」，但台账中有1次行政检查未留存全过程记录" in notes[0].message
    assert "持证上岗" not in notes[0].message          # every officer held a certificate
    assert any("「及时公示」" in w for w in content.warnings)


def test_check_says_the_plan_is_missing_until_the_clerk_writes_the_section(store):
    with store.session() as s:
        _year(s)
        assert any(f.record == "2025年行政检查计划" for f in readiness_flags(s, 2025, today=TODAY))
        save(s, NarrativeText(year=2025, block="年度执法计划完成情况",
                              text="我局年初制定检查计划2项，均已完成。"))
        assert not any(f.record == "2025年行政检查计划"
                       for f in readiness_flags(s, 2025, today=TODAY))
