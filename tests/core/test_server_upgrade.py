"""The numbered schema upgrades (core/schema) on a PostgreSQL server (issue 22).

A ledger of the first schema is put where the tests keep their ledgers (with
ZHIFA_TEST_DATABASE_URL set, a database on that server) by copying schema_v1.db's tables
and rows, as a bureau that had moved an old ledger to its server would have it. Opening it
upgrades it, step by step, to what a ledger made new there has, counting the same as the
upgraded file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from core.figures import annual_figures
from core.schema import CURRENT_VERSION
from core.store import database_url, open_store

V1 = Path(__file__).resolve().parent.parent / "resources" / "schema_v1.db"


def _put_first_schema_ledger(location: str) -> None:
    """schema_v1.db's tables, indexes and rows at `location`, plus the same unit logged
    twice more on its inspection's day (once deleted): what the upgrade to 4 must mark."""
    source = sa.create_engine(f"sqlite:///{V1}")
    target = sa.create_engine(database_url(location))
    old = sa.MetaData()
    old.reflect(source)
    for table in old.tables.values():
        for column in table.columns:
            column.type = column.type.as_generic()     # SQLite's DATETIME -> DateTime
    with source.connect() as read, target.begin() as write:
        old.create_all(write)
        for table in old.sorted_tables:
            rows = [dict(r._mapping) for r in read.execute(table.select())]
            if rows:
                write.execute(table.insert(), rows)
        inspection = old.tables["inspection"]
        first = dict(read.execute(inspection.select()).first()._mapping)
        write.execute(inspection.insert(), [dict(first, id=9001),
                                            dict(first, id=9002, deleted_at=first["created_at"])])
        if target.dialect.name == "postgresql":       # ids were given: move the sequences on
            for table in old.sorted_tables:
                if "id" in table.c:
                    write.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}), true)"))
    source.dispose()
    target.dispose()


def _shape(location: str) -> dict:
    engine = sa.create_engine(database_url(location))
    insp = sa.inspect(engine)
    shape = {t: (sorted(c["name"] for c in insp.get_columns(t)),
                 sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(t)))
             for t in insp.get_table_names()}
    engine.dispose()
    return shape


def _list_index_definition(location: str) -> str:
    """How the database itself states the inspection list's index (its condition included:
    core.dialects.partial)."""
    engine = sa.create_engine(database_url(location))
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            found = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                         "'ix_inspection_list_server'")).scalar()
        else:
            found = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = "
                                         "'ix_inspection_list'")).scalar()
    engine.dispose()
    return found or ""


def test_a_first_schema_ledger_upgrades_to_the_current_tables_and_counts_as_the_file(
        new_ledger, tmp_path):
    old = new_ledger("第一版台账.db")
    _put_first_schema_ledger(old)
    upgraded = open_store(old)
    file_copy = tmp_path / "第一版台账-文件.db"
    shutil.copy(V1, file_copy)
    with sa.create_engine(f"sqlite:///{file_copy}").begin() as raw:
        first = dict(raw.execute(sa.text("SELECT * FROM inspection")).first()._mapping)
        for extra in (dict(first, id=9001), dict(first, id=9002, deleted_at=first["created_at"])):
            raw.execute(sa.text(f"INSERT INTO inspection ({', '.join(extra)}) "
                                f"VALUES ({', '.join(':' + k for k in extra)})"), extra)
    from_file = open_store(str(file_copy))
    try:
        with upgraded.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version FROM schema_info")).scalar() == CURRENT_VERSION
        with upgraded.session() as s, from_file.session() as f:
            on_server, in_file = annual_figures(s, 2025), annual_figures(f, 2025)
            assert on_server["inspection.total"] == 1          # three entries, one counts
            assert on_server.as_json() == in_file.as_json()
    finally:
        upgraded.close()
        from_file.close()
    fresh = new_ledger("新台账.db")
    open_store(fresh).close()
    assert _shape(old) == _shape(fresh)
    # Partial on a server too, made new or by the upgrade (the condition is written for the
    # server by core.dialects, not by SQLAlchemy's postgresql_where).
    for location in (old, fresh):
        assert "WHERE (items IS NOT NULL)" in _list_index_definition(location) or \
            "WHERE items IS NOT NULL" in _list_index_definition(location)
