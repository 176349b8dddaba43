"""The local store: opening the database safely, its schema version and upgrades, backups.

A ledger is a SQLite file on the office PC's local disk (or any database URL SQLAlchemy
understands). Every connection gets foreign keys, a busy timeout, WAL and synchronous=FULL,
so an entry the clerk saw saved survives a power cut.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Iterator
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError, DatabaseError, DBAPIError, IntegrityError, NoSuchModuleError, OperationalError,
    ProgrammingError)
from sqlalchemy.orm import Session, sessionmaker

from core import inspection_days
from core.errors import (
    NotADatabaseError, OutputError, SchemaTooNewError, SchemaTooOldError, StoreError, os_reason,
)
from core.models import Base
from core.schema import CURRENT_VERSION, MIN_UPGRADABLE_VERSION, UPGRADES

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
VERSION_TABLE = "schema_info"


def is_network_path(path: Path) -> bool:
    """A UNC path (\\\\server\\share) or a mapped network drive on Windows."""
    s = str(path)
    if s.startswith("\\\\") or s.startswith("//"):
        return True
    if os.name == "nt" and len(s) > 1 and s[1] == ":":
        import ctypes  # Windows only: DRIVE_REMOTE == 4

        return ctypes.windll.kernel32.GetDriveTypeW(f"{s[0]}:\\") == 4
    return False


def shown_location(location: str) -> str:
    """The location as told to the clerk and written to the log: a database URL's password
    is replaced by ***, so an error message can be copied into a support e-mail."""
    if "://" not in location:
        return location
    try:
        return make_url(location).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):   # make_url raises ValueError on a bad port
        return location.split("://", 1)[0] + "://…"


def database_url(location: str) -> URL:
    """A SQLAlchemy URL for a path or URL the clerk gave."""
    if "://" in location:
        try:
            return _with_our_driver(make_url(location))
        except (ArgumentError, ValueError) as exc:
            raise StoreError(f"数据库地址「{shown_location(location)}」无法识别，"
                             f"应形如 postgresql://用户@服务器/数据库，或直接给出 .db 文件的路径。") from exc
    # Built, not "sqlite:///" + path: a "?" in a folder name would start the URL's query and
    # the ledger would be made in another file than the one chosen.
    return URL.create("sqlite", database=str(Path(location).expanduser().resolve()))


# --- A ledger on a PostgreSQL server (issue 22) ---------------------------------------------

# Older servers were never tried: every query here is plain SQL that 13 runs, and releases
# before 13 have been out of their developers' support since 2024.
MIN_SERVER_VERSION = (13,)
SERVER_CONNECT_TIMEOUT_S = 10     # an unreachable server is told in seconds, not minutes


def _with_our_driver(url: URL) -> URL:
    """postgresql://… means the driver the program carries (psycopg 3), not SQLAlchemy's
    default psycopg2, which it does not."""
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def _explain_server(exc: Exception, location: str) -> StoreError | None:
    """The clerk's words for a server that cannot be reached or logged into; None for
    anything else. Matched on libpq's own (English) sentences: a connection failure carries
    no error code."""
    if not isinstance(exc, OperationalError) or location.startswith("sqlite"):
        return None
    msg = str(getattr(exc, "orig", None) or exc)
    shown = shown_location(location)
    if "password authentication failed" in msg or "no password supplied" in msg or (
            "role " in msg and "does not exist" in msg):
        return StoreError(f"无法登录数据库服务器「{shown}」：用户名或密码不正确。")
    if "database " in msg and "does not exist" in msg:
        name = make_url(location).database if "://" in location else ""
        return StoreError(f"数据库服务器上没有数据库「{name}」（{shown}）。请检查数据库名，"
                          f"或请信息中心先在服务器上建立它。")
    if any(words in msg for words in (
            "Connection refused", "could not translate host name", "failed to resolve host",
            "timeout expired", "No route to host", "Network is unreachable",
            "could not connect to server", "No such file or directory")):
        # The driver's first line too: refused, unknown name or timeout tells 信息中心 where.
        return StoreError(f"无法连接数据库服务器「{shown}」：服务器未开机、地址或端口不对，"
                          f"或被防火墙阻挡。请检查服务器地址和端口，或联系信息中心"
                          f"（{_driver_says(exc)}）。")
    return None


def _check_server(engine: Engine, location: str) -> None:
    """Refuse a server older than MIN_SERVER_VERSION before anything is written to it."""
    with engine.connect():
        version = engine.dialect.server_version_info or ()
    if version < MIN_SERVER_VERSION:
        shown_version = ".".join(str(n) for n in version[:2]) or "未知"
        raise StoreError(f"数据库服务器「{shown_location(location)}」的 PostgreSQL 版本为 "
                         f"{shown_version}，过旧：本程序需要 PostgreSQL {MIN_SERVER_VERSION[0]} "
                         f"或更新版本。请联系信息中心升级服务器。")


@dataclass
class Store:
    """An open ledger. Use `session()` for a unit of work that commits or rolls back."""

    engine: Engine
    location: str
    read_only: bool = False     # on read-only media: opened for reading, figures, export

    def __post_init__(self):
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        inspection_days.watch(self._sessions)
        self._snapshots = self._sessions
        if self.engine.dialect.name == "postgresql":
            # A server reads each statement's own snapshot by default (READ COMMITTED): a
            # count of several queries could see a colleague's save half-way. A reading
            # session reads one snapshot, as a SQLite transaction does.
            self._snapshots = sessionmaker(
                self.engine.execution_options(isolation_level="REPEATABLE READ"),
                expire_on_commit=False)
            inspection_days.watch(self._snapshots)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return Path(self.engine.url.database) if self.is_sqlite and self.engine.url.database else None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """Commit on success, roll back on any error: nothing is ever half-written."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except (OperationalError, DatabaseError) as exc:
            session.rollback()
            if isinstance(exc, (IntegrityError, ProgrammingError)):
                raise       # a bug (validation should have refused it), not the disk
            raise _explain(exc, self.location) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def read_session(self) -> Session:
        return self._snapshots()

    def close(self) -> None:
        self.engine.dispose()


