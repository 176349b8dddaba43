"""Automatic backups of the ledger: on close and once a day, thinned to daily, weekly and
monthly copies so a backup folder (maybe on a shared drive) never fills up.

Only automatic copies (tag 自动) are thinned; backups the clerk made by hand are kept.
Copies are made with `backup_sqlite` (SQLite's online backup, written atomically); the same
module verifies a backup and restores one. A ledger on a server is copied by
core.server_backup (a pg_dump dump, `….dump`, or the full ledger workbook, `….xlsx`): the
same names, the same folder, the same thinning (issue 22).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
from pathlib import Path

from core.errors import NotADatabaseError, OutputError, SchemaTooNewError, StoreError, os_reason, sqlite_reason
from core.schema import CURRENT_VERSION
from core.schema.versioning import stored_version
from core.sqlite_files import open_read_only


AUTO_TAG = "自动"
MANUAL_TAG = "手动"
KEEP_DAILY = 7      # the newest copy of each of the last 7 days that have one
KEEP_WEEKLY = 4     # … of each of the last 4 weeks
KEEP_MONTHLY = 12   # … of each of the last 12 months

# .db: a file's copy; .dump / .xlsx: a server ledger's (core.server_backup).
_NAME = re.compile(r"执法台账备份-(\d{8}-\d{6})(?:-(.+?))?(?:-\d+)?\.(?:db|dump|xlsx)$")


def backup_time(path: Path) -> dt.datetime | None:
    m = _NAME.match(Path(path).name)
    return dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S") if m else None


def is_automatic(path: Path) -> bool:
    m = _NAME.match(Path(path).name)
    return bool(m and m.group(2) == AUTO_TAG)


def list_backups(backup_dir: Path) -> list[Path]:
    """Every backup in the folder, newest first."""
    folder = Path(backup_dir)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("执法台账备份-*") if p.is_file() and backup_time(p)]
    return sorted(found, key=lambda p: (backup_time(p), p.name), reverse=True)


def daily_backup_due(backup_dir: Path, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return not any(backup_time(p).date() == today for p in list_backups(backup_dir))


def backups_to_keep(paths: list[Path]) -> set[Path]:
    """The automatic copies thinning keeps: the newest per day, week and month buckets."""
    autos = sorted((p for p in paths if is_automatic(p)), key=backup_time, reverse=True)
    keep: set[Path] = set(autos[:1])
    for bucket, count in ((lambda t: t.date(), KEEP_DAILY),
                          (lambda t: t.isocalendar()[:2], KEEP_WEEKLY),
                          (lambda t: (t.year, t.month), KEEP_MONTHLY)):
        seen: list = []
        for p in autos:
            key = bucket(backup_time(p))
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                keep.add(p)
    return keep


def thin_backups(backup_dir: Path) -> list[Path]:
    """Delete automatic copies no bucket keeps; return what was deleted."""
    paths = list_backups(backup_dir)
    keep = backups_to_keep(paths)
    removed = []
    for p in paths:
        if is_automatic(p) and p not in keep:
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


def _copy(source, backup_dir: Path, tag: str) -> Path:
    """`source`: a ledger file's path, or an open core.store.Store (a server ledger's is
    dumped or exported by core.server_backup, a file's copied)."""
    if getattr(source, "engine", None) is not None:
        if source.path is None:
            from core.server_backup import backup_server
            return backup_server(source, Path(backup_dir), tag=tag)
        source = source.path
    return backup_sqlite(Path(source), Path(backup_dir), tag=tag)


def auto_backup(source, backup_dir: Path) -> Path:
    """An automatic copy now (on close, or the day's first start), then thin the folder.
    `source`: the ledger file's path or the open Store. Raises OutputError (in words) when
    the folder cannot be written."""
    target = _copy(source, backup_dir, AUTO_TAG)
    thin_backups(backup_dir)
    return target


def manual_backup(source, backup_dir: Path) -> Path:
    return _copy(source, backup_dir, MANUAL_TAG)


# --- Writing, verifying and restoring a copy ------------------------------------------------

PART = ".db.part"                      # a backup being written; SQLite adds -journal to it
LEFTOVER_AGE = 600                     # seconds after which a .part is a killed backup's


def clear_leftovers(dest_dir: Path) -> None:
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
    clear_leftovers(dest_dir)
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
        src = open_read_only(source)
    except sqlite3.Error as exc:
        raise OutputError(f"无法读取「{source}」以备份：{sqlite_reason(exc)}") from exc
    with contextlib.closing(src):
        return _backup_from(src, dest_dir, tag)



def verify_backup(path: Path) -> int:
    """Check that `path` is an intact ledger this program can open; return its version."""
    if not Path(path).is_file():
        raise NotADatabaseError(f"备份文件「{path}」不存在。")
    try:
        with contextlib.closing(open_read_only(path)) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise NotADatabaseError(f"备份文件「{path}」已损坏（{ok}）。")
            version = stored_version(conn)
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
            with contextlib.closing(open_read_only(backup)) as src:
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
