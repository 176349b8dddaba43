"""How a change on last year is stated, once for the report and the overview: a small count
by its difference, a larger one or a rate by its percentage (hand-counted)."""

from decimal import Decimal

import pytest

from core.figure_format import SMALL_COUNT, Change, figure_change
from core.figures import Figure


def fig(value, previous, unit="件"):
    return Figure(key="k", label="k", value=value, unit=unit, previous=previous)


@pytest.mark.parametrize("value, previous, expected", [
    (19, 20, Change("down", "1", by_count=True)),           # 减少1人, never 减少5%
    (4, 2, Change("up", "2", by_count=True)),               # 增加2件, never 增长100%
    (72, 56, Change("up", "28.6")),                         # 16/56 = 28.57%
    (SMALL_COUNT - 1 + 10, SMALL_COUNT - 1, Change("up", "10", by_count=True)),
    (45, SMALL_COUNT, Change("down", "10")),                # 5/50: from fifty on, a percentage
    (Decimal("94800.00"), Decimal("12000.00"), Change("up", "690")),
    (Decimal("30.00"), Decimal("10.00"), Change("up", "20", by_count=True)),
    (95.8, 87.5, Change("up", "9.5")),                      # a rate is never a count
    (7, 7, Change("same")),
])
def test_a_change_is_stated_as_the_report_states_it(value, previous, expected):
    assert figure_change(fig(value, previous)) == expected


@pytest.mark.parametrize("previous", [None, 0])
def test_nothing_is_said_without_a_year_to_compare_with(previous):
    assert figure_change(fig(3, previous)) is None
