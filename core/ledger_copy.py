"""Moving a whole ledger between a SQLite file and a PostgreSQL server, either way (issue 22):
`zhifa-cli copy --from A --to B`. A bureau starts on one PC and moves to the server the
bureau's IT runs when several 科室 log their own inspections, or takes a server ledger home
as a file.

Every table is copied row for row, ids included, so every record, link, recycle-bin entry
and derived mark (Inspection.first_of_day) arrives as it was and the figures are the same on
both sides. The target must be empty: a copy never merges into a ledger that has records
(the ledger import, core/ledger_io, is for that).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from core import connection
from core.commands import Command
from core.errors import StoreError
from core.models import Base
from core.store import Store, open_store, shown_location

BATCH = 2000        # rows per INSERT: a city year in a few hundred round trips to a server


def _rows_in(store: Store) -> int:
    with store.engine.connect() as conn:
        return sum(conn.execute(select(func.count()).select_from(t)).scalar()
                   for t in Base.metadata.sorted_tables)


def copy_ledger(source: Store, target: Store) -> dict[str, int]:
    """Copy every row of `source` into the empty ledger `target` (both at this program's
    schema version, as open_store leaves them), in one transaction on the target: an error
    half-way leaves it empty. Returns the rows copied per table."""
    if _rows_in(target):
        raise StoreError(f"目标台账「{shown_location(target.location)}」中已有数据。"
                         f"复制只能写入空台账，以免两份台账混在一起；如需合并，请用「导入台账」。")
    copied: dict[str, int] = {}
    with source.engine.connect() as read, target.engine.begin() as write:
        for table in Base.metadata.sorted_tables:        # parents before the rows naming them
            result = read.execution_options(yield_per=BATCH).execute(
                table.select().order_by(*table.primary_key.columns))
            copied[table.name] = 0
            for batch in result.mappings().partitions(BATCH):
                write.execute(table.insert(), [dict(row) for row in batch])
                copied[table.name] += len(batch)
        if write.dialect.name == "postgresql":
            _continue_the_ids(write)
    return copied


def _continue_the_ids(conn) -> None:
    """The ids were copied as they were: a server's id sequences must go on after them, or
    the next record saved there would be given an id already taken."""
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))


def run_copy(args) -> int:
    if args.source.strip() == args.target.strip():
        raise StoreError("复制的来源和目标是同一个台账。")
    if "://" not in args.source and not Path(args.source).expanduser().is_file():
        # Checked here: SQLite would make an empty file of a mistyped name.
        raise StoreError(f"来源台账文件「{args.source}」不存在。")
    for location in (args.source, args.target):
        connection.ask_on_terminal(location)        # a server's password, if kept nowhere
    source = open_store(args.source, create=False)
    try:
        target = open_store(args.target)
        try:
            copied = copy_ledger(source, target)
        finally:
            target.close()
    finally:
        source.close()
    print(f"已将台账「{shown_location(args.source)}」复制到「{shown_location(args.target)}」，"
          f"共 {sum(copied.values())} 行。")
    return 0


COMMANDS = [
    Command("copy", "把整个台账复制到另一个空台账（本机文件与数据库服务器之间，两个方向均可）",
            lambda p: (p.add_argument("--from", dest="source", required=True,
                                      help="来源：台账文件路径或数据库地址"),
                       p.add_argument("--to", dest="target", required=True,
                                      help="目标（须为空台账）：台账文件路径或数据库地址")),
            run_copy, needs_store=False),
]
