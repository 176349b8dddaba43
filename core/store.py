"""The store: opening a ledger safely (a SQLite file, or a database on a PostgreSQL server),
its engine and sessions. The schema version and upgrades live in core.schema.versioning, the
copies of a file (backup, verify, restore) in core.backups.

A ledger is a SQLite file on the office PC's local disk (or any database URL SQLAlchemy
understands). Every connection gets foreign keys, a busy timeout, WAL and synchronous=FULL,
so an entry the clerk saw saved survives a power cut.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError, DatabaseError, DBAPIError, IntegrityError, NoSuchModuleError, OperationalError,
    ProgrammingError)
from sqlalchemy.orm import Session, sessionmaker

from core import connection, inspection_days, sqlite_files
from core.backups import backup_sqlite
from core.errors import (
    NotADatabaseError, SchemaTooNewError, StoreError, driver_says, os_reason, sqlite_reason,
)
from core.schema import CURRENT_VERSION
from core.schema.versioning import (
    VERSION_TABLE, create_schema, probe_ledger_file, read_version, refuse_unopenable, stored_version,
    upgrade,
)
from core.server_roles import refusal

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


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
    if "no password supplied" in msg:
        return StoreError(f"数据库服务器「{shown}」要求密码，但没有提供：请在「文件 → 数据文件与备份位置」"
                          f"中填写密码（或用 zhifa-cli connect --save-password 保存在系统密码保管中，"
                          f"或设置环境变量 PGPASSWORD）。")
    if "password authentication failed" in msg or (
            "role " in msg and "does not exist" in msg):
        return StoreError(f"无法登录数据库服务器「{shown}」：用户名或密码不正确。")
    if "database " in msg and "does not exist" in msg:
        name = make_url(location).database if "://" in location else ""
        return StoreError(f"数据库服务器上没有数据库「{name}」（{shown}）。请检查数据库名，"
                          f"或请信息中心先在服务器上建立它。")
    if "invalid response to SSL negotiation" in msg or "expected authentication request" in msg:
        # Something answers on that port, but not PostgreSQL (a web server, say).
        return StoreError(f"「{shown}」的地址和端口上回应的不是 PostgreSQL 数据库服务器。请检查服务器"
                          f"地址和端口（PostgreSQL 默认为 5432），或联系信息中心（{driver_says(exc)}）。")
    if any(words in msg for words in (
            "Connection refused", "could not translate host name", "failed to resolve host",
            "timeout expired", "No route to host", "Network is unreachable",
            "could not connect to server", "No such file or directory")):
        # The driver's first line too: refused, unknown name or timeout tells 信息中心 where.
        return StoreError(f"无法连接数据库服务器「{shown}」：服务器未开机、地址或端口不对，"
                          f"或被防火墙阻挡。请检查服务器地址和端口，或联系信息中心"
                          f"（{driver_says(exc)}）。")
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
    checked: bool = True        # False: the integrity check is still to run (open_store)

    def __post_init__(self):
        self._check_lock = threading.Lock()
        self._damage: NotADatabaseError | None = None
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

    def check_integrity(self) -> None:
        """The SQLite file's integrity check (PRAGMA quick_check, a read of the whole file),
        once; raises NotADatabaseError if it is damaged, now and on every later call.

        open_store(check=False) leaves it for later (the window shows the ledger first and
        runs it on a background thread); every writing session waits for it, so a damaged
        file is never written to."""
        with self._check_lock:
            if not self.checked:
                try:
                    _check_sqlite_file(self.engine, self.location)
                except NotADatabaseError as exc:
                    self._damage = exc
                except (DBAPIError, sqlite3.DatabaseError) as exc:
                    self._damage = NotADatabaseError(str(_explain(exc, self.location)))
                self.checked = True
        if self._damage is not None:
            raise self._damage

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """Commit on success, roll back on any error: nothing is ever half-written."""
        self.check_integrity()
        session = self._sessions()
        try:
            yield session
            session.commit()
        except (OperationalError, DatabaseError) as exc:
            session.rollback()
            refused = refusal(exc, session)     # the server's grants (issue 22, core.server_roles)
            if refused is not None:
                raise refused from exc
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

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session that sees the ledger as it was when it started, rolled back
        at the end; a database error while reading arrives as the clerk's sentence, as in
        `session()`.

        A background count runs while the clerk keeps saving; figures counted in two queries
        must not see an inspection whose new unit the first query had not (once seen as a
        KeyError in core.figures). Every session begins a real SQLite transaction (a server's
        reading session is REPEATABLE READ), so all its queries read one snapshot.

        A count that meets a damaged page, a disk gone or a server connection lost is a fact
        about the ledger, not a bug: it was shown as 「程序出错」 with a traceback, beside
        the integrity check's own 「台账已损坏」."""
        session = self.read_session()
        try:
            yield session
        except (OperationalError, DatabaseError) as exc:
            explained = _explain_read(exc, self.location)
            if explained is None:
                raise       # a bug in the query (SQLite's 「no such column」…), not the file
            raise explained from exc
        finally:
            session.rollback()
            session.close()

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


