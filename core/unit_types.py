"""The type of an inspected unit as its name states it, for a unit created in place while an
inspection is logged: 「…艺术培训中心」 is a 校外培训机构, 「…民办…幼儿园」 a 民办幼儿园.

Only what the name says: a 「第一中学」 may be public or private, and a guess there would skew
the 涉企 figures (民办 and 校外培训 count as enterprises), so for such a name the answer is
None and the clerk is asked.
"""

from __future__ import annotations

from core.vocab import UnitType

_PRIVATE = ("民办", "私立")
_PUBLIC = ("公办",)
_TUTORING = ("培训", "辅导", "补习")
_KINDERGARTEN = ("幼儿园",)
_SCHOOL = ("学校", "中学", "小学", "学院", "中专", "职专", "职业技术")


def unit_type_from_name(name: str) -> str | None:
    """The UnitType value the name states, or None when it does not say."""
    text = (name or "").strip()
    if not text:
        return None
    if any(w in text for w in _TUTORING):
        return UnitType.TUTORING.value
    private = any(w in text for w in _PRIVATE)
    public = any(w in text for w in _PUBLIC)
    if private == public:              # neither, or a name that says both
        return None
    if any(w in text for w in _KINDERGARTEN):
        return (UnitType.PRIVATE_KINDERGARTEN if private else UnitType.PUBLIC_KINDERGARTEN).value
    if any(w in text for w in _SCHOOL):
        return (UnitType.PRIVATE_SCHOOL if private else UnitType.PUBLIC_SCHOOL).value
    return None
