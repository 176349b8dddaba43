"""A unit created while logging an inspection takes its type from its name only where the
name says it; otherwise the clerk is asked (a wrong 公办 skews the 涉企 figures)."""

from __future__ import annotations

import pytest

from core.unit_types import unit_type_from_name


@pytest.mark.parametrize("name, expected", [
    ("示例区星光艺术培训中心", "校外培训机构"),
    ("示例区学而思辅导班", "校外培训机构"),
    ("示例区民办阳光幼儿园", "民办幼儿园"),
    ("示例区公办实验幼儿园", "公办幼儿园"),
    ("示例区私立育才学校", "民办学校"),
    ("示例区公办第二小学", "公办中小学"),
    ("示例区民办英才培训学校", "校外培训机构"),      # 培训 decides: it is a training school
])
def test_a_name_that_says_its_type(name, expected):
    assert unit_type_from_name(name) == expected


@pytest.mark.parametrize("name", [
    "示例区第一中学",          # public or private: the name does not say
    "示例区阳光幼儿园",
    "示例区少年宫",
    "",
    "示例区公办民办合作学校",    # says both
])
def test_a_name_that_does_not_say_is_asked(name):
    assert unit_type_from_name(name) is None
