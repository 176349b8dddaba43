"""Which entry counts when one unit is logged more than once on one day.

One inspected unit on one day is one inspection (DOMAIN.md): of the live entries for a
(unit, day), the first logged (the lowest id) counts, the others do not. Every inspection
carries that fact in `Inspection.first_of_day`, kept current here whenever a flush adds,
changes, deletes or restores inspections, in the same transaction. Counting a year then
reads the indexes that hold `first_of_day` (core/figures.py), instead of finding the
repeated entries among 100,000 rows every time the figures are asked for
(docs/PERFORMANCE.md).

`watch(sessions)` is applied by core.store to every session it makes; writes that bypass
the ORM (the benchmark generator's bulk insert, a schema upgrade) call `mark_first_of_day`
themselves.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from sqlalchemy import and_, bindparam, event, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from core.models import Inspection

Day = tuple[int, dt.date]      # (unit_id, date)

# Key in Session.info: the days whose entries this flush changes. Should a flush fail, its
# days stay there and are marked again by the next one, which does no harm.
_PENDING = "inspection_days.pending"


@functools.cache
def _updates() -> tuple:
    """The UPDATE of every inspection, and of one (unit, day) given as parameters. Built once:
    building it (an aliased subquery) on every flush cost more than running it, some 2 ms of
    each inspection saved and most of an import's time (docs/PERFORMANCE.md)."""
    table = Inspection.__table__
    earlier = table.alias("earlier")
    first = (select(func.min(earlier.c.id))
             .where(earlier.c.unit_id == table.c.unit_id, earlier.c.date == table.c.date,
                    earlier.c.deleted_at.is_(None))
             .scalar_subquery())
    # updated_at is written back as it is: this is bookkeeping, not the clerk's edit.
    every = table.update().values(
        first_of_day=and_(table.c.deleted_at.is_(None), table.c.id == first),
        updated_at=table.c.updated_at)
    one_day = every.where(table.c.unit_id == bindparam("day_unit"),
                          table.c.date == bindparam("day_date"))
    return every, one_day


def mark_first_of_day(connection, days: Iterable[Day] | None = None) -> None:
    """Set `first_of_day` on the inspections of `days`, or on every inspection."""
    every, one_day = _updates()
    if days is None:
        connection.execute(every)
        return
    params = [{"day_unit": unit_id, "day_date": day} for unit_id, day in days]
    if not params:
        return
    if connection.dialect.name == "postgresql":
        _lock_days(connection, params)
    connection.execute(one_day, params)


def _lock_days(connection, params: list[dict]) -> None:
    """On a server, two clerks may save entries for one unit and day at once. Each marking
    reads the other's uncommitted entry as absent, and both would count. Holding a lock
    per (unit, day) until the transaction ends makes the second marking wait for the
    first to commit, and then see its entry (each statement of a READ COMMITTED
    transaction reads what was committed before it). Taken in sorted order, so two
    clerks' locks never wait on each other in a circle. SQLite needs none: it has one
    writer at a time."""
    for p in sorted(params, key=lambda p: (p["day_unit"], p["day_date"])):
        connection.execute(text("SELECT pg_advisory_xact_lock(:unit, :day)"),
                           {"unit": p["day_unit"], "day": p["day_date"].toordinal()})


def watch(sessions: sessionmaker) -> None:
    """Keep `first_of_day` current in every session `sessions` makes."""
    event.listen(sessions, "before_flush", _note_days_before)
    event.listen(sessions, "after_flush", _mark_days_after)


def _note_days_before(session: Session, _context, _instances) -> None:
    # The days edited or deleted entries were on before this flush. Read now: when the unit
    # was changed through the relationship, unit_id still holds the old unit until the flush.
    pending = session.info.setdefault(_PENDING, set())
    for record in (*session.dirty, *session.deleted):
        if isinstance(record, Inspection) and record.id is not None:
            pending.add((_before(record, "unit_id"), _before(record, "date")))


def _mark_days_after(session: Session, _context) -> None:
    # The days the new, edited and deleted entries are on now (ids and unit ids assigned).
    pending = session.info.pop(_PENDING, set())
    for record in (*session.new, *session.dirty, *session.deleted):
        if isinstance(record, Inspection):
            pending.add((record.unit_id, record.date))
    pending = {day for day in pending if None not in day}
    if pending:
        mark_first_of_day(session.connection(), sorted(pending))


def _before(record: Inspection, attr: str):
    """The attribute's value as last loaded from the database."""
    history = inspect(record).attrs[attr].history
    return history.deleted[0] if history.deleted else getattr(record, attr)
