"""Two writers: the ledger is held by one instance, the second is told who holds it.

core/lock.py puts `台账.db.lock` beside the ledger; these tests play the second clerk.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import signal
import socket
import subprocess

import pytest

from core.errors import DatabaseInUseError
from core.lock import STALE_AFTER, DatabaseLock, clear_stale_lock, lock_path, read_lock

from .conftest import python

HOLD = """
import sys
from core.lock import DatabaseLock
lock = DatabaseLock.acquire(sys.argv[1], heartbeat=None)
print("held", flush=True)
sys.stdin.readline()          # hold until the test says so
lock.release()
print("released", flush=True)
"""


def _lock_file(db, host, heartbeat, pid=4321, user="zhangsan"):
    stamp = heartbeat.replace(microsecond=0).isoformat()
    lock_path(db).write_text(json.dumps({
        "host": host, "user": user, "pid": pid, "started": stamp, "heartbeat": stamp,
        "token": "their-token"}), "utf-8")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "执法台账.db"
    path.touch()
    return path


def test_a_second_instance_is_told_which_pc_user_and_process_holds_the_ledger(db):
    """Proves: while another process holds the ledger, acquiring fails with a message that
    names this PC, the user and that process; once it releases, the ledger is free."""
    holder = python(HOLD, str(db), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseInUseError) as caught:
            DatabaseLock.acquire(db, heartbeat=None)
        message = str(caught.value)
        assert socket.gethostname() in message
        assert getpass.getuser() in message
        assert str(holder.pid) in message and "执法台账.db" in message
        assert caught.value.stale is False
        assert caught.value.holder.pid == holder.pid
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.communicate(timeout=30)
    with DatabaseLock.acquire(db, heartbeat=None) as lock:
        assert lock.held and read_lock(db).pid == os.getpid()
    assert not lock_path(db).exists()


def test_a_clerk_on_another_pc_through_a_shared_folder_is_named(db):
    """Proves: a lock written by another PC (fresh heartbeat) is respected, not cleared."""
    _lock_file(db, "FAZHIKE-PC2", dt.datetime.now(), user="李秀英")
    with pytest.raises(DatabaseInUseError, match="FAZHIKE-PC2.*李秀英") as caught:
        DatabaseLock.acquire(db, heartbeat=None)
    assert caught.value.stale is False
    assert clear_stale_lock(db) is False
    assert read_lock(db).host == "FAZHIKE-PC2"


def test_the_lock_of_a_killed_instance_is_taken_over_by_the_next_start_of_the_same_clerk(db):
    """Proves: after SIGKILL (or a power cut) the lock survives; the same user starting the
    program again on this PC gets the ledger without a question, since its holder is gone."""
    holder = python(HOLD, str(db), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=30)
    assert read_lock(db).pid == holder.pid                    # left behind
    with DatabaseLock.acquire(db, heartbeat=None) as lock:
        assert lock.held and read_lock(db).pid == os.getpid()


def test_a_dead_lock_of_another_user_on_this_pc_is_asked_about_then_cleared(db):
    """Proves: a lock another Windows account left on this PC, its process gone, is stale
    but not taken silently: the clerk is told it can be cleared, and clearing lets them in."""
    dead = python("import os; print(os.getpid())", stdout=subprocess.PIPE)
    pid = int(dead.communicate(timeout=30)[0])
    _lock_file(db, socket.gethostname(), dt.datetime.now(), pid=pid, user="李秀英")
    with pytest.raises(DatabaseInUseError, match="已经失效") as caught:
        DatabaseLock.acquire(db, heartbeat=None)
    assert caught.value.stale is True
    assert clear_stale_lock(db) is True
    with DatabaseLock.acquire(db, heartbeat=None) as lock:
        assert lock.held


def test_another_pc_that_stopped_beating_goes_stale_and_force_takes_over(db):
    """Proves: a lock from another PC whose heartbeat is older than STALE_AFTER is offered
    for clearing, and `force=True` (the clerk confirmed) takes the ledger."""
    _lock_file(db, "FAZHIKE-PC2", dt.datetime.now() - STALE_AFTER - dt.timedelta(minutes=1))
    with pytest.raises(DatabaseInUseError) as caught:
        DatabaseLock.acquire(db, heartbeat=None)
    assert caught.value.stale is True
    lock = DatabaseLock.acquire(db, force=True, heartbeat=None)
    assert read_lock(db).host == socket.gethostname()
    lock.release()


def test_a_holder_whose_lock_was_taken_over_knows_it_lost_it(db):
    """Proves: if another PC cleared our lock (we slept past STALE_AFTER), `held` and
    `refresh()` say so, and releasing does not delete the new holder's lock."""
    lock = DatabaseLock.acquire(db, heartbeat=None)
    assert lock.refresh() is True
    _lock_file(db, "FAZHIKE-PC2", dt.datetime.now())
    assert lock.held is False
    assert lock.refresh() is False
    lock.release()
    assert read_lock(db).host == "FAZHIKE-PC2"


def test_refresh_moves_the_heartbeat_forward(db):
    """Proves: the heartbeat a live holder writes is what other PCs judge staleness by."""
    lock = DatabaseLock.acquire(db, heartbeat=None)
    old = dt.datetime.now() - dt.timedelta(hours=1)
    _lock_file(db, lock.info.host, old, pid=os.getpid())
    data = json.loads(lock_path(db).read_text("utf-8"))
    data["token"] = lock.info.token
    lock_path(db).write_text(json.dumps(data), "utf-8")
    assert lock.refresh() is True
    assert dt.datetime.now() - read_lock(db).heartbeat_at < dt.timedelta(minutes=1)
    lock.release()


def test_a_half_written_lock_file_is_stale_and_clearable(db):
    """Proves: a lock file cut short by a crash while it was being written never blocks the
    clerk for ever: it reads as an unknown, stale holder."""
    lock_path(db).write_text('{"host": "FAZ', "utf-8")
    with pytest.raises(DatabaseInUseError) as caught:
        DatabaseLock.acquire(db, heartbeat=None)
    assert caught.value.stale is True
    assert clear_stale_lock(db) is True
    DatabaseLock.acquire(db, heartbeat=None).release()


def test_the_same_process_reopening_its_ledger_takes_its_own_lock_over(db):
    """Proves: reopening the ledger in the same instance (after a failed close) is no clash."""
    first = DatabaseLock.acquire(db, heartbeat=None)
    second = DatabaseLock.acquire(db, heartbeat=None)
    assert second.held and not first.held
    second.release()
    assert not lock_path(db).exists()