def _explain_read(exc: Exception, location: str) -> StoreError | None:
    """The clerk's words for what a read can meet that is the ledger's state: the file
    damaged or busy, its disk or its server gone. None for anything else (a bug)."""
    msg = str(exc).lower()
    if "disk i/o error" in msg or "unable to open database file" in msg:
        return StoreError(f"读取数据库「{shown_location(location)}」时出错（移动硬盘或网络盘断开，"
                          f"或磁盘故障）。台账中已保存的数据不受影响，请检查磁盘后重试。")
    if any(words in msg for words in _READ_FAULTS) or _explain_server(exc, location):
        return _explain(exc, location)      # its sentences for these hold for a read too
    return None


_READ_FAULTS = ("malformed", "not a database", "locked", "busy")


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
        return StoreError(f"无法连接数据库「{location}」：{driver_says(exc)}")
    if "://" in location and not location.startswith("sqlite"):
        return StoreError(f"数据库「{location}」操作失败：{driver_says(exc)}")
    # SQLite's own words are English: the clerk gets a sentence, the log the details.
    log.warning("database %s: %s", location, driver_says(exc))
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


def make_engine(location: str, *, read_only: bool = False, password: str | None = None) -> Engine:
    """`password`: a server ledger's, when the clerk has just typed it (测试连接); otherwise
    the address's own, or the one core.connection keeps (this run, or the keyring)."""
    url = database_url(location)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        # WAL on a network share corrupts (shared memory does not cross machines); such a
        # file gets the rollback journal instead, and the GUI warns the clerk.
        journal = "DELETE" if is_network_path(path) else "WAL"
        if path.parent and not path.parent.exists():
            raise _missing_folder(path.parent)
        if read_only:
            uri = sqlite_files.read_only_ledger_uri(path)
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
            connect_args = {"connect_timeout": SERVER_CONNECT_TIMEOUT_S}
            # Given to the driver at each connection, never put into the URL: the address
            # stays as saved and shown (without a password), and nothing logs it.
            if url.password is None:
                password = password if password is not None else connection.password_for(location)
                if password is not None:
                    connect_args["password"] = password
            return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        return create_engine(url, pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise StoreError(f"数据库地址「{shown_location(location)}」的类型"
                         f"「{url.drivername}」无法识别。请给出 .db 文件的路径。") from exc
    except ImportError as exc:
        # The installed program carries SQLite only; a server database needs its driver.
        raise StoreError(f"数据库地址「{shown_location(location)}」需要的数据库驱动"
                         f"（{exc.name or exc}）未随本程序安装。本程序使用本机的 SQLite 数据库文件："
                         f"请给出 .db 文件的路径。") from exc


def open_store(location: str, *, create: bool = True, check: bool = True) -> Store:
    """Open (and if needed create or upgrade) the ledger at `location`.

    Raises SchemaTooNewError for a file from a newer program, NotADatabaseError for a file
    that is not a ledger or is damaged, StoreError for anything else the clerk can act on.
    With `check=False` a SQLite file that needs no creating or upgrading is opened without
    its integrity check (a read of the whole file, 0.1 s for a city year, seconds from a
    cold disk): it runs at the first write, or earlier by `Store.check_integrity()`.
    """
    read_only = False
    url = database_url(location)
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        # Read before anything is opened for writing: a file that is no ledger is refused
        # byte for byte as it was (opening it would already switch it to WAL).
        probe_ledger_file(path)
        read_only = path.exists() and not sqlite_files.writable(path)
    engine = make_engine(location, read_only=read_only)
    checked = True
    try:
        if engine.dialect.name == "sqlite" and check:
            _check_sqlite_file(engine, location)
        elif engine.dialect.name == "postgresql":
            _check_server(engine, location)
        version = read_version(engine)
        if engine.dialect.name == "sqlite" and not check:
            if version is None or version != CURRENT_VERSION:
                _check_sqlite_file(engine, location)    # it is about to be written
            else:
                checked = False
        if read_only and (version is None or version < CURRENT_VERSION):
            raise StoreError(
                f"台账「{shown_location(location)}」在只读的位置（光盘、写保护的U盘或没有写权限的文件夹）"
                + ("，其中还没有台账数据，无法新建。" if version is None else
                   f"，它的数据版本（{version}）需要升级后才能打开，升级要写入文件。")
                + "请把文件复制到本机硬盘后再打开。")
        if version is None:
            if not create:
                raise NotADatabaseError(f"「{shown_location(location)}」中没有执法台账数据。")
            create_schema(engine)
        elif version > CURRENT_VERSION:
            refuse_unopenable(version, shown_location(location))
        elif version < CURRENT_VERSION:
            upgrade(engine, shown_location(location), version, lambda: _copy_before_upgrade(engine, version))
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        raise _explain(exc, location) from exc
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, location, read_only=read_only, checked=checked)


