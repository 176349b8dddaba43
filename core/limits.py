"""How big a number the ledger accepts: one set of limits for every entry path.

A form, the Excel import, the demo and the CLI all save through core.validation, which
refuses a value beyond these with the field's name (before this module the import stopped
counts at 10⁹ and the forms at 10¹⁵). No district's year comes near them: a bigger number is a
typo (an amount typed in 分, a pasted telephone number) or a hostile cell, and it would
overflow the database's 64-bit integers or print as nonsense in the report.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer

# A count of anything: inspections, 出动人次, hazards, applications, 对象基数, a cap.
MAX_COUNT = 10**9
# An amount of money (罚款, 没收): in 元, and as stored, in 分. Two hundred million 分 is the
# most a 32-bit INTEGER column holds with room to spare (PostgreSQL's INTEGER stops at
# 2,147,483,647: a 罚款金额 of 2200万元 failed the save there as a bug, not in words). A
# larger amount needs BIGINT money columns (a schema change).
MAX_MONEY_YUAN = 20_000_000
MAX_MONEY_CENTS = MAX_MONEY_YUAN * 100
# Any other figure with decimals (a custom figure's 数值, a plan's 检查比例).
MAX_NUMBER = 10**12
# One training's 学时: a norm is 60 a year; 500 in one entry is already a year of evenings.
MAX_TRAINING_HOURS = 500

# Text bigger than 10^MAX_MAGNITUDE ("9e999999999", "inf") is refused while it is parsed,
# before it becomes an int that would hang or overflow; the limits above then apply.
MAX_MAGNITUDE = 15


def limit_of(column) -> int | None:
    """The largest magnitude a number column of a ledger record may hold, or None for a
    column that is not a free number (a key, a year or month, which have rules of their own)."""
    if column.primary_key or column.foreign_keys or column.key in ("year", "month"):
        return None
    if column.key.endswith("_cents"):
        return MAX_MONEY_CENTS
    if isinstance(column.type, Integer):
        return MAX_COUNT
    if isinstance(column.type, Float):
        return MAX_NUMBER
    return None