def plain_rows(session: Session, statement) -> list[tuple]:
    """The rows as the database driver returns them: tuples, without SQLAlchemy's Row
    objects and type processing (a date stays "YYYY-MM-DD" text in SQLite, a boolean 0/1).
    For queries over a whole city year (the year's figures, a list's ids), where that
    per-row work cost more than the query itself (docs/PERFORMANCE.md)."""
    result = session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _driver_says(exc: Exception) -> str:
    """The database driver's own first line, without SQLAlchemy's statement and web link."""
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


def _explain(exc: Exception, location: str) -> StoreError:
    on_server = _explain_server(exc, location)
    if on_server is not None:
        return on_server
    msg = str(exc).lower()
    location = shown_location(location)
    if "unable to open database file" in msg:
        return StoreError(f"无法打开数据库文件「{location}」：该路径是文件夹，或没有读写权限。")
    if "disk i/o error" in msg:
        return StoreError(f"读写数据库「{location}」时出错（磁盘已满、移动硬盘或网络盘断开，或磁盘故障）。"
                          f"本次操作没有保存，之前保存的数据不受影响。请检查磁盘后重试。")
    if "locked" in msg or "busy" in msg:
        return StoreError(f"数据库「{location}」正被其他程序占用，请稍后再试。")
    if "readonly" in msg or "read-only" in msg:
        return StoreError(f"数据库「{location}」所在位置只读，无法保存。请检查文件夹权限。")
    if "disk is full" in msg or "full" in msg:
        return StoreError(f"磁盘空间已满，数据库「{location}」无法保存，本次操作没有保存（之前保存的数据"
                          f"不受影响）。请清理磁盘后重试。")
    if "malformed" in msg or "not a database" in msg:
        return NotADatabaseError(f"数据库文件「{location}」已损坏，请从备份恢复。")
    if "://" in location and not location.startswith("sqlite") and isinstance(exc, OperationalError):
        return StoreError(f"无法连接数据库「{location}」：{_driver_says(exc)}")
    if "://" in location and not location.startswith("sqlite"):
        return StoreError(f"数据库「{location}」操作失败：{_driver_says(exc)}")
    # SQLite's own words are English: the clerk gets a sentence, the log the details.
    log.warning("database %s: %s", location, _driver_says(exc))
    return StoreError(f"数据库「{location}」操作失败（{sqlite_reason(exc)}），本次操作没有保存。"
                      f"如果再次出现，请用「数据 → 检查数据库」检查，或从备份恢复。")


