"""What the ledger's schema says differently to SQLite and to a PostgreSQL server (issue 22).

Every column, index and upgrade step goes through these rules, so a ledger made or upgraded
on either database has the same tables and gives the same figures:

- A boolean column's server default is `server_bool(False)`, never text("0"): SQLite stores
  booleans as 0/1 and takes DEFAULT 0, PostgreSQL has a real boolean type and refuses an
  integer default ("column … is of type boolean but default expression is of type integer").
  `sa.false()` is written as 0 for SQLite and as false for PostgreSQL.
- A partial index states its condition for both (`partial(where)`), or PostgreSQL would
  make it a full index on every row.
- A covering index that holds free text (备注, 检查事项, 联合部门) is SQLite's alone
  (`sqlite_only`): a PostgreSQL b-tree entry holds at most 2,704 bytes, so a 备注 of a
  thousand characters could not be saved; the server gets `server_index`'s version of it,
  without the text columns (it reads the texts from the table instead).
- A String(n) column is unbounded on PostgreSQL, as it is in SQLite (which never enforces a
  VARCHAR length): the same entry is saved on both, and a length limit, where one matters,
  is core/validation's rule with its message naming the field, never a server's DataError.
  Applied here to every String column, those of later schema steps included.
- A number in a query that can pass 2**31 is typed BigInteger (`literal(n, BigInteger)`):
  SQLite's integers are all 64-bit, PostgreSQL reads a plain bound number as a 32-bit one.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql.elements import ColumnElement


@compiles(sa.String, "postgresql")
def _unbounded_on_the_server(type_, compiler, **kw) -> str:
    return "VARCHAR"


def server_bool(value: bool) -> ColumnElement:
    """The server default of a boolean column: 0/1 in SQLite, false/true in PostgreSQL."""
    return sa.true() if value else sa.false()


def partial(where: str) -> dict:
    """The keyword arguments of an Index (or op.create_index) that make it partial on
    `where` in both databases.

    SQLite's condition is its dialect argument; the server's is kept in the index's `info`
    and written by `_partial_on_the_server`. Given as `postgresql_where`, it made SQLAlchemy
    load the whole PostgreSQL dialect (~70 ms) when the models were imported, only to check
    the argument's name: at every start of a SQLite ledger (issue 20: start)."""
    return {"sqlite_where": sa.text(where), "info": {SERVER_WHERE: where}}


SERVER_WHERE = "server_where"


@compiles(CreateIndex, "postgresql")
def _partial_on_the_server(create, compiler, **kw) -> str:
    ddl = compiler.visit_create_index(create, **kw)
    where = create.element.info.get(SERVER_WHERE)
    return f"{ddl} WHERE {where}" if where else ddl


def sqlite_only(index: sa.Index) -> sa.Index:
    """An index made in a SQLite ledger only (see the module's note on free text)."""
    return index.ddl_if(dialect="sqlite")


def server_index(index: sa.Index) -> sa.Index:
    """An index made on a PostgreSQL server only: the server's version of a SQLite-only one."""
    return index.ddl_if(dialect="postgresql")


def is_sqlite(bind) -> bool:
    """Whether `bind` (a connection or an engine, as op.get_bind() gives) is a SQLite one."""
    return bind.dialect.name == "sqlite"


class TextContains(ColumnElement):
    """`column` contains `words` (taken literally, % and _ included) the way SQLite's LIKE
    finds them: Latin letters in either case. PostgreSQL's LIKE tells case apart, so there
    it is ILIKE; a list's search box finds the same rows on both (core.listing)."""

    # Not cached: `words` is not a bound parameter of this element (contains() makes one
    # when compiled), so a cached statement would keep the first search's words.
    inherit_cache = False
    type = sa.Boolean()

    def __init__(self, column, words: str):
        self.column = column
        self.words = words


@compiles(TextContains)
def _contains_as_sqlite_does(element, compiler, **kw) -> str:
    return compiler.process(element.column.contains(element.words, autoescape=True), **kw)


@compiles(TextContains, "postgresql")
def _contains_in_either_case(element, compiler, **kw) -> str:
    return compiler.process(element.column.icontains(element.words, autoescape=True), **kw)
