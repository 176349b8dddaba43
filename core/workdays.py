"""Working days on China's official holiday calendar, for the 118号 publication deadlines.

`chinesecalendar` knows each year once the State Council publishes it (2004 onward). For a
year it does not know yet we count Monday–Friday and say so in `unknown_years`, so the
check list can warn that the deadline is approximate.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

# 国办发〔2018〕118号: permits and penalties public within 7 working days of the decision,
# other enforcement results within 20 working days.
PENALTY_PUBLICATION_DAYS = 7
OTHER_PUBLICATION_DAYS = 20


@lru_cache(maxsize=4096)
def _is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, the calendar knew the year)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def is_workday(day: dt.date) -> bool:
    return _is_workday(day)[0]


def calendar_knows(year: int) -> bool:
    return _is_workday(dt.date(year, 6, 1))[1]


def deadline(start: dt.date, working_days: int) -> tuple[dt.date, bool]:
    """The last day to act when `working_days` working days are allowed after `start`.

    The day of the decision itself does not count (the period starts the next day).
    Returns (deadline, exact); exact is False where a year the calendar does not know was
    crossed, so Monday–Friday was assumed.
    """
    day = start
    left = working_days
    exact = True
    while left > 0:
        day += dt.timedelta(days=1)
        work, known = _is_workday(day)
        exact = exact and known
        if work:
            left -= 1
    return day, exact