def _sqlite_pragmas(journal_mode: str):
    def on_connect(dbapi_conn, _record):
        # pysqlite's own transaction handling begins only before INSERT/UPDATE/DELETE, so
        # the queries of one count could read two different states of the file, and
        # SAVEPOINT misbehaves. It is switched off here and BEGIN is emitted by SQLAlchemy
        # (see _begin): every session is one real SQLite transaction, reads included
        # (SQLAlchemy's documented recipe for pysqlite).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if journal_mode:    # None on read-only media: the file's own mode, unchanged
            cur.execute(f"PRAGMA journal_mode={journal_mode}")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    return on_connect


def _begin(conn) -> None:
    # Deferred: a reading session takes no write lock, and in WAL mode it reads the
    # snapshot of its first query while others keep saving.
    conn.exec_driver_sql("BEGIN")


def _missing_folder(folder: Path) -> StoreError:
    return StoreError(f"数据库所在文件夹「{folder}」不存在（移动硬盘或共享盘是否已连接？）。")


def make_engine(location: str, *, read_only: bool = False) -> Engine:
    url = database_url(location)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        # WAL on a network share corrupts (shared memory does not cross machines); such a
        # file gets the rollback journal instead, and the GUI warns the clerk.
        journal = "DELETE" if is_network_path(path) else "WAL"
        if path.parent and not path.parent.exists():
            raise _missing_folder(path.parent)
        if read_only:
            uri = _read_only_ledger_uri(path)
            engine = create_engine(url, creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False))
            event.listen(engine, "connect", _sqlite_pragmas(None))
            event.listen(engine, "begin", _begin)
            return engine
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas(journal))
        event.listen(engine, "begin", _begin)
        return engine
    try:
        if url.get_driver_name() in ("psycopg", "psycopg2"):
            return create_engine(url, pool_pre_ping=True,
                                 connect_args={"connect_timeout": SERVER_CONNECT_TIMEOUT_S})
        return create_engine(url, pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise StoreError(f"数据库地址「{shown_location(location)}」的类型"
                         f"「{url.drivername}」无法识别。请给出 .db 文件的路径。") from exc
    except ImportError as exc:
        # The installed program carries SQLite only; a server database needs its driver.
        raise StoreError(f"数据库地址「{shown_location(location)}」需要的数据库驱动"
                         f"（{exc.name or exc}）未随本程序安装。本程序使用本机的 SQLite 数据库文件："
                         f"请给出 .db 文件的路径。") from exc


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


def _write_version(conn, version: int) -> None:
    conn.execute(text(f"DELETE FROM {VERSION_TABLE}"))
    conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version) VALUES (:v)"), {"v": version})


def open_store(location: str, *, create: bool = True) -> Store:
    """Open (and if needed create or upgrade) the ledger at `location`.

    Raises SchemaTooNewError for a file from a newer program, NotADatabaseError for a file
    that is not a ledger or is damaged, StoreError for anything else the clerk can act on.
    """
    read_only = False
    url = database_url(location)
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        # Read before anything is opened for writing: a file that is no ledger is refused
        # byte for byte as it was (opening it would already switch it to WAL).
        _probe_ledger_file(path)
        read_only = path.exists() and not _writable(path)
    engine = make_engine(location, read_only=read_only)
    try:
        if engine.dialect.name == "sqlite":
            _check_sqlite_file(engine, location)
        elif engine.dialect.name == "postgresql":
            _check_server(engine, location)
        version = read_version(engine)
        if read_only and (version is None or version < CURRENT_VERSION):
            raise StoreError(
                f"台账「{shown_location(location)}」在只读的位置（光盘、写保护的U盘或没有写权限的文件夹）"
                + ("，其中还没有台账数据，无法新建。" if version is None else
                   f"，它的数据版本（{version}）需要升级后才能打开，升级要写入文件。")
                + "请把文件复制到本机硬盘后再打开。")
        if version is None:
            if not create:
                raise NotADatabaseError(f"「{shown_location(location)}」中没有执法台账数据。")
            _create_schema(engine)
        elif version > CURRENT_VERSION:
            raise SchemaTooNewError(
                f"数据库「{shown_location(location)}」由更新版本的程序创建（数据版本 {version}，"
                f"本程序支持到 {CURRENT_VERSION}）。请安装最新版本后再打开，以免数据受损。")
        elif version < CURRENT_VERSION:
            _upgrade(engine, location, version)
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        raise _explain(exc, location) from exc
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, location, read_only=read_only)


SQLITE_HEADER = b"SQLite format 3\x00"


