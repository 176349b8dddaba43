"""Publication deadlines in working days on the official holiday calendar."""

import datetime as dt

from core.compliance import check_year
from core.models import PenaltyCase
from core.records import save
from core.workdays import calendar_knows, deadline


def test_seven_working_days_across_the_national_day_holiday():
    # 2025: 1–8 October off, Saturday 11 October worked. Decided Monday 29 September:
    # 30 Sep (1), 9 Oct (2), 10 Oct (3), Sat 11 Oct (4), 13 (5), 14 (6), 15 Oct (7).
    assert deadline(dt.date(2025, 9, 29), 7) == (dt.date(2025, 10, 15), True)


def test_plain_weeks_count_monday_to_friday():
    assert deadline(dt.date(2025, 3, 7), 7) == (dt.date(2025, 3, 18), True)


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays():
    assert not calendar_knows(2099)
    assert deadline(dt.date(2099, 1, 30), 7) == (dt.date(2099, 2, 10), False)


def _case(session, decided, published):
    return save(session, PenaltyCase(decision_no=f"文号{decided}", party="张三", party_type="公民",
                                     procedure="简易程序", kinds="警告", decided_on=decided,
                                     published_on=published))


def test_a_penalty_published_after_the_seventh_working_day_is_flagged(session):
    _case(session, dt.date(2025, 9, 29), dt.date(2025, 10, 15))   # in time
    _case(session, dt.date(2025, 9, 30), dt.date(2025, 10, 17))   # deadline 16 Oct
    flags = [f for f in check_year(session, 2025, today=dt.date(2026, 1, 5))
             if f.rule == "penalty.publication"]
    assert len(flags) == 1
    assert "2025-10-16" in flags[0].message and "文号2025-09-30" in flags[0].record


def test_an_unknown_holiday_year_is_named_in_the_check(session):
    _case(session, dt.date(2099, 3, 2), dt.date(2099, 3, 3))
    rules = {f.rule for f in check_year(session, 2099, today=dt.date(2099, 3, 4))}
    assert "calendar.unknown" in rules
