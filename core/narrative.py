"""The clerk's own paragraphs (导语, 存在的问题…) for a year, with the fallbacks.

This year's text is used as written. Where a block is missing or empty, last year's text is
offered with the year moved on; where there is none either, the default paragraph from
resources/templates/narrative.toml. Both fallbacks, and text still marked 待确认, are
returned as unconfirmed: the report highlights them and warns, `check` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import NarrativeText
from core.text import clean_text
from core.vocab import NarrativeBlock

if TYPE_CHECKING:  # the report's templates; compliance uses this module without them
    from core.report.templates import TemplateSet

OWN, UNCONFIRMED, LAST_YEAR, TEMPLATE = "own", "unconfirmed", "last_year", "template"


@dataclass
class Narrative:
    block: NarrativeBlock
    paragraphs: list[str]
    origin: str
    record_id: int | None = None   # this year's stored row, where there is one

    @property
    def confirmed(self) -> bool:
        return self.origin == OWN

    def warning(self, year: int) -> str | None:
        name = f"「{self.block.value}」"
        if self.origin == UNCONFIRMED:
            return f"报告文字{name}标记为待确认，已用黄色标出，请确认后再印发。"
        if self.origin == LAST_YEAR:
            return f"{year}年报告文字{name}未填写，已沿用{year - 1}年的文字并用黄色标出，请核对改写。"
        if self.origin == TEMPLATE:
            return f"{year}年报告文字{name}未填写，已使用模板段落并用黄色标出，请确认或改写。"
        return None


def paragraphs_of(text: str) -> list[str]:
    """One paragraph per non-empty line; the clerk's own indentation is dropped (the
    document indents every paragraph by two characters)."""
    lines = clean_text(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.strip(" \t\u3000") for line in lines if line.strip(" \t\u3000")]


def _stored(session: Session, year: int) -> dict[str, NarrativeText]:
    rows = session.scalars(select(NarrativeText).where(
        NarrativeText.deleted_at.is_(None), NarrativeText.year == year))
    return {row.block: row for row in rows}


def load_narratives(session: Session, year: int, defaults: TemplateSet | None = None,
                    bureau: str = "") -> dict[NarrativeBlock, Narrative]:
    """Every block of the year's report with where its text came from. Without `defaults`
    (as in `check`) a block with no text of its own or last year's has no paragraphs."""
    this_year, last_year = _stored(session, year), _stored(session, year - 1)
    out = {}
    for block in NarrativeBlock:
        row = this_year.get(block.value)
        row_id = row.id if row is not None else None
        if row is not None and paragraphs_of(row.text):
            origin = UNCONFIRMED if row.needs_review else OWN
            out[block] = Narrative(block, paragraphs_of(row.text), origin, row_id)
            continue
        previous = last_year.get(block.value)
        if previous is not None and paragraphs_of(previous.text):
            moved = previous.text.replace(str(year - 1), str(year))
            out[block] = Narrative(block, paragraphs_of(moved), LAST_YEAR, row_id)
            continue
        text = (defaults.render(block.value, year=year, bureau=bureau)
                if defaults is not None and block.value in defaults else "")
        out[block] = Narrative(block, paragraphs_of(text), TEMPLATE, row_id)
    return out