def read_only_uri(path: PurePath) -> str:
    """The SQLite URI that opens the file at absolute `path` read-only. Escaped: written as
    f"file:{path}", a folder called 「备份#1」 or 「50%」 cut the path short and every backup
    in it read as damaged. Not pathlib's as_uri(): it makes \\\\server\\share\\备份 into
    file://server/…, and SQLite refuses any authority but localhost; an empty authority and
    the whole path after it (file:////server/share/…) is what SQLite documents."""
    text_ = path.as_posix()
    if not text_.startswith("/"):
        text_ = "/" + text_                   # C:/… -> /C:/…, as in file:///C:/…
    return f"file://{quote(text_, safe='/:')}?mode=ro"


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(read_only_uri(Path(path).resolve()), uri=True)


def _stored_version(conn: sqlite3.Connection) -> int | None:
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


def _writable(path: Path) -> bool:
    """Whether SQLite can write the file and the journal beside it (not a CD, a write-
    protected stick or a folder without write permission)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_only_ledger_uri(path: Path) -> str:
    uri = read_only_uri(path.resolve())
    # A WAL ledger on read-only media has no -shm SQLite could create: immutable tells it
    # nothing can change the file meanwhile. Not when a -wal is there: its saves would be
    # skipped.
    wal = Path(str(path) + "-wal")
    if not _writable(path) and not (wal.exists() and wal.stat().st_size):
        uri += "&immutable=1"
    return uri


def _probe_ledger_file(path: Path) -> None:
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
        with contextlib.closing(sqlite3.connect(_read_only_ledger_uri(path), uri=True)) as conn:
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
    version_value(rows[0][0])


def probe_location(location: str) -> bool:
    """Whether a ledger already exists at `location` (True) or an empty one would be made
    there (False), told before the clerk makes it the data file for the next start. Raises
    StoreError in words where neither can be: an empty entry, a folder, a folder that does
    not exist, a file that is no ledger, one from a newer program. Only reads: nothing is
    created, upgraded or locked."""
    location = location.strip()
    if not location:
        raise StoreError("请填写台账数据文件的路径。")
    if "://" in location:
        make_engine(location).dispose()      # an unknown kind or a missing driver, in words
        return True
    path = Path(location).expanduser()
    if path.is_dir():
        raise StoreError(f"「{path}」是文件夹。请在其中选择或新建一个数据文件，"
                         f"如「{path / '执法台账.db'}」。")
    if not path.parent.is_dir():
        raise _missing_folder(path.parent)
    if not path.exists():
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"无法读取「{path}」：{os_reason(exc)}") from exc
    if not head:
        return False                          # an empty file: SQLite makes the ledger in it
    if head != SQLITE_HEADER:
        raise NotADatabaseError(f"「{path.name}」不是执法台账数据文件。")
    try:
        with contextlib.closing(_open_read_only(path)) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not names:
                return False
            if VERSION_TABLE not in names:
                raise NotADatabaseError(f"「{path.name}」中已有数据表，但不是执法台账数据文件。")
            version = _stored_version(conn)
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"「{path.name}」已损坏，或不是执法台账数据文件。") from exc
    if version and version > CURRENT_VERSION:
        raise SchemaTooNewError(f"「{path.name}」由更新版本的程序创建（数据版本 {version}，"
                                f"本程序支持到 {CURRENT_VERSION}），请先安装最新版本。")
    return True


def _check_sqlite_file(engine: Engine, location: str) -> None:
    with engine.connect() as conn:
        try:
            result = conn.execute(text("PRAGMA quick_check")).scalar()
        except DatabaseError as exc:
            raise NotADatabaseError(
                f"「{location}」不是有效的数据库文件，或文件已损坏。请从备份恢复。") from exc
        if result != "ok":
            raise NotADatabaseError(
                f"数据库「{location}」检查发现损坏（{result}）。请从备份恢复。")


def _create_schema(engine: Engine) -> None:
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)"))
        _write_version(conn, CURRENT_VERSION)


def _upgrade(engine: Engine, location: str, version: int) -> None:
    if version < MIN_UPGRADABLE_VERSION:
        raise SchemaTooOldError(
            f"数据库「{location}」的数据版本 {version} 过旧，本程序无法升级。")
    copy = None
    if engine.dialect.name == "sqlite":
        copy = backup_sqlite(Path(engine.url.database), Path(engine.url.database).parent,
                             tag=f"升级前-v{version}")
        log.info("copy before upgrade: %s", copy)
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    for step in range(version + 1, CURRENT_VERSION + 1):
        # One transaction per step, the version written inside it: a crash mid-way leaves
        # the file at the last finished step, never between.
        try:
            with engine.begin() as conn:
                UPGRADES[step](Operations(MigrationContext.configure(conn)))
                _write_version(conn, step)
        except (DBAPIError, sqlite3.Error) as exc:
            log.warning("upgrading %s to schema %d failed: %s", location, step, _driver_says(exc))
            raise StoreError(
                f"数据文件「{shown_location(location)}」从数据版本 {step - 1} 升级到 {step} 时失败"
                f"（{sqlite_reason(exc)}），文件停在数据版本 {step - 1}，其中的数据未改动。"
                + (f"升级前的副本在「{copy}」。" if engine.dialect.name == "sqlite" else "")) from exc
        log.info("database %s upgraded to schema %d", location, step)


PART = ".db.part"                      # a backup being written; SQLite adds -journal to it
LEFTOVER_AGE = 600                     # seconds after which a .part is a killed backup's


def _clear_leftovers(dest_dir: Path) -> None:
    """Remove what a backup killed mid-way left (`….db.part`, `….db.part-journal`, often 0
    bytes): never a finished backup, and not one another process may be writing now."""
    now = dt.datetime.now().timestamp()
    for pattern in (f"执法台账备份-*{PART}", f"执法台账备份-*{PART}-journal"):
        for leftover in dest_dir.glob(pattern):
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > LEFTOVER_AGE:
                    leftover.unlink()


def _backup_target(dest_dir: Path, tag: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"执法台账备份-{stamp}{('-' + tag) if tag else ''}.db"
    target = dest_dir / name
    n = 1
    while target.exists():
        n += 1
        target = dest_dir / name.replace(".db", f"-{n}.db")
    return target


def _backup_from(src: sqlite3.Connection, dest_dir: Path, tag: str) -> Path:
    """Write a consistent copy of the database `src` is connected to into `dest_dir`,
    atomically (a .part file renamed when complete)."""
    dest_dir = Path(dest_dir)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建备份文件夹「{dest_dir}」：{os_reason(exc)}") from exc
    _clear_leftovers(dest_dir)
    target = _backup_target(dest_dir, tag)
    tmp = target.with_suffix(PART)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as dst:
            with dst:
                src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        for leftover in (tmp, Path(str(tmp) + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        reason = os_reason(exc) if isinstance(exc, OSError) else sqlite_reason(exc)
        raise OutputError(f"备份写入「{dest_dir}」失败：{reason}") from exc
    return target


def backup_sqlite(source: Path, dest_dir: Path, tag: str = "") -> Path:
    """A consistent copy of the live file (SQLite's online backup), written atomically."""
    try:
        src = _open_read_only(source)
    except sqlite3.Error as exc:
        raise OutputError(f"无法读取「{source}」以备份：{sqlite_reason(exc)}") from exc
    with contextlib.closing(src):
        return _backup_from(src, dest_dir, tag)


def sqlite_reason(exc: Exception) -> str:
    """What SQLite said, in words a clerk reads (the driver's own text is English)."""
    msg = str(exc).lower()
    if "full" in msg:
        return "磁盘空间已满"
    if "disk i/o error" in msg:
        return "磁盘读写出错（磁盘已满、移动硬盘被拔出或磁盘故障）"
    if "readonly" in msg or "read-only" in msg:
        return "所在位置只读"
    if "locked" in msg or "busy" in msg:
        return "文件正被其他程序使用"
    if "malformed" in msg or "not a database" in msg:
        return "文件已损坏"
    if "unable to open" in msg:
        return "无法打开文件（路径不存在或没有访问权限）"
    return "数据库读写失败"


def verify_backup(path: Path) -> int:
    """Check that `path` is an intact ledger this program can open; return its version."""
    if not Path(path).is_file():
        raise NotADatabaseError(f"备份文件「{path}」不存在。")
    try:
        with contextlib.closing(_open_read_only(path)) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise NotADatabaseError(f"备份文件「{path}」已损坏（{ok}）。")
            version = _stored_version(conn)
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"「{path}」不是执法台账的备份文件，或已损坏。") from exc
    if version is None:
        raise NotADatabaseError(f"「{path}」不是执法台账的备份文件。")
    if version > CURRENT_VERSION:
        raise SchemaTooNewError(f"备份「{path}」由更新版本的程序创建，请先升级程序。")
    return version


