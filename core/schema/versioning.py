"""The schema version a ledger records, telling a file that is no ledger before it is
opened for writing, creating a new ledger's schema and running the numbered upgrades
(core.schema.UPGRADES) on an older one."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from core.errors import (
    NotADatabaseError, SchemaTooNewError, SchemaTooOldError, StoreError, driver_says, sqlite_reason,
)
from core.models import Base
from core.schema import CURRENT_VERSION, MIN_UPGRADABLE_VERSION, UPGRADES
from core.sqlite_files import read_only_ledger_uri

log = logging.getLogger(__name__)

VERSION_TABLE = "schema_info"


def read_version(engine: Engine) -> int | None:
    """The schema version stored in the file; None for an empty database."""
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        if VERSION_TABLE not in names:
            if names:
                raise NotADatabaseError("文件中已有数据表，但不是执法台账数据库。")
            return None
        row = conn.execute(text(f"SELECT version FROM {VERSION_TABLE}")).first()
        return version_value(row[0]) if row else None


def write_version(conn, version: int) -> None:
    conn.execute(text(f"DELETE FROM {VERSION_TABLE}"))
    conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version) VALUES (:v)"), {"v": version})



def stored_version(conn: sqlite3.Connection) -> int | None:
    """The schema version a ledger file records; None if it records none."""
    row = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
    return version_value(row[0]) if row else None


def version_value(raw) -> int:
    """The stored schema version as a number; NotADatabaseError in words for one that is no
    version at all (text, a fraction, 0 or less: edited by hand, or another program's)."""
    if isinstance(raw, bool):
        raw = None
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if not isinstance(raw, int) or raw < 1:
        raise NotADatabaseError(f"数据文件记录的数据版本「{raw}」无法识别（应为 1 到 {CURRENT_VERSION} "
                                f"之间的整数），文件可能被其他程序改动过。未做任何改动；请从备份恢复。")
    return raw



# Tables every schema version has had since the first: a file with a schema_info table but
# without these is another program's file, not a ledger to upgrade.
LEDGER_TABLES = {"staff", "unit", "inspection", "penalty_case", "other_act", "training"}



def probe_ledger_file(path: Path) -> None:
    """Refuse, before the file is opened for writing, a SQLite file that is not a ledger:
    another program's database (with or without a schema_info table), an empty or
    unreadable version record in a file that holds ledger tables. A missing, empty or
    damaged file is left to the usual path (created, or told as damaged)."""
    # Not read with open(): closing any descriptor of the file drops every POSIX lock this
    # process holds on it, including those of a connection still open here (the window's),
    # and another process then took itself for the last one and removed the WAL under it
    # (a disk I/O error at the next save, seen in the benchmark). SQLite itself tells a
    # file that is no database.
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return
    except OSError:
        return
    try:
        with contextlib.closing(sqlite3.connect(read_only_ledger_uri(path), uri=True)) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not names:
                return
            if VERSION_TABLE not in names:
                raise NotADatabaseError(f"「{path.name}」中已有数据表，但不是执法台账数据文件，未做任何改动。")
            missing = LEDGER_TABLES - names
            if missing:
                raise NotADatabaseError(
                    f"「{path.name}」有数据版本表，但缺少执法台账的数据表（{'、'.join(sorted(missing))}），"
                    f"不是执法台账数据文件，未做任何改动。")
            rows = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchall()
    except sqlite3.DatabaseError:
        return                                   # damaged: told by the quick check
    if not rows:
        raise NotADatabaseError(
            f"「{path.name}」中有执法台账的数据，但没有记录数据版本，无法判断应如何打开，未做任何改动。"
            f"请从备份恢复。")
    if len(rows) > 1:
        raise NotADatabaseError(
            f"「{path.name}」记录了 {len(rows)} 个数据版本，无法判断应如何打开，未做任何改动。请从备份恢复。")
    refuse_unopenable(version_value(rows[0][0]), str(path))



def create_schema(engine: Engine) -> None:
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)"))
        write_version(conn, CURRENT_VERSION)


def refuse_unopenable(version: int, location: str) -> None:
    """SchemaTooNewError for a file from a newer program, SchemaTooOldError for one older
    than the oldest upgrade step: told before the file is opened for writing, so it is left
    byte for byte as it was (opening it would already switch it to WAL)."""
    if version > CURRENT_VERSION:
        raise SchemaTooNewError(
            f"数据库「{location}」由更新版本的程序创建（数据版本 {version}，"
            f"本程序支持到 {CURRENT_VERSION}）。请安装最新版本后再打开，以免数据受损。")
    if version < MIN_UPGRADABLE_VERSION:
        raise SchemaTooOldError(
            f"数据库「{location}」的数据版本 {version} 过旧，本程序无法升级。")


def upgrade(engine: Engine, location: str, version: int,
            copy_first: Callable[[], Path | None]) -> None:
    """Upgrade step by step to CURRENT_VERSION. `location` as shown to the clerk;
    `copy_first` makes the copy kept from before the upgrade (None where there is none),
    called only once the file is known to be upgradable."""
    refuse_unopenable(version, location)
    copy = copy_first()
    if copy is not None:
        log.info("copy before upgrade: %s", copy)
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    for step in range(version + 1, CURRENT_VERSION + 1):
        # One transaction per step, the version written inside it: a crash mid-way leaves
        # the file at the last finished step, never between.
        try:
            with engine.begin() as conn:
                UPGRADES[step](Operations(MigrationContext.configure(conn)))
                write_version(conn, step)
        except (DBAPIError, sqlite3.Error) as exc:
            log.warning("upgrading %s to schema %d failed: %s", location, step, driver_says(exc))
            raise StoreError(
                f"数据文件「{location}」从数据版本 {step - 1} 升级到 {step} 时失败"
                f"（{sqlite_reason(exc)}），文件停在数据版本 {step - 1}，其中的数据未改动。"
                + (f"升级前的副本在「{copy}」。" if copy is not None else "")) from exc
        log.info("database %s upgraded to schema %d", location, step)
