"""Which records a list shows, and in which order: the ids behind every list in the window.

A list holds ids only and loads the rows it paints (gui.tablemodel), so this query is what
opening a list or typing in its search box costs. At city scale (85,000 inspections a year)
two things decide that cost, both measured in docs/PERFORMANCE.md:

- reading the ids: SQLAlchemy's Row objects cost more than the query itself (85,000 ids:
  ~0.1 s of rows on top of ~0.05 s of SQL), so the ids come straight off the DBAPI cursor;
- a text search: walking the date index and fetching each of 85,000 rows to look at its
  texts cost 0.19 s. The inspection list has its own index, in the list's order (date, id)
  and holding those texts (ix_inspection_list, schema 3), so opening or searching it reads
  that index alone, with no sort (~0.02 s). An inspection's unit name is searched in the
  small unit table, not through a join.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.dialects import TextContains
from core.models import Inspection, Unit
from core.store import plain_rows


# Search columns of another table, reached through the listed model's foreign key.
_THROUGH = {(Inspection, Unit): (Inspection.unit_id, Unit.id)}

# Always true, but stating it lets SQLite use the partial index made for the list (in its
# order, with the texts a search looks in: ix_inspection_list in core.models). Only the list
# states it, so counting never uses that index.
LIST_INDEX = {Inspection: Inspection.items.is_not(None)}


@dataclass
class ListQuery:
    """What the clerk has chosen above a list."""

    model: type
    year_column: Any = None             # the column deciding a record's year, or None
    date_range: tuple[dt.date, dt.date] | None = None    # when year_column is a date
    year: int | None = None             # when year_column is a year number
    search: str = ""
    search_columns: tuple = ()
    filters: dict[str, Any] = field(default_factory=dict)    # attribute -> value ("" = all)
    sort: Any = None                    # a column, or None: newest first by the year column
    descending: bool = False
    recycle_bin: bool = False

    def statement(self):
        m = self.model
        text = self.search.strip()
        searching = bool(text and self.search_columns)
        q = select(m.id)
        if self.sort is not None and self.sort.class_ is not m:
            own, other = _THROUGH[(m, self.sort.class_)]
            q = q.join(self.sort.class_, own == other)
        q = q.where(m.deleted_at.is_not(None) if self.recycle_bin else m.deleted_at.is_(None))
        if self.year_column is not None:
            if self.date_range is not None:
                q = q.where(self.year_column.between(*self.date_range))
            elif self.year is not None:
                q = q.where(self.year_column == self.year)
        if m in LIST_INDEX:
            q = q.where(LIST_INDEX[m])
        if searching:
            q = q.where(or_(*[self._contains(c, text) for c in self.search_columns]))
        for attr, value in self.filters.items():
            if value not in ("", None):
                q = q.where(getattr(m, attr) == value)
        if self.sort is not None:
            q = q.order_by(self.sort.desc() if self.descending else self.sort.asc(),
                           m.id.desc() if self.descending else m.id)
        elif self.year_column is not None:
            q = q.order_by(self.year_column.desc(), m.id.desc())
        else:
            q = q.order_by(m.id)
        return q

    def _contains(self, column, text: str):
        # TextContains: Latin letters in either case on a server too (core.dialects).
        if column.class_ is self.model:
            return TextContains(column, text)
        own, other = _THROUGH[(self.model, column.class_)]
        return own.in_(select(other).where(TextContains(column, text)))


# Rows a list shows before the rest of its ids are read: a few screens.
FIRST_SCREEN = 100


def id_batches(session: Session, query: ListQuery,
               first: int = FIRST_SCREEN) -> Iterator[list[int]]:
    """The ids the list shows, in order, in two parts read from one query (one snapshot):
    the first screenful, then the rest.

    In the list's own order SQLite hands over the first rows after reading a few hundred
    entries of the list index, so the window can paint them while the other 85,000 ids are
    still to be read (gui.listview reads them right after the paint). A server's driver
    fetches every row of a plain cursor before the first is handed over (85,000 ids: the
    first screen 2.1x SQLite's, docs/PERFORMANCE.md); a server-side cursor hands over the
    first screenful as SQLite does."""
    conn = session.connection()
    on_server = conn.dialect.name == "postgresql"
    if on_server:
        conn = conn.execution_options(stream_results=True, max_row_buffer=first)
    result = conn.execute(query.statement())
    try:
        if on_server:
            # Through SQLAlchemy's result: it has already read the first row(s) of a
            # server-side cursor into its buffer, which the DBAPI cursor no longer holds.
            yield [row[0] for row in result.fetchmany(first)]
            yield [row[0] for row in result.fetchall()]
            return
        # Plain tuples off the DBAPI cursor, as core.store.plain_rows, but in two parts.
        cursor = result.cursor
        yield [row[0] for row in cursor.fetchmany(first)]
        yield [row[0] for row in cursor.fetchall()]
    finally:
        result.close()


def list_ids(session: Session, query: ListQuery) -> list[int]:
    """All the ids the list shows, in order, at once."""
    return [row[0] for row in plain_rows(session, query.statement())]
