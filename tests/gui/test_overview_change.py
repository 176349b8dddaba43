"""The overview's cards state a change on last year in the report's words
(core.figure_format.figure_change)."""

from core.figures import Figure
from gui.overview import change_text


def fig(value, previous, unit="件"):
    return Figure(key="k", label="k", value=value, unit=unit, previous=previous)


def test_the_overview_card_says_what_the_report_says():
    assert change_text(fig(19, 20, "人")) == "较上年减少 1人"
    assert change_text(fig(4, 2)) == "较上年增加 2件"
    assert change_text(fig(72, 56, "次")) == "较上年增长 28.6%"
    assert change_text(fig(3, 0)) == "上年 0件"
    assert change_text(fig(3, None)) == "上年无数据"
