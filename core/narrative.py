"""The clerk's own paragraphs (导语, 存在的问题…) for a year, with the fallbacks.

This year's text is used as written. Where a block is missing or empty, last year's text is
offered with the year moved on (`carry_over`: only where the year names the report's year,
never inside a document number, an edition or a 「较YYYY年」 comparison); where there is none
either, the default paragraph from resources/templates/narrative.toml. Both fallbacks, and
text still marked 待确认, are returned as unconfirmed: the report highlights them and warns,
`check` lists them. Saving a block and copying last year's blocks (`save_block`,
`copy_last_year`) are here too, so the GUI and any other caller follow one rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import NarrativeText
from core.records import save as save_record
from core.text import clean_text
from core.undo import snapshot
from core.vocab import NarrativeBlock

if TYPE_CHECKING:  # the report's templates; compliance uses this module without them
    from core.report.templates import TemplateSet

OWN, UNCONFIRMED, LAST_YEAR, TEMPLATE = "own", "unconfirmed", "last_year", "template"

# Blocks the report writes from the year's records when neither this year nor last year has
# words for them (core.report.content): the plan against what was done, and the year's own
# shortfalls and the steps that answer them.
GENERATED_WHEN_EMPTY = frozenset({NarrativeBlock.PLAN, NarrativeBlock.PROBLEMS,
                                  NarrativeBlock.NEXT_STEPS})


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
            moved = carry_over(previous.text, year - 1, year)
            out[block] = Narrative(block, paragraphs_of(moved), LAST_YEAR, row_id)
            continue
        text = (defaults.render(block.value, year=year, bureau=bureau)
                if defaults is not None and block.value in defaults else "")
        out[block] = Narrative(block, paragraphs_of(text), TEMPLATE, row_id)
    return out


# --- carrying last year's words into this year ----------------------------------------------

def _year_pattern(year: int) -> re.Pattern:
    """`year` where it names the report's year: 「2024年」「2024年度」, but not a document
    number 〔2024〕/[2024]/（2024）, an edition 「（2024年版）」, a comparison 「较2024年」
    「比2024年」「与2024年相比」, nor part of a longer number."""
    return re.compile(rf"(?<![\d〔\[［(（较比与同])({year})(?=年)(?!年版)(?!\d)")


def carry_over(text: str, from_year: int, to_year: int) -> str:
    """Last year's text moved on to `to_year`. {year} (the year the clerk marked) becomes
    `to_year`; the bare report year moves on only in sentences that state no count, since
    「2024年共组织…2次」 is a fact of 2024 and is kept as such (readiness flags it). Document
    numbers, editions and comparisons always keep their year."""
    text = text.replace("{year}", str(to_year))
    pattern = _year_pattern(from_year)
    return "".join(part if _counts(part) else pattern.sub(str(to_year), part)
                   for part in _SENTENCE.split(text))


# A count with its measure word: 「2次」「674人」「1.5万元」. Years (「2025年」), document numbers
# (「〔2024〕54号」「第825号」) and titles in 《》 are not facts of the year.
_COUNT = re.compile(r"(?<![\d.〔\[第])(\d+(?:\.\d+)?)(万|亿)?"
                    r"(次|件|人次|人|家|所|名|项|处|场|期|个|起|份|元|学时|课时|篇|条|台|批|户|天|小时|%)")
_TITLE = re.compile(r"《[^》]*》|〔\d{4}〕\d+号|第\d+号")


# A sentence ends at 。！？； or a line break; the split keeps the ends with their sentence.
_SENTENCE = re.compile(r"(?<=[。！？；\n])")


def _counts(text: str) -> list[str]:
    return [m.group(0) for m in _COUNT.finditer(_TITLE.sub("", text))]


def carried_numbers(paragraphs: list[str]) -> list[str]:
    """The counts in carried-over text that are likely last year's facts, in order, once
    each: the clerk confirms or rewrites them (core.report.readiness lists them)."""
    found: list[str] = []
    for paragraph in paragraphs:
        for count in _counts(paragraph):
            if count not in found:
                found.append(count)
    return found


# --- saving ------------------------------------------------------------------------------

def _any_row(session: Session, year: int, block: str) -> NarrativeText | None:
    """The year's row of `block`, in the 回收站 or not: there is one row per year and block
    (uq_narrative_year_block), so writing a deleted block again brings its row back."""
    return session.scalar(select(NarrativeText).where(NarrativeText.year == year,
                                                      NarrativeText.block == block))


def _plain_save(session: Session, record, before=None, seen_version: int | None = None):
    return save_record(session, record, seen_version)


# save_block's `seen_version` for a block the clerk's page showed without a stored row: a row
# another user has saved since is then a change the clerk has not seen.
NO_ROW_SEEN = 0


def save_block(session: Session, year: int, block: str, text: str, *, confirm: bool,
               origin: str, save: Callable | None = None,
               seen_version: int | None = None) -> NarrativeText:
    """Store the clerk's words for one block. Only confirming marks words that came from
    the template or last year as checked; until then they stay 待确认. `save(session,
    record, before, seen_version=…)` records the change (the GUI passes its undo history's
    save). `seen_version`: the version of the block the page showed (NO_ROW_SEEN for none):
    words another user saved since are never overwritten (RecordChangedError)."""
    save = save or _plain_save
    row = _any_row(session, year, block)
    before = snapshot(row) if row is not None else None
    if row is None:
        row = NarrativeText(year=year, block=block)
    elif seen_version == NO_ROW_SEEN and row.deleted_at is not None:
        seen_version = row.version    # only a block in the 回收站: nobody's words to keep
    row.deleted_at = None
    row.text = text
    row.needs_review = not confirm and origin != OWN
    return save(session, row, before, seen_version=seen_version)


def copy_last_year(session: Session, year: int, save: Callable | None = None) -> int:
    """Fill this year's empty blocks with last year's words moved on by `carry_over`,
    marked 待确认; returns how many blocks were filled."""
    save = save or _plain_save
    mine = _stored(session, year)
    copied = 0
    for block, old in _stored(session, year - 1).items():
        if not old.text.strip() or (block in mine and mine[block].text.strip()):
            continue
        text = carry_over(old.text, year - 1, year)
        row = mine.get(block) or _any_row(session, year, block)
        if row is not None:
            before = snapshot(row)
            row.text, row.needs_review, row.deleted_at = text, True, None
            save(session, row, before)
        else:
            save(session, NarrativeText(year=year, block=block, text=text, needs_review=True),
                 None)
        copied += 1
    return copied