def probe_server(location: str, *, password: str | None = None) -> tuple[tuple, int | None]:
    """Log into a server ledger's database as open_store would, nothing written: its
    PostgreSQL version, and the ledger's schema version there (None: an empty database, where
    the first open makes the ledger). Raises StoreError in the clerk's words for a wrong
    password, an unreachable server, a missing database, a server too old, a ledger made by a
    newer program."""
    engine = make_engine(location, password=password)
    try:
        _check_server(engine, location)
        server_version = engine.dialect.server_version_info or ()
        version = read_version(engine)
    except DBAPIError as exc:
        raise _explain(exc, location) from exc
    finally:
        engine.dispose()
    if version is not None and version > CURRENT_VERSION:
        raise SchemaTooNewError(f"服务器上的台账「{shown_location(location)}」由更新版本的程序创建"
                                f"（数据版本 {version}，本程序支持到 {CURRENT_VERSION}），请先安装最新版本。")
    return server_version, version


def probe_location(location: str, *, password: str | None = None) -> bool:
    """Whether a ledger already exists at `location` (True) or an empty one would be made
    there (False), told before the clerk makes it the data file for the next start. Raises
    StoreError in words where neither can be: an empty entry, a folder, a folder that does
    not exist, a file that is no ledger, one from a newer program. Only reads: nothing is
    created, upgraded or locked. A server ledger is logged into (with `password`, if given):
    that takes up to SERVER_CONNECT_TIMEOUT_S for an unreachable one."""
    location = location.strip()
    if not location:
        raise StoreError("请填写台账数据文件的路径。")
    if "://" in location:
        if connection.is_server(location):
            return probe_server(location, password=password)[1] is not None
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
    # Not read with open(): closing a descriptor of the file drops every POSIX lock this
    # process holds on it, the window's connection's included, when the clerk picks the
    # ledger already open (see core.schema.versioning.probe_ledger_file). SQLite keeps its
    # own descriptors until its locks are released, and tells a file that is no database.
    try:
        if path.stat().st_size == 0:
            return False                      # an empty file: SQLite makes the ledger in it
        with contextlib.closing(sqlite_files.open_read_only(path)) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not names:
                return False
            if VERSION_TABLE not in names:
                raise NotADatabaseError(f"「{path.name}」中已有数据表，但不是执法台账数据文件。")
            version = stored_version(conn)
    except OSError as exc:
        raise StoreError(f"无法读取「{path}」：{os_reason(exc)}") from exc
    except sqlite3.DatabaseError as exc:
        if "unable to open" in str(exc):
            raise StoreError(f"无法读取「{path}」：{sqlite_reason(exc)}") from exc
        raise NotADatabaseError(f"「{path.name}」已损坏，或不是执法台账数据文件。") from exc
    if version and version > CURRENT_VERSION:
        raise SchemaTooNewError(f"「{path.name}」由更新版本的程序创建（数据版本 {version}，"
                                f"本程序支持到 {CURRENT_VERSION}），请先安装最新版本。")
    return True


def _copy_before_upgrade(engine: Engine, version: int) -> Path | None:
    """A SQLite file is copied beside itself before its first upgrade step; a server's
    database is the 信息中心's to back up."""
    if engine.dialect.name != "sqlite":
        return None
    path = Path(engine.url.database)
    return backup_sqlite(path, path.parent, tag=f"升级前-v{version}")


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