def refuse_the_ledger_itself(backup: Path, live: Path) -> None:
    """The file chooser opened where the ledger is and the clerk picked it: restoring it
    onto itself would only leave a needless copy, and a clerk who meant a backup would
    believe one was restored."""
    if Path(backup).is_file() and Path(live).is_file() and os.path.samefile(backup, live):
        raise OutputError(f"「{backup}」就是正在使用的台账本身，不是备份。"
                          f"请选择备份文件夹中的「执法台账备份-…」文件。")


RESTORE_WAIT = 10.0     # seconds a restore waits for other connections to close (the window's background counts)


def restore_sqlite(backup: Path, live: Path) -> Path | None:
    """Replace the live file's content by `backup`'s, keeping a copy of the live file first.

    Only when no other connection to the ledger is open, and proven: switching the file out
    of WAL needs that, and the exclusive lock then taken is held from before the safety copy
    until the restored content is in. The content is copied into the ledger file itself
    (SQLite's backup API) rather than a new file renamed over it: a writer that opens the
    ledger while the restore runs waits for the lock and then writes into the restored
    ledger, never into an orphaned old file whose rows would be in neither the ledger nor
    the safety copy. A damaged ledger (the usual reason to restore), which SQLite cannot
    open, is kept byte for byte and replaced as a file.

    The backup itself is only read, never moved: a failed restore can be tried again.
    Returns the safety copy of the file that was replaced (None if there was none).
    """
    live = Path(live)
    refuse_the_ledger_itself(backup, live)
    verify_backup(backup)
    if not live.exists() or live.stat().st_size == 0:
        _replace_file(backup, live)
        return None
    try:
        conn = _exclusively(live)
    except NotADatabaseError:
        safety = _copy_damaged(live, live.parent / "恢复前副本")
        _replace_file(backup, live)
        return safety
    with contextlib.closing(conn):
        try:
            safety = _backup_from(conn, live.parent / "恢复前副本", tag="恢复前")
        except OutputError:
            safety = None       # damaged inside (malformed pages): kept as bytes below
        if safety is None:
            conn.close()
            safety = _copy_damaged(live, live.parent / "恢复前副本")
            _replace_file(backup, live)
            return safety
        try:
            with contextlib.closing(_open_read_only(backup)) as src:
                src.backup(conn)
        except sqlite3.Error as exc:
            raise OutputError(f"恢复到「{live}」失败：{sqlite_reason(exc)}。原台账未改动，"
                              f"另存的副本在「{safety}」。") from exc
    return safety


