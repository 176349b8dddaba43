"""Hostile text for the property-based tests: what a clerk might paste, or an attacker plant
in a workbook offered for import."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st
from sqlalchemy import String, Text

from core.models import (
    Campaign, CustomFigure, Inspection, NarrativeText, OtherAct, PenaltyCase, PowerItem,
    ReviewCase, Staff, Training, Unit,
)

NASTY = [
    "\x00\x01\x02\x07\x08\x0b\x0c\x1b[31m红字\x1b[0m\x7f",       # control characters
    "校园安全👩‍👩‍👧‍👦🏫✅🇨🇳",                                       # emoji, ZWJ sequences, flags
    "执" * 100_000,                                                 # 100,000 characters
    "=cmd|' /C calc'!A0",                                          # DDE formula injection
    "+1+1", "-2+3", "@SUM(A1:A9)", '=HYPERLINK("http://evil.example","点此")',
    "\t=1+1", "\r=1+1",
    "<script>alert('x')</script>", "]]><![CDATA[<w:p/>]]>",        # HTML / XML
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]>&a;&amp;&lt;&#0;",
    "</w:t></w:r><w:r><w:t>注入", "{{ year }}{value}{unit}%s%d{0}",
    "\u202egpj.exe", "\u200f\u200e\u2066\u2069مرحبا",             # RTL marks, Arabic
    "\u200b\ufeff\u00ad", "e\u0301" * 50, "\ufffe\uffff",
    "a\ud800b",                                                    # a lone surrogate
    "第一行\r\n第二行\n\n\t第三行", "   ", "'; DROP TABLE unit; --",
    "../../CON", "NUL.docx", "C:\\Windows\\system32", "//server/share",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.lists(st.sampled_from(NASTY[:2] + NASTY[3:]), min_size=1, max_size=3).map("".join),
    st.text(max_size=40),                       # anything Unicode, surrogates included
)


def valid_records(session) -> dict[type, object]:
    """One valid record of each kind, built fresh (unsaved), using saved staff and unit."""
    from core.records import save

    unit = session.query(Unit).filter_by(name="基准学校").one_or_none() or save(
        session, Unit(name="基准学校", unit_type="民办学校"))
    staff = session.query(Staff).filter_by(name="王建国").one_or_none() or save(
        session, Staff(name="王建国", certificate_no="120100001",
                       certificate_issued=dt.date(2022, 1, 1)))
    day = dt.date(2025, 5, 6)
    return {
        Staff: Staff(name="李秀英", department="法制科"),
        Unit: Unit(name="新学校", unit_type="民办学校"),
        Campaign: Campaign(name="专项行动", start_date=day),
        Inspection: Inspection(date=day, category="日常检查", method="其他", unit=unit,
                               unit_id=unit.id, result="合格", inspectors=[staff]),
        PenaltyCase: PenaltyCase(decision_no="示教罚〔2025〕1号", party="某培训学校",
                                 party_type="法人或其他组织", procedure="简易程序", kinds="警告",
                                 decided_on=day),
        OtherAct: OtherAct(year=2025, category="行政确认", item="学历证明确认", count=3),
        Training: Training(date=day, topic="学法", form="集中培训", hours=4,
                           participants=[staff]),
        PowerItem: PowerItem(year=2025, category="行政检查", name="检查事项"),
        ReviewCase: ReviewCase(kind="行政复议", received_on=day),
        CustomFigure: CustomFigure(year=2025, name="转学人数", value=674, unit="人"),
        NarrativeText: NarrativeText(year=2025, block="存在的问题"),
    }


def text_fields(model) -> list[str]:
    """Every free-text column of a record kind (not keys, not the derived counted_kind, not
    the ledger's bookkeeping: who entered it and their 科室 are stamped, never typed)."""
    from core.models import BOOKKEEPING

    return [c.key for c in model.__table__.columns
            if isinstance(c.type, (String, Text)) and not c.foreign_keys
            and c.key != "counted_kind" and c.key not in BOOKKEEPING]


TEXT_FIELDS = [(model, field) for model in (Staff, Unit, Campaign, Inspection, PenaltyCase,
                                            OtherAct, Training, PowerItem, ReviewCase,
                                            CustomFigure, NarrativeText)
               for field in text_fields(model)]
