"""The lock file that says who holds a ledger: one writer at a time, the second told who.

A ledger `台账.db` opened for writing gets `台账.db.lock` beside it, holding the computer name,
the Windows/Linux user, the process id, when it was taken and a heartbeat. A second instance
(on this PC, or on another PC through a shared folder) finds the file and gets a
`DatabaseInUseError` whose message names that PC and user, with `.holder` (LockInfo) and
`.stale` set so the GUI can offer 「解除占用」 when the holder is evidently gone.

Why a lock file and not SQLite's own locking: SQLite only locks for the length of a
transaction, so two clerks could both keep the ledger open and overwrite each other's edits
form by form; and on a network share its locks are unreliable (DOMAIN.md). The lock file is
the same idea as novelWriter's project lock.

A lock is stale when
- it was taken on this PC by a process that no longer runs (the program crashed or was
  killed), or
- its heartbeat is older than STALE_AFTER: the holder refreshes the heartbeat every
  HEARTBEAT seconds from a daemon thread, so a lock from another PC that stopped beating (that
  PC crashed, lost power or left the network) goes stale without anyone guessing about pids.
A holder whose lock was cleared by someone else (its PC slept past STALE_AFTER) notices at
the next heartbeat: `held` turns False and the GUI must stop saving.

A stale lock is cleared only after the clerk confirms, with one exception: a lock left on
this PC by this same Windows/Linux user whose process is gone (the program was killed, the
PC lost power) is taken over at once. Nobody can be writing through it, and a question after
every power cut would teach the clerk to click 「解除占用」 unread, the one answer that
matters when the holder is really on another PC.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from core.errors import DatabaseInUseError, StoreError, os_reason
from core.processes import pid_alive

log = logging.getLogger(__name__)

HEARTBEAT = 60                       # seconds between heartbeats of a live holder
WRITER_WAIT = 5.0                    # seconds a batch writer waits for another to finish
STALE_AFTER = dt.timedelta(minutes=10)
SUFFIX = ".lock"


def lock_path(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:   # no login name (service account, odd environment): still lock
        return "未知用户"


@dataclass(frozen=True)
class LockInfo:
    """What the lock file says about its holder."""

    host: str
    user: str
    pid: int
    started: str        # ISO date-time, local clock of the holder
    heartbeat: str
    token: str          # random id of this holding, so a holder can tell its own lock

    @property
    def started_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.started)

    @property
    def heartbeat_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.heartbeat)

    @property
    def on_this_pc(self) -> bool:
        return self.host.lower() == socket.gethostname().lower()

    def describe(self) -> str:
        """「电脑 FAZHIKE-PC 上的用户 zhang（进程 1234，自 2026-11-23 08:00 起）」"""
        return (f"电脑「{self.host}」上的用户「{self.user}」"
                f"（进程 {self.pid}，自 {self.started_at:%Y-%m-%d %H:%M} 起）")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def read_lock(db_path: Path | str) -> LockInfo | None:
    """The current holder of `db_path`, or None. An unreadable lock file counts as a holder
    nobody can name (host 「未知」), and is stale at once so that it can be cleared."""
    path = lock_path(db_path)
    try:
        raw = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"无法读取锁文件「{path}」：{os_reason(exc)}") from exc
    try:
        data = json.loads(raw)
        info = LockInfo(**{k: data[k] for k in LockInfo.__dataclass_fields__})
        info.heartbeat_at, info.started_at  # noqa: B018 — both must parse
        return info
    except (ValueError, KeyError, TypeError):
        # A half-written lock (the holder died while writing it) or a foreign file.
        epoch = dt.datetime(1970, 1, 1).isoformat()
        return LockInfo(host="未知", user="未知", pid=0, started=epoch, heartbeat=epoch,
                        token="")


def is_stale(info: LockInfo, now: dt.datetime | None = None) -> bool:
    now = now or _now()
    if info.on_this_pc and not pid_alive(info.pid):
        return True
    return now - info.heartbeat_at > STALE_AFTER


def abandoned_here(info: LockInfo) -> bool:
    """Left by this user's own program on this PC, which no longer runs (see the module's
    docstring): taken over without asking."""
    return info.on_this_pc and info.user == _user() and info.pid > 0 and not pid_alive(info.pid)


def in_use_error(db_path: Path | str, info: LockInfo) -> DatabaseInUseError:
    """The error the second writer gets: who holds the ledger and what to do."""
    stale = is_stale(info)
    name = Path(db_path).name
    if stale:
        advice = ("这个占用看起来已经失效（那台电脑上的程序可能已异常退出或断开）。"
                  "如确认无人在用，可以解除占用后打开。")
    else:
        advice = "同一时间只能一处录入，以免互相覆盖。请在那台电脑上关闭程序后再打开。"
    err = DatabaseInUseError(f"执法台账「{name}」正被{info.describe()}使用。{advice}")
    err.holder = info
    err.stale = stale
    return err


class DatabaseLock:
    """A held lock on one ledger. Use `DatabaseLock.acquire(path)`; `release()` when closing
    (also on `with`). While held, a daemon thread refreshes the heartbeat."""

    def __init__(self, db_path: Path, info: LockInfo, heartbeat: float | None):
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self.info = info
        self._lost = False
        self._stop = threading.Event()
        self._thread = None
        if heartbeat:
            self._thread = threading.Thread(target=self._beat, args=(heartbeat,),
                                            name="zhifa-lock-heartbeat", daemon=True)
            self._thread.start()

    @classmethod
    def acquire(cls, db_path: Path | str, *, force: bool = False,
                heartbeat: float | None = HEARTBEAT) -> "DatabaseLock":
        """Take the lock, or raise DatabaseInUseError naming its holder.

        A stale lock is not taken silently: the clerk is told, and `force=True` (after the
        clerk confirmed 「解除占用」) clears it. A lock this very process holds, or one this
        user's program left on this PC when it was killed, is taken over.
        """
        db_path = Path(db_path)
        now = _now().isoformat()
        info = LockInfo(host=socket.gethostname(), user=_user(), pid=os.getpid(), started=now,
                        heartbeat=now, token=uuid.uuid4().hex)
        for _attempt in range(3):
            if _create_exclusive(lock_path(db_path), info.to_json()):
                return cls(db_path, info, heartbeat)
            holder = read_lock(db_path)
            if holder is None:
                continue                                # released meanwhile: try again
            ours = holder.on_this_pc and holder.pid == os.getpid()
            if not (ours or force or abandoned_here(holder)):
                raise in_use_error(db_path, holder)
            if not ours:
                log.info("clearing the lock of %s (%s)", db_path,
                         "confirmed by the clerk" if force else "its process is gone")
            _remove_if_unchanged(db_path, holder)
        raise in_use_error(db_path, read_lock(db_path) or info)

    @property
    def held(self) -> bool:
        """False once released, or once someone else cleared this lock and took the ledger."""
        if self._lost or self._stop.is_set():
            return False
        current = read_lock(self.db_path)
        self._lost = current is None or current.token != self.info.token
        return not self._lost

    def refresh(self) -> bool:
        """Write a new heartbeat; False (and `held` False) if the lock is no longer ours."""
        if not self.held:
            return False
        self.info = LockInfo(**{**asdict(self.info), "heartbeat": _now().isoformat()})
        try:
            _write_over(self.path, self.info.to_json())
        except OSError:
            return True   # shared folder briefly unreachable: try again at the next beat
        return True

    def release(self) -> None:
        self._stop.set()
        if self._lost:
            return
        current = read_lock(self.db_path)
        if current is not None and current.token == self.info.token:
            with contextlib.suppress(OSError):
                self.path.unlink()

    def _beat(self, every: float) -> None:
        while not self._stop.wait(every):
            if not self.refresh():
                return

    def __enter__(self) -> "DatabaseLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def acquire_waiting(db_path: Path | str, wait: float | None = None,
                    heartbeat: float | None = HEARTBEAT) -> DatabaseLock:
    """The lock for a batch write (zhifa-cli import, restore, demo…): if another writer holds
    it, wait up to `wait` seconds for it to finish (a second command started while the first
    is closing), then refuse with the DatabaseInUseError naming the holder. A stale lock from
    another PC is not cleared here: only the window asks the clerk to 「解除占用」."""
    deadline = time.monotonic() + (WRITER_WAIT if wait is None else wait)
    while True:
        try:
            return DatabaseLock.acquire(db_path, heartbeat=heartbeat)
        except DatabaseInUseError:
            if time.monotonic() >= deadline:
                raise
        time.sleep(0.1)


@contextlib.contextmanager
def writing(store, wait: float | None = None):
    """Hold the ledger's lock for one batch write through `store` (a core.store.Store), the
    same lock the window holds while open: a command-line import or restore is refused while
    the clerk has the ledger open, instead of writing beside (or under) the window. Not for
    the window itself, which holds the lock for as long as it is open. A database that is
    no SQLite file (a server database) has no lock file and is written as before."""
    path = getattr(store, "path", None)
    if path is None:
        yield None
        return
    lock = acquire_waiting(path, wait)
    try:
        yield lock
    finally:
        lock.release()


def clear_stale_lock(db_path: Path | str) -> bool:
    """Remove the lock if it is stale; True if it was removed (or there was none)."""
    holder = read_lock(db_path)
    if holder is None:
        return True
    if not is_stale(holder):
        return False
    return _remove_if_unchanged(db_path, holder)


def _create_exclusive(path: Path, content: str) -> bool:
    """Create `path` only if it does not exist (O_EXCL: atomic, also on SMB shares)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StoreError(f"无法在「{path.parent}」创建锁文件：{os_reason(exc)}。"
                         f"请检查该文件夹是否可写。") from exc
    try:
        os.write(fd, content.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


def _write_over(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(content, "utf-8")
    os.replace(tmp, path)


def _remove_if_unchanged(db_path: Path | str, holder: LockInfo) -> bool:
    """Remove the lock file if it still holds `holder`. Two instances clearing the same stale
    lock at once: the rename succeeds for one only, so only one of them takes the ledger."""
    path = lock_path(db_path)
    current = read_lock(db_path)
    if current != holder:
        return current is None
    aside = path.with_name(path.name + f".cleared-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise StoreError(f"无法解除锁文件「{path}」：{os_reason(exc)}") from exc
    try:
        moved = aside.read_text("utf-8")
        if holder.token and _token_of(moved) != holder.token:
            # A fresh lock slipped in between reading and renaming: put it back.
            _create_exclusive(path, moved)
            return False
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            aside.unlink()
    return True


def _token_of(raw: str) -> str | None:
    try:
        return json.loads(raw).get("token")
    except (ValueError, AttributeError):
        return None