def _exclusively(live: Path) -> sqlite3.Connection:
    """A connection to `live` holding its exclusive lock, or StoreError if any other
    connection (this program elsewhere, another program) has the file open. Raises
    NotADatabaseError for a file SQLite cannot read."""
    try:
        conn = sqlite3.connect(live, timeout=RESTORE_WAIT, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"无法打开「{live}」：{sqlite_reason(exc)}") from exc
    try:
        conn.execute("PRAGMA journal_mode=DELETE").fetchone()   # checkpoints the WAL first
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")          # the lock stays with the connection until closed
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise StoreError(f"台账「{live.name}」正被其他程序或窗口打开，无法恢复（恢复会覆盖其中"
                             f"正在保存的数据）。请关闭其他打开该台账的程序后再试。") from exc
        raise StoreError(f"无法恢复到「{live}」：{sqlite_reason(exc)}") from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NotADatabaseError(f"「{live.name}」已损坏。") from exc
    return conn


def _replace_file(backup: Path, live: Path) -> None:
    tmp = live.with_name(live.name + ".restore")
    try:
        shutil.copyfile(backup, tmp)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(str(live) + suffix)
        os.replace(tmp, live)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"恢复到「{live}」失败：{os_reason(exc)}") from exc


def _copy_damaged(live: Path, dest_dir: Path) -> Path:
    """A byte-for-byte copy of a file SQLite cannot read (with its -wal, if any)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = dest_dir / f"执法台账损坏副本-{stamp}.db"
    n = 1
    while target.exists():
        n += 1
        target = dest_dir / f"执法台账损坏副本-{stamp}-{n}.db"
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(live, target)
        if Path(str(live) + "-wal").exists():
            shutil.copyfile(str(live) + "-wal", str(target) + "-wal")
    except OSError as exc:
        raise OutputError(f"无法保留损坏文件的副本到「{dest_dir}」：{os_reason(exc)}") from exc
    return target
